import XCTest
import FHIRDefinitions
import FHIRPath
import DCHTestSupport

/// Every constraint expression of the shipped pack parses, and every one is evaluable (none calls
/// a function we leave out).
final class PackExpressionTests: XCTestCase {
    func testEveryConstraintExpressionParses() throws {
        let pack = try SharedCorpus.definitionPack()
        let engine = try FP.engine()
        var expressions = Set<String>()
        for url in try pack.urls(of: .structure) {
            for c in try pack.structure(url: url)?.constraints ?? [] {
                if let e = c.expression { expressions.insert(e) }
            }
        }
        var failures: [String] = []
        var unsupported: [String] = []
        for text in expressions.sorted() {
            switch engine.compile(text) {
            case let .failure(error): failures.append("\(text): \(error)")
            case let .success(compiled): if let why = compiled.unsupportedReason { unsupported.append("\(text): \(why)") }
            }
        }
        print("pack constraint expressions: \(expressions.count) distinct, \(expressions.count - failures.count - unsupported.count) evaluable, \(unsupported.count) unevaluable, \(failures.count) not parsed")
        XCTAssertGreaterThanOrEqual(expressions.count, 180, "the STU3 core alone has about 180")
        XCTAssertEqual(failures, [], "expressions that do not parse")
        XCTAssertEqual(unsupported, [], "expressions that call something we do not evaluate")
    }
}
