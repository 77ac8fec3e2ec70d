import XCTest
import Foundation
import DCHTestSupport

/// `dch validate` as a filter in a pipeline: messages streamed in on stdin (NDJSON, XML documents
/// back to back), one verdict written per message as soon as it is checked.
final class FilterModeTests: CommandTestCase {
    // MARK: convert

    func testEachConversionIsWrittenBeforeTheInputEndsOneLinePerMessage() throws {
        let lines = try samples.map(ndjsonLine)
        let out = try runStreaming(["convert", "--to", "xml", "--compact", "-"], lines)
        XCTAssertEqual(out.count, 2, "one line per message")
        for (xml, json) in zip(out, lines) {
            // Back to JSON, each line is the message it came from; only the comments' line breaks,
            // which one line of XML cannot hold, became spaces.
            let back = try DCHCommand.run(["convert", "--to", "json", "--compact", "-"], stdin: xml)
            XCTAssertEqual(back.status, 0, back.stderr)
            XCTAssertEqual(try oracle(back.stdout), try oracle(json, joiningCommentLines: true))
        }
    }

    func testAMessageThatCannotBeConvertedLeavesAnEmptyLine() throws {
        let good = try ndjsonLine(samples[0])
        let input = good + Data("{\"resourceType\":\"Patient\",\"id\":\"x\",\"bogus\":1}\n{\"resourceType\":\"Pat\n".utf8) + good
        let r = try DCHCommand.run(["convert", "--to", "xml", "--compact", "-"], stdin: input)
        XCTAssertEqual(r.status, 1)
        let lines = r.stdoutText.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, 5, "four messages, four lines (and the final line break)")
        XCTAssertEqual(lines.map(\.isEmpty), [false, true, true, false, true])
        XCTAssertEqual(lines[0], lines[3])
        XCTAssertTrue(r.stderr.contains("<stdin>:2:"), r.stderr)
        XCTAssertTrue(r.stderr.contains("<stdin>:3:"), r.stderr)

