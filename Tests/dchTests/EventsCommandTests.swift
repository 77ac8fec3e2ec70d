import XCTest
import Foundation
import DCHTestSupport

/// `dch events`, `dch inspect` and the event rules of `dch validate`, run as real processes.
final class EventsCommandTests: XCTestCase {
    func testEventsListsTheCatalogue() throws {
        let text = try DCHCommand.run(["events"])
        XCTAssertEqual(text.status, 0, text.stderr)
        let lines = text.stdoutText.split(separator: "\n")
        XCTAssertTrue(lines.first?.hasPrefix("NAME") ?? false)
        XCTAssertTrue(lines.contains { $0.contains("Vaccinations") && $0.contains("NEMS") && $0.contains("vaccinations-1")
            && $0.contains("Immunization") && $0.contains("CareConnect-Immunization-1") })
        let json = try DCHCommand.run(["events", "--format", "json"])
        XCTAssertEqual(json.status, 0, json.stderr)
        let rows = try json.stdoutText.split(separator: "\n").map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        XCTAssertEqual(rows.count, lines.count - 1, "one JSON object per table row")
        let birth = try XCTUnwrap(rows.first { $0["code"] as? String == "CH005" })
        XCTAssertEqual(birth["family"] as? String, "DCH")
        XCTAssertEqual(birth["focus"] as? String, "Encounter")
        XCTAssertEqual(birth["page"] as? Bool, true)
        // Codes of the event code systems that no page describes are listed and marked.
        let medication = try XCTUnwrap(rows.first { $0["code"] as? String == "CH036" })
        XCTAssertEqual(medication["page"] as? Bool, false)
        XCTAssertTrue(lines.contains { $0.hasPrefix("Medication Administration (no page)") && $0.contains("CH036") })
        XCTAssertEqual(rows.filter { $0["page"] as? Bool == true }.count, 52)
    }

    func testInspectMasksTheNHSNumberAndGivesTheVerdict() throws {
        let r = try DCHCommand.run(["inspect", "Samples/nems-vaccination-new.xml"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let out = r.stdoutText
        XCTAssertTrue(out.contains("Vaccinations (vaccinations-1, NEMS)"), out)
        XCTAssertTrue(out.contains("999 *** **26"), out)
        XCTAssertFalse(out.contains("9990000026"), "masked by default")
        XCTAssertTrue(out.contains("RIVERSIDE HEALTH CENTRE (Y99001)"), out)
        XCTAssertTrue(out.contains("Bundle.entry[1].resource  Immunization  CareConnect-Immunization-1"), out)
        XCTAssertTrue(out.contains("verdict    valid: 0 errors, 0 warnings"), out)
        let shown = try DCHCommand.run(["inspect", "--show-identifiers", "Samples/nems-vaccination-new.xml"])
        XCTAssertTrue(shown.stdoutText.contains("9990000026"))
    }

    func testInspectJSONOfAnInvalidMessage() throws {
        let sample = try String(contentsOf: SharedCorpus.packageRoot.appendingPathComponent("Samples/dch-birth-weight.xml"), encoding: .utf8)
        let broken = sample.replacingOccurrences(of: "<code value=\"CH005\"/>", with: "<code value=\"CH099\"/>")
        XCTAssertNotEqual(broken, sample)
        let r = try DCHCommand.run(["inspect", "--format", "json", "-"], stdin: Data(broken.utf8))
        XCTAssertEqual(r.status, 0, r.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: r.stdout) as? [String: Any])
        let summary = try XCTUnwrap(object["summary"] as? [String: Any])
        XCTAssertNil(summary["event"], "CH099 is no event")
        XCTAssertEqual(summary["eventCode"] as? String, "CH099")
        XCTAssertEqual(summary["nhsNumber"] as? String, "999 *** **34")
        XCTAssertEqual((summary["resources"] as? [Any])?.count, 9)
        let verdict = try XCTUnwrap(object["verdict"] as? [String: Any])
        XCTAssertEqual(verdict["valid"] as? Bool, false)
        XCTAssertGreaterThanOrEqual(verdict["errors"] as? Int ?? 0, 1)
    }

    func testValidateReportsEventRulesWithTheirIds() throws {
        let sample = try String(contentsOf: SharedCorpus.packageRoot.appendingPathComponent("Samples/nems-vaccination-new.xml"), encoding: .utf8)
        let broken = sample.replacingOccurrences(of: "9990000026", with: "9990000027")
        XCTAssertNotEqual(broken, sample)
        let r = try DCHCommand.run(["validate", "--format", "json", "-"], stdin: Data(broken.utf8))
        XCTAssertEqual(r.status, 1, r.stderr)
        let issues = try r.stdoutText.split(separator: "\n").compactMap {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        XCTAssertTrue(issues.contains { $0["rule"] as? String == "event.G11"
            && $0["path"] as? String == "Bundle.entry[2].resource.identifier[0].value" }, r.stdoutText)
        XCTAssertTrue(issues.contains { $0["rule"] as? String == "event.G6" && $0["severity"] as? String == "information" })
    }
}
