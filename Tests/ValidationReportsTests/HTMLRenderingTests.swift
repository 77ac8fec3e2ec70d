import XCTest
import FHIRModel
import ValidationReports

/// The HTML report as a browser sees it: headless Chromium renders it and runs its script.
final class HTMLRenderingTests: XCTestCase {
    private var page: URL!

    override func setUpWithError() throws {
        page = Fixtures.tempFile("html")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: page)
    }

    private func write(_ run: ValidationRun) throws {
        try Data(try HTMLReportWriter().write(run)).write(to: page)
    }

    /// Renders the page; returns the decoded screenshot after checking the PNG's frame.
    private func render(_ chromium: HeadlessChromium, width: Int, height: Int) throws -> PNGImage {
        let png = try chromium.screenshot(page, width: width, height: height)
        XCTAssertEqual(Array(png.prefix(8)), PNGImage.signature)
        let size = try PNGImage.size(png)
        XCTAssertEqual(size.width, width)
        XCTAssertEqual(size.height, height)
        XCTAssertGreaterThan(png.count, 10_000, "a page with text and tables, not a blank image")
        return try PNGImage(png)
    }

    func testMarkedLinesAreDrawnInTheirSeverityColour() throws {
        let chromium = try HeadlessChromium.require()
        try write(HTMLReportTests.markedRun)
        let image = try render(chromium, width: 1000, height: 1400)
        let pixels = { (s: Severity) -> Int in
            let c = HTMLReportWriter.markColour(s)
            return image.count(red: c.red, green: c.green, blue: c.blue)
        }
        // Each marked line is a band about 900 px wide and 20 px high, less its text.
        XCTAssertGreaterThan(pixels(.error), 5_000, "line 3 (error) is marked")
        XCTAssertGreaterThan(pixels(.warning), 5_000, "line 5 (warning) is marked")
        XCTAssertGreaterThan(pixels(.information), 5_000, "the NDJSON line (information) is marked")

        // The same run without sources: the table is still there, and no pixel has a mark colour.
        var bare = HTMLReportTests.markedRun
        for i in bare.messages.indices { bare.messages[i].source = nil }
        try write(bare)
        let plain = try render(chromium, width: 1000, height: 1400)
        for s in [Severity.error, .warning, .information] {
            let c = HTMLReportWriter.markColour(s)
            XCTAssertEqual(plain.count(red: c.red, green: c.green, blue: c.blue), 0, "\(s) colour without marks")
        }
    }

    func testFilterScriptRunsAndHidesRows() throws {
        let chromium = try HeadlessChromium.require()
        let run = HTMLReportTests.markedRun
        try write(run)
        var address = URLComponents(url: page, resolvingAgainstBaseURL: false)!
        address.queryItems = [URLQueryItem(name: "severity", value: "warning,information"),
                              URLQueryItem(name: "q", value: "patient")]
        let dom = try chromium.dumpDOM(address.url!)
        XCTAssertTrue(dom.contains("<html lang=\"en\" data-filter=\"ready\">"), String(dom.prefix(300)))
        XCTAssertFalse(dom.contains(" data-script-error=\""), "the scripts raised an error")
        XCTAssertFalse(dom.contains("<form id=\"filter\" class=\"filter\" hidden"), "the script shows the filters")
        // Expected from the run itself: warnings and information whose row mentions "patient".
        let rows = run.messages.flatMap { m in m.issues.map { (m, $0) } }
        let kept = rows.map { m, issue in
            [.warning, .information].contains(issue.severity)
                && [issue.rule, issue.message, issue.path ?? "", m.file].joined(separator: " ").lowercased().contains("patient")
        }
        XCTAssertEqual(kept.filter { $0 }.count, 2, "the value.whitespace warning and the NDJSON information")
        for (i, keep) in kept.enumerated() {
            let hidden = dom.contains("<tr id=\"i\(i)\" class=\"s-\(rows[i].1.severity.rawValue)\" data-sev=\"\(rows[i].1.severity.rawValue)\""
                + " data-rule=\"\(rows[i].1.rule)\" hidden=\"\">")
            XCTAssertEqual(hidden, !keep, "row \(i)")
            XCTAssertTrue(dom.contains("<tr id=\"i\(i)\" "), "row \(i) is in the DOM")
        }
        XCTAssertTrue(dom.contains("<output id=\"f-count\">2 of 5 shown</output>"), dom)
    }
}