        // Into a file: the same lines; nothing at all when nothing converts.
        let file = temp.appendingPathComponent("out.xml")
        XCTAssertEqual(try DCHCommand.run(["convert", "--to", "xml", "--compact", "-o", file.path, "-"], stdin: input).status, 1)
        XCTAssertEqual(try Data(contentsOf: file), r.stdout)
        let none = temp.appendingPathComponent("none.xml")
        XCTAssertEqual(try DCHCommand.run(["convert", "--to", "xml", "--compact", "-o", none.path, "-"],
                                          stdin: Data("{\"resourceType\":\"Pat\n{\"x\n".utf8)).status, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: none.path))
    }

    func testAStreamInputGivesOneFolderOutputHoldingEachMessage() throws {
        let stream = try file("two.ndjson", String(decoding: try samples.map(ndjsonLine).reduce(Data(), +), as: UTF8.self))
        let single = try file("one.json", String(decoding: try ndjsonLine(samples[1]), as: UTF8.self))
        let out = temp.appendingPathComponent("out")
        let r = try DCHCommand.run(["convert", "--to", "xml", "-o", out.path, stream, single])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted(), ["one.xml", "two.xml"])
        let direct = try samples.map { try DCHCommand.run(["convert", "--to", "xml", "-"], stdin: ndjsonLine($0)).stdout }
        XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("two.xml")), direct[0] + direct[1])
        XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("one.xml")), direct[1])
    }

    /// A JSON message parsed by the independent oracle, optionally with its comments' line breaks
    /// as spaces.
    private func oracle(_ data: Data, joiningCommentLines: Bool = false) throws -> JSONValue {
        var text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if joiningCommentLines { text = text.replacingOccurrences(of: "\\n", with: " ") }
        return try JSONValue.parse(Array(text.utf8))
    }

    // MARK: validate

    private let samples = ["Samples/nems-vaccination-new.xml", "Samples/dch-birth-weight.xml"]

    /// A sample as one NDJSON line (converted by dch: the JSON form of the same message).
    private func ndjsonLine(_ sample: String) throws -> Data {
        let converted = try DCHCommand.run(["convert", "--to", "json", "--compact", sample])
        XCTAssertEqual(converted.status, 0, converted.stderr)
        return converted.stdout
    }

    private func objects(_ data: Data) throws -> [[String: Any]] {
        try String(decoding: data, as: UTF8.self).split(separator: "\n").map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    /// Runs dch with `arguments`, writes `lines[0]`, waits for one output line, then writes the
    /// rest and closes stdin; returns every output line.
    private func runStreaming(_ arguments: [String], _ lines: [Data]) throws -> [Data] {
        let filter = try FilterProcess(arguments)
        defer { filter.stop() }
        let (process, input, output) = (filter.process, filter.input, filter.output)

        var received = Data()
        func readLine() -> Data? {
            while !received.contains(0x0A) {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { return nil }
                received.append(chunk)
            }
            let end = received.firstIndex(of: 0x0A)!
            defer { received.removeSubrange(received.startIndex...end) }
            return received[received.startIndex..<end]
        }
        // The first result must come while stdin is still open.
        input.fileHandleForWriting.write(lines[0])
        var out = [try XCTUnwrap(readLine(), "no output for the first message while the input was still open")]
        lines.dropFirst().forEach { input.fileHandleForWriting.write($0) }
        try input.fileHandleForWriting.close()
        while let line = readLine() { out.append(line) }
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        return out
    }

    func testEachVerdictIsWrittenBeforeTheInputEnds() throws {
        let out = try runStreaming(["validate", "--format", "messages", "-"], try samples.map(ndjsonLine))
        XCTAssertEqual(out.count, 2, "one line per message")
        let (first, second) = (out[0], out[1])

        // The verdicts are those of each message validated on its own.
        for (line, sample) in zip([first, second], samples) {
            let streamed = try XCTUnwrap(objects(line).first)
            let direct = try XCTUnwrap(objects(DCHCommand.run(["validate", "--format", "messages", sample]).stdout).first)
            XCTAssertEqual(streamed["passed"] as? Bool, direct["passed"] as? Bool)
            XCTAssertEqual(streamed["resourceId"] as? String, direct["resourceId"] as? String)
            let rules = { (o: [String: Any]) in (o["issues"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String } }
            XCTAssertEqual(rules(streamed), rules(direct), sample)
        }
    }

    func testXMLDocumentsBackToBackAreMessagesAtTheirOwnLines() throws {
        let texts = try samples.map { try String(contentsOf: SharedCorpus.packageRoot.appendingPathComponent($0), encoding: .utf8) }
        let stream = texts.joined()
        let result = try DCHCommand.run(["validate", "--format", "json", "-"], stdin: Data(stream.utf8))
        let issues = try objects(result.stdout)
        // The second document's issues are its own, on its lines moved down by the first's.
        let firstLines = texts[0].split(separator: "\n", omittingEmptySubsequences: false).count - 1
        for (index, sample) in samples.enumerated() {
            let direct = try objects(DCHCommand.run(["validate", "--format", "json", sample]).stdout)
            let streamed = issues.filter { $0["messageIndex"] as? Int == index }
            XCTAssertEqual(streamed.count, direct.count, sample)
            for (s, d) in zip(streamed, direct) {
                XCTAssertEqual(s["rule"] as? String, d["rule"] as? String)
                XCTAssertEqual(s["path"] as? String, d["path"] as? String)
                if let line = d["line"] as? Int {
                    XCTAssertEqual(s["line"] as? Int, line + (index == 0 ? 0 : firstLines), "\(sample): \(d)")
                }
            }
        }
        // The text report names each message of a stream.
        let text = try DCHCommand.run(["validate", "-"], stdin: Data(stream.utf8)).stdoutText
        XCTAssertTrue(text.contains("# <stdin>#1 Bundle/"), text)
        XCTAssertTrue(text.hasSuffix("2 messages, 0 errors, 0 warnings, \(issues.count) information\n"), text)
    }

    func testATruncatedLineAndAnOversizedMessageCostThemselvesOnly() throws {
        let small = #"{"resourceType":"Patient","id":"a","gender":"female"}"#
        let big = #"{"resourceType":"Patient","id":"b","name":[{"text":""# + String(repeating: "x", count: 3000) + #""}]}"#
        let cut = #"{"resourceType":"Patient","id":"c","gen"#
        let input = [small, big, cut, small].joined(separator: "\n") + "\n"
        let result = try DCHCommand.run(["validate", "--format", "messages", "--max-message-bytes", "1000", "-"],
                                        stdin: Data(input.utf8))
        XCTAssertEqual(result.status, 1, result.stderr)
        let verdicts = try objects(result.stdout)
        XCTAssertEqual(verdicts.map { $0["messageIndex"] as? Int }, [0, 1, 2, 3])
        XCTAssertEqual(verdicts.map { $0["passed"] as? Bool }, [true, false, false, true])
        let firstRule = { (o: [String: Any]) in ((o["issues"] as? [[String: Any]])?.first?["rule"] as? String) }
        XCTAssertEqual(firstRule(verdicts[1]), "io.too-large")
        let tooLarge = try XCTUnwrap((verdicts[1]["issues"] as? [[String: Any]])?.first)
        XCTAssertEqual(tooLarge["line"] as? Int, 2)
        XCTAssertTrue((tooLarge["message"] as? String ?? "").contains("\(big.utf8.count) bytes"), "\(tooLarge)")
        let truncated = try XCTUnwrap((verdicts[2]["issues"] as? [[String: Any]])?.first)
        XCTAssertEqual(truncated["severity"] as? String, "fatal")
        XCTAssertEqual(truncated["line"] as? Int, 3, "the reader's position is the input's line")
    }
}
