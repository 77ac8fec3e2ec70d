import XCTest
import FHIRModel
import ValidationReports

final class HTMLReportTests: XCTestCase {
    /// A Patient in XML with issues on lines 3 (an error and a warning) and 5 (a warning), and one
    /// without a position; then an NDJSON file whose second message (file line 4) has an information.
    static var markedRun: ValidationRun {
        let xml = "<Patient xmlns=\"http://hl7.org/fhir\">\n  <id value=\"p1\"/>\n  <colour value=\"blue\"/>\n"
            + "  <birthDate value=\"2019\"/>\n  <name><family value=\"Smith \"/></name>\n</Patient>\n"
        let ndjsonLine = #"{"resourceType":"Patient","id":"é2","gender":"m"}"#
        return ValidationRun(messages: [
            MessageReport(file: "p.xml", resourceType: "Patient", id: "p1", issues: [
                Issue(.error, .structure, rule: "struct.unknown-element", "unknown element 'colour'",
                      path: "Patient.colour", position: SourcePosition(line: 3, column: 3), file: "p.xml", messageIndex: 0),
                Issue(.warning, .value, rule: "value.other", "a warning on the same line",
                      position: SourcePosition(line: 3, column: 17), file: "p.xml", messageIndex: 0),
                Issue(.warning, .value, rule: "value.whitespace", "trailing space",
                      path: "Patient.name[0].family", position: SourcePosition(line: 5, column: 9), file: "p.xml", messageIndex: 0),
                Issue(.information, .informational, rule: "note.unplaced", "no position", file: "p.xml", messageIndex: 0),
            ], source: MessageSource(text: xml)),
            MessageReport(file: "b.ndjson", index: 0, resourceType: "Patient", id: "a"),
            MessageReport(file: "b.ndjson", index: 1, resourceType: "Patient", id: "é2", issues: [
                Issue(.information, .informational, rule: "value.code", "gender 'm' is not in the value set",
                      path: "Patient.gender", position: SourcePosition(line: 4, column: 48), file: "b.ndjson", messageIndex: 1),
            ], source: MessageSource(text: ndjsonLine + "\n", firstLine: 4)),
        ])
    }

    /// Every in-page link points at an element of the page.
    private func assertLinksResolve(_ page: HTMLPage, file: StaticString = #filePath, line: UInt = #line) {
        let ids = Set(page.attributes("id"))
        XCTAssertEqual(ids.count, page.attributes("id").count, "ids are unique", file: file, line: line)
        for href in page.attributes("href") {
            XCTAssertTrue(href.hasPrefix("#"), "only in-page links: \(href)", file: file, line: line)
            XCTAssertTrue(ids.contains(String(href.dropFirst())), "dangling link \(href)", file: file, line: line)
        }
    }

