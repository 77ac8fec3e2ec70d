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

/// The non-empty lines of an NDJSON input with their 1-based line numbers; nil unless there are
/// more than one and each starts with `{` (after spaces). `dch validate` and `dch fhirpath` read
/// inputs this way.
func ndjsonLines(_ data: Data) -> [(number: Int, bytes: Data)]? {
    var lines: [(Int, Data)] = []
    var number = 0
    for raw in data.split(separator: 0x0A, omittingEmptySubsequences: false) {
        number += 1
        guard let first = raw.first(where: { ![0x20, 0x09, 0x0D].contains($0) }) else { continue }
        guard first == UInt8(ascii: "{") else { return nil }
        lines.append((number, Data(raw)))
    }
    return lines.count > 1 ? lines : nil
}

/// Gives the issues of one message of an input its file and index and, for an NDJSON line, the
/// file's line numbers (the message's line 1 is the file's line `line`).
func place(_ issues: inout [Issue], file: String, index: Int, line: Int?) {
    for i in issues.indices {
        issues[i].file = file
        issues[i].messageIndex = index
        if let line {
            let p = issues[i].position
            issues[i].position = SourcePosition(line: line + Int(p?.line ?? 1) - 1, column: Int(p?.column ?? 1))
        }
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

/// The validator every command uses: all layers, the requested profiles, and the child-health
/// event rules (`event.*`) on every message Bundle.
func fullValidator(_ converter: Converter, profiles: [String] = [], catalogue: EventCatalogue? = nil) throws -> Validator {
    let catalogue = try catalogue ?? runReportingIssues { try EventCatalogue.shipped() }
    let events = EventRules(catalogue: catalogue, pack: converter.pack)
    return Validator(pack: converter.pack, options: ValidationOptions(profiles: profiles, ruleSets: [events]))
}

/// Writes one JSON object per line to stdout (sorted keys, so the output is stable).
func writeJSONLines<Row: Encodable>(_ rows: [Row]) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    for row in rows { FileHandle.standardOutput.write(try encoder.encode(row) + Data("\n".utf8)) }
}
