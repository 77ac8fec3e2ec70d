import ArgumentParser
import Foundation
import FHIRModel

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

/// Writes a file through a temporary name in the same folder and a rename, so readers never see a
/// partial file and a failure leaves no file behind.
func writeAtomically(_ bytes: [UInt8], to path: String) throws {
    let url = URL(fileURLWithPath: path)
    let temp = url.deletingLastPathComponent()
        .appendingPathComponent(".\(url.lastPathComponent).dch-\(ProcessInfo.processInfo.processIdentifier).tmp")
    do {
        try Data(bytes).write(to: temp)
        if FileManager.default.fileExists(atPath: path) {
            _ = try FileManager.default.replaceItemAt(url, withItemAt: temp)
        } else {
            try FileManager.default.moveItem(at: temp, to: url)
        }
    } catch {
        try? FileManager.default.removeItem(at: temp)
        throw error
    }
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