    func testMarkedLinesTakeTheWorstSeverityAndRowsLinkToThem() throws {
        let page = HTMLPage(try HTMLReportWriter().write(Self.markedRun))
        assertLinksResolve(page)
        XCTAssertEqual(page.attributes("class").filter { $0.hasPrefix("l mark") }.count, 3)
        let l3 = try XCTUnwrap(page.line(withID: "m0-L3"))
        XCTAssertTrue(l3.hasPrefix("<div class=\"l mark s-error\""), l3)
        XCTAssertTrue(l3.contains("  <span class=\"c\">&lt;</span>colour value=<span class=\"c\">&quot;</span>blue"), l3)
        XCTAssertTrue(try XCTUnwrap(page.line(withID: "m0-L5")).hasPrefix("<div class=\"l mark s-warning\""))
        for n in [1, 2, 4, 6] {
            XCTAssertTrue(try XCTUnwrap(page.line(withID: "m0-L\(n)")).hasPrefix("<div class=\"l\" "), "line \(n)")
        }
        XCTAssertNil(page.line(withID: "m0-L7"), "a final line end starts no line")
        // NDJSON: the message is file line 4; column 48 counts the two bytes of 'é'.
        let ndjson = try XCTUnwrap(page.line(withID: "m2-L4"))
        XCTAssertTrue(ndjson.hasPrefix("<div class=\"l mark s-information\""), ndjson)
        XCTAssertTrue(ndjson.contains("&quot;gender&quot;:&quot;<span class=\"c\">m</span>&quot;"), ndjson)
        XCTAssertNil(page.line(withID: "m1"), "a clean message gets no section")
        XCTAssertNil(page.line(withID: "m2-L1"))

        let rows = page.text.split(separator: "\n").filter { $0.hasPrefix("<tr id=\"i") }
        XCTAssertEqual(rows.count, 5)
        XCTAssertTrue(rows[0].contains("<a href=\"#m0-L3\">3:3</a>"), String(rows[0]))
        XCTAssertTrue(rows[1].contains("<a href=\"#m0-L3\">3:17</a>"), String(rows[1]))
        XCTAssertTrue(rows[2].contains("<a href=\"#m0-L5\">5:9</a>"), String(rows[2]))
        XCTAssertTrue(rows[3].contains("<a href=\"#m0\">–</a>"), "no position: the message's section")
        XCTAssertTrue(rows[4].contains("<td>b.<wbr>ndjson</td><td class=\"num\">#1</td>"), String(rows[4]))
        XCTAssertTrue(rows[4].contains("<a href=\"#m2-L4\">4:48</a>"), String(rows[4]))
        // Notes under line 3 link back to rows 0 and 1, in order; the unplaced one comes before the source.
        let section = try XCTUnwrap(page.text.range(of: "<article id=\"m0\"")).lowerBound
        let after = page.text[section...]
        let unplaced = try XCTUnwrap(after.range(of: "<a href=\"#i3\">information</a>")).lowerBound
        let firstLine = try XCTUnwrap(after.range(of: "id=\"m0-L1\"")).lowerBound
        let note0 = try XCTUnwrap(after.range(of: "<a href=\"#i0\">error</a>")).lowerBound
        let note1 = try XCTUnwrap(after.range(of: "<a href=\"#i1\">warning</a>")).lowerBound
        let line4 = try XCTUnwrap(after.range(of: "id=\"m0-L4\"")).lowerBound
        XCTAssertTrue(unplaced < firstLine && firstLine < note0 && note0 < note1 && note1 < line4)
    }

    func testSummaryCountsAndRules() throws {
        let page = HTMLPage(try HTMLReportWriter().write(Fixtures.run))
        assertLinksResolve(page)
        for (name, n) in [("Messages", 4), ("Valid", 2), ("Invalid", 2), ("Errors", 2), ("Warnings", 1), ("Information", 1)] {
            XCTAssertTrue(page.contains("<dt>\(name)</dt><dd>\(n)</dd>"), name)
        }
        XCTAssertTrue(page.contains("<p class=\"verdict fail\">2 of 4 messages are invalid (with errors).</p>"))
        XCTAssertTrue(page.contains("<tr class=\"s-fatal\"><td><code>json.syntax</code></td><td class=\"sev\">fatal</td>"
            + "<td class=\"num\">1</td><td class=\"num\">1</td></tr>"))
        let ruleRows = page.text.split(separator: "\n").filter { $0.hasPrefix("<tr class=\"s-") }
        XCTAssertEqual(ruleRows.map { $0.components(separatedBy: "<code>")[1].components(separatedBy: "</code>")[0] },
                       ["binding.not-checked", "json.syntax", "struct.unknown-element", "value.whitespace"], "sorted by id")
        XCTAssertEqual(page.count("<tr id=\"i"), 4)
        XCTAssertTrue(page.contains("The source of this message is not available."), "the fixtures carry no sources")

        let strict = HTMLPage(try HTMLReportWriter(threshold: .warning).write(Fixtures.run))
        XCTAssertTrue(strict.contains("<dt>Invalid</dt><dd>2</dd>"), "a.xml already fails on its error")
        let warned = ValidationRun(messages: [MessageReport(file: "w.json", issues: [Issue(.warning, .value, rule: "r", "w")])])
        XCTAssertTrue(HTMLPage(try HTMLReportWriter().write(warned)).contains("<p class=\"verdict pass\">The message is valid.</p>"))
        XCTAssertTrue(HTMLPage(try HTMLReportWriter(threshold: .warning).write(warned))
            .contains("<p class=\"verdict fail\">1 of 1 message is invalid (with errors or warnings).</p>"))
    }

