import XCTest
import FHIRModel
@testable import ValidationReports

/// The JSON-lines writer writes its bytes directly; they must be the member tree it documents
/// (`JSONLinesReportWriter.object`) rendered compactly, one line per issue.
final class JSONLinesWriterTests: XCTestCase {
    func testDirectLinesAreTheRenderedObjects() throws {
        var run = Fixtures.run
        // Text that needs every kind of escape, and absent optional fields.
        run.messages.append(MessageReport(file: "c \"q\".xml", index: 3, issues: [
            Issue(.error, .invalid, rule: "x.y", "tab\tquote\" nl\n \u{1} \u{2028} é😀", path: nil),
        ]))
        let expected = run.messages.flatMap { message in
            message.issues.map { JSONLinesReportWriter.object($0, in: message).rendered(pretty: false) + "\n" }
        }.joined()
        XCTAssertEqual(String(decoding: try JSONLinesReportWriter().write(run), as: UTF8.self), expected)
        XCTAssertGreaterThan(expected.split(separator: "\n").count, 4)
    }
}
