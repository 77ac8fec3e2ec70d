import XCTest
import Foundation
@testable import MessageStreams

/// The framer's boundaries, checked against what JSON (RFC 8259: no raw line breaks in strings)
/// and XML 1.0 (one root element per document; comments and processing instructions may follow
/// it; `>` is allowed in attribute values, CDATA sections and comments) allow, and the same
/// whatever the chunks the bytes arrive in.
final class MessageFramerTests: XCTestCase {
    /// A framed message as text with its line and column, for comparison.
    private struct Framed: Equatable, CustomStringConvertible {
        let text: String?
        let line: Int
        let column: Int
        var tooLarge: Int? = nil
        var description: String { "\(line):\(column) \(text.map { String(reflecting: $0) } ?? "too large \(tooLarge ?? 0)")" }
    }

    private func frame(_ input: String, chunks: Int? = nil, limit: Int = MessageFramer.defaultMaximumMessageBytes) -> [Framed] {
        frame(Array(input.utf8), chunks: chunks, limit: limit)
    }

    /// Frames `bytes` fed in pieces of `chunks` bytes (all at once when nil).
    private func frame(_ bytes: [UInt8], chunks: Int? = nil, limit: Int = MessageFramer.defaultMaximumMessageBytes,
                       framing: MessageFramer.Framing = .detect) -> [Framed] {
        var framer = MessageFramer(maximumMessageBytes: limit, framing: framing)
        var out: [Framed] = []
        func drain() {
            while let m = framer.nextMessage() {
                XCTAssertEqual(m.index, out.count, "indexes count the messages")
                switch m.content {
                case .bytes(let data): out.append(Framed(text: String(decoding: data, as: UTF8.self), line: m.line, column: m.column))
                case .tooLarge(let n): out.append(Framed(text: nil, line: m.line, column: m.column, tooLarge: n))
                }
            }
        }
        let step = chunks ?? max(bytes.count, 1)
        var i = 0
        while i < bytes.count {
            framer.append(bytes[i..<min(i + step, bytes.count)])
            drain()
            i += step
        }
        framer.finish()
        drain()
        return out
    }

    /// The framing of `input` must not depend on how its bytes are chunked.
    private func assertFrames(_ input: String, _ expected: [Framed], limit: Int = MessageFramer.defaultMaximumMessageBytes,
                              file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(frame(input, limit: limit), expected, "whole", file: file, line: line)
        for size in [1, 2, 3, 7] {
            XCTAssertEqual(frame(input, chunks: size, limit: limit), expected, "chunks of \(size)", file: file, line: line)
        }
    }

    private func m(_ text: String, _ line: Int, _ column: Int = 1) -> Framed { Framed(text: text, line: line, column: column) }

    // MARK: JSON

    func testNDJSONLinesAreMessagesWithTheirLineNumbers() {
        assertFrames("{\"a\":1}\n{\"b\":[2,{\"c\":3}]}\n\n{\"d\":\"}\"}\n",
                     [m("{\"a\":1}", 1), m("{\"b\":[2,{\"c\":3}]}", 2), m("{\"d\":\"}\"}", 4)])
    }

    func testAPrettyPrintedMessageIsTheWholeInput() {
        let input = "\u{FEFF}  {\n  \"resourceType\": \"Bundle\",\n  \"entry\": [\n    {\n      \"x\": \"{\"\n    }\n  ]\n}\n"
        // The whole input bar the final line break: leading bytes stay, so positions stay the input's.
        assertFrames(input, [m(String(input.dropLast()), 1)])
    }

    func testPrettyPrintedMessagesBackToBack() {
        assertFrames("{\n  \"a\": \"\\\"}\"\n}\n{\n  \"b\": 2\n}",
                     [m("{\n  \"a\": \"\\\"}\"\n}", 1), m("{\n  \"b\": 2\n}", 4)])
    }

    func testObjectsOnOneLineAreSeparateMessages() {
        assertFrames("{\"a\":1}{\"b\":2} {\"c\":3}", [m("{\"a\":1}", 1), m("{\"b\":2} ", 1, 8), m("{\"c\":3}", 1, 16)])
    }

