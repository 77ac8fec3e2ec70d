import XCTest
import FHIRModel
import DCHTestSupport
@testable import FHIRMapping

/// The parser reads every official HL7 cross-version map (R3toR4 and R4toR3, 296 files) without error.
final class OfficialMapParsingTests: XCTestCase {
    func testEveryOfficialMapParses() throws {
        let shared = try SharedCorpus.require()
        let root = shared.appendingPathComponent("fhir-cross-version")
        var files: [URL] = []
        for folder in ["R3toR4", "R4toR3"] {
            let dir = root.appendingPathComponent(folder)
            files += try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "fml" }
        }
        XCTAssertEqual(files.count, 296)
        var groups = 0, rules = 0
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            let result = FMLParser.parse(text)
            XCTAssertEqual(result.issues.map(\.description), [], file.lastPathComponent)
            XCTAssertFalse(result.map.url.isEmpty, file.lastPathComponent)
            XCTAssertFalse(result.map.groups.isEmpty, file.lastPathComponent)
            groups += result.map.groups.count
            rules += result.map.groups.reduce(0) { $0 + $1.rules.count }
        }
        XCTAssertGreaterThan(groups, 800)
        XCTAssertGreaterThan(rules, 5000)
    }

    /// Every name the official maps use resolves: variables in scope, every called or extended
    /// group in the map or its imports (the sibling maps) with that many inputs.
    func testEveryOfficialMapResolves() throws {
        let root = try SharedCorpus.require().appendingPathComponent("fhir-cross-version")
        for folder in ["R3toR4", "R4toR3"] {
            var library = MapLibrary()
            var maps: [(String, StructureMap)] = []
            for file in try FileManager.default.contentsOfDirectory(at: root.appendingPathComponent(folder), includingPropertiesForKeys: nil)
            where file.pathExtension == "fml" {
                let map = FMLParser.parse(try String(contentsOf: file, encoding: .utf8)).map
                library.add(map)
                maps.append((file.lastPathComponent, map))
            }
            XCTAssertEqual(maps.count, 148)
            for (name, map) in maps {
                XCTAssertEqual(MapReferenceCheck.check(map, library: library).map(\.description), [], "\(folder)/\(name)")
            }
        }
    }

    /// A map that calls a missing group, reads an unknown variable or names an undeclared
    /// ConceptMap is reported at the name's line:column.
    func testReferenceErrors() {
        let map = FMLParser.parse("""
            map "http://example.org/StructureMap/r" = "r"
            group main(source src, target tgt) extends nothing {
              src.a as a -> tgt.a = translate(a, '#none', 'code');
              src.b as b then other(b);
              src.c as c then main(c);
            }
            group main(source src, target tgt) { }
            """).map
        XCTAssertEqual(MapReferenceCheck.check(map).map { "\($0.position!) \($0.message)" }, [
            "2:1 group 'main' extends 'nothing', which is not in the map or its imports",
            "3:17 no conceptmap \"none\" is declared in the map",
            "4:19 no group 'other' in the map or its imports",
            "5:19 group 'main' takes 2 parameters, not 1",
            "7:1 group 'main' is already defined at 2:1",
        ])
    }
}
