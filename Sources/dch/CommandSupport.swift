import ArgumentParser
import Foundation
import FHIRModel
import FHIRConversion
import FHIRValidation
import ChildHealthEvents

/// Writes a line to stderr.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// Prints issues to stderr in compiler style, naming the file.
func report(_ issues: [Issue], file: String) {
    for var issue in issues {
        if issue.file == nil { issue.file = file }
        printError(issue.description)
    }
}

/// Runs setup work; issues it throws are printed and end the command with exit code 2.
func runReportingIssues<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as IssuesError {
        error.issues.forEach { printError($0.description) }
        throw ExitCode(2)
    }
}

/// Reads a whole input file, or stdin for `-`.
func readInput(_ path: String) throws -> Data {
    if path == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
    return try Data(contentsOf: URL(fileURLWithPath: path))
}

/// Reads an input (`name` is how diagnostics call it); when it cannot be read, says so on stderr,
/// records an I/O error and returns nil.
func readInput(_ path: String, name: String, exit: inout ExitStatus) -> Data? {
    do {
        return try readInput(path)
    } catch {
        printError("\(name): error: cannot read: \(error.localizedDescription)")
        exit.record(.ioError)
        return nil
    }
}


/// Writes an output file atomically (see ``AtomicFile``): never a partial file, never a lost one.
func writeAtomically(_ bytes: [UInt8], to path: String) throws {
    try AtomicFile.write(bytes, to: URL(fileURLWithPath: path))
}

/// The exit status of a command over several inputs: the worst outcome wins.
struct ExitStatus {
    enum Outcome: Int32 { case ok = 0, failed = 1, ioError = 2 }
    private(set) var worst: Outcome = .ok

    mutating func record(_ outcome: Outcome) {
        if outcome.rawValue > worst.rawValue { worst = outcome }
    }

    func finish() throws {
        if worst != .ok { throw ExitCode(worst.rawValue) }
    }
}

/// Writes one JSON object per line to stdout (sorted keys, so the output is stable).
func writeJSONLines<Row: Encodable>(_ rows: [Row]) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    for row in rows { FileHandle.standardOutput.write(try encoder.encode(row) + Data("\n".utf8)) }
}
