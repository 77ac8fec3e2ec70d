import XCTest
import Foundation
import FHIRModel
import FHIRJSON
import FHIRXML
import FHIRDefinitionImport
import DCHTestSupport

/// The snapshot generator against the published snapshots of the R4 core package: every R4 core
/// profile and extension that ships both a differential and a snapshot is generated from its
/// differential and compared element by element with the snapshot HL7 published.
final class SnapshotGeneratorTests: XCTestCase {
    /// The R4 core StructureDefinitions (JSON), read once.
    static let core: [Element]? = {
        guard let shared = SharedCorpus.root else { return nil }
        let folder = shared.appendingPathComponent("fhir-r4/hl7.fhir.r4.core-4.0.1/StructureDefinition")
        let files = (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? []
        return files.filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
            .compactMap { try? FHIRJSONReader().read(Data(contentsOf: $0)).root }
    }()

    func coreDefinitions() throws -> [Element] {
        _ = try SharedCorpus.require()
        guard let core = Self.core, !core.isEmpty else { throw Prerequisite.missing("../shared/fhir-r4 (the R4 core package) is absent") }
        return core
    }

    /// Where a generated snapshot differs from HL7's published one: number of differing elements per
    /// profile, each explained. Everything else (5,249 elements of 442 profiles) is the same on ids,
    /// paths, cardinality, types with profiles and target profiles, bindings, fixed and pattern
    /// values, slicing, constraint keys, content references and must-support.
    static let knownDifferences: [String: Int] = [
        // `component:SystolicBP.valueQuantity` (and Diastolic): inside a slice, the 2019 publisher renamed
        // the element to `value[x]` typed Quantity and expanded it in place; at the top level (same profile,
        // `Observation.valueQuantity`) it made the type slice `value[x]:valueQuantity` with a closed
        // type slicing. dch does the latter everywhere (R4 profiling: a renamed choice is a type slice):
        // 2 × (slicing + 7 children moved under the slice + the slice itself and its 7 children).
        "bp": 32,
        // Slices of 0..1 elements that have no slicing (`Composition.date:IssueDate`, `relationship:Relationship`,
        // `sex:Sex`, `born[x]:BornAge`…): the publisher replaced each element by its slice; dch keeps the
        // element and adds the slice after it, and reports the missing slicing (import.snapshot-slicing).
        "catalog": 1,
        "familymemberhistory-genetic": 14,
        // The publisher expanded the children (id, extension, url, value[x]) of the two extension slices
        // `extension:Question` and `extension:AllowedUnits`; the differential constrains nothing below
        // them, and dch expands only where a differential goes.
        "elementdefinition-de": 8,
        // `Provenance.entity.agent` refers to `#Provenance.agent`; the publisher rewrote it to the profile's
        // slice `#Provenance.agent:Author`, which a content reference cannot name (an id, not a path).
        "provenance-relevant-history": 1,
        // The three extensions the package builds as FHIR 4.0.0 (README of ../shared/fhir-r4): their
        // published snapshots have no type on `Extension.id`/`url` and no ele-1/ext-1 constraints; dch
        // takes both from R4's Extension.
        "structuredefinition-json-type": 5, "structuredefinition-rdf-type": 5, "structuredefinition-xml-type": 5,
    ]

    func testPublishedSnapshotsRegenerateFromTheirDifferentials() throws {
        let core = try coreDefinitions()
        let generator = SnapshotGenerator()
        core.forEach(generator.register)
        let constrained = core.filter {
            $0.child("derivation")?.value == "constraint" && $0.child("snapshot") != nil && $0.child("differential") != nil
        }
        var differing: [String: Int] = [:]
        var issues: [String] = []
        var lines: [String] = []
        var compared = 0, elements = 0
        for sd in constrained {
            let name = sd.child("id")?.value ?? "?"
            let outcome = generator.generate(sd)
            guard let generated = outcome.structureDefinition?.child("snapshot")?.children(named: "element") else {
                XCTFail("\(name): not generated: \(outcome.issues)")
                continue
            }
            compared += 1
            let published = sd.child("snapshot")!.children(named: "element")
            elements += published.count
            issues += outcome.issues.map { "\(name) \($0.rule) \($0.path ?? "")" }
            let found = SnapshotComparison.differences(published: published, generated: generated)
            if !found.isEmpty { differing[name] = found.count }
            lines += found.map { "\(name) \($0)" }
        }
        XCTAssertEqual(compared, 442)   // 43 resource profiles, 396 extensions, 3 datatype profiles (SimpleQuantity, MoneyQuantity, elementdefinition-de)
        XCTAssertEqual(elements, 5249)
        XCTAssertEqual(differing, Self.knownDifferences, lines.joined(separator: "\n"))
        // The only generation issues: the slices without slicing explained above.
        XCTAssertEqual(Set(issues), [
            "catalog import.snapshot-slicing Composition.date:IssueDate",
            "familymemberhistory-genetic import.snapshot-slicing FamilyMemberHistory.relationship:Relationship",
            "familymemberhistory-genetic import.snapshot-slicing FamilyMemberHistory.sex:Sex",
            "familymemberhistory-genetic import.snapshot-slicing FamilyMemberHistory.born[x]:BornAge",
            "familymemberhistory-genetic import.snapshot-slicing FamilyMemberHistory.age[x]:Age",
            "familymemberhistory-genetic import.snapshot-slicing FamilyMemberHistory.deceased[x]:DeceasedAge",
            "familymemberhistory-genetic import.snapshot-slicing FamilyMemberHistory.condition:Condition",
        ], issues.joined(separator: "\n"))
    }
}

/// The generator's rules one by one, on small differentials over R4 core bases.
final class SnapshotGeneratorRuleTests: XCTestCase {
    func generator() throws -> SnapshotGenerator {
        _ = try SharedCorpus.require()
        guard let core = SnapshotGeneratorTests.core, !core.isEmpty else { throw Prerequisite.missing("../shared/fhir-r4 (the R4 core package) is absent") }
        let generator = SnapshotGenerator()
        core.forEach(generator.register)
        return generator
    }

