import XCTest
import HL7v2

/// The stream reader's `Span` entry point (issue 18): windows of one buffer, cut anywhere, read as
/// the whole input does, and an over-long line is reported once, its segment known from its first bytes.
final class SpanChunkTests: XCTestCase {
    func testWindowsOfOneBufferGiveWhatTheWholeInputGives() {
        let input = Array((Fixtures.a28 + "\n" + Fixtures.a28.replacingOccurrences(of: "MSG00001", with: "MSG00002")).utf8)
        let reference = HL7v2Parser().parse(input)
        XCTAssertEqual(reference.messages.map(\.controlID), ["MSG00001", "MSG00002"])
        for size in [1, 5, 64, input.count] {
            var reader = HL7v2StreamParser()
            var messages: [HL7v2Message] = []
            var issues: [HL7v2Issue] = []
            var start = 0
            while start < input.count {
                let end = min(start + size, input.count)
                reader.read(input.span.extracting(start..<end))
                let taken = reader.take()
                messages += taken.messages
                issues += taken.issues
                start = end
            }
            reader.finish()
            let last = reader.take()
            messages += last.messages
            issues += last.issues
            XCTAssertEqual(messages, reference.messages, "windows of \(size) bytes")
            XCTAssertEqual(issues, reference.issues, "windows of \(size) bytes")
        }
    }

    func testALineOverTheLimitIsReportedOnceWhicheverWayItArrives() {
        let long = "MSH|^~\\&|" + String(repeating: "X", count: 200) + "\r"
        let input = Array(long.utf8)
        let options = HL7v2ParseOptions(maxMessageBytes: 64)
        let whole = HL7v2Parser(options: options).parse(input)
        var reader = HL7v2StreamParser(options: options)
        for start in stride(from: 0, to: input.count, by: 3) {
            reader.read(input.span.extracting(start..<min(start + 3, input.count)))
        }
        reader.finish()
        let streamed = reader.take()
        XCTAssertEqual(streamed.issues, whole.issues)
        XCTAssertEqual(whole.issues.map(\.rule), [.tooLarge], "\(whole.issues)")
    }
}
