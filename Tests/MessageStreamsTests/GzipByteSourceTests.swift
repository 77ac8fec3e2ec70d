import Foundation
import XCTest
import DCHTestSupport
@testable import MessageStreams

/// GzipByteSource against what gzip(1) itself writes and accepts: single and multi-member
/// streams read back to the original bytes (as `gzip -dc` gives them), and the streams gzip
/// rejects (`gzip -t`) failing with a reason.
final class GzipByteSourceTests: XCTestCase {
    /// Writes `bytes` to a file in `folder` and returns the path of `gzip -c`'s output for it.
    private func gzipped(_ bytes: [UInt8], named name: String, in folder: URL, level: String = "-6") throws -> URL {
        let plain = folder.appendingPathComponent(name)
        try Data(bytes).write(to: plain)
        let result = try DCHCommand.run(executable: ArchiveOracles.gzip(), ["-c", level, plain.path], in: folder)
        XCTAssertEqual(result.status, 0, result.stderr)
        let compressed = folder.appendingPathComponent(name + ".gz")
        try result.stdout.write(to: compressed)
        return compressed
    }

    private func inflate(_ path: URL, chunk: Int = 1 << 16) throws -> [UInt8] {
        var source = GzipByteSource(compressed: try FileByteSource(path: path.path))
        return try ArchiveOracles.readAll(&source, chunk: chunk)
    }

    /// What `gzip -t` says of a file: true when it accepts it.
    private func gzipAccepts(_ path: URL) throws -> Bool {
        try DCHCommand.run(executable: ArchiveOracles.gzip(), ["-t", path.path], in: path.deletingLastPathComponent()).status == 0
    }

    func testReadsWhatGzipWritesInAnyChunkSize() throws {
        let folder = try ArchiveOracles.temporaryDirectory(for: self)
        let text = ArchiveOracles.sampleText(3_000_000)
        for level in ["-1", "-9"] {
            let gz = try gzipped(text, named: "caseload\(level).ndjson", in: folder, level: level)
            XCTAssertLessThan(try Data(contentsOf: gz).count, text.count / 2, "gzip really compressed it")
            for chunk in [4096, 1 << 16, 1 << 20] {
                XCTAssertEqual(try inflate(gz, chunk: chunk), text, "level \(level), chunks of \(chunk)")
            }
        }
        let short = ArchiveOracles.sampleText(50_000)
        XCTAssertEqual(try inflate(try gzipped(short, named: "short", in: folder), chunk: 1), short, "one byte at a time")
        let empty = try gzipped([], named: "empty", in: folder)
        XCTAssertEqual(try inflate(empty), [], "gzip of an empty file is an empty stream, not an error")
        let noise = ArchiveOracles.noise(200_000)
        XCTAssertEqual(try inflate(try gzipped(noise, named: "noise", in: folder)), noise, "stored blocks")
    }

    func testMultiMemberStreamReadsAsGzipDecompressesIt() throws {
        let folder = try ArchiveOracles.temporaryDirectory(for: self)
        let parts = [ArchiveOracles.sampleText(100_000, seed: 1), [], ArchiveOracles.sampleText(70_001, seed: 2), Array("tail\n".utf8)]
        var concatenated = Data()
        for (i, part) in parts.enumerated() {
            concatenated += try Data(contentsOf: gzipped(part, named: "part\(i)", in: folder))
        }
        let multi = folder.appendingPathComponent("multi.gz")
        try concatenated.write(to: multi)
        let oracle = try DCHCommand.run(executable: ArchiveOracles.gzip(), ["-dc", multi.path], in: folder)
        XCTAssertEqual(oracle.status, 0)
        XCTAssertEqual(Array(oracle.stdout), parts.flatMap { $0 }, "gzip -dc concatenates the members")
        XCTAssertEqual(try inflate(multi), Array(oracle.stdout))
        XCTAssertEqual(try inflate(multi, chunk: 333), Array(oracle.stdout))
    }

