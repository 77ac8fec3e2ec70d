import XCTest
import Foundation
import FHIRModel
import ChildHealthEvents
import DCHTestSupport

/// One defect at a time in a valid message: each must be found with its rule id and path.
final class EventRulesMutationTests: XCTestCase {
    var fixture: EventFixture!
    var nems = ""
    var dch = ""

    override func setUpWithError() throws {
        fixture = try EventFixture()
        let samples = SharedCorpus.packageRoot.appendingPathComponent("Samples")
        nems = try String(contentsOf: samples.appendingPathComponent("nems-vaccination-new.xml"), encoding: .utf8)
        dch = try String(contentsOf: samples.appendingPathComponent("dch-birth-weight.xml"), encoding: .utf8)
    }

    /// The event issues of a mutated text (after checking the mutation applied).
    func issues(_ text: String, replacing old: String, with new: String, onlyFirst: Bool = false,
                file: StaticString = #filePath, line: UInt = #line) throws -> [Issue] {
        XCTAssertTrue(text.contains(old), "mutation target missing: \(old)", file: file, line: line)
        let mutated: String
        if onlyFirst, let range = text.range(of: old) {
            mutated = text.replacingCharacters(in: range, with: new)
        } else {
            mutated = text.replacingOccurrences(of: old, with: new)
        }
        return fixture.rules.check(try fixture.tree(Data(mutated.utf8)), syntax: .xml)
    }

    func assertFinds(_ issues: [Issue], _ severity: Severity, _ rule: String, at path: String, containing text: String? = nil,
                     file: StaticString = #filePath, line: UInt = #line) {
        let hit = issues.first { $0.rule == rule && $0.path == path && $0.severity == severity && text.map($0.message.contains) ?? true }
        XCTAssertNotNil(hit, "no \(severity) \(rule) at \(path) saying '\(text ?? "")'; got \(issues.filter { $0.severity != .information }.map { "\($0.rule) \($0.path ?? "")" })",
                        file: file, line: line)
    }

    func testUnmutatedSamplesHaveNoFindings() throws {
        for text in [nems, dch] {
            let found = fixture.rules.check(try fixture.tree(Data(text.utf8)), syntax: .xml).filter { $0.severity != .information }
            XCTAssertEqual(found, [])
        }
    }

    func testUnknownEventCodeListsTheKnownEvents() throws {
        let found = try issues(nems, replacing: "vaccinations-1", with: "vaccinations-9")
        assertFinds(found, .error, "event.G5", at: "Bundle.entry[0].resource.event.code", containing: "Vaccinations (vaccinations-1)")
        XCTAssertTrue(found.first { $0.rule == "event.G5" }?.message.contains("Birth Details (CH005)") ?? false)
    }

    func testEventCodeInAnotherSystem() throws {
        let found = try issues(dch, replacing: "<code value=\"CH005\"/>", with: "<code value=\"vaccinations-1\"/>")
        assertFinds(found, .error, "event.G5", at: "Bundle.entry[0].resource.event.system", containing: "EventType-1")
    }

    func testBadCheckDigit() throws {
        let found = try issues(nems, replacing: "9990000026", with: "9990000027")
        assertFinds(found, .error, "event.G11", at: "Bundle.entry[2].resource.identifier[0].value", containing: "check digit 6 expected")
        assertFinds(found, .error, "event.G10", at: "Bundle.entry[0].resource.extension[0].extension[0].valueIdentifier.value")
    }

    func testRoutingNumberDiffersFromPatient() throws {
        XCTAssertTrue(NHSNumber.isValid("9990000018"))
        let found = try issues(nems, replacing: "<value value=\"9990000026\"/>",
                               with: "<value value=\"9990000018\"/>", onlyFirst: true)
        assertFinds(found, .error, "event.G10", at: "Bundle.entry[0].resource.extension[0].extension[0].valueIdentifier.value",
                    containing: "differs from the Patient's 999 *** **26")
        XCTAssertFalse(found.contains { $0.rule == "event.G11" }, "both numbers are valid")
    }

    func testFocusOnTheWrongResource() throws {
        let found = try issues(nems, replacing: "<reference value=\"urn:uuid:6f2a9d1c-3e4b-4c5d-9e6f-7a8b9c0d1e2f\"/>",
                               with: "<reference value=\"urn:uuid:2d4f6a8c-0e1f-4a2b-8c3d-4e5f6a7b8c9d\"/>")
        assertFinds(found, .error, "event.G3", at: "Bundle.entry[0].resource.focus[0].reference", containing: "is a Immunization")
    }

