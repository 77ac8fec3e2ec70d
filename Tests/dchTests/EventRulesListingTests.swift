import XCTest
import Foundation
import DCHTestSupport

/// `dch events --rules`: an event's numbered page rules and how dch treats each, run as a real process.
final class EventRulesListingTests: XCTestCase {
    func testRulesOfOneEventInTextAndJSON() throws {
        let text = try DCHCommand.run(["events", "--rules", "Birth Details"])
        XCTAssertEqual(text.status, 0, text.stderr)
        let out = text.stdoutText
        XCTAssert(out.contains("E-BirthDetails-5: Mandatory data item 'Birth Order'"), out)
        XCTAssert(out.contains("checked as event.E-BirthDetails-5"), out)
        XCTAssert(out.contains("checked as event.G5"), out)
        XCTAssert(out.contains("page and profile disagree"), "E-BirthDetails-4 names an element its profile forbids")
        XCTAssert(out.contains("not checkable: optional data items"), out)

        let json = try DCHCommand.run(["events", "--rules", "CH005", "--format", "json"])
        XCTAssertEqual(json.status, 0, json.stderr)
        let rows = try json.stdoutText.split(separator: "\n").map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        XCTAssertEqual(rows.count, 13, "CH005's page has 13 numbered rules")
        let order = try XCTUnwrap(rows.first { $0["id"] as? String == "E-BirthDetails-5" })
        XCTAssertEqual(order["treatment"] as? String, "mandatory-checked")
        XCTAssertEqual(order["rule"] as? String, "event.E-BirthDetails-5")
        let required = try XCTUnwrap(rows.first { $0["id"] as? String == "E-BirthDetails-12" })
        XCTAssertEqual(required["treatment"] as? String, "required-if-recorded")
        XCTAssertNil(required["rule"], "never reported")
    }

    func testAllRulesAndUnknownEvent() throws {
        let all = try DCHCommand.run(["events", "--rules", "all"])
        XCTAssertEqual(all.status, 0, all.stderr)
        let summary = all.stdoutText.split(separator: "\n").last.map(String.init) ?? ""
        XCTAssert(summary.hasPrefix("309 rules: "), summary)
        let unknown = try DCHCommand.run(["events", "--rules", "no-such-event"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssert(unknown.stderr.contains("unknown event 'no-such-event'"), unknown.stderr)
    }
}