    func testATruncatedLineCostsThatLineOnly() {
        // Cut inside a string, and cut with an object still open.
        assertFrames("{\"a\": \"tru\n{\"b\":1}\n{\"c\": {\"d\": 1\n{\"e\":2}\n",
                     [m("{\"a\": \"tru\n", 1), m("{\"b\":1}", 2), m("{\"c\": {\"d\": 1\n", 3), m("{\"e\":2}", 4)])
    }

    func testStrayBytesAfterAMessageBelongToItAndStrayLinesAreMessages() {
        assertFrames("{\"a\":1} trailing\nnot json\nat all\n{\"b\":2}",
                     [m("{\"a\":1} trailing", 1), m("not json\nat all\n", 2), m("{\"b\":2}", 4)])
    }

    func testCarriageReturnLineBreaks() {
        assertFrames("{\"a\":1}\r\n{\"b\":2}\r\n", [m("{\"a\":1}\r", 1), m("{\"b\":2}\r", 2)])
    }

    // MARK: XML

    func testXMLDocumentsWithDeclarationsBackToBack() {
        let a = "<?xml version=\"1.0\"?>\n<Bundle xmlns=\"http://hl7.org/fhir\"><id value=\"1\"/></Bundle>\n"
        let b = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Bundle><id value=\"2\"/></Bundle>"
        assertFrames(a + b, [m(a, 1), m(b, 3)])
    }

    func testASecondRootStartsTheNextDocument() {
        assertFrames("<a><b/></a>\n<a/>\n<a x='1'></a>", [m("<a><b/></a>\n", 1), m("<a/>\n", 2), m("<a x='1'></a>", 3)])
    }

    func testCommentsInstructionsAndStrayTextAfterTheRootStayWithIt() {
        let doc = "<a></a>\n<!-- <b> -->\n<?pi <c> ?>\nstray text\n"
        assertFrames(doc + "<d/>", [m(doc, 1), m("<d/>", 5)])
    }

    func testMarkupThatLooksLikeTagsDoesNotCount() {
        let doc = "<!DOCTYPE a [<!ENTITY e \"<x>\"> ]><a b=\"x>y\" c='/>'><![CDATA[</a><z>]]><!-- </a> --><?p </a>?>t</a>"
        assertFrames(doc + "\n<a/>", [m(doc + "\n", 1), m("<a/>", 2)])
    }

    func testATruncatedDocumentCostsThatDocumentOnly() {
        let cut = "<?xml version=\"1.0\"?>\n<Bundle><entry><resource>\n"
        let next = "<?xml version=\"1.0\"?>\n<Bundle/>\n"
        assertFrames(cut + next, [m(cut, 1), m(next, 3)])
    }

    func testAnInstructionNamedLikeTheDeclarationIsNotOne() {
        let doc = "<?xml version=\"1.0\"?><a><?xml-stylesheet href=\"s\"?></a>"
        assertFrames(doc, [m(doc, 1)])
    }

    // MARK: Anything else

    func testOtherInputIsOneMessage() {
        assertFrames("hello {\"a\":1}\n<a/>", [m("hello {\"a\":1}\n<a/>", 1)])
        assertFrames("", [m("", 1)])
        assertFrames(" \n\t", [m(" \n\t", 1)])
    }

    func testUTF16IsLeftToTheReader() {
        let bytes: [UInt8] = [0xFF, 0xFE, 0x3C, 0x00, 0x61, 0x00, 0x2F, 0x00, 0x3E, 0x00]
        let framed = frame(bytes)
        XCTAssertEqual(framed.count, 1)
        XCTAssertEqual(framed.first?.text.map { Array($0.utf8).count }, String(decoding: bytes, as: UTF8.self).utf8.count)
    }

    // MARK: Strict lines

