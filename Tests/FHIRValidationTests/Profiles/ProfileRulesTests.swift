import XCTest
import Foundation
import FHIRModel
import FHIRXML
import FHIRDefinitions
@testable import FHIRValidation
import DCHTestSupport

/// Layer 2 (profiles): defects applied to an official DCH message that meets every profile it
/// claims, each found with its rule at its path; and hand-made profiles for what the NHS profiles
/// do not exercise (closed and ordered slicing, patterns, type and exists discriminators).
///
/// `DCH-Vaccination-Bundle-Example-1.xml` entries: 0 MessageHeader, 1 Organization, 2 HealthcareService,
/// 3 Patient, 4 Encounter, 5 Immunization, 6 Practitioner, 7 PractitionerRole, 8 Location.
final class ProfileRulesTests: XCTestCase {
    static let exampleName = "DCH-Vaccination-Bundle-Example-1.xml"

    func example() throws -> Element {
        let url = try SharedCorpus.require().appendingPathComponent("corpus/nhs-stu3-assets/Examples/\(Self.exampleName)")
        return try VT.read(try Data(contentsOf: url)).0
    }

    static func resource(_ entry: Int) -> [(String, Int)] { [("entry", entry), ("resource", 0)] }
    static let patient = resource(3), encounter = resource(4), immunization = resource(5)

    /// Asserts the mutated example has exactly these `profile.*` issues (as `severity rule path`)
    /// and no error of another layer.
    func assertProfileIssues(_ expected: [String], options: ValidationOptions? = nil,
                             file: StaticString = #filePath, line: UInt = #line,
                             _ mutate: (inout Element) -> Void) throws {
        var root = try example()
        mutate(&root)
        let validator = try options.map { Validator(pack: try SharedCorpus.definitionPack(), options: $0) } ?? VT.validator()
        let issues = validator.validate(root, syntax: .xml)
        let profile = issues.filter { $0.rule.hasPrefix("profile.") }
        XCTAssertEqual(profile.map { "\($0.severity.rawValue) \($0.rule) \($0.path ?? "")" }, expected,
                       profile.map(\.message).joined(separator: "\n"), file: file, line: line)
        XCTAssertTrue(profile.allSatisfy { $0.position != nil }, "every profile issue has a position", file: file, line: line)
        let others = VT.errors(issues).filter { !$0.rule.hasPrefix("profile.") }
        XCTAssertEqual(others.map { "\($0.rule) \($0.path ?? "")" }, [], "unexpected other errors", file: file, line: line)
    }

    func testExampleMeetsItsProfiles() throws {
        try assertProfileIssues([]) { _ in }
    }

    func testWrongFixedValue() throws {
        try assertProfileIssues(["error profile.fixed Bundle.entry[4].resource.status"]) { root in
            root.edit(Self.encounter + [("status", 0)]) { $0.value = "in-progress" }
        }
    }

    func testMissingRequiredSlice() throws {
        try assertProfileIssues(["error profile.slice-min Bundle.entry[3].resource.identifier[0].extension"]) { root in
            root.edit(Self.patient + [("identifier", 0)]) { $0.children.removeAll { $0.name == "extension" } }
        }
    }

    func testMissingElementTheProfileRequires() throws {
        try assertProfileIssues(["error profile.min Bundle.entry[4].resource.period"]) { root in
            root.edit(Self.encounter) { $0.children.removeAll { $0.name == "period" } }
        }
    }

    func testMoreThanTheProfileAllows() throws {
        try assertProfileIssues(["error profile.max Bundle.entry[4].resource.location[1]"]) { root in
            root.edit(Self.encounter) { e in
                let location = e.children[e.positionOfChild("location")]
                e.children.insert(location, at: e.positionOfChild("location"))
            }
        }
    }

    func testWrongReferenceTargetType() throws {
        try assertProfileIssues(["error profile.target-type Bundle.entry[5].resource.patient.reference"]) { root in
            root.edit(Self.immunization + [("patient", 0), ("reference", 0)]) {
                $0.value = "urn:uuid:0b5365ea-5eb5-4119-bfad-c6dfe0874b1b"   // the Encounter
            }
        }
    }

    func testTargetThatDoesNotConformToTheTargetProfile() throws {
        // The Encounter no longer claims its profile (so it is not checked for itself) and lacks
        // its period: the MessageHeader's focus and the Immunization's encounter require the profile.
        try assertProfileIssues([
            "error profile.target-profile Bundle.entry[0].resource.focus[0].reference",
            "error profile.target-profile Bundle.entry[5].resource.encounter.reference",
        ]) { root in
            root.edit(Self.encounter) { $0.children.removeAll { $0.name == "meta" || $0.name == "period" } }
        }
    }

    func testChoiceTypeTheExtensionExcludes() throws {
        try assertProfileIssues(["error profile.type Bundle.entry[5].resource.extension[0].valueString"]) { root in
            root.edit(Self.immunization + [("extension", 0), ("valueDateTime", 0)]) { $0.name = "valueString" }
        }
    }

