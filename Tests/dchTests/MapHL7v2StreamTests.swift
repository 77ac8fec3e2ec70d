import XCTest
import Foundation
import DCHTestSupport

/// `dch map --from hl7v2` reads its inputs a chunk at a time: peak memory does not grow with the
/// number of messages, and on a pipe each message's events are out while the input is still open.
final class MapHL7v2StreamTests: CommandTestCase {
    private func sample(_ name: String) throws -> Data {
        try Data(contentsOf: SharedCorpus.packageRoot.appendingPathComponent("Samples/hl7v2/\(name)"))
    }

    /// A feed of `count` messages: a VXU (two vaccinations) every 1,000th, small ADT^A02s (which
    /// no mapping takes: an error each) between them.
    private func feed(_ count: Int) throws -> URL {
        let vxu = try sample("vxu-v04.hl7")
        var bytes = Data()
        for i in 0..<count {
            if i % 1000 == 0 { bytes += vxu; continue }
            bytes += Data(#"MSH|^~\&|PAS|RX1|CHIS|Y99001|20240101||ADT^A02|X\#(i)|P|2.4"#.utf8) + Data("\rPID|1\r".utf8)
        }
        let url = temp.appendingPathComponent("feed-\(count).hl7")
        try bytes.write(to: url)
        return url
    }

    /// Peak resident memory (GNU time %M, KiB) of a whole `dch map` process over `input`, and its output lines.
    private func peakKiB(mapping input: URL) throws -> (kib: Int, lines: Int) {
        let time = URL(fileURLWithPath: "/usr/bin/time")
        guard FileManager.default.isExecutableFile(atPath: time.path) else {
            throw Prerequisite.missing("GNU time at /usr/bin/time (apt-get install time)")
        }
        let out = temp.appendingPathComponent(input.lastPathComponent + ".ndjson")
        // Under AddressSanitizer (scripts/sanitize), freed memory waits in a quarantine of up to
        // 256 MB before reuse, which grows the peak with the work done: without it, the peak
        // measures what dch holds.
        var environment = ProcessInfo.processInfo.environment
        if let options = environment["ASAN_OPTIONS"] { environment["ASAN_OPTIONS"] = options + ":quarantine_size_mb=0" }
        let r = try DCHCommand.run(executable: time, ["-f", "peak %M", DCHCommand.productsDirectory.appendingPathComponent("dch").path,
                                                      "map", "--from", "hl7v2", "--to", "ndjson", "-o", out.path, input.path],
                                   in: SharedCorpus.packageRoot, environment: environment)
        XCTAssertEqual(r.status, 1, "the ADT^A02s are errors")
        let last = try XCTUnwrap(r.stderr.split(separator: "\n").last { $0.hasPrefix("peak ") }, r.stderr.suffix(500).description)
        let lines = String(decoding: try Data(contentsOf: out), as: UTF8.self).split(separator: "\n").count
        return (try XCTUnwrap(Int(last.dropFirst(5))), lines)
    }

    func testPeakMemoryDoesNotGrowWithTheNumberOfMessages() throws {
        let small = try peakKiB(mapping: try feed(2_000))
        let large = try peakKiB(mapping: try feed(20_000))
        XCTAssertEqual(small.lines, 4)
        XCTAssertEqual(large.lines, 40, "two vaccinations per VXU, one VXU per 1,000 messages")
        // Ten times the messages (about 1.1 MB more input): reading the input whole added over
        // 20 MB here; read a chunk at a time, the peak stays within noise.
        XCTAssertLessThan(large.kib - small.kib, 6 * 1024, "peak RSS \(small.kib) KiB for 2,000 messages, \(large.kib) KiB for 20,000")
    }

    /// Runs `dch map` on a pipe: writes `first`, reads `expected` output lines while stdin stays
    /// open, then writes `rest`, closes stdin and returns every line.
    private func pipe(_ arguments: [String], first: Data, expected: Int, rest: Data) throws -> [Substring] {
        let filter = try FilterProcess(arguments)
        defer { filter.stop() }
        let (process, input, output) = (filter.process, filter.input, filter.output)
        input.fileHandleForWriting.write(first)
        var received = Data()
        while received.filter({ $0 == 0x0A }).count < expected {
            let chunk = output.fileHandleForReading.availableData
            XCTAssertFalse(chunk.isEmpty, "the output ended before the first message's events while the input was open")
            if chunk.isEmpty { break }
            received += chunk
        }
        XCTAssertTrue(process.isRunning, "still reading its input")
        input.fileHandleForWriting.write(rest)
        try input.fileHandleForWriting.close()
        received += output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        return String(decoding: received, as: UTF8.self).split(separator: "\n")
    }

    func testEachMessageIsMappedWhileStdinIsStillOpen() throws {
        let vxu = try sample("vxu-v04.hl7"), a28 = try sample("adt-a28.hl7")
        let arguments = ["map", "--from", "hl7v2", "--to", "ndjson", "-"]
        // Plain: a message is complete when the next one's MSH arrives.
        let mshLine = a28.prefix(through: try XCTUnwrap(a28.firstIndex(of: 0x0D)))
        let plain = try pipe(arguments, first: vxu + mshLine, expected: 2, rest: Data(a28.dropFirst(mshLine.count)))
        XCTAssertEqual(plain.count, 3, "two vaccinations, one demographics event")
        XCTAssertTrue(plain[0].contains("\"vaccinations-1\""), String(plain[0]))
        // MLLP: a message is complete at its frame's end block.
        func frame(_ d: Data) -> Data { Data([0x0B]) + d + Data([0x1C, 0x0D]) }
        let framed = try pipe(arguments, first: frame(vxu), expected: 2, rest: frame(a28))
        XCTAssertTrue(framed == plain, "the same events, framed or not")
    }

    func testALongerMessageThanMaxBytesIsAnErrorAndTheOthersMap() throws {
        let vxu = try sample("vxu-v04.hl7"), a28 = try sample("adt-a28.hl7")
        var big = String(decoding: a28, as: UTF8.self)
        big = big.replacingOccurrences(of: "ADT0028", with: "BIG") + "NTE|1||" + String(repeating: "x", count: 9000) + "\r"
        let input = vxu + Data(big.utf8) + a28
        let r = try DCHCommand.run(["map", "--from", "hl7v2", "--to", "ndjson", "--max-bytes", "4096", "-"], stdin: input)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("message 2 is longer than the 4096 bytes read per message: it is skipped"), r.stderr)
        XCTAssertEqual(r.stdoutText.split(separator: "\n").count, 3, "the VXU's two events and the last ADT^A28's")
    }
}
