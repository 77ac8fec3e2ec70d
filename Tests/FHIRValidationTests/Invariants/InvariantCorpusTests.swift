import XCTest
import Foundation
import FHIRModel
import FHIRValidation
import DCHTestSupport

/// Layer 5 over every corpus message (NHS examples and NEMS examples, XML and JSON).
final class InvariantCorpusTests: XCTestCase {
    /// Invariant findings expected per file, as `rule path`. None: every corpus message satisfies the
    /// STU3 invariants its elements carry. Checked by hand where a failure was most likely: the
    /// contained resources (DCH-AssessmentScales, MrS-Bundle, RARecord-Flag/Consent/Condition) are
    /// each referenced by `#id` from their container (dom-3) and carry no narrative, meta.versionId
    /// or nested contained (dom-1, -2, -4); message Bundles have no entry.request/response/search
    /// (bdl-2, -3, -4); every Quantity with a code has a system (qty-3); no Period ends before it
    /// starts (per-1), and every extension has a value or extensions, not both (ext-1).
    static let expected: [String: [String]] = [:]

    func testCorpusInvariants() throws {
        let validator = try VT.validator()
        var messages = 0
        var evaluations = 0
        for folder in CorpusValidationTests.folders {
            for ext in ["xml", "json"] {
                for url in try SharedCorpus.files(folder, extension: ext) {
                    let (root, _) = try VT.read(try Data(contentsOf: url))
                    let run = validator.invariants.evaluate(root)
                    messages += 1
                    evaluations += run.evaluations
                    let name = url.lastPathComponent
                    XCTAssertEqual(run.issues.filter { $0.rule != "invariant.not-evaluated" }.map { "\($0.rule) \($0.path ?? "")" },
                                   Self.expected[name] ?? [], name)
                    // Nothing in the corpus needs a reference outside its message or a feature we leave out.
                    XCTAssertEqual(run.issues.filter { $0.rule == "invariant.not-evaluated" }.map(\.message), [], name)
                }
            }
        }
        XCTAssertGreaterThanOrEqual(messages, 180)
        // Resources, Bundle entries, Quantities, Periods, References, narratives, extensions…: many per message.
        XCTAssertGreaterThan(evaluations, messages * 10, "constraints were evaluated, not skipped")
        print("layer 5 over the corpus: \(messages) messages, \(evaluations) constraint evaluations")
    }
}
