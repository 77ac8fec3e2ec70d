import XCTest
import Foundation
@testable import FHIRModel
#if canImport(Glibc)
import Glibc
#endif

/// POSIXFile's safe wrappers against the system itself: files made and read back by Foundation and
/// by the C library (`mkfifo(3)`), the `errno` values POSIX specifies for each failure, and the rounding
/// `NSDecimalRound` does.
final class POSIXFileTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("dch-posix-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    private func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// Bytes that are not text, the same on every run.
    private func sample(_ count: Int) -> [UInt8] {
        var state: UInt32 = 2_463_534_242
        return (0..<count).map { _ in
            state ^= state << 13; state ^= state >> 17; state ^= state << 5
            return UInt8(truncatingIfNeeded: state)
        }
    }

    func testWrittenBytesAreWhatFoundationReadsBackAndReadsAtOffsets() throws {
        let bytes = sample(200_000)
        let fd = try POSIXFile.open(path("a.bin"), flags: O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode: 0o600)
        try POSIXFile.writeAll(fd, bytes.span)
        // pwrite over the first bytes, leaving the rest as written.
        try POSIXFile.writeAll(fd, [1, 2, 3].span, at: 10)
        close(fd)
        var expected = bytes
        expected.replaceSubrange(10..<13, with: [1, 2, 3])
        XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent("a.bin")), Data(expected))

        let input = try POSIXFile.open(path("a.bin"), flags: O_RDONLY | O_CLOEXEC)
        defer { close(input) }
        XCTAssertEqual(try POSIXFile.status(of: input).st_size, 200_000)
        // pread into the middle of a buffer, the bytes around it untouched.
        var buffer = [UInt8](repeating: 0xAA, count: 20)
        XCTAssertEqual(try POSIXFile.read(input, into: &buffer, 5..<15, at: 199_995), 5, "the file ends after 5")
        XCTAssertEqual(buffer, [UInt8](repeating: 0xAA, count: 5) + Array(expected[199_995...]) + [UInt8](repeating: 0xAA, count: 10))
        XCTAssertEqual(try POSIXFile.read(input, into: &buffer, 0..<20, at: 8), 20)
        XCTAssertEqual(buffer, Array(expected[8..<28]))
        // read(2) from the descriptor's position (pread leaves it at 0), then the rest to the end.
        XCTAssertEqual(try POSIXFile.read(input, into: &buffer, 0..<4), 4)
        XCTAssertEqual(Array(buffer[0..<4]), Array(expected[0..<4]))
        XCTAssertEqual(try POSIXFile.readAll(input, sizeHint: 0), Data(expected[4...]), "grown past a wrong hint")
    }

    func testContentEqualsOnlyTheExactBytes() throws {
        let bytes = sample(70_000)   // more than one 64 KB slice
        try Data(bytes).write(to: folder.appendingPathComponent("same"))
        func equals(_ candidate: [UInt8]) throws -> Bool {
            let fd = try POSIXFile.open(path("same"), flags: O_RDONLY | O_CLOEXEC)
            defer { close(fd) }
            return POSIXFile.contentEquals(fd, candidate.span)
        }
        XCTAssertTrue(try equals(bytes))
        XCTAssertFalse(try equals(Array(bytes.dropLast())), "the file is longer")
        XCTAssertFalse(try equals(bytes + [0]), "the file is shorter")
        var changed = bytes
        changed[66_000] ^= 1
        XCTAssertFalse(try equals(changed), "one byte in the second slice differs")
    }

    func testStatusTellsKindsAsTheSystemMadeThem() throws {
        let fifo = path("pipe")
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        XCTAssertEqual(POSIXFile.kind(try POSIXFile.status(fifo)), S_IFIFO)
        XCTAssertEqual(POSIXFile.kind(try POSIXFile.status(folder.path)), S_IFDIR)
        XCTAssertTrue(POSIXFile.isDirectory(folder.path))
        XCTAssertFalse(POSIXFile.isDirectory(fifo))
        try FileManager.default.createSymbolicLink(atPath: path("link"), withDestinationPath: folder.path)
        XCTAssertTrue(POSIXFile.isDirectory(path("link")), "stat follows the link")
        let dir = try POSIXFile.openFolder(folder.path)
        defer { close(dir) }
        XCTAssertEqual(POSIXFile.kind(try POSIXFile.linkStatus("link", in: dir)), S_IFLNK, "fstatat does not")
        XCTAssertThrowsError(try POSIXFile.status(path("missing"))) { error in
            XCTAssertEqual((error as? SystemCallError)?.code, ENOENT)
        }
    }

    func testNamesAreReplacedAndRemovedAsPOSIXSays() throws {
        try Data("old".utf8).write(to: folder.appendingPathComponent("b"))
        try Data("new".utf8).write(to: folder.appendingPathComponent("a"))
        try POSIXFile.rename(path("a"), path("b"))
        XCTAssertEqual(try String(contentsOfFile: path("b"), encoding: .utf8), "new")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("a")))
        let dir = try POSIXFile.openFolder(folder.path)
        defer { close(dir) }
        try POSIXFile.rename("b", "c", in: dir)
        XCTAssertEqual(try String(contentsOfFile: path("c"), encoding: .utf8), "new")
        XCTAssertThrowsError(try POSIXFile.rename("gone", "d", in: dir)) { error in
            XCTAssertEqual((error as? SystemCallError)?.code, ENOENT)
        }
        // O_EXCL on an existing name: EEXIST (POSIX open(2)).
        XCTAssertThrowsError(try POSIXFile.open("c", in: dir, flags: O_WRONLY | O_CREAT | O_EXCL, mode: 0o600)) { error in
            XCTAssertEqual((error as? SystemCallError)?.code, EEXIST)
        }
        POSIXFile.remove("c", in: dir)
        POSIXFile.remove(path("c"))   // already gone: nothing happens
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), [])
        XCTAssertEqual(POSIXFile.describe(ENOENT), "No such file or directory")
        XCTAssertEqual(FileWriteError(path: "x", operation: "create", code: ENOSPC).errorDescription,
                       "cannot create x: No space left on device")
    }

    func testDecimalsRoundAsNSDecimalRoundDoes() {
        let values = ["3.0864197225", "-2.5", "2.5", "0.5", "-0.0000005", "0.0000005", "1e40", "-123.4565",
                      "123456789012345678901234567890.123456789", "0", "9.9999995"]
        for text in values {
            for scale: Int16 in [0, 2, 6] {
                var source = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))!, expected = Decimal()
                NSDecimalRound(&expected, &source, Int(scale), .plain)
                XCTAssertEqual(source.rounded(scale: scale), expected, "\(text) at scale \(scale)")
            }
        }
        XCTAssertEqual(Decimal(string: "2.5")!.rounded(scale: 0), 3, "halves away from zero")
        XCTAssertEqual(Decimal(string: "-2.5")!.rounded(scale: 0), -3)
    }
}
