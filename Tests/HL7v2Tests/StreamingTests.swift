import XCTest
import HL7v2
import EventBuilder

/// The incremental reader (``HL7v2StreamParser``): chunks cut anywhere give what the whole input
/// gives; a message is ready as soon as the input shows its end; a message or line past the
/// per-message limit is one error and costs only itself (HL7V2.md §1, §4).
final class StreamingTests: XCTestCase {
    /// Everything a reader gave, gathered over its `take()`s.
    private struct Gathered: Equatable {
        var messages: [HL7v2Message] = []
        var batches: [HL7v2Batch] = []
        var fileHeaders: [HL7v2Segment] = []
        var fileTrailers: [HL7v2Segment] = []
        var issues: [HL7v2Issue] = []

        mutating func add(_ r: HL7v2ParseResult) {
            messages += r.messages; batches += r.batches; fileHeaders += r.fileHeaders
            fileTrailers += r.fileTrailers; issues += r.issues
        }
    }

    private func streamed(_ bytes: [UInt8], chunk: Int, options: HL7v2ParseOptions = HL7v2ParseOptions()) -> Gathered {
        var reader = HL7v2StreamParser(options: options)
        var gathered = Gathered()
        var start = 0
        while start < bytes.count {
            let end = min(start + chunk, bytes.count)
            reader.read(Array(bytes[start..<end]))
            gathered.add(reader.take())
            start = end
        }
        reader.finish()
        gathered.add(reader.take())
        return gathered
    }

    private func whole(_ bytes: [UInt8], options: HL7v2ParseOptions = HL7v2ParseOptions()) -> Gathered {
        var gathered = Gathered()
        gathered.add(HL7v2Parser(options: options).parse(bytes))
        return gathered
    }

    /// Inputs covering every framing rule: each terminator, breaks inside values, files of
    /// messages, batches, MLLP frames (good and broken), blank lines and leading whitespace.
    private var framingInputs: [[UInt8]] {
        func frame(_ s: String) -> [UInt8] { [0x0B] + Array(s.utf8) + [0x1C, 0x0D] }
        let s = Fixtures.a28Segments
        let batch = #"FHS|^~\&|A|B"# + "\r" + #"BHS|^~\&|A|B"# + "\r" + Fixtures.a28 + Fixtures.vxu + "BTS|2\rBTS|9\rFTS|1\r"
        return [
            Array(Fixtures.a28.utf8),
            Array(s.joined(separator: "\n").utf8),
            Array((s.joined(separator: "\r\n") + "\r\n").utf8),
            Array((s[0] + "\r" + s[1] + "\n" + s[2] + "\r\n" + s[3] + "\n\n" + s[4] + "\r\r\n" + s[5]).utf8),
            Array((Fixtures.a28 + Fixtures.vxu + Fixtures.oru).utf8),
            Array(("  \r\n" + Fixtures.oru.replacingOccurrences(of: "Clear response", with: "first\r\nsecond")).utf8),
            Array(batch.utf8),
            frame(Fixtures.a28) + Array("\r\n  \n".utf8) + frame(Fixtures.vxu) + frame(Fixtures.oru),
            [0x0B] + Array(Fixtures.a28.utf8) + frame(Fixtures.oru) + Array("junk\r\n".utf8) + frame(Fixtures.vxu) + [0x1C],
            Array("PID|orphan\r".utf8) + Array(Fixtures.oru.utf8) + [0xFF, 0xC3, 0x0D, 0x0A],
            [],
            Array(" \r\n\t".utf8),
        ]
    }

    func testChunksCutAnywhereGiveWhatTheWholeInputGives() {
        for (n, input) in framingInputs.enumerated() {
            let reference = whole(input)
            for chunk in [1, 2, 3, 7] {
                XCTAssertEqual(streamed(input, chunk: chunk), reference, "input \(n), chunks of \(chunk) bytes")
            }
        }
        // The reference itself reads these inputs as the framing tests expect.
        XCTAssertEqual(whole(framingInputs[4]).messages.map(\.controlID), ["MSG00001", "VXU-77", "ORU-5"])
        XCTAssertEqual(whole(framingInputs[8]).messages.map(\.controlID), ["MSG00001", "ORU-5", "VXU-77"])
        XCTAssertEqual(whole(framingInputs[8]).issues.map(\.rule), [.mllpUnterminated, .mllpOutsideFrame, .mllpOutsideFrame])
    }

    func testRandomInputsCutAnywhereGiveWhatTheWholeInputGives() {
        var random = SeededRandom(seed: 77)
        let pieces: [[UInt8]] = [Array("MSH".utf8), Array("|^~\\&".utf8), [0x0B], [0x1C, 0x0D], [0x1C], [0x0D], [0x0A],
                                 [0x0D, 0x0A], Array("PID|".utf8), Array("BHS|^~\\&".utf8), Array("BTS|1".utf8),
                                 Array("FHS|^~\\&\r".utf8), Array("FTS|1\r".utf8), [0xFF], Array(Fixtures.oru.utf8.prefix(50))]
        for round in 0..<400 {
            var bytes: [UInt8] = []
            for _ in 0..<random.int(in: 0...40) {
                if random.chance(0.6) { bytes += random.pick(pieces) } else { bytes.append(UInt8(truncatingIfNeeded: random.next())) }
            }
            let reference = whole(bytes)
            for chunk in [1, 2, 3, 7] {
                XCTAssertEqual(streamed(bytes, chunk: chunk), reference, "round \(round), chunks of \(chunk)")
            }
        }
    }

