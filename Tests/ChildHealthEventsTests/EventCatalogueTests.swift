import XCTest
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import ChildHealthEvents
import DCHTestSupport

/// The shipped catalogue: what the importer makes of the digest, and its lookups.
final class EventCatalogueTests: XCTestCase {
    func testShippedCatalogueEqualsImporterOutput() throws {
        let shared = try SharedCorpus.require()
        let rendered = try EventCatalogueImporter.catalogueFile(sharedRoot: shared, pack: try SharedCorpus.definitionPack())
        let shipped = try Data(contentsOf: SharedCorpus.schemas.appendingPathComponent(EventCatalogue.fileName))
        XCTAssertTrue(shipped == rendered, "Schemas/events.json differs from the importer's output; run scripts/regenerate-pack")
    }

    /// The catalogue reader (straight from a JSON tape) reads what Foundation's decoder reads.
    func testShippedCatalogueReadsAsFoundationReadsIt() throws {
        let data = try Data(contentsOf: SharedCorpus.schemas.appendingPathComponent(EventCatalogue.fileName))
        let expected = try JSONDecoder().decode([EventDefinition].self, from: data)
        XCTAssertEqual(try EventCatalogue(data: data).events, expected)
        XCTAssertGreaterThan(expected.compactMap(\.dataItems).joined().flatMap(\.steps).count, 50)
        XCTAssertThrowsError(try EventCatalogue(data: Data(#"[{"name":"x"}]"#.utf8)))
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

    /// Every code of the DCH, NEMS and EMS event code systems is a known event: the codes read here
    /// straight from the CodeSystem files in `../shared`, not through the pack. The codes no page
    /// describes (CH036, CH037, most of EventType-1) are events without a page, with no page rules
    /// and only the Bundle and MessageHeader rows of their family.
    func testEveryCodeOfTheEventCodeSystemsIsAnEvent() throws {
        let folder = try SharedCorpus.require().appendingPathComponent("corpus/nhs-stu3-assets/CodeSystems")
        let catalogue = try loadCatalogue()
        var pageless = 0
        for name in ["DCH-ChildHealthEventType-1", "EventType-1", "EMS-EventType-1"] {
            let file = folder.appendingPathComponent("CodeSystem-\(name).xml")
            let codes = try RawCodeSystem(contentsOf: file)
            XCTAssertEqual(codes.url, "https://fhir.nhs.uk/STU3/CodeSystem/\(name)")
            XCTAssertFalse(codes.concepts.isEmpty, name)
            for (code, display) in codes.concepts {
                guard let event = catalogue.event(code: code, system: codes.url) else {
                    XCTFail("\(code) of \(name) is not a known event"); continue
                }
                guard !event.hasPage else { continue }
                pageless += 1
                XCTAssertEqual(event.eventDisplay, display, code)
                XCTAssertEqual(event.rules, [], code)
                XCTAssertEqual(event.resources.prefix(2).map(\.role), [.bundle, .header], code)
                let siblings = catalogue.events.filter { $0.eventSystem == codes.url && $0.hasPage && $0.isLegacy == event.isLegacy }
                for row in event.entryResources {
                    XCTAssertTrue(siblings.allSatisfy { $0.entryResources.contains { $0.type == row.type } },
                                  "\(code): \(row.type) is not carried by every event of its system")
                }
                let sibling = try XCTUnwrap(siblings.first)
                XCTAssertEqual(event.family, sibling.family, code)
                XCTAssertEqual(event.messageHeaderProfile, sibling.messageHeaderProfile, code)
            }
        }
        let medication = try XCTUnwrap(catalogue.event(code: "CH036", system: "https://fhir.nhs.uk/STU3/CodeSystem/DCH-ChildHealthEventType-1"))
        XCTAssertEqual(medication.name, "Medication Administration")
        XCTAssertFalse(medication.hasPage)
        XCTAssertEqual(medication.focus?.profile, "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-DCH-Encounter-1",
                       "every DCH page's header focuses an Encounter")
        XCTAssertEqual(catalogue.event(code: "referral-1", system: nil)?.subject?.type, "Patient", "every NEMS page carries the Patient")
        XCTAssertEqual(catalogue.event(code: "CH037", system: nil)?.name, "Investigation Results")
        XCTAssertGreaterThanOrEqual(pageless, 2 + 40, "CH036, CH037 and the NEMS codes without a page")
        XCTAssertEqual(catalogue.events.filter(\.hasPage).count, 52, "the digest's events keep their pages")
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

/// A CodeSystem XML file's url and concepts (code, display), read with Foundation's XMLParser:
/// independent of dch's own reader and pack.
private final class RawCodeSystem: NSObject, XMLParserDelegate {
    private(set) var url = ""
    private(set) var concepts: [(code: String, display: String?)] = []
    private var stack: [String] = []

    init(contentsOf file: URL) throws {
        super.init()
        let parser = try XCTUnwrap(XMLParser(contentsOf: file))
        parser.delegate = self
        XCTAssertTrue(parser.parse(), "\(file.lastPathComponent): \(String(describing: parser.parserError))")
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        let value = attributes["value"]
        switch (stack.last, name) {
        case ("CodeSystem", "url"): url = value ?? ""
        case ("concept", "code"): concepts.append((value ?? "", nil))
        case ("concept", "display"): if !concepts.isEmpty { concepts[concepts.count - 1].display = value }
        default: break
        }
        stack.append(name)
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        stack.removeLast()
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