    /// A MessageHeader out of place (layer 4 reports it) does not make the event rules count it as
    /// a resource of the event, nor miss the entry that took its place.
    func testResourcesAreCountedWhereverTheHeaderStands() throws {
        let entries = try NSRegularExpression(pattern: "<entry>[\\s\\S]*?</entry>")
            .matches(in: nems, range: NSRange(nems.startIndex..., in: nems)).compactMap { Range($0.range, in: nems) }
        XCTAssertGreaterThan(entries.count, 2)
        let header = String(nems[entries[0]]), second = String(nems[entries[1]])
        XCTAssertTrue(header.contains("<MessageHeader>") && second.contains("<Immunization>"))
        let swapped = nems.replacingCharacters(in: entries[0].lowerBound..<entries[1].upperBound, with: second + "\n    " + header)
        let found = fixture.rules.check(try fixture.tree(Data(swapped.utf8)), syntax: .xml)
        XCTAssertFalse(found.contains { $0.rule == "event.E-vaccinations-1" }, "\(found.map(\.message))")
        XCTAssertEqual(found.filter { $0.severity >= .warning }.map(\.message), [], "the focus still resolves; nothing else is wrong")
        XCTAssertFalse(found.contains { $0.message.contains("MessageHeader is not among") })
    }

    func testMissingRequiredResource() throws {
        let patient = try XCTUnwrap(nems.range(of: "<entry>\\s*<fullUrl value=\"urn:uuid:2d4f6a8c[^<]*/>[\\s\\S]*?</entry>",
                                                options: .regularExpression))
        XCTAssertTrue(nems[patient].contains("<Patient>"))
        let found = try issues(nems, replacing: String(nems[patient]), with: "")
        assertFinds(found, .error, "event.E-vaccinations-1", at: "Bundle.entry", containing: "needs 1..1 Patient")
    }

    func testTimeWithoutZone() throws {
        let found = try issues(nems, replacing: "<date value=\"2026-03-14T09:50:00+00:00\"/>", with: "<date value=\"2026-03-14T09:50:00\"/>")
        assertFinds(found, .error, "event.G13", at: "Bundle.entry[1].resource.date")
    }

    func testMissingLastUpdatedUsesThePageRule() throws {
        let found = try issues(nems, replacing: "<lastUpdated value=\"2026-03-14T10:15:00+00:00\"/>", with: "")
        assertFinds(found, .error, "event.E-vaccinations-1-2", at: "Bundle.entry[0].resource.meta.lastUpdated")
    }

    /// A NEMS event whose page is silent on meta.lastUpdated gets the generic rule's warning, with
    /// its reason, not an error.
    func testMissingLastUpdatedWithoutAPageRuleIsAWarning() throws {
        let found = try issues(nems.replacingOccurrences(of: "vaccinations-1", with: "pds-change-of-gp-1")
            .replacingOccurrences(of: "<display value=\"Vaccinations\"/>", with: "<display value=\"PDS Change of GP\"/>"),
            replacing: "<lastUpdated value=\"2026-03-14T10:15:00+00:00\"/>", with: "")
        assertFinds(found, .warning, "event.G9", at: "Bundle.entry[0].resource.meta.lastUpdated", containing: "generic NEMS rules")
        XCTAssertFalse(found.contains { $0.rule == "event.G9" && $0.severity == .error })
    }

    /// Every code of the event code systems is an event: CH036 has no page, so only the generic
    /// rules apply, and one information issue says so.
    func testEventWithoutAPageIsKnown() throws {
        let found = try issues(dch, replacing: "<code value=\"CH005\"/>\n          <display value=\"Birth Details\"/>",
                               with: "<code value=\"CH036\"/>\n          <display value=\"Medication Administration\"/>")
        XCTAssertEqual(found.filter { $0.severity != .information }, [])
        assertFinds(found, .information, "event.G5", at: "Bundle.entry[0].resource.event.code", containing: "no event page")
        XCTAssertFalse(found.contains { $0.rule.hasPrefix("event.E-CH036-") }, "no numbered page rules for an event without a page")
    }

