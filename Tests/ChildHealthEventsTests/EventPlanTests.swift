import XCTest
import Foundation
import FHIRModel
import FHIRDefinitions
@testable import ChildHealthEvents
import DCHTestSupport

/// What the event rules work out once per event (``EventPlan``), the in-place child lookups and the
/// pre-filtered system test they use per message.
final class EventPlanTests: XCTestCase {
    private func row(_ type: String, _ profile: String, _ min: Int, _ max: Int, deleteMin: Int? = nil,
                     stated: Bool = true, role: EventResourceRole = .supporting) -> EventResource {
        EventResource(type: type, name: profile, profile: "https://example.org/\(profile)", min: min, max: max,
                      role: role, deleteMin: deleteMin, cardinalityStated: stated)
    }

    private func event(family: EventFamily = .nems, isLegacy: Bool = false, code: String = "test-1",
                       resources: [EventResource], rules: [EventRule] = []) -> EventDefinition {
        EventDefinition(name: "Test", family: family, eventCode: code, eventDisplay: nil, eventSystem: "https://example.org/cs",
                        messageHeaderProfile: "mh", bundleProfile: "b", messageEventTypeExtension: "ext",
                        messageEventTypeSystem: "met", allowedMessageEventTypes: [.new], resources: resources,
                        routingDemographicsExtension: nil, isLegacy: isLegacy, rules: rules)
    }

    func testResourceRowsGroupByTypeInPageOrderWithSummedLimits() {
        let plan = EventPlan(event: event(resources: [
            row("Bundle", "B", 1, 1, role: .bundle),
            row("MessageHeader", "MH", 1, 1, role: .header),
            row("Condition", "C-A", 1, Int.max, deleteMin: 0),
            row("Observation", "O", 0, 2, stated: false),
            row("Condition", "C-B", 0, 3),
            row("Condition", "C-A", 0, 1),
        ]), codeSystemDisplay: nil, dataItems: [])

        XCTAssertEqual(plan.groups.map(\.type), ["Condition", "Observation"], "Bundle and header rows are not entries")
        let condition = plan.groups[0]
        XCTAssertEqual(condition.rowNames, "C-A, C-B, C-A")
        XCTAssertEqual(condition.limits(.new).min, 1)
        XCTAssertEqual(condition.limits(.new).max, Int.max, "a sum with * stays *")
        XCTAssertEqual(condition.limits(nil).min, 1)
        XCTAssertEqual(condition.limits(.delete).min, 0, "the delete minimum relaxes the first row only")
        XCTAssertEqual(condition.profiles, ["https://example.org/C-A", "https://example.org/C-B"], "each profile once")
        XCTAssertEqual(condition.profilesText, "https://example.org/C-A or https://example.org/C-B")
        XCTAssertTrue(condition.stated)
        let observation = plan.groups[1]
        XCTAssertEqual(observation.limits(.update).max, 2)
        XCTAssertFalse(observation.stated)
    }

    func testHeaderStyleAndLastUpdatedRuleFollowTheFamily() {
        let nems = EventPlan(event: event(code: "pds-change-1", resources: [],
                                          rules: [EventRule(id: "E-x-1", text: "MessageHeader.meta.lastUpdated 1..1 for sequencing.")]),
                             codeSystemDisplay: nil, dataItems: [])
        XCTAssertEqual(nems.headerRule, .g3)
        XCTAssertEqual(nems.headerStyle, "a NEMS MessageHeader")
        XCTAssertEqual(nems.lastUpdatedRule, "event.E-x-1")
        XCTAssertTrue(nems.needsLastUpdated)
        XCTAssertTrue(nems.isPDS)
        XCTAssertEqual(nems.resourceRule, "event.E-pds-change-1")
        XCTAssertTrue(nems.groups.isEmpty)

        let legacy = EventPlan(event: event(isLegacy: true, resources: []), codeSystemDisplay: nil, dataItems: [])
        XCTAssertEqual(legacy.headerRule, .g4)
        XCTAssertEqual(legacy.headerStyle, "a NEMS MessageHeader", "the EMS codes keep the DCH header design (G4)")
        XCTAssertEqual(legacy.lastUpdatedRule, "event.G9")
        XCTAssertFalse(legacy.needsLastUpdated)

        let dch = EventPlan(event: event(family: .dch, resources: []), codeSystemDisplay: nil, dataItems: [])
        XCTAssertEqual(dch.headerRule, .g4)
        XCTAssertEqual(dch.headerStyle, "a DCH MessageHeader")
        XCTAssertFalse(dch.isPDS)
    }

