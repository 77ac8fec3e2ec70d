import XCTest
import FHIRModel
import FHIRDefinitions
import FHIRJSON
import DCHTestSupport
@testable import FHIRMapping

/// NHS England's CareConnect -> UK Core AllergyIntolerance map, chained with the official R3toR4
/// maps as the HL7 validator chains them: the official maps are also registered under the
/// `http://hl7.org/fhir/StructureMap/{name}` scheme the NHS map imports, and the NHS map (same URL as
/// the base AllergyIntolerance map) replaces it.
final class NHSProfileMapTests: XCTestCase {
    func testCareConnectAllergyIntoleranceToUKCore() throws {
        let shared = try SharedCorpus.require()
        var library = MapLibrary()
        let official = try OfficialMapRunTests.officialLibrary()
        for map in Set(official.maps.values.map(\.url)).sorted().compactMap({ official.maps[$0] }) {
            library.add(map, alsoAs: ["http://hl7.org/fhir/StructureMap/" + map.name])
        }
        for (url, table) in official.conceptMaps { library.add(conceptMapTable: table, url: url) }
        let folder = shared.appendingPathComponent("nhs-careconnect-to-ukcore")
        let nhs = FMLParser.parse(try String(contentsOf: folder.appendingPathComponent("FML-CareConnet-to-UKCore-AllergyIntolerance3to4.md"),
                                             encoding: .utf8))
        XCTAssertEqual(nhs.issues, [])
        library.add(nhs.map)
        let pack = try SharedCorpus.definitionPack()
        let types = DefinitionPackTypes(pack: pack)
        let engine = MappingEngine(library: library, sourceTypes: types, targetTypes: types, fhirPathPack: pack)
        let input = try FHIRJSONReader().read(contentsOf: folder.appendingPathComponent("Example-Input-CareConnect-AllergyIntolerance.json")).root
        let result = try engine.transform(input, mapURL: nhs.map.url)
        let o = result.output
        // `extends DomainResource` carries every STU3 extension over first (as the reference engine
        // does); the NHS rules then add the UK Core extensions.
        let extensions = MappingHarness.nodes(o, "extension")
        XCTAssertEqual(extensions.map(\.url), [
            "http://hl7.org/fhir/StructureDefinition/encounter-associatedEncounter",
            "https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-AllergyIntoleranceEnd-1",
            "https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-Evidence-1",
            "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-AllergyIntoleranceEnd",
            "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-Evidence",
        ])
        let end = extensions[3]
        XCTAssertEqual(end.children(named: "extension").map(\.url), ["endDate", "reasonEnded"])
        XCTAssertEqual(MappingHarness.values(end, "extension.valueDateTime"), ["2022-01-15"])
        XCTAssertEqual(MappingHarness.values(end, "extension.valueString"), ["Allergy resolved by prescribed medication"])
        XCTAssertEqual(MappingHarness.values(extensions[4], "valueReference.reference"), ["DiagnosticReport/Base-STU3--DiagnosticReport--00001"])
        // encounter-associatedEncounter becomes R4's AllergyIntolerance.encounter.
        XCTAssertEqual(MappingHarness.values(o, "encounter.reference"), ["Encounter/Base-STU3--Encounter--00001"])
        XCTAssertEqual(MappingHarness.values(o, "text.div"), ["<div xmlns=\"http://www.w3.org/1999/xhtml\"><p><b>Some text to transform</b></p></div>"])
        XCTAssertEqual(MappingHarness.values(o, "identifier.value"), ["49476534"])
        XCTAssertEqual(MappingHarness.values(o, "identifier.assigner.reference"), ["Organization/NHSD-STU3--CareConnect-Organisation-1--00001"])
        XCTAssertEqual(MappingHarness.values(o, "clinicalStatus.coding.code"), ["active"])
        XCTAssertEqual(MappingHarness.values(o, "verificationStatus.coding.code"), ["confirmed"])
        XCTAssertEqual(MappingHarness.values(o, "type"), ["allergy"])
        XCTAssertEqual(MappingHarness.values(o, "category"), ["medication"])
        XCTAssertEqual(MappingHarness.values(o, "criticality"), ["high"])
        // SctCoding: the CareConnect SNOMED description-id extension becomes UK Core's, its id an Identifier.
        let coding = try XCTUnwrap(MappingHarness.nodes(o, "code.coding").first)
        XCTAssertEqual(MappingHarness.values(coding, "code"), ["227493005"])
        XCTAssertEqual(MappingHarness.values(coding, "display"), ["Cashew nut"])
        let sct = try XCTUnwrap(coding.child("extension"))
        XCTAssertEqual(sct.url, "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-CodingSCTDescId")
        XCTAssertEqual(sct.children(named: "extension").map(\.url), ["descriptionId", "descriptionDisplay"])
        XCTAssertEqual(MappingHarness.values(sct, "extension.valueIdentifier.system"), ["http://snomed.info/sct"])
        XCTAssertEqual(MappingHarness.values(sct, "extension.valueIdentifier.value"), ["614975019"])
        XCTAssertEqual(MappingHarness.values(sct, "extension.valueString"), ["Cashew nuts (substance)"])
        XCTAssertEqual(MappingHarness.values(o, "code.text"), ["Cashew nuts"])
        XCTAssertEqual(MappingHarness.values(o, "onsetDateTime"), ["2004"])
        XCTAssertEqual(MappingHarness.values(o, "recordedDate"), ["2014-10-09T14:58:00+11:00"])
        XCTAssertEqual(MappingHarness.values(o, "lastOccurrence"), ["2012-06"])
        XCTAssertEqual(MappingHarness.nodes(o, "reaction.substance.coding").count, 2)
        XCTAssertEqual(MappingHarness.values(o, "reaction.manifestation.coding.code"), ["39579001"])
        XCTAssertEqual(MappingHarness.values(o, "reaction.severity"), ["severe"])
        XCTAssertEqual(MappingHarness.values(o, "reaction.exposureRoute.coding.code"), ["34206005"])
        XCTAssertEqual(MappingHarness.values(o, "reaction.note.authorReference.reference"),
                       ["Practitioner/NHSD-STU3--CareConnect-Practitioner-1--00001"])
        // Nothing of the input is left behind.
        XCTAssertEqual(result.unconsumed, [])
    }
}
