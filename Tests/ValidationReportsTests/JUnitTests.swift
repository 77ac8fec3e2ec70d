import XCTest
import DCHTestSupport
import FHIRModel
import ValidationReports

final class JUnitTests: XCTestCase {
    /// Writes the report and checks it with `xmllint --noout` (libxml2-utils).
    private func wellFormed(_ bytes: [UInt8]) throws {
        guard let xmllint = Fixtures.which("xmllint") else {
            throw Prerequisite.missing("xmllint (libxml2-utils) is not installed; .ci/run installs it")
        }
        let file = Fixtures.tempFile("xml")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(bytes).write(to: file)
        let result = try Fixtures.runTool(xmllint, ["--noout", file.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stderr, "")
    }

    private func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    func testOneSuitePerFileOneCasePerMessage() throws {
        let bytes = try JUnitReportWriter().write(Fixtures.run)
        try wellFormed(bytes)
        let xml = String(decoding: bytes, as: UTF8.self)
        XCTAssertEqual(count("<testsuite ", in: xml), 2)
        XCTAssertEqual(count("<testcase ", in: xml), 4)
        XCTAssertEqual(count("<failure ", in: xml), 2, "a.xml#0 and b.ndjson#1 have errors")
        XCTAssertEqual(count("<system-out>", in: xml), 1, "the information of b.ndjson#2")
        XCTAssertTrue(xml.contains("<testsuites name=\"dch validate\" tests=\"4\" failures=\"2\" errors=\"0\">"), xml)
        XCTAssertTrue(xml.contains("<testsuite name=\"b.ndjson\" tests=\"3\" failures=\"1\""), xml)
        XCTAssertTrue(xml.contains("<testcase classname=\"a.xml\" name=\"a.xml#0 Patient/p1\">"), xml)
        XCTAssertTrue(xml.contains("<testcase classname=\"b.ndjson\" name=\"b.ndjson#0 Bundle/b0\"/>"), xml)
        XCTAssertTrue(xml.contains("<failure type=\"error\" message=\"1 error, 1 warning\">"
            + "a.xml:3:5: error: [struct.unknown-element] unknown element 'favouriteColour' &lt;&amp;&gt;\""), xml)
        XCTAssertTrue(xml.contains("<failure type=\"fatal\" message=\"1 error, 0 warnings\">"), xml)
        XCTAssertFalse(xml.contains("\u{1}"), "control characters are replaced")
    }

    func testWarningsFailWithThresholdWarning() throws {
        let run = ValidationRun(messages: [
            MessageReport(file: "w.json", issues: [Issue(.warning, .value, rule: "r", "a \"quoted\" <warning>")]),
            MessageReport(file: "ok.json"),
        ])
        let lenient = String(decoding: try JUnitReportWriter().write(run), as: UTF8.self)
        XCTAssertEqual(count("<failure ", in: lenient), 0)
        let strict = try JUnitReportWriter(threshold: .warning).write(run)
        try wellFormed(strict)
        let xml = String(decoding: strict, as: UTF8.self)
        XCTAssertEqual(count("<failure ", in: xml), 1)
        XCTAssertEqual(count("<testsuite ", in: xml), 2)
        XCTAssertTrue(xml.contains("<failure type=\"warning\" message=\"0 errors, 1 warning\">"
            + "w.json: warning: [r] a \"quoted\" &lt;warning&gt;</failure>"), xml)
    }

    func testNamesWithMarkupAreEscaped() throws {
        let run = ValidationRun(messages: [MessageReport(file: "a&b <\"c\">.xml", resourceType: "Patient", id: "x'y")])
        let bytes = try JUnitReportWriter().write(run)
        try wellFormed(bytes)
        XCTAssertTrue(String(decoding: bytes, as: UTF8.self)
            .contains("name=\"a&amp;b &lt;&quot;c&quot;&gt;.xml#0 Patient/x&apos;y\""))
    }
}