    /// An ITK (or any other family's) message is said once to be out of the event rules' scope.
    func testOtherMessageFamiliesAreOutOfScope() throws {
        let found = try issues(dch.replacingOccurrences(of: "2026-01-08T23:47:00+00:00", with: "2026-01-08T23:47:00"),
                               replacing: "https://fhir.nhs.uk/STU3/CodeSystem/DCH-ChildHealthEventType-1\"/>\n          <code value=\"CH005\"/>",
                               with: "https://fhir.nhs.uk/STU3/CodeSystem/ITK-MessageEvent-2\"/>\n          <code value=\"ITK008M\"/>")
        XCTAssertEqual(found.count, 1, "\(found)")
        assertFinds(found, .information, "event.G5", at: "Bundle.entry[0].resource.event", containing: "do not apply")
    }

    /// Both the event page's display and the code system's are accepted, and the information says
    /// which one the message used; a display that is neither is a warning naming both.
    func testEventDisplayFromEitherSource() throws {
        let page = try issues(dch, replacing: "<code value=\"CH005\"/>\n          <display value=\"Birth Details\"/>",
                              with: "<code value=\"CH008\"/>\n          <display value=\"Conditions / Diagnoses\"/>")
        assertFinds(page, .information, "event.G5", at: "Bundle.entry[0].resource.event.display", containing: "event page's")
        XCTAssertFalse(page.contains { $0.rule == "event.G5" && $0.severity == .warning })
        let system = try issues(dch, replacing: "<code value=\"CH005\"/>\n          <display value=\"Birth Details\"/>",
                                with: "<code value=\"CH008\"/>\n          <display value=\"Problem List\"/>")
        assertFinds(system, .information, "event.G5", at: "Bundle.entry[0].resource.event.display", containing: "code system's")
        let neither = try issues(dch, replacing: "<display value=\"Birth Details\"/>", with: "<display value=\"Birth\"/>")
        assertFinds(neither, .warning, "event.G5", at: "Bundle.entry[0].resource.event.display", containing: "neither")
    }

    /// Dates of one message that contradict each other, each finding naming both places.
    func testContradictoryDates() throws {
        let birthTime = try issues(dch, replacing: "<valueDateTime value=\"2026-01-08T23:41:00+00:00\"/>",
                                   with: "<valueDateTime value=\"2026-01-09T00:10:00+00:00\"/>")
        assertFinds(birthTime, .warning, "event.consistency", at: "Bundle.entry[1].resource.birthDate.extension[0].valueDateTime",
                    containing: "Bundle.entry[1].resource.birthDate")
        // The same instant written in another zone falls on the same day as written: no finding.
        let zone = try issues(dch, replacing: "<valueDateTime value=\"2026-01-08T23:41:00+00:00\"/>",
                              with: "<valueDateTime value=\"2026-01-08T23:41:00-01:00\"/>")
        XCTAssertFalse(zone.contains { $0.rule == "event.consistency" && $0.path?.contains("birthDate") == true })
        let deceased = try issues(dch, replacing: "<gender value=\"male\"/>",
                                  with: "<gender value=\"male\"/>\n        <deceasedDateTime value=\"2025-12-31\"/>")
        assertFinds(deceased, .warning, "event.consistency", at: "Bundle.entry[1].resource.deceasedDateTime", containing: "before the birth")
        // Minutes before the birth time, on the birth day: the observation contradicts the birth time.
        let observation = try issues(dch, replacing: "<effectiveDateTime value=\"2026-01-08T23:47:00+00:00\"/>",
                                     with: "<effectiveDateTime value=\"2026-01-08T23:30:00+00:00\"/>")
        assertFinds(observation, .warning, "event.consistency", at: "Bundle.entry[2].resource.effectiveDateTime",
                    containing: "Bundle.entry[1].resource.birthDate.extension[0].valueDateTime")
        let vaccination = try issues(nems, replacing: "<date value=\"2026-03-14T09:50:00+00:00\"/>", with: "<date value=\"2021-03-14\"/>")
        assertFinds(vaccination, .warning, "event.consistency", at: "Bundle.entry[1].resource.date", containing: "2022-11-02")
    }

