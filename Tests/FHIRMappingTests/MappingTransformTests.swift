import XCTest
import FHIRModel
@testable import FHIRMapping

/// One test per transform (http://hl7.org/fhir/R4/codesystem-map-transform.html), with the
/// result the specification describes.
final class MappingTransformTests: XCTestCase {
    private let patient = """
        {"resourceType": "Patient", "id": "p1", "gender": "female", "birthDate": "2019-03-04",
         "name": [{"family": "Smith", "given": ["Ann"]}],
         "maritalStatus": {"coding": [{"system": "http://hl7.org/fhir/v3/MaritalStatus", "code": "M"}]}}
        """

    private func out(_ rules: String, conceptMaps: [String] = [], extra: String = "",
                     file: StaticString = #filePath, line: UInt = #line) throws -> Element {
        try MappingHarness.run(MappingHarness.prefix + extra + """
            group main(source src : PatientIn, target tgt : PatientOut) {
            \(rules)
            }
            """, on: patient, conceptMaps: conceptMaps, file: file, line: line).output
    }

    func testCreate() throws {
        let o = try out("src -> tgt.contact = create('BackboneElement') as c, c.gender = 'male' \"r\";")
        XCTAssertEqual(MappingHarness.values(o, "contact.gender"), ["male"])
        // A created element nothing is written into is empty, and dropped.
        let empty = try out("src -> tgt.managingOrganization = create('Reference') as r \"r\";")
        XCTAssertTrue(MappingHarness.nodes(empty, "managingOrganization").isEmpty)
    }

    func testCopyOfComplexValueIsWhole() throws {
        let o = try out("src.name as n -> tgt.name = n;")
        XCTAssertEqual(MappingHarness.values(o, "name.family"), ["Smith"])
        XCTAssertEqual(MappingHarness.values(o, "name.given"), ["Ann"])
    }

    func testTruncate() throws {
        let o = try out("src.name as n then { n.family as f -> tgt.name as tn, tn.family = truncate(f, 3); };")
        XCTAssertEqual(MappingHarness.values(o, "name.family"), ["Smi"])
    }

    func testCast() throws {
        let o = try out("src.birthDate as b -> tgt.name as n, n.text = cast(b, 'string') \"r\";"
                        + "src -> tgt.multipleBirth = cast('1', 'integer') \"i\";")
        XCTAssertEqual(MappingHarness.values(o, "name.text"), ["2019-03-04"])
        XCTAssertEqual(MappingHarness.values(o, "multipleBirthInteger"), ["1"])
        XCTAssertThrowsError(try out("src -> tgt.active = cast('maybe', 'boolean') \"b\";"))
    }

    func testAppend() throws {
        let o = try out("src.name as n then { n.family as f, n.given as g -> tgt.name as tn, tn.text = append(g, ' ', f) \"t\"; };")
        XCTAssertEqual(MappingHarness.values(o, "name.text"), ["Ann Smith"])
    }

