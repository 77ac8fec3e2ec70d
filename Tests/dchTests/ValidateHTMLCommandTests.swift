import XCTest
import Foundation
import DCHTestSupport

/// `dch validate --format html` run as a real process.
final class ValidateHTMLCommandTests: CommandTestCase {

    /// The line of `html` that holds `id="<id>"` (the report writes one such element per line).
    private func line(_ html: String, id: String) -> String? {
        html.split(separator: "\n").first { $0.contains(" id=\"\(id)\"") }.map(String.init)
    }

    func testPageShowsTheFailingLinesOfEachMessage() throws {
        let bad = try file("bad <1>.xml", """
            <Patient xmlns="http://hl7.org/fhir">
              <id value="p1"/>
              <favouriteColour value="blue"/>
            </Patient>

            """)
        let ndjson = try file("batch.ndjson", """
            {"resourceType":"Patient","id":"a"}
            {"resourceType":"Patient","id":"b","birthDate":"2019-02-30","x":"</script><!--"}

            """)
        let arguments = ["validate", "--format", "html", "Samples/nems-vaccination-new.xml", bad, ndjson]
        let r = try DCHCommand.run(arguments)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertEqual(r.stderr, "")
        let html = r.stdoutText
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>\n"))
        XCTAssertTrue(html.contains("<dt>Messages</dt><dd>4</dd>"), "the sample, bad.xml and two NDJSON lines")
        XCTAssertTrue(html.contains("<dt>Invalid</dt><dd>2</dd>"))
        // The valid sample has information only (bindings to SNOMED CT that cannot be checked offline).
        XCTAssertEqual(line(html, id: "m0"), "<article id=\"m0\" class=\"message s-information\">")
        XCTAssertNil(line(html, id: "m2"), "nor does the valid NDJSON line")

        let marked = try XCTUnwrap(line(html, id: "m1-L3"))
        XCTAssertTrue(marked.hasPrefix("<div class=\"l mark s-error\""), marked)
        XCTAssertTrue(marked.contains("favouriteColour value=&quot;blue&quot;/&gt;"), marked)
        XCTAssertTrue(try XCTUnwrap(line(html, id: "m1-L2")).hasPrefix("<div class=\"l\" "))
        XCTAssertTrue(html.contains("<h3>\(bad.replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;"))#0 Patient/p1 "))
        // The NDJSON message is line 2 of its file: its section shows that line alone, as line 2.
        let ndjsonLine = try XCTUnwrap(line(html, id: "m3-L2"))
        XCTAssertTrue(ndjsonLine.hasPrefix("<div class=\"l mark s-error\""), ndjsonLine)
        XCTAssertTrue(ndjsonLine.contains("&quot;2019-02-30&quot;,<span class=\"c\">&quot;</span>x&quot;:&quot;&lt;/script&gt;&lt;!--&quot;}"), ndjsonLine)
        XCTAssertEqual(html.components(separatedBy: "</script>").count - 1, 2, "only the page's own scripts end")
        XCTAssertFalse(html.contains("<!--"))
        XCTAssertNil(line(html, id: "m3-L1"))
        XCTAssertTrue(html.contains("<a href=\"#m3-L2\">2:"), "the table row links to the line")

        // Another process (another hash seed) writes the same bytes, to a file with -o.
        let report = temp.appendingPathComponent("report.html")
        let again = try DCHCommand.run(arguments + ["-o", report.path])
        XCTAssertEqual(again.status, 1)
        XCTAssertEqual(again.stdout, Data())
        XCTAssertEqual(try Data(contentsOf: report), r.stdout)
    }
}
