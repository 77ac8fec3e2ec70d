import Foundation
import XCTest
@testable import MessageStreams

/// Every ByteSource fills the start of the caller's buffer and leaves its length alone, so that a
/// reader gets the same bytes whatever its buffer's size: checked against the file Foundation wrote.
final class ByteSourceTests: XCTestCase {
    private func readAll(_ source: inout some ByteSource, chunk: Int) throws -> [UInt8] {
        var result = [UInt8](), buffer = [UInt8](repeating: 0xAA, count: chunk)
        while true {
            let n = try source.read(into: &buffer)
            XCTAssertEqual(buffer.count, chunk, "the buffer keeps its length")
            XCTAssertLessThanOrEqual(n, chunk)
            if n == 0 { return result }
            result += buffer[0..<n]
        }
    }

    func testFileDataAndPrefixedSourcesGiveTheSameBytesInAnyBufferSize() throws {
        let folder = try ArchiveOracles.temporaryDirectory(for: self)
        let bytes = ArchiveOracles.sampleText(150_000)
        let file = folder.appendingPathComponent("input.ndjson")
        try Data(bytes).write(to: file)
        for chunk in [1, 7, 4096, 1 << 16, 200_000] {
            var fromFile = try FileByteSource(path: file.path)
            XCTAssertEqual(try readAll(&fromFile, chunk: chunk), bytes, "file, chunks of \(chunk)")
            var fromData = DataByteSource(Data(bytes))
            XCTAssertEqual(try readAll(&fromData, chunk: chunk), bytes, "data, chunks of \(chunk)")
            var prefixed = PrefixedByteSource(try FileByteSource(path: file.path))
            try prefixed.fillPrefix(atLeast: 600)
            XCTAssertEqual(Array(prefixed.prefix.prefix(600)), Array(bytes.prefix(600)))
            XCTAssertEqual(try readAll(&prefixed, chunk: chunk), bytes, "prefixed, chunks of \(chunk)")
        }
    }

    func testAMessageStreamFramesAFileAsItsBytesSay() throws {
        let folder = try ArchiveOracles.temporaryDirectory(for: self)
        let lines = (0..<3_000).map { "{\"resourceType\":\"Bundle\",\"id\":\"m\($0)\"}" }
        let file = folder.appendingPathComponent("many.ndjson")
        try Data(lines.joined(separator: "\n").utf8).write(to: file)
        var texts: [String] = []
        for item in MessageStream(source: try FileByteSource(path: file.path)) {
            guard case .message(let message) = item, case .bytes(let data) = message.framed.content else {
                return XCTFail("unexpected \(item)")
            }
            XCTAssertEqual(message.framed.line, texts.count + 1)
            texts.append(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        XCTAssertEqual(texts, lines, "messages across 64 KiB reads, each on its line")
    }

    func testAFolderOrAMissingFileIsRefusedWithTheSystemsReason() throws {
        let folder = try ArchiveOracles.temporaryDirectory(for: self)
        XCTAssertThrowsError(try FileByteSource(path: folder.path)) { error in
            XCTAssertEqual(error as? ByteSourceError, ByteSourceError(operation: "open", code: EISDIR))
            XCTAssertEqual(error.localizedDescription, "Is a directory")
        }
        XCTAssertThrowsError(try FileByteSource(path: folder.appendingPathComponent("missing").path)) { error in
            XCTAssertEqual((error as? ByteSourceError)?.code, ENOENT)
            XCTAssertEqual(error.localizedDescription, "No such file or directory")
        }
    }
}