    /// The routing birth date-time is compared with the Patient's at the precision both give.
    func testRoutingBirthTimeAtTheCommonPrecision() throws {
        // The routing birthDateTime is the last routing extension's value; the Patient's birth time
        // is 2022-11-02T06:40:00+00:00.
        let routing = "<valueDateTime value=\"2022-11-02T06:40:00+00:00\"/>\n          </extension>\n        </extension>"
        func routingBirth(_ value: String) throws -> [Issue] {
            try issues(nems, replacing: routing, with: routing.replacingOccurrences(of: "2022-11-02T06:40:00+00:00", with: value))
        }
        assertFinds(try routingBirth("2022-11-02T09:40:00+00:00"), .error, "event.G10",
                    at: "Bundle.entry[0].resource.extension[0].extension[2].valueDateTime", containing: "birthDate.extension[0].valueDateTime")
        XCTAssertFalse(try routingBirth("2022-11-02T07:40:00+01:00").contains { $0.rule == "event.G10" }, "the same instant")
        XCTAssertFalse(try routingBirth("2022-11").contains { $0.rule == "event.G10" }, "a month agrees with the birth date at month precision")
        assertFinds(try routingBirth("2022-10"), .error, "event.G10",
                    at: "Bundle.entry[0].resource.extension[0].extension[2].valueDateTime", containing: "Bundle.entry[2].resource.birthDate)")
    }

    func testMissingMessageEventTypeAndOtherForms() throws {
        let missing = try issues(nems, replacing: "StructureDefinition/Extension-MessageEventType-1", with: "StructureDefinition/Extension-Other-1")
        assertFinds(missing, .error, "event.G6", at: "Bundle.entry[0].resource.extension")
        // The DCH and EMS URLs are accepted on a NEMS header, and reported as information.
        for form in ["Extension-DCH-MessageEventType-1", "Extension-EMS-MessageEventType-1"] {
            let found = try issues(nems, replacing: "StructureDefinition/Extension-MessageEventType-1", with: "StructureDefinition/" + form)
            XCTAssertEqual(found.filter { $0.severity != .information }, [])
            assertFinds(found, .information, "event.G6", at: "Bundle.entry[0].resource.extension[1]", containing: form)
        }
        let bad = try issues(nems, replacing: "<code value=\"new\"/>", with: "<code value=\"replace\"/>")
        assertFinds(bad, .error, "event.G6", at: "Bundle.entry[0].resource.extension[1].valueCodeableConcept.coding[0].code")
    }

    func testImplausibleODSCode() throws {
        let found = try issues(nems, replacing: "<value value=\"Y99001\"/>", with: "<value value=\"y99\"/>")
        assertFinds(found, .warning, "event.G12", at: "Bundle.entry[3].resource.identifier[0].value")
    }

    func testDCHHeaderNeedsTimestamp() throws {
        let timestamp = try XCTUnwrap(dch.range(of: "<timestamp value=\"[^\"]*\"/>", options: .regularExpression))
        let found = try issues(dch, replacing: String(dch[timestamp]), with: "")
        assertFinds(found, .error, "event.G4", at: "Bundle.entry[0].resource.timestamp")
    }

    func testUpdateIsNeverUsedByScreeningEvents() throws {
        let shared = try SharedCorpus.require()
        let text = try String(contentsOf: shared.appendingPathComponent("corpus/nems-examples/newborn-hearing-1-new.xml"), encoding: .utf8)
        let found = try issues(text, replacing: "<code value=\"new\"/>", with: "<code value=\"update\"/>")
        assertFinds(found, .error, "event.G7", at: "Bundle.entry[0].resource.extension[1].valueCodeableConcept.coding[0].code",
                    containing: "allowed: new, delete")
    }

    func testDeleteCardinalitiesOnlyForDeletes() throws {
        let shared = try SharedCorpus.require()
        let text = try String(contentsOf: shared.appendingPathComponent("corpus/nems-examples/newborn-hearing-1-delete.xml"), encoding: .utf8)
        XCTAssertEqual(fixture.outcome(try fixture.tree(Data(text.utf8))), [], "a cut-down delete is valid")
        let found = try issues(text, replacing: "<code value=\"delete\"/>", with: "<code value=\"new\"/>")
        assertFinds(found, .error, "event.E-newborn-hearing-1", at: "Bundle.entry", containing: "needs 1..1 Patient")
        assertFinds(found, .error, "event.E-newborn-hearing-1", at: "Bundle.entry", containing: "needs 1..1 Observation")
    }
}
