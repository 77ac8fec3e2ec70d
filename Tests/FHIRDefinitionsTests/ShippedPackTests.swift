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
            .filter { $0.hasSuffix(".ndjson") || $0.hasSuffix(".tsv") }
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

    /// `Schemas/maps/` is what `ReleaseMapImporter` makes of the official maps with dch's fixes.
    func testShippedMapsEqualImporterOutput() throws {
        let shared = try SharedCorpus.require()
        let rendered = try ReleaseMapImporter(sharedRoot: shared).render()
        let folder = SharedCorpus.schemas.appendingPathComponent(ReleaseMapImporter.folderName)
        var shipped: [String] = []
        for sub in ["R3toR4", "R4toR3", "nhs"] {
            shipped += try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent(sub).path).map { sub + "/" + $0 }
        }
        shipped.append("conceptmaps.ndjson")
        XCTAssertEqual(Set(shipped), Set(rendered.keys), "Schemas/maps holds other files than the importer writes; run scripts/regenerate-pack")
        for (name, data) in rendered {
            XCTAssertTrue(try Data(contentsOf: folder.appendingPathComponent(name)) == data,
                          "Schemas/maps/\(name) differs from the importer's output; run scripts/regenerate-pack")
        }
        XCTAssertEqual(rendered.keys.filter { $0.hasPrefix("R3toR4/") }.count, 148)
        XCTAssertEqual(rendered.keys.filter { $0.hasPrefix("R4toR3/") }.count, 148)
        // Every fix applied: the shipped Procedure map carries dch's status rule, not the official one.
        let procedure = String(decoding: try XCTUnwrap(rendered["R3toR4/Procedure.fml"]), as: UTF8.self)
        XCTAssertTrue(procedure.contains("where (src.notDone.empty() or (src.notDone = true).not())"))
        XCTAssertFalse(procedure.contains("\r\n"))
    }

    /// A fix whose official text is gone is refused (the official maps changed: review it).
    func testStaleFixIsRefused() throws {
        let shared = try SharedCorpus.require()
        let stale = ReleaseMapFix(file: "R3toR4/Procedure.fml", original: "no such text", replacement: "x", reason: "test")
        XCTAssertThrowsError(try ReleaseMapImporter(sharedRoot: shared, fixes: [stale]).render())
    }

    func testShippedR4PartEqualsImporterOutput() throws {
        let shared = try SharedCorpus.require()
        let (writer, report) = try DefinitionImporter(sharedRoot: shared, sources: DefinitionImporter.r4Sources).run()
        let rendered = try writer.render()
        let folder = SharedCorpus.schemas.appendingPathComponent(DefinitionPackLayout.r4Folder)
        let shippedFiles = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        XCTAssertEqual(Set(shippedFiles), Set(rendered.keys), "Schemas/r4 holds other files than the importer writes; run scripts/regenerate-pack")
        for (name, data) in rendered {
            let shipped = try Data(contentsOf: folder.appendingPathComponent(name))
            XCTAssertTrue(shipped == data, "Schemas/r4/\(name) differs from the importer's output; run scripts/regenerate-pack")
        }
        // 658 in the package less its two spec examples, and every UK Core profile and extension with a
        // snapshot generated from its differential: 78 of the released line and the 75 URLs the current
        // build adds (its other 78 are the released ones again: the first source wins), without a finding.
        XCTAssertEqual(report.structures, 656 + 153)
        XCTAssertEqual(report.generatedSnapshots, 153)
        XCTAssertEqual(report.snapshotIssues, [])
        XCTAssertGreaterThan(report.valueSets, 1_400)
        XCTAssertGreaterThan(report.codeSystems, 1_100)
    }
}