    func testStrictLinesMakeEveryLineAMessage() {
        let input = "{\"a\":\n\nnot json\n{\"b\":1}{\"c\":2}\r\n<a/>"
        let expected = [m("{\"a\":", 1), m("", 2), m("not json", 3), m("{\"b\":1}{\"c\":2}\r", 4), m("<a/>", 5)]
        for chunks in [nil, 1, 3] {
            XCTAssertEqual(frame(Array(input.utf8), chunks: chunks, framing: .lines), expected)
        }
        XCTAssertEqual(frame([], framing: .lines), [], "an empty input has no message")
        XCTAssertEqual(frame(Array("{}\n".utf8), framing: .lines), [m("{}", 1)], "a final line break ends the last line")
        let long = String(repeating: "x", count: 80)
        XCTAssertEqual(frame(Array("a\n\(long)\nb\n".utf8), chunks: 16, limit: 40, framing: .lines),
                       [m("a", 1), Framed(text: nil, line: 2, column: 1, tooLarge: 80), m("b", 3)])
    }

    // MARK: The limit

    func testAMessageOverTheLimitIsSkippedAndTheStreamGoesOn() {
        let big = "{\"a\":\"" + String(repeating: "x", count: 100) + "\"}"
        assertFrames("{\"a\":1}\n" + big + "\n{\"b\":2}\n",
                     [m("{\"a\":1}", 1), Framed(text: nil, line: 2, column: 1, tooLarge: big.utf8.count), m("{\"b\":2}", 3)],
                     limit: 50)
        let doc = "<a>" + String(repeating: "<b/>", count: 40) + "</a>"
        assertFrames("<a/>" + doc + "<c/>",
                     [m("<a/>", 1), Framed(text: nil, line: 1, column: 5, tooLarge: doc.utf8.count), m("<c/>", 1, 5 + doc.utf8.count)],
                     limit: 50)
    }

    func testAnOversizedOpaqueInputIsReportedBySize() {
        let framed = frame(String(repeating: "z", count: 300), chunks: 64, limit: 100)
        XCTAssertEqual(framed, [Framed(text: nil, line: 1, column: 1, tooLarge: 300)])
    }

    // MARK: The stream

    func testTheStreamTellsASoleMessageAndPassesOnReadFailures() throws {
        func items(_ text: String) -> [MessageStream.Item] {
            Array(MessageStream(source: DataByteSource(Data(text.utf8))))
        }
        let sole = items("{\"a\":1}\n")
        XCTAssertEqual(sole.count, 1)
        guard case .message(let only) = sole.first else { return XCTFail("no message") }
        XCTAssertTrue(only.isSoleMessage)
        let two = items("{\"a\":1}\n{\"b\":2}\n")
        XCTAssertEqual(two.count, 2)
        guard case .message(let first) = two.first else { return XCTFail("no message") }
        XCTAssertFalse(first.isSoleMessage)

        struct Failing: ByteSource {
            var sent = false
            mutating func read(into buffer: inout [UInt8]) throws -> Int {
                if sent { throw ByteSourceError(operation: "read", code: EIO) }
                sent = true
                let text = Array("{\"a\":1}\n{\"b\"".utf8)
                buffer.replaceSubrange(0..<text.count, with: text)
                return text.count
            }
        }
        let failing = Array(MessageStream(source: Failing()))
        XCTAssertEqual(failing.count, 3, "both messages (the second cut short), then the failure")
        guard case .failure(let error) = failing.last else { return XCTFail("no failure") }
        XCTAssertEqual(error.code, EIO)
    }

    func testAStreamOverAFileReadsInChunks() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("framer-\(UUID().uuidString).ndjson")
        defer { try? FileManager.default.removeItem(at: url) }
        let line = "{\"resourceType\":\"Bundle\",\"id\":\"" + String(repeating: "x", count: 1000) + "\"}\n"
        try Data(String(repeating: line, count: 500).utf8).write(to: url)
        var count = 0
        for case .message(let message) in MessageStream(source: try FileByteSource(path: url.path)) {
            guard case .bytes(let data) = message.framed.content else { return XCTFail("too large") }
            XCTAssertEqual(data.count, line.utf8.count - 1)
            XCTAssertEqual(message.framed.line, count + 1)
            count += 1
        }
        XCTAssertEqual(count, 500)
        XCTAssertThrowsError(try FileByteSource(path: url.path + ".missing")) { error in
            XCTAssertEqual((error as? ByteSourceError)?.code, ENOENT)
        }
        XCTAssertThrowsError(try FileByteSource(path: FileManager.default.temporaryDirectory.path)) { error in
            XCTAssertEqual((error as? ByteSourceError)?.code, EISDIR)
        }
    }
}