    /// Data items resolve on first use, once, however many threads ask at the same time.
    func testDataItemsResolveOnceOnFirstUse() throws {
        final class Counter: @unchecked Sendable {
            let lock = NSLock()
            var calls = 0
        }
        let counter = Counter()
        let mapping = try XCTUnwrap(DataItemMapping(ruleText: "Mandatory data item 'Date' -> P-1.period.start (must always be sent)"))
        let requirement = DataItemRequirement(ruleID: "E-x-3", mapping: mapping, profile: "https://example.org/P-1",
                                              resourceType: "Encounter", steps: [.child("period"), .child("start")], elementIDs: [])
        let plan = EventPlan(event: event(resources: [row("Encounter", "P-1", 1, 1)]), codeSystemDisplay: nil) {
            counter.lock.withLock { counter.calls += 1 }
            return [requirement]
        }
        XCTAssertEqual(counter.calls, 0, "nothing is resolved before the first message")
        DispatchQueue.concurrentPerform(iterations: 8) { _ in XCTAssertEqual(plan.dataItems.count, 1) }
        XCTAssertEqual(counter.calls, 1)
        let item = try XCTUnwrap(plan.dataItems.first)
        XCTAssertEqual(item.pathSuffix, ".period.start")
        XCTAssertTrue(item.listed, "the event lists P-1 for Encounter")
    }

    func testEntriesKeepTheirBundlePositionTypeAndProfiles() throws {
        func entry(_ children: [Element]) -> Element { Element(name: "entry", children: children) }
        let root = Element(name: "Bundle", resourceType: "Bundle", children: [
            Element(name: "type", value: "message"),
            entry([Element(name: "resource", resourceType: "MessageHeader")]),
            entry([Element(name: "fullUrl", value: "urn:uuid:1")]),  // no resource: skipped, still counted
            entry([Element(name: "fullUrl", value: "urn:uuid:2"),
                   Element(name: "resource", resourceType: "Patient", children: [
                       Element(name: "meta", children: [Element(name: "profile", value: "p1"), Element(name: "versionId", value: "3"),
                                                        Element(name: "profile", value: "p2")]),
                   ])]),
        ])
        let message = try XCTUnwrap(EventMessage(root))
        XCTAssertEqual(message.entries.map(\.index), [0, 2])
        XCTAssertEqual(message.entries.map(\.path), ["Bundle.entry[0].resource", "Bundle.entry[2].resource"])
        XCTAssertEqual(message.entries.map(\.type), ["MessageHeader", "Patient"])
        XCTAssertEqual(message.entries[1].profiles, ["p1", "p2"])
        XCTAssertEqual(message.entries[1].fullUrl, "urn:uuid:2")
        XCTAssertEqual(message.header?.index, 0)
        XCTAssertNil(EventMessage(Element(name: "Bundle", resourceType: "Bundle", children: [Element(name: "type", value: "batch")])))
    }

    func testInPlaceLookupsAgreeWithChild() {
        let element = Element(name: "x", children: [
            Element(name: "a", value: "1"),
            Element(name: "b", children: [Element(name: "c", value: "2")]),
            Element(name: "a", value: "3"),
        ])
        for name in ["a", "b", "c", "z"] {
            XCTAssertEqual(element.indexOfChild(name).map { element.children[$0] }, element.child(name), name)
            XCTAssertEqual(element.valueOfChild(named: name), element.child(name)?.value, name)
            XCTAssertEqual(element.hasChild(name), element.child(name) != nil, name)
        }
        XCTAssertEqual(element.indexOfChild("a"), 0)
        XCTAssertEqual(element.indexOfChild("b"), 1)
        XCTAssertTrue(element.hasGrandchild("b", "c"))
        XCTAssertFalse(element.hasGrandchild("a", "c"))
        XCTAssertFalse(element.hasGrandchild("z", "c"))
    }