/// The R4 part of the pack, read as the R4 specification defines its types.
final class R4PackTests: XCTestCase {
    func testR4TypesAsTheR4DefinitionsSay() throws {
        let pack = try SharedCorpus.r4DefinitionPack()
        XCTAssertEqual(pack.fhirVersion, .r4)
        // R4 primitives STU3 lacks, with their JSON kinds (R4 JSON format).
        let canonical = try XCTUnwrap(pack.structure(url: "http://hl7.org/fhir/StructureDefinition/canonical"))
        XCTAssertEqual(canonical.kind, "primitive-type")
        XCTAssertEqual(canonical.jsonKind, "string")
        XCTAssertEqual(canonical.regex, #"\S*"#)
        XCTAssertNil(try pack.type(named: "integer64"), "integer64 is R5")
        let immunization = try XCTUnwrap(pack.type(named: "Immunization")?.children(of: "Immunization"))
        XCTAssertEqual(immunization["occurrenceDateTime"]?.content, .primitive(.string))
        XCTAssertNil(immunization["date"], "R4 Immunization has occurrence[x], not STU3's date")
        XCTAssertEqual(immunization["protocolApplied"]?.repeats, true)
        let patient = try XCTUnwrap(pack.structure(url: "http://hl7.org/fhir/StructureDefinition/Patient"))
        // Resource.id: R4 gives a FHIRPath system type; the Resource page says id.
        XCTAssertEqual(patient.elements.first { $0.path == "Patient.id" }?.types?.map(\.code), ["id"])
        // R4 binding.valueSet (a canonical with a version).
        XCTAssertEqual(patient.elements.first { $0.path == "Patient.gender" }?.binding?.valueSet,
                       "http://hl7.org/fhir/ValueSet/administrative-gender|4.0.1")
        // R4 lists several targets in one type; the pack keeps one type entry per target, as STU3 has it.
        let observation = try XCTUnwrap(pack.structure(url: "http://hl7.org/fhir/StructureDefinition/Observation"))
        XCTAssertEqual(observation.elements.first { $0.path == "Observation.subject" }?.types?.compactMap(\.targetProfile),
                       ["Patient", "Group", "Device", "Location"].map { "http://hl7.org/fhir/StructureDefinition/" + $0 })
        // UK Core profiles are in, with generated snapshots: UKCore-Patient's NHS number slice, fixed system
        // and the extension slice typed with its UK Core extension (as the differential says).
        let ukPatient = try XCTUnwrap(pack.structure(url: "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient"))
        XCTAssertEqual(ukPatient.baseDefinition, "http://hl7.org/fhir/StructureDefinition/Patient")
        let nhsNumber = try XCTUnwrap(ukPatient.elements.first { $0.id == "Patient.identifier:nhsNumber.system" })
        XCTAssertEqual(nhsNumber.fixed?.value, "https://fhir.nhs.uk/Id/nhs-number")
        XCTAssertEqual(nhsNumber.min, 1)
        let ethnic = try XCTUnwrap(ukPatient.elements.first { $0.id == "Patient.extension:ethnicCategory" })
        XCTAssertEqual(ethnic.types?.first?.profile, "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory")
        XCTAssertEqual(ethnic.min, 0)
        // UK Core terminology is in; the STU3 pack does not hold R4 records.
        XCTAssertNotNil(try pack.codeSystem(url: "https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryScotland"))
        XCTAssertNil(try SharedCorpus.definitionPack().type(named: "ServiceRequest"))
    }
}

/// What the pack holds and how it is read.
final class DefinitionPackTests: XCTestCase {
    var pack: DefinitionPack!

    override func setUpWithError() throws {
        guard SharedCorpus.hasSchemasPack else {
            throw Prerequisite.missing("Schemas/ has no pack; run scripts/regenerate-pack")
        }
        pack = try DefinitionPack(directory: SharedCorpus.schemas)
    }