    func testUnknownExtensionIsAWarning() throws {
        try assertProfileIssues(["warning profile.extension-unknown Bundle.entry[3].resource.extension[0]"]) { root in
            root.edit(Self.patient) { p in
                p.children.insert(Element(name: "extension", url: "https://example.org/fhir/StructureDefinition/shoe-size",
                                          children: [Element(name: "valueString", value: "3")], position: .init(line: 1, column: 1)), at: p.positionOfChild("identifier"))
            }
        }
    }

    func testUnknownModifierExtensionIsAnError() throws {
        try assertProfileIssues(["error profile.extension-unknown Bundle.entry[3].resource.modifierExtension[0]"]) { root in
            root.edit(Self.patient) { p in
                p.children.insert(Element(name: "modifierExtension", url: "https://example.org/fhir/StructureDefinition/not-really",
                                          children: [Element(name: "valueBoolean", value: "true")], position: .init(line: 1, column: 1)), at: p.positionOfChild("identifier"))
            }
        }
    }

    func testUnknownProfileIsAWarning() throws {
        try assertProfileIssues(["warning profile.unknown Bundle.entry[3].resource.meta.profile[0]"]) { root in
            root.edit(Self.patient + [("meta", 0), ("profile", 0)]) { $0.value = "https://example.org/StructureDefinition/Nope" }
        }
    }

    func testProfileOfAnotherType() throws {
        try assertProfileIssues(["error profile.wrong-type Bundle.entry[3].resource.meta.profile[0]"]) { root in
            root.edit(Self.patient + [("meta", 0), ("profile", 0)]) {
                $0.value = "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-DCH-Encounter-1"
            }
        }
    }

    func testRequestedProfileAppliesToEveryResourceOfItsType() throws {
        // The Patient no longer claims anything; `--profile` asks for the DCH Patient profile anyway.
        let dchPatient = "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-DCH-Patient-1"
        try assertProfileIssues(["error profile.slice-min Bundle.entry[3].resource.identifier[0].extension"],
                                options: ValidationOptions(profiles: [dchPatient])) { root in
            root.edit(Self.patient) { $0.children.removeAll { $0.name == "meta" } }
            root.edit(Self.patient + [("identifier", 0)]) { $0.children.removeAll { $0.name == "extension" } }
        }
        XCTAssertEqual(try VT.validator().unknownProfiles([dchPatient, "https://example.org/x"]), ["https://example.org/x"])
    }

    func testNEMSPublicationURLOfTheBaseBundleResolves() throws {
        XCTAssertEqual(ProfileCache.canonical("http://hl7.org/fhir/STU3/StructureDefinition/Bundle"),
                       "http://hl7.org/fhir/StructureDefinition/Bundle")
        XCTAssertEqual(ProfileCache.canonical("https://hl7.org/fhir/STU3/StructureDefinition/Bundle|3.0.1"),
                       "http://hl7.org/fhir/StructureDefinition/Bundle")
    }
}

/// Slicing kinds the NHS profiles do not use, on a hand-made profile of `Observation.component`
/// compiled straight from records and walked over hand-made trees.
final class HandMadeSlicingTests: XCTestCase {
    static let loinc = #"<fixedUri xmlns="http://hl7.org/fhir" value="http://loinc.org"/>"#

    static func e(_ path: String, id: String? = nil, slice: String? = nil, min: Int = 0, max: String = "*",
                  baseMax: String? = "*", types: [TypeRecord]? = nil, fixed: String? = nil, pattern: String? = nil,
                  slicing: SlicingRecord? = nil) -> ElementRecord {
        ElementRecord(path: path, id: id, sliceName: slice, min: min, max: max, baseMax: baseMax, types: types,
                      fixed: fixed.map(value), pattern: pattern.map(value), slicing: slicing)
    }

    /// A fixed or pattern value written as FHIR XML, in the pack's form.
    static func value(_ xml: String) -> FixedValue {
        FixedValue(try! FHIRXMLReader().read(Data(xml.utf8)).root)
    }

    /// `Observation.component` sliced by `code` (pattern on code.coding) with `rules` and `ordered`:
    /// slices `systolic` (1..1) then `diastolic` (0..1).
    static func profile(rules: String, ordered: Bool, discriminator: DiscriminatorRecord = .init(type: "pattern", path: "code"))
        -> CompiledProfile {
        func codePattern(_ code: String) -> String {
            #"<patternCodeableConcept xmlns="http://hl7.org/fhir"><coding><system value="http://loinc.org"/><code value=""# + code + #""/></coding></patternCodeableConcept>"#
        }
        let sd = StructureRecord(url: "https://example.org/StructureDefinition/BP", name: "BP", type: "Observation",
                                 kind: "resource", derivation: "constraint", elements: [
            e("Observation", max: "*", baseMax: nil),
            e("Observation.component", slicing: SlicingRecord(discriminators: [discriminator], ordered: ordered, rules: rules)),
            e("Observation.component", id: "Observation.component:systolic", slice: "systolic", min: 1, max: "1"),
            e("Observation.component.code", id: "Observation.component:systolic.code", min: 1, max: "1", baseMax: nil,
              types: [TypeRecord(code: "CodeableConcept")], pattern: codePattern("8480-6")),
            e("Observation.component.value[x]", id: "Observation.component:systolic.value[x]", max: "1", baseMax: nil,
              types: [TypeRecord(code: "Quantity")]),
            e("Observation.component", id: "Observation.component:diastolic", slice: "diastolic", max: "1"),
            e("Observation.component.code", id: "Observation.component:diastolic.code", min: 1, max: "1", baseMax: nil,
              types: [TypeRecord(code: "CodeableConcept")], pattern: codePattern("8462-4")),
        ])
        return ProfileCompiler.compile(sd)!
    }

