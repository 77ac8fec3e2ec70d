import XCTest
import FHIRPath
import DCHTestSupport
@testable import LawfulSharing

/// The policy file's checks: each problem names the file, line:column and key.
final class PolicyLoaderTests: XCTestCase {
    static let valid = """
        dch-sharing-policy: 1
        name: test
        recipient:
          setting: gp
        purpose: tests
        lawful-basis:
          article-6: 6(1)(e)
          article-9: Article 9(2)(h)
        events: all
        rules:
          - id: keep-type
            select: type
            action: keep
        """

    func loader() throws -> PolicyLoader {
        PolicyLoader(engine: FHIRPathEngine(pack: try SharedCorpus.definitionPack()))
    }

    func problems(_ yaml: String) throws -> [PolicyProblem] {
        do {
            _ = try loader().load(yaml: yaml, file: "p.yaml")
            return []
        } catch let error as PolicyError {
            return error.problems
        }
    }

    func testValidPolicyLoads() throws {
        let policy = try loader().load(yaml: Self.valid, file: "p.yaml")
        XCTAssertEqual(policy.lawfulBasis, LawfulBasis(article6: "6(1)(e)", article9: "9(2)(h)"))
        XCTAssertEqual(policy.recipient, .gp)
        XCTAssertNil(policy.events)
        XCTAssertEqual(policy.rules.map(\.id), ["keep-type"])
    }

    func testEverySampleLoads() throws {
        for name in ["school-nurse", "social-care", "research-extract"] {
            let path = SharedCorpus.packageRoot.appendingPathComponent("Samples/policies/\(name).yaml").path
            XCTAssertNoThrow(try loader().load(path: path), name)
        }
    }

    func testUnknownKeyNamesLineColumnAndKey() throws {
        let found = try problems(Self.valid.replacingOccurrences(of: "purpose: tests", with: "purpose: tests\nrecipeint: x"))
        XCTAssertEqual(found.count, 1)
        XCTAssertEqual(found[0].key, "recipeint")
        XCTAssertEqual(found[0].line, 6)
        XCTAssertEqual(found[0].column, 1)
        XCTAssertTrue(found[0].description.hasPrefix("p.yaml:6:1: error: recipeint: unknown key"), found[0].description)
    }

    func testBadActionAndBadFHIRPathAndMissingBasis() throws {
        let yaml = Self.valid
            .replacingOccurrences(of: "action: keep", with: "action: obliterate")
            .replacingOccurrences(of: "select: type", with: "select: type.where(")
            .replacingOccurrences(of: "  article-9: Article 9(2)(h)\n", with: "")
        let found = try problems(yaml)
        let keys = found.map(\.key)
        XCTAssertTrue(keys.contains("rules[0].action"), "\(found)")
        XCTAssertTrue(keys.contains("rules[0].select"), "\(found)")
        XCTAssertTrue(keys.contains("lawful-basis.article-9"), "\(found)")
        let select = try XCTUnwrap(found.first { $0.key == "rules[0].select" })
        XCTAssertEqual(select.line, 11)
        XCTAssertTrue(select.message.contains("does not parse"))
    }

    func testConditionsOutsideTheArticlesAreRefused() throws {
        let found = try problems(Self.valid.replacingOccurrences(of: "6(1)(e)", with: "6(1)(g)"))
        XCTAssertEqual(found.map(\.key), ["lawful-basis.article-6"])
        XCTAssertTrue(found[0].message.contains("6(1)(f) (legitimate interests)"))
    }

    func testAKeyInThePolicyIsRefused() throws {
        let found = try problems(Self.valid + "\nkey: 0123456789abcdef0123456789abcdef")
        XCTAssertEqual(found.map(\.key), ["key"])
        XCTAssertTrue(found[0].message.contains("--key-file"))
        XCTAssertFalse(found[0].description.contains("0123456789abcdef"))
    }

    func testYAMLSyntaxErrorHasItsPlace() throws {
        let found = try problems("name: [unclosed\npurpose: x\n")
        XCTAssertEqual(found.count, 1)
        XCTAssertGreaterThan(found[0].line, 0)
    }

    /// Nesting past the limit is a problem at the collection that passes it (Yams composes by
    /// recursion: 20,000 levels overflowed the stack). The root mapping is level 1, so level 101 is the
    /// 100th `[` of line 2, at column 106.
    func testDeepNestingIsAProblemNotACrash() throws {
        let found = try problems("purpose: x\nname: " + String(repeating: "[", count: 20_000) + String(repeating: "]", count: 20_000) + "\n")
        XCTAssertEqual(found.map(\.description), ["p.yaml:2:106: error: (yaml): the YAML nests deeper than 100 levels"])
        // A hundred levels are still read (and refused by the schema, not the limit).
        let within = try problems("name: " + String(repeating: "[", count: 99) + String(repeating: "]", count: 99) + "\n")
        XCTAssertFalse(within.contains { $0.message.contains("nests deeper") }, "\(within)")
    }
}
