import XCTest
import Foundation
import DCHTestSupport

/// Outputs are safe: `-o` never names an input, and SIGINT and SIGTERM end a real `dch` run
/// cleanly (exit status 128 + the signal, a line on stderr, and no output left half-written,
/// neither under its name nor as a hidden temporary file). The interrupted runs read a pipe that
/// stays open, so each is interrupted while it is certainly writing.
final class OutputSafetyTests: CommandTestCase {
    func testOutputNeverNamesAnInput() throws {
        let sample = try Data(contentsOf: SharedCorpus.packageRoot.appendingPathComponent("Samples/nems-vaccination-new.xml"))
        let input = temp.appendingPathComponent("in.xml")
        try sample.write(to: input)
        let link = temp.appendingPathComponent("link.json")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: input)
        let commands: [[String]] = [
            ["convert", "--to", "json", "-o", input.path, input.path],
            ["convert", "--to", "json", "-o", link.path, input.path],
            ["validate", "-o", input.path, input.path],
            ["bulk", "--to", "json", "-o", input.path, input.path],
            ["respond", "--source-endpoint", "https://example.org/ep", "--ods-code", "X1", "-o", input.path, input.path],
        ]
        for arguments in commands {
            let run = try DCHCommand.run(arguments, in: temp)
            XCTAssertEqual(run.status, 2, "\(arguments): \(run.stderr)")
            XCTAssertTrue(run.stderr.contains("is also an input"), run.stderr)
            XCTAssertEqual(try Data(contentsOf: input), sample, "\(arguments) changed its input")
        }
    }

    /// A sample message as one NDJSON line (made by a real `dch convert`), which the reader hands
    /// on as soon as its line ends.
    private var sample: Data {
        get throws {
            let line = try DCHCommand.run(["convert", "--to", "json", "--compact", "Samples/nems-vaccination-new.xml"])
            XCTAssertEqual(line.status, 0, line.stderr)
            return line.stdout
        }
    }

    /// Starts `dch` with a pipe on stdin, writes `messages` to it and leaves it open.
    private func start(_ arguments: [String], messages: [Data]) throws -> (Process, FileHandle, Pipe) {
        let process = Process()
        process.executableURL = DCHCommand.productsDirectory.appendingPathComponent("dch")
        process.arguments = arguments
        process.currentDirectoryURL = temp
        let input = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        for message in messages { input.fileHandleForWriting.write(message) }
        return (process, input.fileHandleForWriting, errors)
    }

    /// Waits until `folder` holds a hidden temporary file of dch's (`.NAME.dch-PID.tmp`).
    private func waitForTemporaryFile(in folder: URL, timeout: TimeInterval = 30) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            if names.contains(where: { $0.hasPrefix(".") && $0.hasSuffix(".tmp") && $0.contains(".dch-") }) { return true }
            usleep(20_000)
        }
        return false
    }

    private func hiddenFiles(in folder: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasPrefix(".") }
    }

    func testSIGTERMRemovesTheUnfinishedOutputFile() throws {
        let (process, stdin, errors) = try start(["convert", "--to", "json", "--compact", "-o", "out.ndjson", "-"],
                                                 messages: [try sample])
        XCTAssertTrue(waitForTemporaryFile(in: temp), "the output's temporary file never appeared")
        process.terminate()  // SIGTERM
        process.waitUntilExit()
        try? stdin.close()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(process.terminationStatus, 128 + SIGTERM, message)
        XCTAssertTrue(message.contains("interrupted (SIGTERM)"), message)
        XCTAssertTrue(message.contains("1 unfinished output removed"), message)
        XCTAssertFalse(FileManager.default.fileExists(atPath: temp.appendingPathComponent("out.ndjson").path))
        XCTAssertEqual(hiddenFiles(in: temp), [])
    }

    func testSIGINTLeavesAFolderOfCompleteOutputsOnly() throws {
        // Two files, then a named pipe that never ends: the two are converted and staged while the
        // reader waits on the pipe (a named pipe among the inputs makes batches of one message).
        let line = try sample
        let first = temp.appendingPathComponent("a.json"), second = temp.appendingPathComponent("b.json")
        try line.write(to: first)
        try line.write(to: second)
        let fifo = temp.appendingPathComponent("slow.ndjson")
        XCTAssertEqual(mkfifo(fifo.path, 0o644), 0)
        let writer = open(fifo.path, O_RDWR)  // keeps the pipe open without waiting for a reader
        defer { close(writer) }
        let folder = temp.appendingPathComponent("out")
        let (process, stdin, errors) = try start(["convert", "--to", "xml", "-o", folder.path, first.path, second.path, fifo.path],
                                                 messages: [])
        XCTAssertTrue(waitForTemporaryFile(in: folder), "no output was staged")
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        try? stdin.close()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(process.terminationStatus, 128 + SIGINT, message)
        XCTAssertTrue(message.contains("interrupted (SIGINT)"), message)
        XCTAssertTrue(message.contains("unfinished output"), message)  // one or both, by when the signal came
        XCTAssertEqual(hiddenFiles(in: folder), [], "temporary files left behind")
        XCTAssertEqual((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [], [],
                       "outputs appear together when the run commits them, and it never did")
    }
}
