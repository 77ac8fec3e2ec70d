import XCTest
import FHIRModel
import FHIRValidation
import DCHTestSupport

/// Layer 5 skips a constraint on an element that lacks every child it reads, when the constraint
/// holds on such an element; it still finds what those constraints find where the children are.
final class InvariantShortcutsTests: XCTestCase {
    private func checker() throws -> InvariantChecker {
        InvariantChecker(pack: try SharedCorpus.definitionPack())
    }

    private func patient(_ children: [Element]) -> Element {
        Element(name: "Patient", resourceType: "Patient", children: [Element(name: "id", value: "p1")] + children)
    }

    private func period(start: String?, end: String?) -> Element {
        Element(name: "period", children: [start.map { Element(name: "start", value: $0) },
                                           end.map { Element(name: "end", value: $0) }].compactMap { $0 })
    }

    func testNothingToEvaluateWhereTheReadChildrenAreAbsent() throws {
        // dom-1…4 read `contained`, per-1 `start` and `end`: none is here, so nothing is evaluated.
        let root = patient([Element(name: "name", children: [Element(name: "family", value: "Ng")])])
        let run = try checker().evaluate(root)
        XCTAssertEqual(run.evaluations, 0)
        XCTAssertEqual(run.issues.map(\.rule), [])
    }

    func testConstraintsStillFireWhereTheirChildrenAre() throws {
        let checker = try checker()
        let name = { (p: Element) in Element(name: "name", children: [Element(name: "family", value: "Ng"), p]) }
        XCTAssertEqual(checker.validate(patient([name(period(start: "2020-01-01", end: "2019-01-01"))])).map(\.rule),
                       ["invariant.per-1"])
        XCTAssertEqual(checker.validate(patient([name(period(start: "2020-01-01", end: nil))])).map(\.rule), [])
        // A contained resource nothing refers to (dom-3).
        let contained = Element(name: "contained", resourceType: "Organization",
                                children: [Element(name: "id", value: "o1"), Element(name: "name", value: "Org")])
        let issues = checker.validate(Element(name: "Patient", resourceType: "Patient",
                                              children: [Element(name: "id", value: "p1"), contained]))
        XCTAssertEqual(issues.map(\.rule), ["invariant.dom-3"])
        XCTAssertEqual(issues.first?.path, "Patient")
    }

    func testConstraintFalseOnAnEmptyElementIsNeverSkipped() throws {
        // org-1 (an identifier or a name) fails on an Organization lacking both: evaluated, reported.
        let root = Element(name: "Organization", resourceType: "Organization",
                           children: [Element(name: "id", value: "o1"), Element(name: "active", value: "true")])
        let run = try checker().evaluate(root)
        XCTAssertEqual(run.issues.map(\.rule), ["invariant.org-1"])
        XCTAssertEqual(run.evaluations, 1)
    }
}
