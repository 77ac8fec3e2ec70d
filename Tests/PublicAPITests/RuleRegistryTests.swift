import XCTest
import Foundation
import FHIRModel
import MessageChecking
import DCHTestSupport

/// The rule registries: every id unique and described, and every rule any input makes the
/// pipeline report is registered (the whole shared corpus and inputs that break each reader).
final class RuleRegistryTests: XCTestCase {
    func testIDsAreUniqueDescribedAndNamedAfterTheirLayer() {
        let ids = ValidationRules.all.map(\.id)
        XCTAssertEqual(ids.count, Set(ids).count, "duplicate ids: \(Dictionary(grouping: ids) { $0 }.filter { $0.value.count > 1 }.keys)")
        XCTAssertGreaterThan(ids.count, 120)
        for rule in ValidationRules.all {
            XCTAssertFalse(rule.summary.isEmpty, rule.id)
            XCTAssertEqual(ValidationRules.layer(of: rule.familyPrefix.map { $0 + "x-1" } ?? rule.id), rule.layer, rule.id)
        }
        // Ids users already name in CI configurations keep their spelling.
        for id in ["struct.min", "value.uri", "profile.slice-closed", "terminology.extensible", "bundle.fullurl-duplicate",
                   "invariant.not-evaluated", "xsd.invalid", "event.G5", "json.duplicate-key", "xml.doctype", "io.read",
                   "format.unknown"] {
            XCTAssertNotNil(ValidationRules.description(of: id), id)
        }
        XCTAssertEqual(ValidationRules.layer(of: "invariant.per-1"), .invariants)
        XCTAssertEqual(ValidationRules.layer(of: "event.E-BirthDetails-5"), .events)
        XCTAssertNil(ValidationRules.layer(of: "local.patient-birth-date"), "a user's rule set is not ours")
    }

    func testEveryRuleTheCorpusAndBrokenInputsMakeIsRegistered() throws {
        let corpus = try SharedCorpus.require().appendingPathComponent("corpus")
        let checker = try MessageChecker()
        var reported: [String: String] = [:]   // rule -> first input that reported it
        func check(_ data: Data, _ name: String) {
            for report in checker.checkInput(data, name: name) {
                for issue in report.issues where reported[issue.rule] == nil { reported[issue.rule] = name }
            }
        }
        var files = 0
        let walker = FileManager.default.enumerator(at: corpus, includingPropertiesForKeys: nil)
        while let url = walker?.nextObject() as? URL {
            guard ["xml", "json"].contains(url.pathExtension) else { continue }
            files += 1
            check(try Data(contentsOf: url), url.lastPathComponent)
        }
        XCTAssertGreaterThan(files, 1000)
        let broken: [(String, String)] = [
            ("", "empty"), ("hello", "neither XML nor JSON"), ("<Patient", "unclosed XML"),
            ("<!DOCTYPE x><Patient xmlns=\"http://hl7.org/fhir\"/>", "doctype"),
            ("<Patient xmlns=\"http://hl7.org/fhir\" x=\"1\">text</Patient>", "attribute and text"),
            ("{\"resourceType\":\"Patient\",\"a\":1,\"a\":2} // c", "duplicate key and comment"),
            ("{\"resourceType\":\"Patient\",\"gender\":null,\"name\":[]}", "null and empty array"),
            ("{\"resourceType\":\"Nonsense\"}", "unknown type"),
        ]
        for (text, name) in broken { check(Data(text.utf8), name) }
        let unregistered = reported.filter { ValidationRules.description(of: $0.key) == nil }
        XCTAssertEqual(unregistered, [:], "reported but in no registry (rule: input)")
        XCTAssertGreaterThan(reported.count, 30, "the inputs reach many rules: \(reported.keys.sorted())")
    }
}