    /// The pre-filter of ``EventCheck/mentions(_:_:)`` assumes that only two non-ASCII scalars
    /// lower-case to ASCII letters; checked over every scalar.
    func testOnlyKelvinSignAndDottedCapitalILowerCaseToASCIILetters() {
        var found: [UInt32] = []
        for value in UInt32(0x80)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value), scalar.properties.changesWhenLowercased else { continue }
            if scalar.properties.lowercaseMapping.unicodeScalars.contains(where: { $0.isASCII && $0.properties.isAlphabetic }) {
                found.append(value)
            }
        }
        XCTAssertEqual(found, [0x130, 0x212A])
    }

    func testMentionsAgreesWithLowercasedContains() {
        let systems = ["https://fhir.nhs.uk/Id/nhs-number", "https://example.org/NHS-Number", "urn:NHS-NUMBER:x",
                       "nhs-numbe", "nhs–number", "https://fhir.nhs.uk/STU3/Id/ods-organization-code",
                       "ODS-SITE-CODE", "ods-s\u{130}te-code", "ods-site-code\u{301}", "", "n\u{212A}s", "nhs-number\u{212A}"]
        for system in systems {
            for word in ["nhs-number", "ods-organization-code", "ods-site-code", "k", "ni", "n"] {
                XCTAssertEqual(EventCheck.mentions(system, word), system.lowercased().contains(word), "\(system) / \(word)")
            }
        }
    }
}

/// The mandatory data items `dch pack build` stores in the catalogue are what the classifier
/// resolves at run time, and the event rules find the same with either.
final class PrecomputedDataItemTests: XCTestCase {
    func testStoredDataItemsGiveTheFindingsOfLiveResolution() throws {
        let fixture = try EventFixture()
        let pack = fixture.rules.pack
        let stored = fixture.rules.catalogue
        XCTAssertTrue(stored.events.allSatisfy { $0.dataItems != nil }, "the shipped catalogue stores every event's items")
        XCTAssertGreaterThan(stored.events.compactMap(\.dataItems).joined().count, 50)
        let classifier = EventRuleClassifier(pack: pack)
        for event in stored.events {
            XCTAssertEqual(event.dataItems, classifier.mandatoryDataItems(of: event), event.eventCode)
        }
        let live = EventRules(catalogue: EventCatalogue(events: stored.events.map { var e = $0; e.dataItems = nil; return e }),
                              pack: pack)
        let messages = try SharedCorpus.files("corpus/nems-examples", extension: "xml")
            + SharedCorpus.files("corpus/nhs-stu3-assets/Examples", extension: "xml")
        var findings = 0
        for url in messages {
            let root = try fixture.tree(Data(contentsOf: url))
            let expected = fixture.rules.check(root, syntax: .xml)
            XCTAssertEqual(live.check(root, syntax: .xml), expected, url.lastPathComponent)
            findings += expected.count
        }
        XCTAssertGreaterThan(findings, 100)
    }
}

/// Event plans are worked out on their event's first message, not when the rules are made.
final class LazyEventPlanTests: XCTestCase {
    func testMakingTheRulesDecodesNoRecord() throws {
        let shared = try SharedCorpus.definitionPack()
        // A pack of its own, so that its count of decoded records is this test's.
        let pack = try DefinitionPack(directory: shared.directory)
        let fixture = try EventFixture()
        let rules = EventRules(catalogue: fixture.rules.catalogue, pack: pack)
        XCTAssertEqual(pack.decodedRecordCount, 0, "no event code system is decoded up front")
        let message = SharedCorpus.packageRoot.appendingPathComponent("Samples/nems-vaccination-new.xml")
        let root = try fixture.tree(Data(contentsOf: message))
        let issues = rules.check(root, syntax: .xml)
        XCTAssertEqual(issues, fixture.rules.check(root, syntax: .xml), "the same findings as rules whose plans were made")
        XCTAssertGreaterThan(pack.decodedRecordCount, 0, "the message's event needed its code system")
    }
}