    /// A differential-only profile, as UK Core publishes them (XML, read untyped).
    func profile(_ url: String, base: String, type: String, _ elements: String) throws -> Element {
        let xml = """
            <StructureDefinition xmlns="http://hl7.org/fhir"><url value="\(url)"/><name value="T"/><status value="draft"/>
            <kind value="resource"/><abstract value="false"/><type value="\(type)"/><baseDefinition value="\(base)"/>
            <derivation value="constraint"/><differential>\(elements)</differential></StructureDefinition>
            """
        return try FHIRXMLReader().read(Data(xml.utf8)).root
    }

    func elements(_ outcome: SnapshotGenerator.Outcome) -> [String: Element] {
        let list = outcome.structureDefinition?.child("snapshot")?.children(named: "element") ?? []
        return Dictionary(list.map { ($0.id ?? "", $0) }, uniquingKeysWith: { a, _ in a })
    }

    func testSlicesChildrenFromTypesAndRenamedChoices() throws {
        let g = try generator()
        let sd = try profile("http://example.org/P", base: "http://hl7.org/fhir/StructureDefinition/Observation", type: "Observation", """
            <element id="Observation"><path value="Observation"/></element>
            <element id="Observation.extension:eth"><path value="Observation.extension"/><sliceName value="eth"/><max value="1"/>
              <type><code value="Extension"/><profile value="http://hl7.org/fhir/StructureDefinition/patient-birthTime"/></type></element>
            <element id="Observation.code.coding"><path value="Observation.code.coding"/>
              <slicing><discriminator><type value="value"/><path value="system"/></discriminator><rules value="open"/></slicing></element>
            <element id="Observation.code.coding:snomed"><path value="Observation.code.coding"/><sliceName value="snomed"/></element>
            <element id="Observation.code.coding:snomed.system"><path value="Observation.code.coding.system"/><min value="1"/>
              <fixedUri value="http://snomed.info/sct"/></element>
            <element id="Observation.valueQuantity"><path value="Observation.valueQuantity"/></element>
            <element id="Observation.valueQuantity.unit"><path value="Observation.valueQuantity.unit"/><min value="1"/></element>
            """)
        let outcome = g.generate(sd)
        XCTAssertEqual(outcome.issues, [])
        let e = elements(outcome)
        // Extension slicing added (by url, open), the slice typed with its extension's profile, min 0 (profiling.html).
        XCTAssertEqual(e["Observation.extension"]?.descendant("slicing.discriminator.path")?.value, "url")
        XCTAssertEqual(e["Observation.extension:eth"]?.child("min")?.value, "0")
        XCTAssertEqual(e["Observation.extension:eth"]?.child("max")?.value, "1")
        XCTAssertEqual(e["Observation.extension:eth"]?.descendant("type.profile")?.value, "http://hl7.org/fhir/StructureDefinition/patient-birthTime")
        // code (CodeableConcept) expanded from its type; the slice's children from Coding, the fixed system below it.
        XCTAssertEqual(e["Observation.code.coding:snomed"]?.child("path")?.value, "Observation.code.coding")
        XCTAssertEqual(e["Observation.code.coding:snomed.system"]?.child("fixedUri")?.value, "http://snomed.info/sct")
        XCTAssertEqual(e["Observation.code.coding:snomed.system"]?.child("min")?.value, "1")
        XCTAssertNotNil(e["Observation.code.coding:snomed.userSelected"])
        XCTAssertNotNil(e["Observation.code.text"])
        // The renamed choice is the type slice value[x]:valueQuantity; value[x] is sliced on type and keeps Quantity only.
        XCTAssertEqual(e["Observation.value[x]"]?.children(named: "type").compactMap { $0.child("code")?.value }, ["Quantity"])
        XCTAssertEqual(e["Observation.value[x]"]?.descendant("slicing.discriminator.type")?.value, "type")
        XCTAssertEqual(e["Observation.value[x]:valueQuantity.unit"]?.child("min")?.value, "1")
        // Snapshot order: an element, its children, then its slices with theirs; the sliced coding itself is
        // not expanded (the differential constrains only below its slice), as in R4's bodyweight.
        let ids = (outcome.structureDefinition?.child("snapshot")?.children(named: "element") ?? []).compactMap(\.id)
        let entry = try XCTUnwrap(ids.firstIndex(of: "Observation.code.coding"))
        XCTAssertEqual(Array(ids[entry...].prefix(4)), ["Observation.code.coding", "Observation.code.coding:snomed",
                                                        "Observation.code.coding:snomed.id", "Observation.code.coding:snomed.extension"])
        XCTAssertEqual(ids.first { $0.hasPrefix("Observation.code.coding:snomed.") == false && ids.firstIndex(of: $0)! > entry + 1 },
                       "Observation.code.text")
    }

