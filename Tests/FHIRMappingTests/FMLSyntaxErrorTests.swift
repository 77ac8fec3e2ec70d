import XCTest
import FHIRModel
@testable import FHIRMapping

/// Syntax errors are values with line:column; the parser resumes at the next rule or group.
final class FMLSyntaxErrorTests: XCTestCase {
    func testSeveralErrorsInOneFile() {
        let result = FMLParser.parse("""
            map "http://example.org/StructureMap/e" = "e"
            uses "http://hl7.org/fhir/StructureDefinition/Patient" alias P as sauce
            group main(source src : P, target tgt : P) {
              src.name as -> tgt.name;
              src.gender -> tgt.gender = ;
              src.birthDate -> tgt.birthDate;
              src.x -> tgt.y = nosuch('a');
            }
            group second(source src, target tgt) {
              src.a -> tgt.a
            }
            """)
        XCTAssertEqual(result.issues.map { "\($0.position!):\($0.message)" }, [
            "2:67:expected source, queried, target or produced, found 'sauce'",
            "4:15:expected a variable name, found '->'",
            "5:30:expected a transform, a variable or a value, found ';'",
            "7:20:unknown transform 'nosuch', found 'nosuch'",
            "11:1:expected ';' at the end of the rule, found '}'",
        ])
        XCTAssertTrue(result.issues.allSatisfy { $0.rule == FMLRule.syntax && $0.severity == .error })
        // What could be read is kept: both groups, the good rule.
        XCTAssertEqual(result.map.groups.map(\.name), ["main", "second"])
        XCTAssertEqual(result.map.groups[0].rules.compactMap { $0.sources.first?.element }, ["birthDate"])
    }

    /// `then { … }` blocks nest at most 100 deep: deeper is an error at the rule that goes past,
    /// not a stack overflow (10,000 levels were one, found by the FuzzFML target).
    func testBlocksNestedTooDeeplyAreAnError() {
        func map(_ depth: Int) -> String {
            "map \"http://example.org/StructureMap/deep\" = \"deep\"\ngroup main(source s, target t) {\n"
                + String(repeating: "s.a then{", count: depth) + "s.b -> t.b;" + String(repeating: "}", count: depth) + "\n}\n"
        }
        XCTAssertEqual(FMLParser.parse(map(100)).issues, [])
        let deep = FMLParser.parse(map(10_000))
        XCTAssertEqual(deep.issues.first.map { "\($0.position!):\($0.message)" }, "3:910:rule blocks nest deeper than 100 levels, found 's'")
        var depth = 0
        var rules = deep.map.groups.first?.rules ?? []
        while let first = rules.first { depth += 1; rules = first.rules }
        XCTAssertEqual(depth, 100, "the blocks up to the limit are kept")
    }

    func testUnterminatedStringAndComment() {
        let result = FMLParser.parse("map \"http://x = \"y\"\n/* never closed")
        XCTAssertTrue(result.issues.contains { $0.message.hasPrefix("unterminated comment") && $0.position == SourcePosition(line: 2, column: 1) })
    }

    /// Lexical details the official maps rely on: `/*` inside strings, CRLF, delimited identifiers,
    /// keywords as element names after `.`, `///` headers, `0..*`, bare FHIRPath conditions.
    func testLexicalDetails() {
        let result = FMLParser.parse("/// url = \"http://example.org/StructureMap/lx\"\r\n/// name = \"lx\"\r\n"
            + "imports \"http://example.org/StructureMap/*3to4\"\r\n"
            + "group g(source src, target tgt) {\r\n"
            + "  src.`not-found` as v -> tgt.check = v; // comment\r\n"
            + "  src.where 0..* as w where $this.url = 'a' or $this.url = 'b' -> tgt.group = w \"n\";\r\n"
            + "  src.a as a where (a.exists()) and (true) check (a.exists()) -> tgt.a = a;\r\n"
            + "}\r\n")
        XCTAssertEqual(result.issues, [])
        XCTAssertEqual(result.map.url, "http://example.org/StructureMap/lx")
        XCTAssertEqual(result.map.imports, ["http://example.org/StructureMap/*3to4"])
        let rules = result.map.groups[0].rules
        XCTAssertEqual(rules[0].sources[0].element, "not-found")
        XCTAssertEqual(rules[0].targets[0].element, "check")
        XCTAssertEqual(rules[1].sources[0].max, "*")
        XCTAssertEqual(rules[1].sources[0].condition, "$this.url = 'a' or $this.url = 'b'")
        XCTAssertEqual(rules[1].name, "n")
        XCTAssertEqual(rules[2].sources[0].condition, "(a.exists()) and (true)")
        XCTAssertEqual(rules[2].sources[0].check, "a.exists()")
    }
}