    func testHostileInputIsEscaped() throws {
        let evil = "</script><script>alert(1)</script><!-- \"q\" 'a' & \u{0}\u{1}\u{7F}\u{85}\u{FFFE} -->"
        let source = "<Patient>\n  <x value=\"\(evil)\"/>\r\n</Patient>"
        let run = ValidationRun(messages: [
            MessageReport(file: "dir/\(evil).xml", resourceType: "Patient", id: evil, issues: [
                Issue(.error, .structure, rule: "r\"><img src=x onerror=alert(2)>", evil, path: "Patient.x<\(evil)",
                      position: SourcePosition(line: 2, column: 3), file: "dir/\(evil).xml", messageIndex: 0),
            ], source: MessageSource(text: source)),
        ])
        let page = HTMLPage(try HTMLReportWriter().write(run))
        assertLinksResolve(page)
        XCTAssertEqual(page.count("<script"), 2, "only the page's own scripts")
        XCTAssertEqual(page.count("</script>"), 2)
        XCTAssertEqual(page.count("<!--"), 0)
        XCTAssertEqual(page.count("<img"), 0)
        XCTAssertEqual(page.tagNames, ["html", "head", "meta", "title", "style", "script", "body", "header",
                                       "h1", "p", "main", "section", "h2", "dl", "div", "dt", "dd", "table", "caption",
                                       "thead", "tr", "th", "tbody", "td", "code", "form", "fieldset", "legend", "label",
                                       "input", "select", "option", "output", "a", "article", "h3", "small", "ul", "li",
                                       "span", "wbr"], "no element from the input")
        let controls = page.text.unicodeScalars.filter {
            ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) || $0.value == 0xFFFE
        }
        XCTAssertEqual(controls.count, 0, "no control characters reach the page")
        XCTAssertTrue(page.contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;!-- &quot;q&quot; &#39;a&#39; &amp; ␀␁␡\u{FFFD}\u{FFFD} --&gt;"))
        XCTAssertTrue(page.contains("data-rule=\"r&quot;&gt;&lt;img src=x onerror=alert(2)&gt;\""))
        let marked = try XCTUnwrap(page.line(withID: "m0-L2"))
        XCTAssertTrue(marked.hasSuffix("&quot;/&gt;</code></div>"), "the CR of CRLF is not part of the line: \(marked)")
    }

    func testSameRunSameBytes() throws {
        let writer = HTMLReportWriter(limits: .init(issueRows: 3, messages: 1, sourceBytes: 40))
        XCTAssertEqual(try writer.write(Self.markedRun), try writer.write(Self.markedRun))
        XCTAssertEqual(try HTMLReportWriter().write(Fixtures.run), try HTMLReportWriter().write(Fixtures.run))
    }

