import ArgumentParser
import Foundation
import Synchronization
import FHIRModel
import FHIRConversion
import FHIRValidation
import ChildHealthEvents
#if canImport(Glibc)
import Glibc
#endif

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
    return try readFile(path)
}

/// Why an input could not be read: the system's reason ("No such file or directory").
struct InputReadError: LocalizedError {
    let code: Int32
    var errorDescription: String? { POSIXFile.describe(code) }
}

/// Reads a file with `open`/`fstat`/`read`: Foundation's `Data(contentsOf:)` adds a `getcwd` and
/// several `stat` calls per file, which show when thousands of inputs are read.
func readFile(_ path: String) throws -> Data {
    do throws(SystemCallError) {
        let fd = try POSIXFile.open(path, flags: O_RDONLY | O_CLOEXEC)
        defer { close(fd) }
        let info = try POSIXFile.status(of: fd)
        if POSIXFile.kind(info) == S_IFDIR { throw SystemCallError(code: EISDIR) }
        // A regular file's size is known; a pipe or device is read until its end.
        return try POSIXFile.readAll(fd, sizeHint: POSIXFile.kind(info) == S_IFREG ? Int(info.st_size) : 0)
    } catch {
        throw InputReadError(code: error.code)
    }
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


/// Writes an output file atomically and durably (see ``AtomicFile``): never a partial file, never a lost one.
func writeAtomically(_ bytes: [UInt8], to path: String) throws {
    try AtomicFile.write(bytes, toPath: path)
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

/// `--jobs N`: how many threads work on the inputs of `dch convert` and `dch validate`.
struct JobsOption: ParsableArguments {
    @Option(name: [.short, .long], help: ArgumentHelp(
        "Inputs worked on at once (default: the number of cores); the output keeps the input order.",
        valueName: "N"))
    var jobs: Int?

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be 1 or more") }
    }

    /// The number asked for, or the cores this process may run on.
    var count: Int { jobs ?? Self.usableCores }

    /// The cores this process may run on: its CPU affinity (`taskset -c 0 dch ...` gives one),
    /// else the cores online.
    static var usableCores: Int {
        CPUAffinity.cores ?? max(1, ProcessInfo.processInfo.activeProcessorCount)
    }
}

/// Objects the process keeps until it exits. The compiled definitions of a checker are tens of
/// thousands of small objects; freeing them one by one at the end of a run cost 1-2% of a
/// `dch validate` over 1,000 messages, for memory the system takes back at exit anyway.
enum ProcessLifetime {
    private static let kept = Mutex<[Any]>([])

    static func keep(_ value: Any) { kept.withLock { $0.append(value) } }
}

/// `-o` never names an input: a file written to the output's path would replace the input it is
/// made from (for `validate -o`, with the report). Checked by file identity (device and inode,
/// links followed), before anything is read. A folder output holding inputs is `convert`'s case
/// (`ConvertDestination.protect`: those inputs' outputs are refused one by one).
enum OutputGuard {
    static func refuse(_ output: String?, overwriting inputs: [String]) throws {
        guard let output, let target = identity(output) else { return }
        for input in inputs where input != "-" && identity(input) == target {
            throw ValidationError("-o \(output) is also an input (\(input)): dch never writes over its input")
        }
    }

    /// The device and inode of the regular file at `path`; nil for anything else or nothing.
    private static func identity(_ path: String) -> [UInt64]? {
        guard let info = try? POSIXFile.status(path), POSIXFile.kind(info) == S_IFREG else { return nil }
        return [UInt64(info.st_dev), UInt64(info.st_ino)]
    }
}
