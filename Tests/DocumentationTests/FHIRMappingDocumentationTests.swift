import XCTest
import FHIRModel
import FHIRDefinitions
import FHIRJSON
import FHIRMapping

/// The FHIRMapping catalogue's listing, run.
final class FHIRMappingDocumentationTests: XCTestCase {
    func testRunningAMap() throws {
        let fmlText = """
            map "http://example.org/StructureMap/PatientNames" = "PatientNames"
            uses "http://hl7.org/fhir/StructureDefinition/Patient" as source
            uses "http://hl7.org/fhir/StructureDefinition/Patient" as target
            group names(source src : Patient, target tgt : Patient) {
              src.name as n -> tgt.name as tn then {
                n.family as f -> tn.family = f;
              };
            }
            """
        let patient = try FHIRJSONReader().read(#"{"resourceType": "Patient", "gender": "male", "name": [{"use": "usual", "family": "Shaw"}]}"#).root

        // docs:begin fml-run
        var library = MapLibrary()
        library.add(FMLParser.parse(fmlText).map)                  // or StructureMapResource.map(from:)
        let pack = try DefinitionPack.shipped()
        let engine = MappingEngine(library: library, sourceTypes: DefinitionPackTypes(pack: pack),
                                   targetTypes: nil, fhirPathPack: pack)
        let result = try engine.transform(patient, mapURL: "http://example.org/StructureMap/PatientNames")
        print(result.unconsumed)                                   // ["Patient.gender", "Patient.name.use"]
        // docs:end
        XCTAssertEqual(result.unconsumed, ["Patient.gender", "Patient.name.use"])
        XCTAssertEqual(result.output.child("name")?.child("family")?.value, "Shaw")
        XCTAssertEqual(result.output.resourceType, "Patient")
    }
}