    func testEscape() throws {
        let o = try out("src -> tgt.name as n, n.text = escape('a<b & \"c\"', 'plain', 'xml') \"e\";")
        XCTAssertEqual(MappingHarness.values(o, "name.text"), ["a&lt;b &amp; &quot;c&quot;"])
        let j = try out("src -> tgt.name as n, n.text = escape('a&lt;b', 'xml', 'json') \"e\";")
        XCTAssertEqual(MappingHarness.values(j, "name.text"), ["a<b"])
        let json = try out(#"src -> tgt.name as n, n.text = escape('say \'hi\' \\ "x"', 'plain', 'json') "e";"#)
        XCTAssertEqual(MappingHarness.values(json, "name.text"), [#"say 'hi' \\ \"x\""#])
    }

    func testUUIDReferenceAndPointer() throws {
        let o = try out("""
            src -> uuid() as u, tgt.name as n, n.text = u "u";
            src -> create('Organization') as org, tgt.managingOrganization as r, r.reference = reference(org), r.display = pointer(org) "ref";
            """)
        let u = try XCTUnwrap(MappingHarness.values(o, "name.text").first)
        XCTAssertNotNil(UUID(uuidString: u))
        XCTAssertEqual(u, u.lowercased())
        let reference = try XCTUnwrap(MappingHarness.values(o, "managingOrganization.reference").first)
        XCTAssertTrue(reference.hasPrefix("Organization/"))
        // The resource is given an id once; reference and pointer both name it.
        let id = String(reference.dropFirst("Organization/".count))
        XCTAssertEqual(MappingHarness.values(o, "managingOrganization.display"), ["urn:uuid:" + id])
    }

    func testDateOp() throws {
        let o = try out("src -> tgt.birthDate = dateOp('2019-03-04T10:11:12Z', 'toDate') \"d\";")
        XCTAssertEqual(MappingHarness.values(o, "birthDate"), ["2019-03-04"])
    }

    func testEvaluate() throws {
        let o = try out("""
            src.name as n -> tgt.name as tn, tn.text = evaluate(n, family + ', ' + given.first()) "e";
            src -> tgt.gender = (src.gender) "g";
            src -> tgt.language = (src.photo.title) "nothing";
            """)
        XCTAssertEqual(MappingHarness.values(o, "name.text"), ["Smith, Ann"])
        XCTAssertEqual(MappingHarness.values(o, "gender"), ["female"])
        // An empty result sets nothing.
        XCTAssertEqual(MappingHarness.values(o, "language"), [])
    }

    func testCodeableConceptCodingQuantityIdentifierContactPoint() throws {
        let o = try out("""
            src -> tgt.maritalStatus = cc('http://hl7.org/fhir/v3/MaritalStatus', 'S', 'Never Married') "cc";
            src -> tgt.contact as c, c.relationship = cc('neighbour') "cctext";
            src -> tgt.identifier = id('https://fhir.nhs.uk/Id/nhs-number', '9000000009', 'MR') "id";
            src -> tgt.telecom = cp('phone', '01234 567890') "cp1";
            src -> tgt.telecom = cp('someone@example.org') "cp2";
            src -> tgt.contact as c2, c2.name as n, n.extension as e, e.url = 'http://example.org/q', e.value = qty('<5.5 mg') "qty";
            src -> tgt.maritalStatus as ms, ms.coding = c('http://snomed.info/sct', '87915002') "c";
            """)
        XCTAssertEqual(MappingHarness.values(o, "maritalStatus.coding.code"), ["S", "87915002"])
        XCTAssertEqual(MappingHarness.values(o, "maritalStatus.coding.display"), ["Never Married"])
        XCTAssertEqual(MappingHarness.values(o, "contact.relationship.text"), ["neighbour"])
        XCTAssertEqual(MappingHarness.values(o, "identifier.system"), ["https://fhir.nhs.uk/Id/nhs-number"])
        XCTAssertEqual(MappingHarness.values(o, "identifier.value"), ["9000000009"])
        XCTAssertEqual(MappingHarness.values(o, "identifier.type.coding.code"), ["MR"])
        XCTAssertEqual(MappingHarness.values(o, "telecom.system"), ["phone", "email"])
        XCTAssertEqual(MappingHarness.values(o, "telecom.value"), ["01234 567890", "someone@example.org"])
        let quantity = MappingHarness.nodes(o, "contact.name.extension.valueQuantity")
        XCTAssertEqual(quantity.count, 1)
        XCTAssertEqual(MappingHarness.values(o, "contact.name.extension.valueQuantity.value"), ["5.5"])
        XCTAssertEqual(MappingHarness.values(o, "contact.name.extension.valueQuantity.comparator"), ["<"])
        XCTAssertEqual(MappingHarness.values(o, "contact.name.extension.valueQuantity.unit"), ["mg"])
        XCTAssertEqual(MappingHarness.nodes(o, "contact.name.extension").first?.url, "http://example.org/q")
    }

    /// translate with a ConceptMap declared in the map (`#id`) and every output kind.
    func testTranslateWithEmbeddedConceptMap() throws {
        let conceptMap = """
            conceptmap "sex" {
              prefix s = "http://hl7.org/fhir/administrative-gender"
              prefix t = "http://example.org/sex"
              s:female == t:F
              s:male - t:M
              s:other >= t:O
              s:unknown != t:U
            }

            """
        let o = try out("""
            src.gender as g -> tgt.name as n, n.text = translate(g, '#sex', 'code') "code";
            src.gender as g -> tgt.name as n, n.family = translate(g, '#sex', 'system') "system";
            src.gender as g -> tgt.maritalStatus = translate(g, '#sex', 'CodeableConcept') "cc";
            src.gender as g -> tgt.contact as c, c.relationship as r, r.coding = translate(g, '#sex', 'Coding') "coding";
            """, extra: conceptMap)
        XCTAssertEqual(MappingHarness.values(o, "name.text"), ["F"])
        XCTAssertEqual(MappingHarness.values(o, "name.family"), ["http://example.org/sex"])
        XCTAssertEqual(MappingHarness.values(o, "maritalStatus.coding.code"), ["F"])
        XCTAssertEqual(MappingHarness.values(o, "contact.relationship.coding.system"), ["http://example.org/sex"])
    }

    /// translate with a ConceptMap resource: STU3 `equivalence` and R5 `relationship`, a code the
    /// map does not mention (nothing set), a narrower-only target (unusable: no map), R5 `noMap`.
    func testTranslateWithConceptMapResources() throws {
        let stu3 = """
            {"resourceType": "ConceptMap", "url": "http://example.org/cm/stu3",
             "group": [{"source": "http://hl7.org/fhir/administrative-gender", "target": "http://example.org/sex",
                        "element": [{"code": "female", "target": [{"code": "F", "equivalence": "equal"}]},
                                    {"code": "male", "target": [{"code": "M1", "equivalence": "narrower"}]}]}]}
            """
        let r5 = """
            {"resourceType": "ConceptMap", "url": "http://example.org/cm/r5",
             "relatedArtifact": [{"type": "predecessor", "resource": "http://example.org/cm/old"}],
             "group": [{"source": "http://hl7.org/fhir/administrative-gender", "target": "http://example.org/sex",
                        "element": [{"code": "female", "target": [{"code": "W", "relationship": "source-is-narrower"},
                                                                  {"code": "W", "relationship": "source-is-narrower"}]},
                                    {"code": "male", "noMap": true}]}]}
            """
        let o = try out("""
            src.gender as g -> tgt.name as n, n.text = translate(g, 'http://example.org/cm/stu3', 'code') "a";
            src.gender as g -> tgt.name as n, n.family = translate(g, 'http://example.org/cm/old', 'code') "b";
            src.birthDate as b -> tgt.language = translate(b, 'http://example.org/cm/stu3', 'code') "c";
            """, conceptMaps: [stu3, r5])
        XCTAssertEqual(MappingHarness.values(o, "name.text"), ["F"])
        XCTAssertEqual(MappingHarness.values(o, "name.family"), ["W"])
        XCTAssertEqual(MappingHarness.values(o, "language"), [])

        let male = """
            {"resourceType": "Patient", "gender": "male"}
            """
        for url in ["http://example.org/cm/stu3", "http://example.org/cm/r5"] {
            XCTAssertThrowsError(try MappingHarness.run(MappingHarness.prefix + """
                group main(source src : PatientIn, target tgt : PatientOut) {
                  src.gender as g -> tgt.gender = translate(g, '\(url)', 'code') "t";
                }
                """, on: male, conceptMaps: [stu3, r5]), url)
        }
    }

    /// A Coding's system is matched against the ConceptMap group's source system.
    func testTranslateCodingChecksSystem() throws {
        let cm = """
            {"resourceType": "ConceptMap", "url": "http://example.org/cm/ms",
             "group": [{"source": "http://hl7.org/fhir/v3/MaritalStatus", "target": "http://snomed.info/sct",
                        "element": [{"code": "M", "target": [{"code": "87915002", "display": "Married", "equivalence": "equivalent"}]}]},
                       {"source": "http://other.org", "target": "http://snomed.info/sct",
                        "element": [{"code": "M", "target": [{"code": "0", "equivalence": "equivalent"}]}]}]}
            """
        let o = try out("""
            src.maritalStatus as ms -> tgt.maritalStatus = translate(ms, 'http://example.org/cm/ms', 'CodeableConcept') "t";
            src.maritalStatus as ms -> tgt.name as n, n.text = translate(ms, 'http://example.org/cm/ms', 'display') "d";
            """, conceptMaps: [cm])
        XCTAssertEqual(MappingHarness.values(o, "maritalStatus.coding.code"), ["87915002"])
        XCTAssertEqual(MappingHarness.values(o, "maritalStatus.coding.system"), ["http://snomed.info/sct"])
        XCTAssertEqual(MappingHarness.values(o, "name.text"), ["Married"])
    }
}
