import XCTest
import Foundation
import ChildHealthEvents
import DCHTestSupport

/// The shipped catalogue: what the importer makes of the digest, and its lookups.
final class EventCatalogueTests: XCTestCase {
    func testShippedCatalogueEqualsImporterOutput() throws {
        let shared = try SharedCorpus.require()
        let rendered = try EventCatalogueImporter.catalogueFile(sharedRoot: shared)
        let shipped = try Data(contentsOf: SharedCorpus.schemas.appendingPathComponent(EventCatalogue.fileName))
        XCTAssertTrue(shipped == rendered, "Schemas/events.json differs from the importer's output; run scripts/regenerate-pack")
    }

    func testDigestImportKeepsEveryEventSortedWithRulesAndCardinalities() throws {
        let shared = try SharedCorpus.require()
        let digest = try Data(contentsOf: shared.appendingPathComponent(EventCatalogueImporter.digestPath))
        let events = try EventCatalogueImporter.events(fromDigest: digest)
        let raw = try XCTUnwrap(JSONSerialization.jsonObject(with: digest) as? [[String: Any]])
        XCTAssertEqual(events.count, raw.count)
        let keys = events.map { "\($0.family.rawValue) \($0.eventCode)" }
        XCTAssertEqual(keys, keys.sorted())
        XCTAssertEqual(Set(raw.compactMap { $0["eventCode"] as? String }), Set(events.map(\.eventCode)))
        // Rules keep the digest's ids, split from their text.
        let rawRules = raw.flatMap { ($0["rules"] as? [String]) ?? [] }
        XCTAssertEqual(events.flatMap(\.rules).count, rawRules.count)
        XCTAssertTrue(events.flatMap(\.rules).allSatisfy { $0.id.hasPrefix("E-") && !$0.text.isEmpty })
        // Every resource's cardinality survives, `*` as Int.max.
        let rawStars = raw.flatMap { ($0["resources"] as? [[String: Any]]) ?? [] }.filter { $0["max"] as? String == "*" }.count
        XCTAssertEqual(events.flatMap(\.resources).filter { $0.max == Int.max }.count, rawStars)
    }

    func testLookupByCodeSystemAndName() throws {
        let catalogue = try loadCatalogue()
        let vaccinations = try XCTUnwrap(catalogue.event(code: "vaccinations-1", system: "https://fhir.nhs.uk/STU3/CodeSystem/EventType-1"))
        XCTAssertEqual(vaccinations.family, .nems)
        XCTAssertEqual(vaccinations.focus?.type, "Immunization")
        XCTAssertEqual(vaccinations.allowedMessageEventTypes, [.new, .update, .delete])
        XCTAssertNotNil(vaccinations.routingDemographicsExtension)
        XCTAssertNil(catalogue.event(code: "vaccinations-1", system: "https://fhir.nhs.uk/STU3/CodeSystem/DCH-ChildHealthEventType-1"))
        XCTAssertNil(catalogue.event(code: "CH999", system: nil))
        let birth = try XCTUnwrap(catalogue.event(named: "birth details"))
        XCTAssertEqual(birth.eventCode, "CH005")
        XCTAssertEqual(birth.family, .dch)
        XCTAssertNil(birth.routingDemographicsExtension)
        XCTAssertEqual(catalogue.event(named: "ch005")?.eventCode, "CH005", "a code works as a name, any case")
        XCTAssertEqual(catalogue.event(named: "PDS-Birth-Notification")?.eventCode, "pds-birth-notification-1")
        XCTAssertEqual(catalogue.events(named: "Newborn Hearing").map(\.eventCode), ["CH021", "newborn-hearing-1"])
        let hearing = try XCTUnwrap(catalogue.event(code: "newborn-hearing-1", system: nil))
        XCTAssertEqual(hearing.allowedMessageEventTypes, [.new, .delete])
        let patient = try XCTUnwrap(hearing.subject)
        XCTAssertEqual(patient.cardinality(for: .new).min, 1)
        XCTAssertEqual(patient.cardinality(for: .delete).min, 0, "screening deletes relax the Patient to 0..1")
        XCTAssertTrue(catalogue.events.filter(\.isLegacy).allSatisfy { $0.eventSystem.hasSuffix("EMS-EventType-1") })
    }

    private func loadCatalogue() throws -> EventCatalogue {
        let url = SharedCorpus.schemas.appendingPathComponent(EventCatalogue.fileName)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw Prerequisite.missing("Schemas/events.json is absent; run scripts/regenerate-pack")
        }
        return try EventCatalogue(data: data)
    }
}

/// NHS numbers and ODS codes.
final class IdentifierTests: XCTestCase {
    func testNHSNumberCheckDigit() {
        // 943 476 591 9: 9*10+4*9+3*8+4*7+7*6+6*5+5*4+9*3+1*2 = 299, 299 % 11 = 2, 11 - 2 = 9.
        XCTAssertEqual(NHSNumber.checkDigit(ofFirstNine: "943476591"), 9)
        XCTAssertTrue(NHSNumber.isValid("9434765919"))
        XCTAssertFalse(NHSNumber.isValid("9434765918"), "wrong check digit")
        XCTAssertFalse(NHSNumber.isValid("943476591"), "nine digits")
        XCTAssertFalse(NHSNumber.isValid("943476591X"))
        XCTAssertFalse(NHSNumber.isValid("943 476 5919"), "spaces are not part of the identifier value")
        // 100000000: 1*10 = 10, 11 - 10 = 1.
        XCTAssertEqual(NHSNumber.checkDigit(ofFirstNine: "100000000"), 1)
        XCTAssertEqual(NHSNumber.checkDigit(ofFirstNine: "000000000"), 0, "sum 0: 11 becomes 0")
        XCTAssertEqual(NHSNumber.checkDigit(ofFirstNine: "000000010"), 8, "the eighth digit weighs 3")
        XCTAssertNil(NHSNumber.checkDigit(ofFirstNine: "000000006"), "6*2 = 12, remainder 1: check 10, no such number")
        XCTAssertNil(NHSNumber.checkDigit(ofFirstNine: "12345678"))
    }

    func testMasking() {
        XCTAssertEqual(NHSNumber.masked("9434765922"), "943 *** **22")
        XCTAssertEqual(NHSNumber.masked("943 476 5922"), "943 *** **22")
        XCTAssertEqual(NHSNumber.masked("12345"), "*****")
    }

    func testODSCodes() {
        XCTAssertTrue(ODSCode.isPlausible("RR8", system: ODSCode.organizationSystem))
        XCTAssertTrue(ODSCode.isPlausible("A83627", system: ODSCode.organizationSystem))
        XCTAssertTrue(ODSCode.isPlausible("A83627001", system: ODSCode.siteSystem))
        XCTAssertFalse(ODSCode.isPlausible("A83627001", system: ODSCode.organizationSystem))
        XCTAssertFalse(ODSCode.isPlausible("rr8", system: ODSCode.organizationSystem))
        XCTAssertFalse(ODSCode.isPlausible("123456", system: ODSCode.organizationSystem), "no letter")
        XCTAssertFalse(ODSCode.isPlausible("R8", system: ODSCode.organizationSystem))
        XCTAssertFalse(ODSCode.isPlausible("RR8", system: "https://example.org/ods"))
    }
}