    func testTruncatedAndDamagedStreamsFailWithAReason() throws {
        let folder = try ArchiveOracles.temporaryDirectory(for: self)
        let text = ArchiveOracles.sampleText(500_000)
        let whole = try Data(contentsOf: gzipped(text, named: "whole", in: folder))
        let cases: [(name: String, bytes: Data, reason: String)] = [
            ("half", whole.prefix(whole.count / 2), "truncated gzip stream: the input ends inside member 1"),
            ("no-trailer", whole.dropLast(4), "truncated gzip stream"),
            ("header-only", whole.prefix(5), "truncated gzip stream"),
            ("second-member-cut", whole + whole.prefix(100), "ends inside member 2"),
            ("flipped", { var d = whole; d[d.count / 2] ^= 0x55; return d }(), "damaged gzip data in member 1"),
            ("bad-crc", { var d = whole; d[d.count - 6] ^= 0x01; return d }(), "incorrect data check"),
            ("trailing-garbage", whole + Data("not gzip".utf8), "damaged gzip data in member 2"),
            ("empty", Data(), "empty input: not a gzip stream"),
        ]
        for item in cases {
            let path = folder.appendingPathComponent(item.name + ".gz")
            try item.bytes.write(to: path)
            if item.name != "trailing-garbage" {
                XCTAssertFalse(try gzipAccepts(path), "\(item.name): gzip -t rejects it too")
            }
            XCTAssertThrowsError(try inflate(path), item.name) { error in
                let error = error as? ByteSourceError
                XCTAssertEqual(error?.operation, "gunzip", item.name)
                XCTAssertTrue(error?.reason?.contains(item.reason) == true, "\(item.name): \(error?.reason ?? "nil")")
            }
        }
    }

    /// gzip's output read from its own stdout pipe, detected by its first bytes, then framed:
    /// the streaming path `dch bulk` takes for a gzipped NDJSON input on stdin.
    func testDetectsGzipOnAPipeAndFramesTheMessagesInside() throws {
        let folder = try ArchiveOracles.temporaryDirectory(for: self)
        let lines = (0..<2000).map { "{\"resourceType\":\"Bundle\",\"id\":\"b\($0)\"}" }
        let plain = folder.appendingPathComponent("messages.ndjson")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: plain)
        let process = Process()
        process.executableURL = try ArchiveOracles.gzip()
        process.arguments = ["-c", plain.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let source = try ByteSources.gunzippingIfNeeded(FileByteSource(descriptor: pipe.fileHandleForReading.fileDescriptor, owned: false))
        XCTAssertTrue(source is GzipByteSource)
        var ids: [String] = []
        for item in MessageStream(source: source, tellsSoleMessage: false) {
            guard case .message(let message) = item, case .bytes(let bytes) = message.framed.content else {
                return XCTFail("\(item)")
            }
            ids.append(String(decoding: bytes, as: UTF8.self))
        }
        process.waitUntilExit()
        XCTAssertEqual(ids, lines)

        var plainSource = try ByteSources.gunzippingIfNeeded(FileByteSource(path: plain.path))
        XCTAssertFalse(plainSource is GzipByteSource)
        XCTAssertEqual(try ArchiveOracles.readAll(&plainSource, chunk: 7), Array(try Data(contentsOf: plain)), "plain input passes unchanged")
    }

    func testPackingIsToldByTheFirstBytes() {
        XCTAssertEqual(InputPacking.detect([0x1F, 0x8B, 8, 0]), .gzip)
        XCTAssertEqual(InputPacking.detect(Array("PK\u{3}\u{4}".utf8)), .zip)
        XCTAssertEqual(InputPacking.detect(Array("PK\u{5}\u{6}".utf8)), .zip)
        XCTAssertEqual(InputPacking.detect(Array("PK".utf8)), .plain)
        XCTAssertEqual(InputPacking.detect(Array("{\"a\":1}".utf8)), .plain)
        XCTAssertEqual(InputPacking.detect([0x1F]), .plain)
        XCTAssertEqual(InputPacking.detect([UInt8]()), .plain)
    }
}
