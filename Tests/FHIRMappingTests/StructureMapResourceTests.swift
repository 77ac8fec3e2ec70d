import XCTest
import FHIRModel
import FHIRJSON
import DCHTestSupport
@testable import FHIRMapping

/// Maps as StructureMap resources: written from FML, read back, exchanged as JSON, and the NHS
/// England StructureMap JSON read as the same map as its FML text.
final class StructureMapResourceTests: XCTestCase {
    private let fml = """
        /// url = "http://example.org/StructureMap/rt"
        /// name = "rt"
        /// title = "Round trip"
        uses "http://hl7.org/fhir/StructureDefinition/Patient" alias P as source
        uses "http://hl7.org/fhir/StructureDefinition/Patient" as target
        imports "http://example.org/StructureMap/*"
        conceptmap "sex" {
          prefix s = "http://hl7.org/fhir/administrative-gender"
          prefix t = "http://example.org/sex"
          s:female == t:F
          s:male <= t:M
        }
        group main(source src : P, target tgt : Patient) extends base <<type+>> {
          src.name first as n where (family.exists()) -> tgt.name as tn share nm then { n.family as f -> tn.family = f; } "names";
          src.gender as g -> tgt.gender = translate(g, '#sex', 'code') "sex";
          src.birthDate 0..1 default '2000' as b log (b) -> tgt.birthDate = b, tgt.active = true, uuid() as u "dates";
          src.address as a -> tgt.address as ta then Address(a, ta) "addr";
          src.telecom -> tgt.telecom;
        }
        """

    func testRoundTripThroughTheResource() throws {
        let parsed = FMLParser.parse(fml)
        XCTAssertEqual(parsed.issues, [])
        let resource = StructureMapResource.element(of: parsed.map)
        let again = try StructureMapResource.map(from: resource)
        XCTAssertEqual(StructureMapResource.element(of: again), resource)
        // Spot checks against the StructureMap definition.
        XCTAssertEqual(resource.child("url")?.value, "http://example.org/StructureMap/rt")
        XCTAssertEqual(resource.child("status")?.value, "draft")   // no status: draft
        XCTAssertEqual(resource.children(named: "structure").count, 2)
        XCTAssertEqual(resource.child("contained")?.resourceType, "ConceptMap")
        let group = try XCTUnwrap(resource.child("group"))
        XCTAssertEqual(group.child("typeMode")?.value, "type-and-types")
        XCTAssertEqual(group.child("extends")?.value, "base")
        let rules = group.children(named: "rule")
        XCTAssertEqual(rules.map { $0.child("name")?.value }, ["names", "sex", "dates", "addr", "telecom"])
        let source = try XCTUnwrap(rules[0].child("source"))
        XCTAssertEqual(source.child("listMode")?.value, "first")
        XCTAssertEqual(source.child("condition")?.value, "family.exists()")
        XCTAssertEqual(rules[0].child("target")?.child("listMode")?.value, "share")
        XCTAssertEqual(rules[0].child("target")?.child("listRuleId")?.value, "nm")
        XCTAssertEqual(rules[3].child("dependent")?.children(named: "variable").compactMap(\.value), ["a", "ta"])
        // The simple copy is written as the reference engine compiles it.
        let copy = try XCTUnwrap(rules[4].child("target"))
        XCTAssertEqual(copy.child("transform")?.value, "create")
        XCTAssertEqual(copy.child("variable")?.value, "vvv")
    }

    /// Written as FHIR JSON by the codec and read back: the same map. (The shipped pack is STU3,
    /// whose StructureMap has no `logMessage`: that R4 element is left out here.)
    func testJSONExchange() throws {
        let pack = try SharedCorpus.definitionPack()
        let resource = StructureMapResource.element(of: FMLParser.parse(fml.replacingOccurrences(of: " log (b)", with: "")).map)
        let json = try FHIRJSONWriter(pack: pack).write(resource).bytes
        let read = try FHIRJSONReader().read(json).root
        let map = try StructureMapResource.map(from: read)
        XCTAssertEqual(StructureMapResource.element(of: map), resource)
    }

    /// NHS England publishes its CareConnect -> UK Core map as FML and as StructureMap JSON: both
    /// read to the same groups and rules.
    func testNHSStructureMapJSONMatchesItsFML() throws {
        let folder = try SharedCorpus.require().appendingPathComponent("nhs-careconnect-to-ukcore")
        let text = try String(contentsOf: folder.appendingPathComponent("FML-CareConnet-to-UKCore-AllergyIntolerance3to4.md"), encoding: .utf8)
        let fromFML = FMLParser.parse(text)
        XCTAssertEqual(fromFML.issues, [])
        let json = try FHIRJSONReader().read(contentsOf: folder.appendingPathComponent(
            "CareConnect-to-UKCore-AllergyIntolerance-StructureMap-3to4.json")).root
        let fromJSON = try StructureMapResource.map(from: json)
        XCTAssertEqual(fromJSON.groups.map(\.name), fromFML.map.groups.map(\.name))
        XCTAssertEqual(fromJSON.groups.map(\.rules.count), fromFML.map.groups.map(\.rules.count))
        for (a, b) in zip(fromJSON.groups, fromFML.map.groups) {
            XCTAssertEqual(a.inputs, b.inputs)
            for (ra, rb) in zip(a.rules, b.rules) {
                XCTAssertEqual(ra.sources.map(\.element), rb.sources.map(\.element))
                XCTAssertEqual(ra.sources.map(\.variable), rb.sources.map(\.variable))
                XCTAssertEqual(ra.targets.map(\.context), rb.targets.map(\.context), "\(a.name) \(ra.name ?? "")")
                XCTAssertEqual(ra.targets.map(\.transform), rb.targets.map(\.transform), "\(a.name) \(ra.name ?? "")")
                XCTAssertEqual(ra.rules.count, rb.rules.count)
            }
        }
    }

    func testNotAStructureMap() {
        XCTAssertThrowsError(try StructureMapResource.map(from: Element(name: "Patient", resourceType: "Patient"))) {
            XCTAssertEqual(($0 as? IssuesError)?.issues.first?.rule, FMLRule.structureMap)
        }
    }
}
