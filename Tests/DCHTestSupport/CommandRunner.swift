import Foundation

/// Runs the built `dch` executable as a real process.
public struct CommandResult {
    public var status: Int32
    public var stdout: Data
    public var stderr: String
    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
}

public enum DCHCommand {
    /// The folder holding the built products (where the test bundle itself lives).
    public static var productsDirectory: URL {
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    }

    /// Runs `dch` with arguments and optional stdin, in `directory` (the package root by default),
    /// with this process's environment or `environment`.
    public static func run(_ arguments: [String], stdin: Data? = nil, in directory: URL = SharedCorpus.packageRoot,
                           environment: [String: String]? = nil) throws -> CommandResult {
        try run(executable: productsDirectory.appendingPathComponent("dch"), arguments,
                stdin: stdin, in: directory, environment: environment)
    }

    /// Runs another executable (an installed `dch`, a shell) the same way.
    public static func run(executable: URL, _ arguments: [String], stdin: Data? = nil, in directory: URL,
                           environment: [String: String]? = nil) throws -> CommandResult {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        if let environment { process.environment = environment }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        // Drain both output pipes while stdin is written, so that no full pipe can block the child.
        let outDrain = PipeDrain(out.fileHandleForReading), errDrain = PipeDrain(err.fileHandleForReading)
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        let outBytes = outDrain.wait(), errBytes = errDrain.wait()
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus, stdout: outBytes, stderr: String(decoding: errBytes, as: UTF8.self))
    }
}

/// Reads a pipe to its end on another thread; ``wait()`` returns what was read.
private final class PipeDrain: @unchecked Sendable {
    // `data` is written once, on the reading thread, before `done` is signalled, and read only
    // after `done` has been waited for: the group orders the two accesses.
    private var data = Data()
    private let done = DispatchGroup()

    init(_ handle: FileHandle) {
        done.enter()
        DispatchQueue.global().async { [self] in
            data = handle.readDataToEndOfFile()
            done.leave()
        }
    }

    /// Blocks until the pipe is closed by the writer, then returns everything it carried.
    func wait() -> Data {
        done.wait()
        return data
    }
}

/// `dch` running as a filter: stdin and stdout are pipes the test writes and reads while it runs
/// (stderr is dropped). A watchdog ends it after `timeout` seconds, so that a `dch` that waits for
/// the end of its input fails the test instead of hanging it; ``stop()`` ends it if still running.
public final class FilterProcess {
    public let process = Process()
    public let input = Pipe()
    public let output = Pipe()
    private let watchdog: DispatchWorkItem

    public init(_ arguments: [String], timeout: TimeInterval = 120) throws {
        process.executableURL = DCHCommand.productsDirectory.appendingPathComponent("dch")
        process.arguments = arguments
        process.currentDirectoryURL = SharedCorpus.packageRoot
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let process = self.process
        watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
    }

    /// Ends the process if it still runs, and the watchdog.
    public func stop() {
        watchdog.cancel()
        if process.isRunning { process.terminate() }
    }
}