    func testCapsKeepBigRunsSmallAndSaySo() throws {
        // 12 messages of 40 lines, each with issues on lines 10 and 30.
        let text = (1...40).map { "  <line\($0) value=\"\(String(repeating: "x", count: 20))\"/>" }.joined(separator: "\n")
        let messages = (0..<12).map { i in
            MessageReport(file: "big.xml", index: i, issues: [10, 30].map { line in
                Issue(.error, .value, rule: "rule.\(line)", "bad \(i)", position: SourcePosition(line: line, column: 3))
            }, source: MessageSource(text: text))
        }
        let wholeBytes = text.utf8.count + 1
        let excerptBytes = ([7...13, 27...33].joined().count) * (text.split(separator: "\n")[9].utf8.count + 1)
        let limits = HTMLReportWriter.Limits(issueRows: 5, messages: 4, sourceBytes: wholeBytes + excerptBytes + 10)
        let page = HTMLPage(try HTMLReportWriter(limits: limits).write(ValidationRun(messages: [
            MessageReport(file: "clean.xml"),
        ] + messages)))
        assertLinksResolve(page)
        XCTAssertEqual(page.count("<tr id=\"i"), 5)
        XCTAssertTrue(page.contains("The table shows the first 5 of 24 issues;"))
        XCTAssertTrue(page.contains("<dt>Errors</dt><dd>24</dd>"), "counts cover the whole run")
        XCTAssertTrue(page.contains("<p class=\"verdict fail\">12 of 13 messages are invalid (with errors).</p>"))
        XCTAssertEqual(page.count("<article "), 4)
        XCTAssertTrue(page.contains("8 more messages with issues are not shown here (at most 4 are)"))
        XCTAssertTrue(page.contains("3 sources are cut or left out"))
        // Message 1 whole, message 2 cut to its issues' lines with 3 lines around them, 3 and 4 left out.
        XCTAssertNotNil(page.line(withID: "m1-L1"))
        XCTAssertNotNil(page.line(withID: "m1-L40"))
        XCTAssertNil(page.line(withID: "m2-L6"))
        XCTAssertNotNil(page.line(withID: "m2-L7"))
        XCTAssertNotNil(page.line(withID: "m2-L13"))
        XCTAssertNil(page.line(withID: "m2-L14"))
        XCTAssertTrue(page.contains("<div class=\"gap\">⋯ lines 1–6 not shown</div>"))
        XCTAssertTrue(page.contains("<div class=\"gap\">⋯ lines 14–26 not shown</div>"))
        XCTAssertTrue(page.contains("<div class=\"gap\">⋯ lines 34–40 not shown</div>"))
        XCTAssertEqual(page.count("Only the lines around the issues are shown"), 1)
        XCTAssertEqual(page.count("The source is not shown: the report's source budget is used up."), 2)
        XCTAssertNil(page.line(withID: "m3-L10"))
        // Row 4 (message 3, line 10) has no line on the page: it links to the message's section.
        XCTAssertTrue(try XCTUnwrap(page.line(withID: "i4")).contains("<a href=\"#m3\">10:3</a>"))
    }

    func testNotesPerMessageAreCapped() throws {
        let issues = (1...5).map { Issue(.warning, .value, rule: "r", "w\($0)", position: SourcePosition(line: 1, column: $0)) }
        let run = ValidationRun(messages: [MessageReport(file: "m.json", issues: issues, source: MessageSource(text: "{\"a\":1}"))])
        let page = HTMLPage(try HTMLReportWriter(limits: .init(notesPerMessage: 2)).write(run))
        XCTAssertEqual(page.count("<li class=\"s-warning\">"), 2)
        XCTAssertTrue(page.contains("Not written out here: 3 more issues (at most 2 per message)."))
        XCTAssertEqual(page.count("<tr id=\"i"), 5, "the table still has them all")
    }

    func testSourceLines() {
        XCTAssertEqual(MessageSource(text: "a\r\nb\n\nc").lines, ["a", "b", "", "c"])
        XCTAssertEqual(MessageSource(text: "x\r\n").lines, ["x"])
        XCTAssertEqual(MessageSource(text: "").lines, [""])
        XCTAssertEqual(MessageSource(text: "\n\n").lines, ["", ""])
        XCTAssertEqual(MessageSource(bytes: [0x61, 0xFF, 0x0A, 0x62], firstLine: 0).lines, ["a\u{FFFD}", "b"])
        XCTAssertEqual(MessageSource(text: "", firstLine: 0).firstLine, 1)
    }

    func testCleanRunIsAShortPage() throws {
        let page = HTMLPage(try HTMLReportWriter().write(ValidationRun(messages: [MessageReport(file: "a.xml")])))
        XCTAssertTrue(page.contains("<p class=\"verdict pass\">The message is valid.</p>"))
        XCTAssertEqual(page.count("<p>No issues.</p>"), 2)
        XCTAssertFalse(page.contains("<form"))
        XCTAssertFalse(page.contains("<article"))
        XCTAssertTrue(page.text.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">"))
        XCTAssertTrue(page.contains("content=\"default-src 'none';"), "nothing may load")
    }
}
