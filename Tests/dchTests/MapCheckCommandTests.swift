import XCTest
import DCHTestSupport

/// `dch map --check`: compiler-style errors with line:column, exit 1 on errors, 0 on clean maps.
final class MapCheckCommandTests: CommandTestCase {
    func testReportsEachErrorWithLineAndColumn() throws {
        let path = try file("bad.fml", """
            map "http://example.org/StructureMap/bad" = "bad"
            uses "http://hl7.org/fhir/StructureDefinition/Patient" alias P as source
            group main(source src : P, target tgt) {
              src.name as n -> tgt.name = n;
              src.gender as g -> tgt.gender = x;
              src.a as b -> tgt.b = create(;
              src.c as c -> tgt.c as t then missing(c, t);
              q.x -> tgt.x;
            }
            """)
        let r = try DCHCommand.run(["map", "--check", path])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stderr.split(separator: "\n").map(String.init), [
            "\(path):5:22: error: unknown variable 'x'",
            "\(path):6:32: error: expected a variable or a literal, found ';'",
            "\(path):7:33: error: no group 'missing' in the map or its imports",
            "\(path):8:3: error: unknown variable 'q'",
        ])
        XCTAssertTrue(r.stdout.isEmpty)
    }

    /// The official maps check clean: every call resolves among the sibling maps.
    func testOfficialMapsCheckClean() throws {
        let folder = try SharedCorpus.require().appendingPathComponent("fhir-cross-version/R3toR4")
        let r = try DCHCommand.run(["map", "--check", folder.appendingPathComponent("AllergyIntolerance.fml").path,
                                    folder.appendingPathComponent("Patient.fml").path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "")
    }

    func testStructureMapJSONIsAccepted() throws {
        let path = try file("map.json", """
            {"resourceType": "StructureMap", "url": "http://example.org/StructureMap/j", "name": "j", "status": "draft",
             "group": [{"name": "main", "typeMode": "none",
                        "input": [{"name": "src", "mode": "source"}, {"name": "tgt", "mode": "target"}],
                        "rule": [{"name": "r", "source": [{"context": "src", "element": "a", "variable": "v"}],
                                  "target": [{"context": "nope", "contextType": "variable", "element": "a",
                                              "transform": "copy", "parameter": [{"valueId": "v"}]}]}]}]}
            """)
        let r = try DCHCommand.run(["map", "--check", path])
        XCTAssertEqual(r.status, 1)
        // At the target object of the JSON (line 5, its `{`).
        XCTAssertEqual(r.stderr, "\(path):5:34: error: unknown variable 'nope'\n")
    }
}