    static func component(_ code: String, system: String = "http://loinc.org", value: Element? = nil) -> Element {
        Element(name: "component", children: [
            Element(name: "code", children: [Element(name: "coding", children: [
                Element(name: "system", value: system), Element(name: "code", value: code),
                Element(name: "display", value: "a reading")])]),
        ] + (value.map { [$0] } ?? []))
    }

    static func observation(_ components: [Element]) -> Element {
        Element(name: "Observation", resourceType: "Observation",
                children: [Element(name: "status", value: "final")] + components)
    }

    func issues(_ profile: CompiledProfile, _ resource: Element) throws -> [String] {
        let pack = try SharedCorpus.definitionPack()
        var rules = ProfileRules(profiles: ProfileCache(pack: pack), definitions: DefinitionCache(pack: pack),
                                 root: resource, requested: [])
        rules.path.push("Observation")
        rules.walk(resource, profile.root, profile)
        return rules.issues.map { "\($0.rule) \($0.path ?? "")" }
    }

    func testPatternDiscriminatorAssignsSlices() throws {
        let p = Self.profile(rules: "open", ordered: false)
        XCTAssertEqual(try issues(p, Self.observation([Self.component("8480-6"), Self.component("8462-4")])), [])
        XCTAssertEqual(try issues(p, Self.observation([Self.component("8462-4")])),
                       ["profile.slice-min Observation.component"])
        XCTAssertEqual(try issues(p, Self.observation([Self.component("8480-6"), Self.component("8480-6")])),
                       ["profile.slice-max Observation.component"])
    }

    func testClosedSlicingRefusesOthers() throws {
        XCTAssertEqual(try issues(Self.profile(rules: "open", ordered: false),
                                  Self.observation([Self.component("8480-6"), Self.component("1234-5")])), [])
        XCTAssertEqual(try issues(Self.profile(rules: "closed", ordered: false),
                                  Self.observation([Self.component("8480-6"), Self.component("1234-5")])),
                       ["profile.slice-closed Observation.component[1]"])
    }

    func testOrderedSlicing() throws {
        let reversed = Self.observation([Self.component("8462-4"), Self.component("8480-6")])
        XCTAssertEqual(try issues(Self.profile(rules: "open", ordered: false), reversed), [])
        XCTAssertEqual(try issues(Self.profile(rules: "open", ordered: true), reversed),
                       ["profile.slice-order Observation.component[1]"])
    }

    func testOpenAtEndSlicing() throws {
        let p = Self.profile(rules: "openAtEnd", ordered: false)
        XCTAssertEqual(try issues(p, Self.observation([Self.component("8480-6"), Self.component("1234-5")])), [])
        XCTAssertEqual(try issues(p, Self.observation([Self.component("1234-5"), Self.component("8480-6")])),
                       ["profile.slice-order Observation.component[1]"])
    }

    func testPatternMismatchInsideTheSliceIsNotAMatch() throws {
        // The same code in another system is not the systolic slice: it is left to the open slicing.
        XCTAssertEqual(try issues(Self.profile(rules: "open", ordered: false),
                                  Self.observation([Self.component("8480-6", system: "http://snomed.info/sct")])),
                       ["profile.slice-min Observation.component"])
    }

    func testTypeDiscriminator() throws {
        let p = Self.profile(rules: "closed", ordered: false, discriminator: .init(type: "type", path: "value[x]"))
        // Only the systolic slice says a type (Quantity): a Quantity matches it, a string matches nothing.
        let quantity = Element(name: "valueQuantity", children: [Element(name: "value", value: "120")])
        let text = Element(name: "valueString", value: "high")
        XCTAssertEqual(try issues(p, Self.observation([Self.component("8480-6", value: quantity)])),
                       ["profile.slicing-unevaluable Observation.component"])
        XCTAssertEqual(try issues(p, Self.observation([Self.component("8480-6", value: quantity), Self.component("1", value: text)])),
                       ["profile.slicing-unevaluable Observation.component", "profile.slice-closed Observation.component[1]"])
    }

    func testChoiceTypeRestrictionInsideASlice() throws {
        let p = Self.profile(rules: "open", ordered: false)
        let text = Element(name: "valueString", value: "high")
        XCTAssertEqual(try issues(p, Self.observation([Self.component("8480-6", value: text)])),
                       ["profile.type Observation.component[0].valueString"])
    }
}