    func testBaseTypesHaveOrderedElementsCardinalitiesAndChoices() throws {
        let patient = try XCTUnwrap(pack.type(named: "Patient"))
        XCTAssertEqual(patient.kind, "resource")
        let record = try XCTUnwrap(pack.structure(url: patient.url))
        XCTAssertEqual(record.kind, "resource")
        let paths = record.elements.map(\.path)
        XCTAssertEqual(Array(paths.prefix(4)), ["Patient", "Patient.id", "Patient.meta", "Patient.implicitRules"])
        let children = try XCTUnwrap(patient.children(of: "Patient"))
        XCTAssertEqual(children["name"]?.repeats, true)
        XCTAssertEqual(children["gender"]?.repeats, false)
        XCTAssertEqual(children["gender"]?.content, .primitive(.string))
        XCTAssertEqual(children["deceasedBoolean"]?.content, .primitive(.boolean))
        XCTAssertEqual(children["deceasedDateTime"]?.isChoice, true)
        XCTAssertNil(children["deceased"], "a choice element has no wire name without its type")
        XCTAssertEqual(children["multipleBirthInteger"]?.content, .primitive(.number))
        XCTAssertLessThan(try XCTUnwrap(children["id"]).order, try XCTUnwrap(children["meta"]).order)
        XCTAssertEqual(children["contact"]?.content, .backbone(typeName: "Patient", path: "Patient.contact"))
        XCTAssertEqual(children["contained"]?.content, .resource)
        XCTAssertEqual(children["text"]?.content, .complex)
        let gender = try XCTUnwrap(record.elements.first { $0.path == "Patient.gender" })
        XCTAssertEqual(gender.binding?.strength, "required")
        XCTAssertEqual(gender.binding?.valueSet, "http://hl7.org/fhir/ValueSet/administrative-gender")
        let root = try XCTUnwrap(record.elements.first)
        XCTAssertTrue(record.constraints(of: root).contains { $0.key == "dom-2" && $0.expression == "contained.contained.empty()" })
        let profile = try XCTUnwrap(pack.structure(url: "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-DCH-Patient-1"))
        let ele1 = profile.elements.filter { e in profile.constraints(of: e).contains { $0.key == "ele-1" } }
        XCTAssertGreaterThan(ele1.count, 50, "a profile snapshot repeats ele-1 on every element")
        XCTAssertEqual(profile.constraints?.filter { $0.key == "ele-1" }.count, 1, "and the pack stores it once")
    }

    func testContentReferencesAndAttributes() throws {
        let bundle = try XCTUnwrap(pack.type(named: "Bundle"))
        XCTAssertEqual(bundle.children(of: "Bundle.entry")?["link"]?.content, .backbone(typeName: "Bundle", path: "Bundle.link"))
        XCTAssertEqual(bundle.children(of: "Bundle.entry")?["resource"]?.content, .resource)
        let ext = try XCTUnwrap(pack.type(named: "Extension"))
        XCTAssertNil(ext.children(of: "Extension")?["url"], "Extension.url is an attribute, not a child")
        XCTAssertNotNil(ext.children(of: "Extension")?["valueCodeableConcept"])
        XCTAssertEqual(try pack.structure(url: ext.url)?.elements.first { $0.path == "Extension.url" }?.xmlAttribute, true)
        let simple = try XCTUnwrap(pack.context(forType: "SimpleQuantity"))
        XCTAssertEqual(simple.path, "Quantity", "a constrained core type is walked with its base type's paths")
        XCTAssertNotNil(simple.child("value"))
    }

    func testPrimitiveJSONKindsComeFromTheDefinitions() throws {
        for name in ["boolean", "integer", "decimal", "positiveInt", "unsignedInt", "string", "code", "date",
                     "dateTime", "instant", "time", "uri", "oid", "id", "markdown", "base64Binary", "uuid"] {
            let record = try XCTUnwrap(pack.structure(url: DefinitionPack.coreStructurePrefix + name), name)
            XCTAssertEqual(record.kind, "primitive-type")
            XCTAssertEqual(record.jsonKind, JSONKind.ofPrimitive(name)?.rawValue, "\(name): pack and table disagree")
        }
        XCTAssertEqual(try pack.structure(url: DefinitionPack.coreStructurePrefix + "date")?.regex?.contains("[0-9]{4}"), true)
    }

