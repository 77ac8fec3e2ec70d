import XCTest
import FHIRDefinitions
import DCHTestSupport

/// The shared snapshot tree, on profiles of the shipped pack; what each node should hold is read
/// off the profiles' snapshots (paths, order and slice names) and the FHIR STU3 pages they come from.
final class SnapshotTreeTests: XCTestCase {
    var pack: DefinitionPack!

    override func setUpWithError() throws {
        pack = try SharedCorpus.definitionPack()
    }

    private func tree(_ url: String) throws -> SnapshotTree {
        let sd = try XCTUnwrap(pack.structure(url: url), "\(url) is not in the pack")
        return try XCTUnwrap(SnapshotTree(sd))
    }

    private func child(_ node: SnapshotNode, _ step: String) throws -> SnapshotNode {
        try XCTUnwrap(node.children.first { $0.step == step }, "\(node.record.path) has no child \(step)")
    }

    /// CareConnect-DCH-Patient-1 slices `Patient.identifier` into `nhsNumber` (1..1) and
    /// `localIdentifier`; `nhsNumber` slices its own `extension`. Its elements without an id
    /// (`Patient.identifier.system`) are linked by path.
    func testSlicesAndElementsWithoutIDs() throws {
        let patient = try tree("https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-DCH-Patient-1")
        XCTAssertEqual(patient.root.step, "Patient")
        let identifier = try child(patient.root, "identifier")
        XCTAssertNil(identifier.record.id)
        XCTAssertEqual(identifier.children.map(\.step),
                       ["id", "extension", "use", "type", "system", "value", "period", "assigner"])
        XCTAssertEqual(try child(identifier, "type").children.map(\.step), ["id", "extension", "coding", "text"])
        XCTAssertEqual(identifier.slices.map(\.sliceName), ["nhsNumber", "localIdentifier"])
        XCTAssertEqual(identifier.slices.first?.step, "identifier")
        let nhsNumber = identifier.slices[0]
        XCTAssertEqual(nhsNumber.record.min, 1)
        XCTAssertEqual(nhsNumber.children.count, 8, "a slice's children are its own, not the entry's")
        XCTAssertEqual(try child(nhsNumber, "system").record.id, "Patient.identifier:nhsNumber.system")
        let extensions = try child(nhsNumber, "extension")
        XCTAssertEqual(extensions.slices.map(\.sliceName), ["nhsNumberVerificationStatus"])
        XCTAssertTrue(identifier.slices[1].children.allSatisfy { $0.slices.isEmpty })
    }

    /// CareConnect-BloodPressure-Observation-1 slices `component` and, inside each component,
    /// `code.coding` (`loinc`, `snomedCT`, whose `extension` is sliced again).
    func testSlicesInsideSlices() throws {
        let bp = try tree("https://fhir.hl7.org.uk/STU3/StructureDefinition/CareConnect-BloodPressure-Observation-1")
        let component = try child(bp.root, "component")
        XCTAssertEqual(component.slices.map(\.sliceName), ["systolicComponent", "diastolicComponent"])
        let coding = try child(try child(component.slices[0], "code"), "coding")
        XCTAssertEqual(coding.slices.map(\.sliceName), ["loinc", "snomedCT"])
        XCTAssertEqual(try child(coding.slices[1], "extension").slices.map(\.sliceName), ["snomedCTDescriptionID"])
        XCTAssertEqual(try child(coding.slices[1], "display").record.min, 1)
    }

    /// The same profile names its one-type values `Observation.valueQuantity` with `sliceName`
    /// valueQuantity (no `value[x]`), and ids its children sometimes `value[x]:valueQuantity.unit`,
    /// sometimes `valueQuantity:valueQuantity.unit`: one plain child, all seven children under it
    /// (linking by id left `id`, `extension` and `comparator` out).
    func testChoiceRenamedToItsOneType() throws {
        let bp = try tree("https://fhir.hl7.org.uk/STU3/StructureDefinition/CareConnect-BloodPressure-Observation-1")
        XCTAssertFalse(bp.root.children.contains { $0.step == "value[x]" })
        let value = try child(bp.root, "valueQuantity")
        XCTAssertFalse(value.isChoice)
        XCTAssertEqual(value.record.max, "0")
        XCTAssertEqual(value.children.map(\.step), ["id", "extension", "value", "comparator", "unit", "system", "code"])
        let systolic = try XCTUnwrap(try child(bp.root, "component").slices.first)
        XCTAssertEqual(try child(systolic, "valueQuantity").children.count, 7)
    }

