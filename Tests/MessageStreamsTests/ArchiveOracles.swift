import Foundation
import XCTest
import DCHTestSupport
import MessageStreams

/// The independent implementations the archive tests check against: `/bin/gzip` and python3's
/// `gzip` and `zipfile` modules, run as real processes.
enum ArchiveOracles {
    /// python3, or the prerequisite error saying how to get it.
    static func python3() throws -> URL {
        try tool(["/usr/bin/python3", "/usr/local/bin/python3", "/bin/python3"], missing: "python3 (apt-get install python3): its zipfile and gzip modules are the archive tests' oracle")
    }

    /// gzip(1), or the prerequisite error saying how to get it.
    static func gzip() throws -> URL {
        try tool(["/bin/gzip", "/usr/bin/gzip"], missing: "gzip (apt-get install gzip): the gzip tests' oracle")
    }

    private static func tool(_ candidates: [String], missing: String) throws -> URL {
        guard let path = candidates.first(where: FileManager.default.isExecutableFile) else { throw Prerequisite.missing(missing) }
        return URL(fileURLWithPath: path)
    }

    /// Runs python3 on `script` with `arguments`; fails the test unless it exits 0; returns stdout.
    static func python(_ script: String, _ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> Data {
        let result = try DCHCommand.run(executable: python3(), ["-c", script] + arguments, in: FileManager.default.temporaryDirectory)
        XCTAssertEqual(result.status, 0, "python3 failed: \(result.stderr)", file: file, line: line)
        return result.stdout
    }

    /// A fresh folder, removed by the test's teardown.
    static func temporaryDirectory(for test: XCTestCase) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("dch-archives-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// Reads `source` to its end in pieces of `chunk` bytes.
    static func readAll(_ source: inout some ByteSource, chunk: Int = 1 << 16) throws -> [UInt8] {
        var result = [UInt8](), buffer = [UInt8](repeating: 0, count: chunk)
        while true {
            let n = try source.read(into: &buffer)
            if n == 0 { return result }
            result += buffer[0..<n]
        }
    }

    /// `count` bytes of NDJSON-like text, varied enough that deflate has real work (repeats and
    /// fresh digits), the same on every run.
    static func sampleText(_ count: Int, seed: UInt64 = 1) -> [UInt8] {
        var bytes = [UInt8](), state = seed, n = 0
        bytes.reserveCapacity(count + 100)
        while bytes.count < count {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            bytes += Array("{\"resourceType\":\"Bundle\",\"id\":\"\(n)\",\"value\":\(state >> 20)}\n".utf8)
            n += 1
        }
        return Array(bytes.prefix(count))
    }

    /// `count` bytes that do not compress (a linear congruential generator's high bytes).
    static func noise(_ count: Int, seed: UInt64 = 7) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
    }
}