    func testNHSProfilesKeepSlicingFixedValuesAndBindings() throws {
        let header = try XCTUnwrap(pack.structure(url: "https://fhir.nhs.uk/STU3/StructureDefinition/DCH-MessageHeader-1"))
        XCTAssertEqual(header.derivation, "constraint")
        let system = try XCTUnwrap(header.elements.first { $0.path == "MessageHeader.event.system" })
        XCTAssertEqual(system.fixed?.value, "https://fhir.nhs.uk/STU3/CodeSystem/DCH-ChildHealthEventType-1")
        XCTAssertEqual(system.fixed?.name, "fixedUri")
        XCTAssertEqual(system.fixed?.element.value, system.fixed?.value, "decoded as an element without any reader")
        // A complex fixed value keeps its tree: the core cholesterol profile fixes Observation.code.
        let cholesterol = try XCTUnwrap(pack.structure(url: "http://hl7.org/fhir/StructureDefinition/cholesterol"))
        let trees = cholesterol.elements.compactMap { $0.fixed ?? $0.pattern }.filter { !$0.children.isEmpty }
        XCTAssertEqual(trees.first?.name, "fixedCodeableConcept")
        XCTAssertEqual(trees.first?.element.descendant("coding.code")?.value, "35200-5")
        for tree in trees {
            let element = tree.element
            XCTAssertEqual(element.children.count, tree.children.count)
            XCTAssertEqual(FixedValue(element), tree, "element and stored form agree both ways")
        }
        let sliced = header.elements.first { $0.path == "MessageHeader.extension" && $0.slicing != nil }
        XCTAssertEqual(sliced?.slicing?.discriminators?.first?.path, "url")
        XCTAssertTrue(header.elements.contains { $0.sliceName == "messageEventType" })
        let vs = try XCTUnwrap(pack.valueSet(url: "https://fhir.nhs.uk/STU3/ValueSet/DCH-MessageEventType-1"))
        XCTAssertNotNil(vs.includes?.first?.system)
        let cs = try XCTUnwrap(pack.codeSystem(url: "https://fhir.nhs.uk/STU3/CodeSystem/DCH-ChildHealthEventType-1"))
        XCTAssertTrue(cs.concepts?.contains { $0.code == "CH005" } ?? false)
    }

    func testLoadingIsLazy() throws {
        let fresh = try DefinitionPack(directory: SharedCorpus.schemas)
        XCTAssertEqual(fresh.decodedRecordCount, 0, "opening a pack reads only its index")
        _ = try fresh.type(named: "Patient")
        _ = try fresh.type(named: "HumanName")
        XCTAssertEqual(fresh.decodedRecordCount, 0, "the codecs' type models come from the slim codec table")
        _ = try fresh.structure(url: "https://fhir.nhs.uk/STU3/StructureDefinition/DCH-MessageHeader-1")
        XCTAssertEqual(fresh.decodedRecordCount, 1)
        XCTAssertGreaterThan(try fresh.urls(of: .structure).count, 1000)
    }

    func testUnknownNamesAreNil() throws {
        XCTAssertNil(try pack.type(named: "NoSuchResource"))
        XCTAssertNil(try pack.structure(url: "http://example.org/none"))
        XCTAssertFalse(try pack.contains(.valueSet, url: "http://example.org/none"))
    }

    func testPackOfAnotherFormatVersionIsRefusedClearly() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dch-oldpack-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("# dch definition pack v0: kind\turl\tfile\toffset\tlength\n".utf8)
            .write(to: dir.appendingPathComponent(DefinitionPackLayout.indexFileName))
        try Data("# dch codec types v0\nPatient\tresource\thttp://x\tPatient:1:\n".utf8)
            .write(to: dir.appendingPathComponent(CodecType.fileName))
        let old = try DefinitionPack(directory: dir)
        for attempt in [{ _ = try old.type(named: "Patient") }, { _ = try old.structure(url: "http://x") }] {
            XCTAssertThrowsError(try attempt()) { error in
                let issue = (error as? IssuesError)?.issues.first
                XCTAssertEqual(issue?.rule, "pack.version")
                XCTAssertTrue(issue?.message.contains("dch pack build") ?? false)
            }
        }
    }

    func testMissingPackIsAClearError() {
        XCTAssertThrowsError(try DefinitionPack(directory: URL(fileURLWithPath: "/nonexistent"))) { error in
            XCTAssertEqual((error as? IssuesError)?.issues.first?.rule, "pack.missing")
        }
    }
}
