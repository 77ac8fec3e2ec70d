import XCTest
import FHIRDefinitions
import DCHTestSupport

/// The shared snapshot tree, on profiles of the shipped pack; what each node should hold is read
/// off the profiles' element ids and slice names.
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

    /// The same profile names its one-type values `valueQuantity:valueQuantity` (no `value[x]`),
    /// and ids its children sometimes `value[x]:valueQuantity.unit`, sometimes
    /// `valueQuantity:valueQuantity.unit`: one plain child, all seven children under it.
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

    /// A re-slice (`identifier:nhsNumber/old`) is left out of the tree; the pack has none, so one is
    /// added to a real profile here.
    func testReSlicesAreLeftOut() throws {
        var sd = try XCTUnwrap(pack.structure(url: "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-DCH-Patient-1"))
        let plain = try XCTUnwrap(SnapshotTree(sd))
        var reslice = try XCTUnwrap(sd.elements.first { $0.id == "Patient.identifier:nhsNumber" })
        reslice.id = "Patient.identifier:nhsNumber/old"
        reslice.sliceName = "nhsNumber/old"
        sd.elements.append(reslice)
        let withReslice = try XCTUnwrap(SnapshotTree(sd))
        let identifier = try child(withReslice.root, "identifier")
        XCTAssertEqual(identifier.slices.map(\.sliceName), ["nhsNumber", "localIdentifier"])
        XCTAssertTrue(identifier.slices.allSatisfy { $0.slices.isEmpty })
        XCTAssertEqual(count(withReslice.root), count(plain.root))
    }

    /// Every element of every profile in the pack reached through its parent's id is linked.
    /// Some official ids name a parent no element has (Extension-EMS-FailsafeAlertEscalationLevel-1's
    /// `valueCodeableConcept:valueCodeableConcept.coding`, without `Extension.`): those elements (and theirs) are
    /// left out unless an alias form of a renamed choice finds them.
    func testEveryElementWithAKnownParentIsLinked() throws {
        var profiles = 0, complete = 0
        for url in try pack.urls(of: .structure) {
            guard let sd = try pack.structure(url: url), sd.derivation == "constraint" else { continue }
            let tree = try XCTUnwrap(SnapshotTree(sd))
            // Elements reached through parent ids alone (a parent also reached), in snapshot order.
            var reached: Set<String> = [sd.elements[0].id ?? sd.elements[0].path]
            var reachable = 1
            for record in sd.elements.dropFirst() {
                let id = record.id ?? record.path
                guard reached.contains(String(id[..<(id.lastIndex(of: ".") ?? id.startIndex)])) else { continue }
                reached.formUnion([id, record.path])
                reachable += 1
            }
            let linked = count(tree.root)
            XCTAssertLessThanOrEqual(linked, sd.elements.count, sd.name)
            XCTAssertGreaterThanOrEqual(linked, reachable, sd.name)
            if linked == sd.elements.count { complete += 1 }
            profiles += 1
        }
        XCTAssertGreaterThan(profiles, 400)
        XCTAssertGreaterThan(complete, profiles * 9 / 10)
    }

    private func count(_ node: SnapshotNode) -> Int {
        1 + node.children.reduce(0) { $0 + count($1) } + node.slices.reduce(0) { $0 + count($1) }
    }
}
