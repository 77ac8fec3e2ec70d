import XCTest
import Foundation
import FHIRModel
import FHIRDefinitions
import FHIRValidation
import DCHTestSupport

/// Structure rules on small hand-built trees: roots, profiled-away elements, broken packs.
final class StructureEdgeTests: XCTestCase {
    func rulesAndPaths(_ root: Element, _ syntax: MessageFormat = .xml) throws -> [String] {
        try VT.structureAndBundle(VT.validator().validate(root, syntax: syntax)).map { "\($0.rule) \($0.path ?? "")" }
    }

    func testUnknownRootResourceType() throws {
        let root = Element(name: "Patinet", resourceType: "Patinet", children: [Element(name: "id", value: "x")])
        XCTAssertEqual(try rulesAndPaths(root), ["struct.unknown-resource-type Patinet"])
    }

    func testAbstractAndNonResourceTypes() throws {
        for type in ["DomainResource", "Resource", "HumanName", "string"] {
            let root = Element(name: type, resourceType: type, children: [Element(name: "id", value: "x")])
            XCTAssertEqual(try rulesAndPaths(root), ["struct.unknown-resource-type \(type)"], type)
        }
    }

    func testRootThatIsNoResource() throws {
        let root = Element(name: "birthDate", value: "2017")
        XCTAssertEqual(try rulesAndPaths(root), ["struct.resource-missing birthDate"])
    }

    func testEmptyRootResource() throws {
        // T7 in JSON form: {"resourceType":"Bundle"}; the missing Bundle.type is not reported again.
        XCTAssertEqual(try rulesAndPaths(Element(name: "Bundle", resourceType: "Bundle")), ["struct.empty Bundle"])
    }

    func testContainedResourcesAreWalked() throws {
        let root = Element(name: "Patient", resourceType: "Patient", children: [
            Element(name: "contained", resourceType: "Organization", children: [
                Element(name: "id", value: "o1"), Element(name: "name", value: ""),
            ]),
            Element(name: "contained", resourceType: "Medication", children: [
                Element(name: "id", value: "m 2"),
            ]),
            Element(name: "gender", value: "female"),
        ])
        // (Layer 5 adds dom-3 here, nothing in the Patient refers to them: InvariantMutationTests.)
        XCTAssertEqual(try rulesAndPaths(root), ["value.empty Patient.contained[0].name", "value.id Patient.contained[1].id"])
    }

    func testMaxZeroInAConstrainedType() throws {
        // Immunization.doseQuantity is a SimpleQuantity: comparator is 0..0.
        let root = Element(name: "Immunization", resourceType: "Immunization", children: [
            Element(name: "status", value: "completed"),
            Element(name: "notGiven", value: "false"),
            Element(name: "vaccineCode", children: [Element(name: "text", value: "MMR")]),
            Element(name: "patient", children: [Element(name: "reference", value: "Patient/1")]),
            Element(name: "primarySource", value: "true"),
            Element(name: "doseQuantity", children: [
                Element(name: "value", value: "0.5"), Element(name: "comparator", value: "<"),
            ]),
        ])
        XCTAssertEqual(try rulesAndPaths(root), ["struct.max Immunization.doseQuantity.comparator"])
    }

    func testRequiredElementsOfAResource() throws {
        let root = Element(name: "Immunization", resourceType: "Immunization", children: [Element(name: "id", value: "i1")])
        XCTAssertEqual(Set(try rulesAndPaths(root)), Set(["status", "notGiven", "vaccineCode", "patient", "primarySource"]
            .map { "struct.min Immunization.\($0)" }))
    }

    func testRequiredChoiceCountsAnyType() throws {
        // Observation.component.code is 1..1; Extension.value[x] is 0..1, and two types are too many.
        let root = Element(name: "Observation", resourceType: "Observation", children: [
            Element(name: "extension", url: "http://example.org/x", children: [
                Element(name: "valueString", value: "a"), Element(name: "valueBoolean", value: "true"),
            ]),
            Element(name: "status", value: "final"),
            Element(name: "code", children: [Element(name: "text", value: "t")]),
            Element(name: "component", children: [Element(name: "valueString", value: "x")]),
        ])
        XCTAssertEqual(try rulesAndPaths(root), [
            "struct.max Observation.extension[0].valueBoolean",
            "struct.min Observation.component[0].code",
        ])
    }

    func testExtensionOnAPrimitiveOnly() throws {
        // A primitive with extensions and no value is fine; with an unknown child it is not.
        let root = Element(name: "Patient", resourceType: "Patient", children: [
            Element(name: "gender", children: [
                Element(name: "extension", url: "http://example.org/g", children: [Element(name: "valueCode", value: "f")]),
            ]),
            Element(name: "birthDate", value: "2017-01-01", children: [Element(name: "text", value: "x")]),
        ])
        XCTAssertEqual(try rulesAndPaths(root), ["struct.unknown-element Patient.birthDate.text"])
    }

    func testAttributesAreChecked() throws {
        let root = Element(name: "Patient", resourceType: "Patient", children: [
            Element(name: "extension", url: "http://example.org/a b", children: [Element(name: "valueCode", value: "f")]),
            Element(name: "gender", value: "female", id: ""),
        ])
        XCTAssertEqual(try rulesAndPaths(root), ["value.uri Patient.extension[0].url", "value.empty Patient.gender.id"])
    }

    func testBrokenPackIsAFatalIssue() throws {
        let pack = try SharedCorpus.definitionPack()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dch-broken-pack-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: pack.directory.appendingPathComponent(DefinitionPackLayout.indexFileName),
                                         to: dir.appendingPathComponent(DefinitionPackLayout.indexFileName))
        let validator = Validator(pack: try DefinitionPack(directory: dir))
        let issues = validator.validate(Element(name: "Patient", resourceType: "Patient",
                                                children: [Element(name: "gender", value: "female")]), syntax: .xml)
        XCTAssertEqual(issues.map(\.rule), ["struct.definitions"])
        XCTAssertEqual(issues.first?.severity, .fatal)
    }
}
