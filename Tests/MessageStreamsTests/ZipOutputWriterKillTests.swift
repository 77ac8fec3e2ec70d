import Foundation
import XCTest
import DCHTestSupport
@testable import MessageStreams

/// A writer really killed (SIGKILL) mid-way, then resumed from its last saved checkpoint: the
/// finished archive holds every entry exactly once, as python's zipfile reads it.
///
/// The writer runs in a child process: this test binary run again with
/// ``childFolderVariable`` set, which makes the class's `setUp` write entries until it is killed.
final class ZipOutputWriterKillTests: XCTestCase {
    static let childFolderVariable = "DCH_ZIP_WRITER_CHILD_FOLDER"
    /// Entries between checkpoints: more than the writer's 1 MiB buffer holds, so that flushes
    /// land between checkpoints and a kill leaves a torn tail on disk.
    static let checkpointInterval = 2000

    override class func setUp() {
        super.setUp()
        if let folder = ProcessInfo.processInfo.environment[childFolderVariable] { writeUntilKilled(in: URL(fileURLWithPath: folder)) }
    }

    private static let text = ArchiveOracles.sampleText(8000)

    /// Entry `i`: a name and 500 to 3,500 bytes of text, the same in both processes.
    static func entry(_ i: Int) -> (name: String, bytes: [UInt8]) {
        let start = i * 131 % 4000
        return ("batch/\(i / 1000)/message-\(i).ndjson", Array("\(i)\n".utf8) + text[start ..< start + 500 + i * 7919 % 3000])
    }

    /// The child: adds entries and saves a checkpoint (JSON, synced, renamed into place) every
    /// ``checkpointInterval`` entries, as `dch bulk` does. Stops on its own only if never killed.
    private static func writeUntilKilled(in folder: URL) -> Never {
        let parent = getppid()
        do {
            let writer = try ZipOutputWriter(creating: folder.appendingPathComponent("out.zip.partial").path)
            for i in 0..<400_000 where getppid() == parent {
                let (name, bytes) = entry(i)
                try writer.add(name: name, bytes: bytes)
                if (i + 1) % checkpointInterval == 0 {
                    try save(writer.checkpoint(), in: folder)
                }
            }
        } catch {
            FileHandle.standardError.write(Data("child writer: \(error)\n".utf8))
            exit(3)
        }
        exit(0)
    }

    private static func save(_ checkpoint: ZipCheckpoint, in folder: URL) throws {
        let temporary = folder.appendingPathComponent("checkpoint.json.tmp")
        let handle = try FileHandle(forWritingTo: { FileManager.default.createFile(atPath: temporary.path, contents: nil); return temporary }())
        try handle.write(contentsOf: JSONEncoder().encode(checkpoint))
        try handle.synchronize()
        try handle.close()
        guard rename(temporary.path, folder.appendingPathComponent("checkpoint.json").path) == 0 else {
            throw ByteSourceError(operation: "rename", code: errno)
        }
    }

    func testKilledWriterResumesWithEachEntryOnce() throws {
        let folder = try ArchiveOracles.temporaryDirectory(for: self)
        let zip = folder.appendingPathComponent("out.zip.partial")
        let checkpointFile = folder.appendingPathComponent("checkpoint.json")
        let child = Process()
        child.executableURL = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0])
        child.arguments = ["MessageStreamsTests.ZipOutputWriterKillTests/testKilledWriterResumesWithEachEntryOnce"]
        child.environment = ProcessInfo.processInfo.environment.merging([Self.childFolderVariable: folder.path]) { $1 }
        child.standardOutput = FileHandle.nullDevice
        try child.run()
        // Kill it once two checkpoints are saved and bytes past the last one reached the file
        // (a buffer flushed between checkpoints), wherever it is in the entry it is writing.
        let deadline = Date().addingTimeInterval(120)
        var seen: ZipCheckpoint?
        while child.isRunning, Date() < deadline {
            if let data = try? Data(contentsOf: checkpointFile), let checkpoint = try? JSONDecoder().decode(ZipCheckpoint.self, from: data),
               checkpoint.entryCount >= 2 * Self.checkpointInterval,
               let size = try? FileManager.default.attributesOfItem(atPath: zip.path)[.size] as? UInt64, size > checkpoint.nextEntryOffset {
                seen = checkpoint
                break
            }
            usleep(2000)
        }
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        XCTAssertNotNil(seen, "the child saved checkpoints before the deadline")
        XCTAssertEqual(child.terminationReason, .uncaughtSignal, "killed, not finished")
        XCTAssertEqual(child.terminationStatus, SIGKILL)

        let checkpoint = try JSONDecoder().decode(ZipCheckpoint.self, from: Data(contentsOf: checkpointFile))
        let sizeAtKill = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: zip.path)[.size] as? UInt64)
        XCTAssertGreaterThanOrEqual(sizeAtKill, checkpoint.nextEntryOffset, "every byte the checkpoint claims is on disk")
        XCTAssertGreaterThan(sizeAtKill, seen?.nextEntryOffset ?? .max, "bytes past the checkpoint: a torn tail to cut")
        print("killed writer: checkpoint at entry \(checkpoint.entryCount), byte \(checkpoint.nextEntryOffset); \(sizeAtKill - checkpoint.nextEntryOffset) bytes of torn tail cut on resume")

        let total = checkpoint.entryCount + 1000
        let resumed = try ZipOutputWriter(resuming: zip.path, from: checkpoint)
        for i in checkpoint.entryCount..<total {
            let (name, bytes) = Self.entry(i)
            try resumed.add(name: name, bytes: bytes)
        }
        try resumed.finish()
        let expected = (0..<total).map(Self.entry)
        let verdict = try ZipOutputWriterTests.pythonVerdict(zip, expected: expected, in: folder)
        XCTAssertEqual(verdict.names.count, total)
        XCTAssertEqual(verdict.names, expected.map(\.name), "each entry exactly once, in order")
        XCTAssertNil(verdict.testzip)
        XCTAssertEqual(verdict.mismatched, [])
    }
}
