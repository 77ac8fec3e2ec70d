import XCTest
import Foundation
import FHIRModel
import FHIRDefinitions
import FHIRDefinitionImport
import DCHTestSupport

/// The shipped pack must be exactly what the importer makes of the official definitions.
final class ShippedPackTests: XCTestCase {
    func testShippedPackEqualsImporterOutput() throws {
        let shared = try SharedCorpus.require()
        let (writer, report) = try DefinitionImporter(sharedRoot: shared).run()
        let rendered = try writer.render()
        let shippedFiles = try FileManager.default.contentsOfDirectory(atPath: SharedCorpus.schemas.path)
            .filter { $0.hasSuffix(".ndjson") || $0 == DefinitionPackLayout.indexFileName }
        XCTAssertEqual(Set(shippedFiles), Set(rendered.keys),
                       "Schemas/ holds other files than the importer writes; run scripts/regenerate-pack")
        for (name, data) in rendered {
            let shipped = try Data(contentsOf: SharedCorpus.schemas.appendingPathComponent(name))
            XCTAssertTrue(shipped == data, "Schemas/\(name) differs from the importer's output; run scripts/regenerate-pack")
        }
        XCTAssertGreaterThan(report.structures, 700)
        XCTAssertGreaterThan(report.valueSets, 300)
        XCTAssertGreaterThan(report.codeSystems, 150)
    }
}

/// What the pack holds and how it is read.
final class DefinitionPackTests: XCTestCase {
    var pack: DefinitionPack!

    override func setUpWithError() throws {
        guard FileManager.default.fileExists(atPath: SharedCorpus.schemas.appendingPathComponent(DefinitionPackLayout.indexFileName).path) else {
            throw XCTSkip("Schemas/ has no pack; run scripts/regenerate-pack")
        }
        pack = try DefinitionPack(directory: SharedCorpus.schemas)
    }

    func testBaseTypesHaveOrderedElementsCardinalitiesAndChoices() throws {
        let patient = try XCTUnwrap(pack.type(named: "Patient"))
        XCTAssertEqual(patient.record.kind, "resource")
        let paths = patient.record.elements.map(\.path)
        XCTAssertEqual(Array(paths.prefix(4)), ["Patient", "Patient.id", "Patient.meta", "Patient.implicitRules"])
        let root = try XCTUnwrap(patient.children(of: "Patient"))
        XCTAssertEqual(root["name"]?.repeats, true)
        XCTAssertEqual(root["gender"]?.repeats, false)
        XCTAssertEqual(root["gender"]?.content, .primitive(.string))
        XCTAssertEqual(root["deceasedBoolean"]?.content, .primitive(.boolean))
        XCTAssertEqual(root["deceasedDateTime"]?.isChoice, true)
        XCTAssertNil(root["deceased"], "a choice element has no wire name without its type")
        XCTAssertEqual(root["multipleBirthInteger"]?.content, .primitive(.number))
        XCTAssertLessThan(try XCTUnwrap(root["id"]).order, try XCTUnwrap(root["meta"]).order)
        XCTAssertEqual(root["contact"]?.content, .backbone(typeName: "Patient", path: "Patient.contact"))
        XCTAssertEqual(root["contained"]?.content, .resource)
        XCTAssertEqual(root["text"]?.content, .complex)
        let gender = try XCTUnwrap(patient.record.elements.first { $0.path == "Patient.gender" })
        XCTAssertEqual(gender.binding?.strength, "required")
        XCTAssertEqual(gender.binding?.valueSet, "http://hl7.org/fhir/ValueSet/administrative-gender")
        XCTAssertEqual(patient.record.elements.first?.constraints?.contains { $0.key == "dom-2" }, true)
    }

    func testContentReferencesAndAttributes() throws {
        let bundle = try XCTUnwrap(pack.type(named: "Bundle"))
        XCTAssertEqual(bundle.children(of: "Bundle.entry")?["link"]?.content, .backbone(typeName: "Bundle", path: "Bundle.link"))
        XCTAssertEqual(bundle.children(of: "Bundle.entry")?["resource"]?.content, .resource)
        let ext = try XCTUnwrap(pack.type(named: "Extension"))
        XCTAssertNil(ext.children(of: "Extension")?["url"], "Extension.url is an attribute, not a child")
        XCTAssertNotNil(ext.children(of: "Extension")?["valueCodeableConcept"])
        XCTAssertEqual(ext.record.elements.first { $0.path == "Extension.url" }?.xmlAttribute, true)
    }

    func testPrimitiveJSONKindsComeFromTheDefinitions() throws {
        for name in ["boolean", "integer", "decimal", "positiveInt", "unsignedInt", "string", "code", "date",
                     "dateTime", "instant", "time", "uri", "oid", "id", "markdown", "base64Binary", "uuid"] {
            let record = try XCTUnwrap(pack.type(named: name)?.record, name)
            XCTAssertEqual(record.kind, "primitive-type")
            XCTAssertEqual(record.jsonKind, JSONKind.ofPrimitive(name)?.rawValue, "\(name): pack and table disagree")
        }
        XCTAssertEqual(try pack.type(named: "date")?.record.regex?.contains("[0-9]{4}"), true)
    }

    func testNHSProfilesKeepSlicingFixedValuesAndBindings() throws {
        let header = try XCTUnwrap(pack.structure(url: "https://fhir.nhs.uk/STU3/StructureDefinition/DCH-MessageHeader-1"))
        XCTAssertEqual(header.derivation, "constraint")
        let system = try XCTUnwrap(header.elements.first { $0.path == "MessageHeader.event.system" })
        XCTAssertEqual(system.fixed?.contains("https://fhir.nhs.uk/STU3/CodeSystem/DCH-ChildHealthEventType-1"), true)
        XCTAssertEqual(system.fixed?.hasPrefix("<fixedUri"), true)
        let sliced = header.elements.first { $0.path == "MessageHeader.extension" && $0.slicing != nil }
        XCTAssertEqual(sliced?.slicing?.discriminators?.first?.path, "url")
        XCTAssertTrue(header.elements.contains { $0.sliceName == "messageEventType" })
        let vs = try XCTUnwrap(pack.valueSet(url: "https://fhir.nhs.uk/STU3/ValueSet/DCH-MessageEventType-1"))
        XCTAssertNotNil(vs.includes?.first?.system)
        let cs = try XCTUnwrap(pack.codeSystem(url: "https://fhir.nhs.uk/STU3/CodeSystem/DCH-ChildHealthEventType-1"))
        XCTAssertTrue(cs.concepts?.contains { $0.code == "CH005" } ?? false)
    }

    func testUnknownNamesAreNil() throws {
        XCTAssertNil(try pack.type(named: "NoSuchResource"))
        XCTAssertNil(try pack.structure(url: "http://example.org/none"))
        XCTAssertFalse(pack.contains(.valueSet, url: "http://example.org/none"))
    }

    func testMissingPackIsAClearError() {
        XCTAssertThrowsError(try DefinitionPack(directory: URL(fileURLWithPath: "/nonexistent"))) { error in
            XCTAssertEqual((error as? IssuesError)?.issues.first?.rule, "pack.missing")
        }
    }
}