    func testProblemsAreValuesNamingProfileAndElement() throws {
        let g = try generator()
        let sd = try profile("http://example.org/Bad", base: "http://hl7.org/fhir/StructureDefinition/Patient", type: "Patient", """
            <element id="Patient"><path value="Patient"/></element>
            <element id="Patient.nickname"><path value="Patient.nickname"/><min value="1"/></element>
            <element id="Patient.gender"><path value="Patient.gender"/><max value="*"/></element>
            <element id="Patient.deceased[x].foo"><path value="Patient.deceased[x].foo"/></element>
            """)
        let outcome = g.generate(sd)
        XCTAssertNotNil(outcome.structureDefinition)   // the rest is still built
        XCTAssertEqual(outcome.issues.map { "\($0.rule) \($0.path ?? "")" }, [
            "import.snapshot-element Patient.nickname",          // no such element
            "import.snapshot-loosened Patient.gender",           // 0..1 widened to *
            "import.snapshot-element Patient.deceased[x].foo",   // below a choice of two types
        ])
        XCTAssertTrue(outcome.issues.allSatisfy { $0.message.hasPrefix("http://example.org/Bad: ") })
        let missingBase = try profile("http://example.org/Orphan", base: "http://example.org/Nothing", type: "Patient",
                                      #"<element id="Patient"><path value="Patient"/></element>"#)
        let orphan = g.generate(missingBase)
        XCTAssertNil(orphan.structureDefinition)
        XCTAssertEqual(orphan.issues.map(\.rule), ["import.snapshot-base"])
    }

    /// A profile on a profile: the base is generated first, whatever the order of generation.
    func testProfileOnADifferentialOnlyProfile() throws {
        let g = try generator()
        let base = try profile("http://example.org/Base", base: "http://hl7.org/fhir/StructureDefinition/Patient", type: "Patient", """
            <element id="Patient"><path value="Patient"/></element>
            <element id="Patient.identifier"><path value="Patient.identifier"/><min value="1"/></element>
            """)
        let derived = try profile("http://example.org/Derived", base: "http://example.org/Base", type: "Patient", """
            <element id="Patient"><path value="Patient"/></element>
            <element id="Patient.identifier"><path value="Patient.identifier"/><max value="2"/></element>
            """)
        g.register(base)
        let e = elements(g.generate(derived))
        XCTAssertEqual(e["Patient.identifier"]?.child("min")?.value, "1")
        XCTAssertEqual(e["Patient.identifier"]?.child("max")?.value, "2")
    }
}