    /// Extension-CareConnect-AllergyCertainty-1 restricts `Extension.value[x]` by a type slice
    /// `value[x]:valueCodeableConcept`, with no `value[x]` element: a plain child. The core
    /// component's `value[x]` is a choice matched by wire name.
    func testChoicesMatchTheirWireNames() throws {
        let certainty = try tree("https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-AllergyCertainty-1")
        XCTAssertEqual(certainty.root.children.map(\.step), ["id", "extension", "url", "valueCodeableConcept"])
        XCTAssertTrue(certainty.root.children[3].matches("valueCodeableConcept"))
        XCTAssertFalse(certainty.root.children[3].matches("valueString"))

        let bp = try tree("https://fhir.hl7.org.uk/STU3/StructureDefinition/CareConnect-BloodPressure-Observation-1")
        let value = try child(try child(bp.root, "component"), "value[x]")
        XCTAssertTrue(value.isChoice)
        XCTAssertEqual(value.choiceBase, "value")
        XCTAssertEqual(value.typeCodes.first, "Quantity")
        for wire in ["valueQuantity", "valueDateTime", "valueTime", "valueString", "valueCodeableConcept"] {
            XCTAssertTrue(value.matches(wire), wire)
        }
        for wire in ["value", "valueBoolean", "valuequantity", "valueSet"] {
            XCTAssertFalse(value.matches(wire), wire)
        }
        XCTAssertEqual(SnapshotNode.choiceSuffix(of: "dateTime"), "DateTime")
    }

    /// FHIR STU3's BMI profile (http://hl7.org/fhir/StructureDefinition/bmi, bmi.html) slices
    /// `Observation.code.coding` with one slice, `BMICode`, fixing LOINC 39156-5. Its id says
    /// `coding:bmicode`: the slice is found by its `sliceName` and its seven children by order.
    func testVitalSignsSliceWhoseIDDisagreesWithItsName() throws {
        let bmi = try tree("http://hl7.org/fhir/StructureDefinition/bmi")
        let coding = try child(try child(bmi.root, "code"), "coding")
        XCTAssertNotNil(coding.record.slicing)
        XCTAssertEqual(coding.children.count, 0, "the snapshot does not expand the entry: its slice follows it")
        XCTAssertEqual(coding.slices.map(\.sliceName), ["BMICode"])
        let bmiCode = coding.slices[0]
        XCTAssertEqual(bmiCode.record.id, "Observation.code.coding:bmicode")
        XCTAssertEqual(bmiCode.children.map(\.step), ["id", "extension", "system", "version", "code", "display", "userSelected"])
        XCTAssertEqual(try child(bmiCode, "system").record.fixed?.element.value, "http://loinc.org")
        XCTAssertEqual(try child(bmiCode, "code").record.fixed?.element.value, "39156-5")
        XCTAssertEqual(try child(bmi.root, "code").children.filter { $0.step == "coding" }.count, 1,
                       "the slice is not a second coding child")
    }

    /// PEC-Observation-1 writes `Observation.effectiveDateTime` with `sliceName` effectiveDateTime
    /// and the id `Observation.effective[x]:endDateTime`, and no `effective[x]`: a plain child.
    /// Had the snapshot kept the base's `effective[x]` before it (as the blood-pressure profile
    /// below is given a `value[x]`), it would be that choice's type slice.
    func testTypeNamedSliceAfterItsChoice() throws {
        let pec = try tree("https://fhir.nhs.uk/STU3/StructureDefinition/pec-observation-1")
        XCTAssertFalse(pec.root.children.contains { $0.step == "effective[x]" })
        XCTAssertEqual(try child(pec.root, "effectiveDateTime").sliceName, "effectiveDateTime")

        var sd = try XCTUnwrap(pack.structure(url: "https://fhir.hl7.org.uk/STU3/StructureDefinition/CareConnect-BloodPressure-Observation-1"))
        let core = try XCTUnwrap(pack.structure(url: "http://hl7.org/fhir/StructureDefinition/Observation"))
        let choice = try XCTUnwrap(core.elements.first { $0.path == "Observation.value[x]" })
        let at = try XCTUnwrap(sd.elements.firstIndex { $0.path == "Observation.valueQuantity" })
        sd.elements.insert(choice, at: at)
        let bp = try XCTUnwrap(SnapshotTree(sd))
        let value = try child(bp.root, "value[x]")
        XCTAssertFalse(bp.root.children.contains { $0.step == "valueQuantity" })
        XCTAssertEqual(value.slices.map(\.step), ["valueQuantity"])
        XCTAssertEqual(value.slices[0].children.map(\.step), ["id", "extension", "value", "comparator", "unit", "system", "code"])
    }

