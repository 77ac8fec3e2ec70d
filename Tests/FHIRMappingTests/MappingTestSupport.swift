import XCTest
import FHIRModel
import FHIRDefinitions
import FHIRJSON
import DCHTestSupport
@testable import FHIRMapping

/// Running maps written in the tests on STU3 resources, typed by the shipped STU3 pack.
enum MappingHarness {
    static let prefix = """
        map "http://example.org/StructureMap/test" = "test"
        uses "http://hl7.org/fhir/StructureDefinition/Patient" alias PatientIn as source
        uses "http://hl7.org/fhir/StructureDefinition/Patient" alias PatientOut as target

        """

    /// Parses `fml` (failing the test on any syntax error) and runs it on the JSON resource.
    static func run(_ fml: String, on json: String, conceptMaps: [String] = [], file: StaticString = #filePath,
                    line: UInt = #line) throws -> MappingResult {
        let parsed = FMLParser.parse(fml)
        XCTAssertEqual(parsed.issues.map(\.description), [], "syntax", file: file, line: line)
        var library = MapLibrary()
        library.add(parsed.map)
        for cm in conceptMaps { library.add(conceptMap: try read(cm)) }
        let pack = try SharedCorpus.definitionPack()
        let types = DefinitionPackTypes(pack: pack)
        let engine = MappingEngine(library: library, sourceTypes: types, targetTypes: types, fhirPathPack: pack)
        return try engine.transform(try read(json), mapURL: parsed.map.url)
    }

    static func read(_ json: String) throws -> Element {
        try FHIRJSONReader().read(json).root
    }

    /// The values of the elements at a dotted path (every repeat followed).
    static func values(_ e: Element, _ path: String) -> [String] {
        nodes(e, path).compactMap(\.value)
    }

    static func nodes(_ e: Element, _ path: String) -> [Element] {
        var current = [e]
        for step in path.split(separator: ".") {
            current = current.flatMap { $0.children(named: String(step)) }
        }
        return current
    }
}