    func testAMessageIsReadyAsSoonAsTheInputShowsItsEnd() {
        var reader = HL7v2StreamParser()
        reader.read(Array(Fixtures.a28.utf8))
        XCTAssertEqual(reader.take().messages.count, 0, "the next line may still belong to it")
        reader.read(Array("MSH|".utf8))
        XCTAssertEqual(reader.take().messages.count, 0, "an unfinished line is not yet a segment")
        reader.read(Array(#"^~\&|A|B|C|D|1||ORU^R01|2|P|2.5"#.utf8) + [0x0D])
        XCTAssertEqual(reader.take().messages.map(\.controlID), ["MSG00001"], "the next MSH ends it")
        reader.finish()
        XCTAssertEqual(reader.take().messages.map(\.controlID), ["2"])

        // In MLLP framing the end block ends the message.
        var framed = HL7v2StreamParser()
        framed.read([0x0B] + Array(Fixtures.vxu.utf8) + [0x1C])
        XCTAssertEqual(framed.take().messages.map(\.controlID), ["VXU-77"])
        // A batch is handed over when its BTS is read.
        var batch = HL7v2StreamParser()
        batch.read(Array((#"BHS|^~\&"# + "\r" + Fixtures.a28 + "BTS|1\r").utf8))
        let taken = batch.take()
        XCTAssertEqual(taken.messages.count, 1)
        XCTAssertEqual(taken.batches.map(\.messageIndices), [[0]])
        XCTAssertEqual(taken.issues, [])
    }

    func testAMessageOverTheLimitIsOneErrorAndTheNextIsRead() throws {
        let options = HL7v2ParseOptions(maxMessageBytes: 1000)
        // One long field (a single line), and many short lines (continuations of a segment).
        let longLine = #"MSH|^~\&|A|B|C|D|1||ORU^R01|BIG|P|2.5"# + "\rOBX|1|ST|X||" + String(repeating: "A", count: 5000) + "\r"
        let manyLines = #"MSH|^~\&|A|B|C|D|1||ORU^R01|MANY|P|2.5"# + "\rNTE|1\r" + String(repeating: "more text\r", count: 300)
        for big in [longLine, manyLines] {
            let input = Array((Fixtures.oru + big + Fixtures.a28).utf8)
            for result in [whole(input, options: options), streamed(input, chunk: 7, options: options)] {
                XCTAssertEqual(result.messages.map(\.controlID), ["ORU-5", "MSG00001"])
                XCTAssertEqual(result.messages.map(\.index), [0, 2], "the skipped message keeps its place")
                let error = try XCTUnwrap(result.issues.first { $0.rule == .tooLarge })
                XCTAssertEqual(error.severity, .error)
                XCTAssertEqual(error.location.messageIndex, 1)
                XCTAssertEqual(error.location.line, 6, "at its MSH")
                XCTAssertTrue(error.message.contains("message 2 is longer than the 1000 bytes read per message"), error.message)
            }
        }
        // A long MSH line is a message too long; its index is counted.
        let longMSH = Array((#"MSH|^~\&|A|B|C|D|1||ORU^R01|"# + String(repeating: "9", count: 3000) + "|P|2.5\rPID|1\r" + Fixtures.oru).utf8)
        let skipped = streamed(longMSH, chunk: 3, options: options)
        XCTAssertEqual(skipped.issues.map(\.rule), [.tooLarge])
        XCTAssertEqual(skipped.messages.map(\.index), [1])
    }

    func testEndlessBinaryJunkIsOneErrorInBoundedMemory() {
        // Two megabytes without a line break, fed a kilobyte at a time, then a message.
        var reader = HL7v2StreamParser(options: HL7v2ParseOptions(maxMessageBytes: 4096))
        var gathered = Gathered()
        var junk = [UInt8](repeating: 0, count: 1024)
        var random = SeededRandom(seed: 5)
        for _ in 0..<2048 {
            for i in junk.indices { junk[i] = UInt8(truncatingIfNeeded: random.next()) | 0x80 }
            reader.read(junk)
            gathered.add(reader.take())
        }
        reader.read([0x0D] + Array(Fixtures.a28.utf8))
        reader.finish()
        gathered.add(reader.take())
        XCTAssertEqual(gathered.issues.map(\.rule), [.tooLarge])
        XCTAssertEqual(gathered.issues.first?.location.byteOffset, 0)
        XCTAssertTrue(gathered.issues.first?.message.contains("a line longer than 4096 bytes outside any message is skipped") ?? false)
        XCTAssertEqual(gathered.messages.map(\.controlID), ["MSG00001"])
        XCTAssertEqual(gathered.messages.first?.segments.first?.source?.line, 2)
    }
}
