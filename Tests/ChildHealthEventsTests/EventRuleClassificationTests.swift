import XCTest
import Foundation
import FHIRModel
import FHIRDefinitions
import ChildHealthEvents
import DCHTestSupport

/// The numbered rules of the event pages, classified from their text.
final class EventRuleClassificationTests: XCTestCase {
    var fixture: EventFixture!

    override func setUpWithError() throws { fixture = try EventFixture() }

    func testEveryRuleIsClassifiedAndEveryCheckedRuleHasARealRuleID() throws {
        let classifier = EventRuleClassifier(pack: fixture.rules.pack)
        let generic = Set(EventRules.ruleDescriptions.map(\.id))
        var counts: [String: Int] = [:]
        var total = 0
        for event in fixture.rules.catalogue.events {
            let classified = classifier.classify(event)
            XCTAssertEqual(classified.map(\.rule), event.rules, "\(event.eventCode): one treatment per rule, in page order")
            for c in classified {
                total += 1
                counts[c.treatment.className, default: 0] += 1
                if let rule = c.treatment.reportingRule {
                    // Either one of our generic ids or this very page rule's id.
                    XCTAssert(generic.contains(rule) || rule == "event." + c.rule.id, "\(c.rule.id) reported as unknown id \(rule)")
                }
                guard case .mandatoryItem(let requirement) = c.treatment else { continue }
                XCTAssertEqual(requirement.ruleID, c.rule.id)
                let structure = try XCTUnwrap(fixture.rules.pack.structure(url: requirement.profile), requirement.profile)
                let ids = Set(structure.elements.map { $0.id ?? $0.path })
                for id in requirement.elementIDs { XCTAssert(ids.contains(id), "\(c.rule.id): \(id) is not an element of \(structure.name)") }
                XCTAssertGreaterThanOrEqual(requirement.steps.count, requirement.mapping.path.split(separator: ".").count, c.rule.id)
            }
        }
        XCTAssertEqual(total, 309, "the digest's numbered rules")
        XCTAssertEqual(counts, ["checked": 98, "mandatory-checked": 126, "mandatory-unchecked": 15,
                                "required-if-recorded": 28, "optional": 12, "prose": 30])
    }

    func testMandatoryDataItemTextIsParsed() throws {
        let mapping = try XCTUnwrap(DataItemMapping(ruleText: "Mandatory data item 'Local Patient Identifier' -> "
            + "CareConnect-DCH-Patient-1.identifier (localIdentifier) (must always be sent; if no information, send coded text saying so)."))
        XCTAssertEqual(mapping.item, "Local Patient Identifier")
        XCTAssertEqual(mapping.profileName, "CareConnect-DCH-Patient-1")
        XCTAssertEqual(mapping.path, "identifier")
        XCTAssertEqual(mapping.qualifier, "localIdentifier")
        XCTAssertFalse(mapping.offersAlternatives)
        let alternatives = try XCTUnwrap(DataItemMapping(ruleText: "Mandatory data item 'Condition category' -> "
            + "CareConnect-DCH-Diagnosis-Condition-1.category or [fixed value 'diagnosis'] (must always be sent)."))
        XCTAssertTrue(alternatives.offersAlternatives)
        let qualifiedOr = try XCTUnwrap(DataItemMapping(ruleText: "Mandatory data item 'Organisation' -> "
            + "CareConnect-Organization-1.identifier (ODS Code or ODS Site Code) (must always be sent)."))
        XCTAssertFalse(qualifiedOr.offersAlternatives, "an 'or' inside the qualifier only widens the slice")
        XCTAssertNil(DataItemMapping(ruleText: "Required data items (send if recorded/available): Town of Birth -> x.birthPlace"))
    }

    func testSlicesAndPageProfileDisagreementsAreResolvedFromTheDefinitions() throws {
        let classifier = EventRuleClassifier(pack: fixture.rules.pack)
        func treatment(_ code: String, _ id: String) throws -> EventRuleTreatment {
            let event = try XCTUnwrap(fixture.rules.catalogue.event(named: code))
            return try XCTUnwrap(classifier.classify(event).first { $0.rule.id == id }).treatment
        }
        guard case .mandatoryItem(let local) = try treatment("CH001", "E-AdditionalDemographics-3") else { return XCTFail("not checked") }
        XCTAssertEqual(local.steps, [.sliced("identifier", slice: "localIdentifier", system: "https://fhir.nhs.uk/Id/local-patient-identifier")])
        guard case .mandatoryItem(let encounterType) = try treatment("CH010", "E-EarlyYearsProgress-4") else { return XCTFail("not checked") }
        XCTAssertEqual(encounterType.steps, [.codingSliced("type", slice: "childHealthEncounterType",
                                                           system: "https://fhir.nhs.uk/STU3/CodeSystem/DCH-ChildHealthEncounterType-1")])
        guard case .mandatoryItem(let birth) = try treatment("CH005", "E-BirthDetails-8") else { return XCTFail("not checked") }
        XCTAssertEqual(birth.steps, [.child("birthDate"), .extensionSlice(slice: "patient-birthTime",
                                                                          url: "http://hl7.org/fhir/StructureDefinition/patient-birthTime")])
        // The page names physicalType; the profile forbids it and codes delivery places in Location.type.
        guard case .mandatoryUnchecked(_, let reason) = try treatment("CH005", "E-BirthDetails-4") else { return XCTFail("checked") }
        XCTAssert(reason.contains("Location.physicalType (max 0)"), reason)
        // The page names valueQuantity; the profile forbids Observation.value[x] (values go in components).
        guard case .mandatoryUnchecked(_, let forbidden) = try treatment("CH005", "E-BirthDetails-6") else { return XCTFail("checked") }
        XCTAssert(forbidden.contains("max 0"), forbidden)
        // The CH015 page spelt its profile CareConnect-DCH-Immunisation-1 (EVENTS.md); the definitions say Immunization.
        guard case .mandatoryItem(let date) = try treatment("CH015", "E-ImmunisationAdministration-3") else { return XCTFail("not checked") }
        XCTAssertEqual(date.profile, "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-DCH-Immunization-1")
        var misspelt = try XCTUnwrap(fixture.rules.catalogue.event(named: "CH015"))
        misspelt.rules = [EventRule(id: "E-x-1", text: "Mandatory data item 'Date' -> CareConnect-DCH-Immunisation-1.date (must always be sent).")]
        guard case .mandatoryItem(let resolved) = try XCTUnwrap(classifier.classify(misspelt).first).treatment else {
            return XCTFail("the page's British spelling is not resolved")
        }
        XCTAssertEqual(resolved.profile, date.profile)
        XCTAssertEqual(try treatment("CH005", "E-BirthDetails-13"), .optional)
        XCTAssertEqual(try treatment("CH001", "E-AdditionalDemographics-4"), .sendIfRecorded)
    }
}
