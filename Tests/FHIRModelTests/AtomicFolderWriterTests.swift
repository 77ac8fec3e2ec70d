import XCTest
import Foundation
import FHIRModel
import Synchronization

/// ``AtomicFolderWriter`` and ``AtomicFile`` on real files: what the folder holds between commits,
/// replacement, failures and clean-up.
final class AtomicFolderWriterTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("dch-folder-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    private func listing() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }

    private func text(_ name: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
    }

    private var pid: Int32 { ProcessInfo.processInfo.processIdentifier }

    func testFilesAppearGroupByGroupAndOnlyComplete() throws {
        let writer = try AtomicFolderWriter(folder: folder.path, limits: .init(files: 3))
        try writer.write(Array("one".utf8), named: "a.json")
        try writer.write(Array("two".utf8), named: "b.json")
        // Written, not committed: only the hidden temporary names exist.
        XCTAssertEqual(try listing(), [".a.json.dch-\(pid).tmp", ".b.json.dch-\(pid).tmp"])
        try writer.write(Array("three".utf8), named: "c.json")
        XCTAssertEqual(try listing(), ["a.json", "b.json", "c.json"], "the third file completes the group")
        try writer.write(Array("four".utf8), named: "d.json")
        XCTAssertEqual(try listing(), [".d.json.dch-\(pid).tmp", "a.json", "b.json", "c.json"])
        try writer.finish()
        XCTAssertEqual(try listing(), ["a.json", "b.json", "c.json", "d.json"])
        XCTAssertEqual(try [text("a.json"), text("b.json"), text("c.json"), text("d.json")], ["one", "two", "three", "four"])
    }

    func testAByteLimitCommitsAsWell() throws {
        let writer = try AtomicFolderWriter(folder: folder.path, limits: .init(files: 100, bytes: 10))
        try writer.write(Array("12345".utf8), named: "a")
        XCTAssertEqual(try listing(), [".a.dch-\(pid).tmp"])
        try writer.write(Array("67890".utf8), named: "b")
        XCTAssertEqual(try listing(), ["a", "b"])
        try writer.finish()
    }

    func testExistingFilesAreReplacedAndTheLastBytesOfANameWin() throws {
        try Data("old".utf8).write(to: folder.appendingPathComponent("a.xml"))
        let writer = try AtomicFolderWriter(folder: folder.path)
        try writer.write(Array("first".utf8), named: "a.xml")
        XCTAssertEqual(try text("a.xml"), "old", "an existing file stays until its replacement is committed")
        try writer.write(Array("second".utf8), named: "a.xml")
        try writer.finish()
        XCTAssertEqual(try listing(), ["a.xml"])
        XCTAssertEqual(try text("a.xml"), "second")
    }

    func testAWriterDroppedWithoutFinishingLeavesNothing() throws {
        do {
            let writer = try AtomicFolderWriter(folder: folder.path)
            try writer.write(Array("one".utf8), named: "a")
            try writer.write(Array("two".utf8), named: "b")
            XCTAssertEqual(try listing().count, 2)
        }
        XCTAssertEqual(try listing(), [], "an abandoned group's temporary files are removed")
    }

    func testAFileThatCannotBePutInPlaceIsNamedAndTheOthersAreWritten() throws {
        // A non-empty folder where an output should go: rename(2) cannot replace it.
        let blocker = folder.appendingPathComponent("b.json")
        try FileManager.default.createDirectory(at: blocker, withIntermediateDirectories: true)
        try Data().write(to: blocker.appendingPathComponent("keep"))
        let writer = try AtomicFolderWriter(folder: folder.path)
        for name in ["a.json", "b.json", "c.json"] { try writer.write(Array(name.utf8), named: name) }
        XCTAssertThrowsError(try writer.finish()) { error in
            let failures = (error as? AtomicFolderWriter.CommitError)?.failures ?? []
            XCTAssertEqual(failures.map(\.name), ["b.json"])
            XCTAssertEqual(failures.first?.error.operation, "replace")
            XCTAssertEqual(failures.first?.error.path, self.folder.path + "/b.json")
            XCTAssertTrue([EISDIR, ENOTEMPTY, EEXIST].contains(failures.first?.error.code ?? 0), "\(failures)")
        }
        XCTAssertEqual(try listing(), ["a.json", "b.json", "c.json"], "no temporary file is left")
        XCTAssertEqual(try text("c.json"), "c.json")
    }

    func testAMissingFolderIsCreatedAndAnUnwritableOneIsAnError() throws {
        let nested = folder.appendingPathComponent("x/y")
        let writer = try AtomicFolderWriter(folder: nested.path)
        try writer.write(Array("z".utf8), named: "z")
        try writer.finish()
        XCTAssertEqual(try String(contentsOf: nested.appendingPathComponent("z"), encoding: .utf8), "z")
        // A file where the folder should be.
        let file = folder.appendingPathComponent("plain")
        try Data().write(to: file)
        XCTAssertThrowsError(try AtomicFolderWriter(folder: file.path)) { error in
            XCTAssertEqual((error as? FileWriteError)?.code, ENOTDIR, "\(error)")
        }
    }

    func testAtomicFileErrorsNameThePathAndLeaveNothing() throws {
        let missing = folder.appendingPathComponent("no/such/out.json")
        XCTAssertThrowsError(try AtomicFile.write(Array("x".utf8), to: missing)) { error in
            XCTAssertEqual(error.localizedDescription, "cannot open the folder \(self.folder.path)/no/such: No such file or directory")
        }
        let target = folder.appendingPathComponent("out.json")
        try AtomicFile.write(Array("x".utf8), to: target)
        try AtomicFile.write(Data("y".utf8), to: target)
        XCTAssertEqual(try listing(), ["out.json"])
        XCTAssertEqual(try text("out.json"), "y")
    }

    private func inode(_ name: String) throws -> UInt64 {
        var info = stat()
        XCTAssertEqual(lstat(folder.appendingPathComponent(name).path, &info), 0, name)
        return UInt64(info.st_ino)
    }

    private func modified(_ name: String) throws -> Date {
        try XCTUnwrap(FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(name).path)[.modificationDate] as? Date)
    }

    func testOutputsStagedOnSeveralThreadsAtOnceGetTheirOwnTemporaryFiles() throws {
        let outputFolder = try OutputFolder(path: folder.path)
        // Eight threads stage the same name at once: O_EXCL gives each its own temporary file.
        let slots = Mutex([StagedFile?](repeating: nil, count: 8))
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            let file = try? outputFolder.stage(Array("bytes \(i)".utf8), named: "same.json")
            slots.withLock { $0[i] = file }
        }
        var files = slots.withLock { $0.compactMap { $0 } }
        XCTAssertEqual(files.count, 8)
        let temporary = try listing()
        XCTAssertEqual(Set(temporary).count, 8, "\(temporary)")
        XCTAssertTrue(temporary.contains(".same.json.dch-\(pid).tmp"), "\(temporary)")
        XCTAssertTrue(temporary.allSatisfy { $0.hasPrefix(".same.json.dch-\(pid)") && $0.hasSuffix(".tmp") }, "\(temporary)")
        // One is put in place; the others are dropped, which removes their temporary files.
        let writer = AtomicFolderWriter(outputFolder)
        try writer.add(files[5])
        files.removeAll()
        slots.withLock { $0 = [] }
        try writer.finish()
        XCTAssertEqual(try listing(), ["same.json"])
        XCTAssertTrue(try text("same.json").hasPrefix("bytes "))
    }

    func testAFileAlreadyHoldingItsBytesIsKeptAndItsTimeUpdated() throws {
        let kept = folder.appendingPathComponent("kept.json"), changed = folder.appendingPathComponent("changed.json")
        try Data("same\n".utf8).write(to: kept)
        try Data("old\n".utf8).write(to: changed)
        let past = Date(timeIntervalSince1970: 1_000_000_000)
        for url in [kept, changed] {
            try FileManager.default.setAttributes([.modificationDate: past], ofItemAtPath: url.path)
        }
        let (keptInode, changedInode) = (try inode("kept.json"), try inode("changed.json"))
        let writer = try AtomicFolderWriter(folder: folder.path)
        let stagedKept = try writer.outputFolder.stage(Array("same\n".utf8), named: "kept.json")
        XCTAssertTrue(stagedKept.isKept)
        let stagedChanged = try writer.outputFolder.stage(Array("new\n".utf8), named: "changed.json")
        XCTAssertFalse(stagedChanged.isKept)
        // Same length, other bytes; and a longer file that starts with the bytes.
        try Data("sane\n".utf8).write(to: folder.appendingPathComponent("sameLength.json"))
        try Data("same\nmore".utf8).write(to: folder.appendingPathComponent("longer.json"))
        XCTAssertFalse(try writer.outputFolder.stage(Array("same\n".utf8), named: "sameLength.json").isKept)
        XCTAssertFalse(try writer.outputFolder.stage(Array("same\n".utf8), named: "longer.json").isKept)
        for file in [stagedKept, stagedChanged] { try writer.add(file) }
        try writer.finish()
        XCTAssertEqual(try listing(), ["changed.json", "kept.json", "longer.json", "sameLength.json"], "no temporary file left")
        XCTAssertEqual(try text("kept.json"), "same\n")
        XCTAssertEqual(try text("changed.json"), "new\n")
        XCTAssertEqual(try inode("kept.json"), keptInode, "the file holding the bytes stays the same file")
        XCTAssertNotEqual(try inode("changed.json"), changedInode, "a changed file is replaced by a new one")
        XCTAssertGreaterThan(try modified("kept.json"), past.addingTimeInterval(3600), "kept: its time is now, as a rewrite sets it")
    }

    func testASymbolicLinkIsReplacedNotFollowedEvenWhenItsTargetHoldsTheBytes() throws {
        let target = folder.appendingPathComponent("target.json")
        try Data("same".utf8).write(to: target)
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("link.json").path, withDestinationPath: "target.json")
        let writer = try AtomicFolderWriter(folder: folder.path)
        try writer.write(Array("same".utf8), named: "link.json")
        try writer.finish()
        let kind = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent("link.json").path)[.type] as? FileAttributeType
        XCTAssertEqual(kind, .typeRegular, "the link itself is replaced by a file")
        XCTAssertEqual(try text("target.json"), "same")
    }

    func testAGroupReplacingManyFilesPutsEachInPlaceAndNamesTheOneThatFails() throws {
        // 40 files to replace (renamed on several threads) and one name held by a non-empty folder.
        for i in 0..<40 { try Data("old \(i)".utf8).write(to: folder.appendingPathComponent("f\(i).json")) }
        let blocker = folder.appendingPathComponent("f17.json")
        try FileManager.default.removeItem(at: blocker)
        try FileManager.default.createDirectory(at: blocker, withIntermediateDirectories: true)
        try Data().write(to: blocker.appendingPathComponent("keep"))
        // Renames over existing files counted as slow at once: the rest run on threads.
        let writer = try AtomicFolderWriter(folder: folder.path, limits: .init(slowReplacements: 0))
        for i in 0..<40 { try writer.write(Array("new \(i)".utf8), named: "f\(i).json") }
        XCTAssertThrowsError(try writer.finish()) { error in
            let failures = (error as? AtomicFolderWriter.CommitError)?.failures ?? []
            XCTAssertEqual(failures.map(\.name), ["f17.json"])
            XCTAssertEqual(failures.first?.error.operation, "replace")
        }
        XCTAssertEqual(try listing(), (0..<40).map { "f\($0).json" }.sorted(), "no temporary file is left")
        for i in 0..<40 where i != 17 { XCTAssertEqual(try text("f\(i).json"), "new \(i)") }
    }

    func testAFolderMadeByTheWriterHoldsNothingToCompare() throws {
        let nested = folder.appendingPathComponent("new")
        let outputFolder = try OutputFolder(path: nested.path)
        XCTAssertFalse(try outputFolder.stage(Array("x".utf8), named: "a").isKept)
    }
}