    /// An element without an id is linked by its path and place: a slice given no id keeps its
    /// children, and children without ids under a slice are that slice's.
    func testElementsWithoutIDs() throws {
        var sd = try XCTUnwrap(pack.structure(url: "http://hl7.org/fhir/StructureDefinition/bmi"))
        for k in sd.elements.indices { sd.elements[k].id = nil }
        let bmi = try XCTUnwrap(SnapshotTree(sd))
        let coding = try child(try child(bmi.root, "code"), "coding")
        XCTAssertEqual(coding.slices.map(\.sliceName), ["BMICode"])
        XCTAssertEqual(try child(coding.slices[0], "code").record.fixed?.element.value, "39156-5")
        XCTAssertEqual(count(bmi.root), sd.elements.count)
    }

    /// A re-slice (`identifier:nhsNumber/old`) is left out of the tree; the pack has none, so one is
    /// added to a real profile here.
    func testReSlicesAreLeftOut() throws {
        var sd = try XCTUnwrap(pack.structure(url: "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-DCH-Patient-1"))
        let plain = try XCTUnwrap(SnapshotTree(sd))
        // A re-slice follows the slice it re-slices, with its own children (here a copy of them).
        let start = try XCTUnwrap(sd.elements.firstIndex { $0.sliceName == "nhsNumber" })
        let end = try XCTUnwrap(sd.elements.firstIndex { $0.sliceName == "localIdentifier" })
        var reslice = Array(sd.elements[start..<end])
        reslice[0].sliceName = "nhsNumber/old"
        for k in reslice.indices { reslice[k].id = nil }
        sd.elements.insert(contentsOf: reslice, at: end)
        let withReslice = try XCTUnwrap(SnapshotTree(sd))
        let identifier = try child(withReslice.root, "identifier")
        XCTAssertEqual(identifier.slices.map(\.sliceName), ["nhsNumber", "localIdentifier"])
        XCTAssertTrue(identifier.slices.allSatisfy { $0.slices.isEmpty })
        XCTAssertEqual(count(withReslice.root), count(plain.root))
    }

    /// Every element of every profile in the pack is linked, once: a child's path is its parent's
    /// plus one step, a slice's is its entry's (or, under a choice, one of the choice's wire names),
    /// and a node's children and slices come after it in the snapshot, in order.
    func testEveryElementIsLinkedByItsPath() throws {
        var profiles = 0
        for url in try pack.urls(of: .structure) {
            guard let sd = try pack.structure(url: url), sd.derivation == "constraint" else { continue }
            let tree = try XCTUnwrap(SnapshotTree(sd))
            XCTAssertEqual(count(tree.root), sd.elements.count, sd.url)
            var seen = Set<Int>()
            func check(_ node: SnapshotNode) {
                XCTAssertTrue(seen.insert(node.index).inserted, "\(sd.url) #\(node.index) linked twice")
                for child in node.children {
                    XCTAssertEqual(child.record.path, node.record.path + "." + child.step, sd.url)
                    check(child)
                }
                for slice in node.slices {
                    XCTAssertNotNil(slice.sliceName, sd.url)
                    XCTAssertTrue(slice.record.path == node.record.path || (node.isChoice && node.matches(slice.step)),
                                  "\(sd.url): \(slice.record.path) under \(node.record.path)")
                    check(slice)
                }
                let order = (node.children + node.slices).map(\.index)
                XCTAssertTrue(order.allSatisfy { $0 > node.index }, sd.url)
                XCTAssertEqual(node.children.map(\.index), node.children.map(\.index).sorted(), sd.url)
                XCTAssertEqual(node.slices.map(\.index), node.slices.map(\.index).sorted(), sd.url)
            }
            check(tree.root)
            profiles += 1
        }
        XCTAssertEqual(profiles, 891)
    }

    private func count(_ node: SnapshotNode) -> Int {
        1 + node.children.reduce(0) { $0 + count($1) } + node.slices.reduce(0) { $0 + count($1) }
    }
}
