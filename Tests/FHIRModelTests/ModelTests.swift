import XCTest
import FHIRModel

final class ModelTests: XCTestCase {
    func testIssueDescriptionIsCompilerStyle() {
        let issue = Issue(.error, .value, rule: "x", "bad date", path: "Bundle.entry[2].resource.birthDate",
                          position: SourcePosition(line: 12, column: 5), file: "a.xml")
        XCTAssertEqual(issue.description, "a.xml:12:5: error: bad date (Bundle.entry[2].resource.birthDate)")
        let unplaced = Issue(.warning, .value, rule: "x", "odd", position: .unknown)
        XCTAssertNil(unplaced.position)
        XCTAssertEqual(unplaced.description, "<input>: warning: odd")
    }

    func testSeverityOrder() {
        XCTAssertLessThan(Severity.information, .warning)
        XCTAssertLessThan(Severity.warning, .error)
        XCTAssertLessThan(Severity.error, .fatal)
    }

    func testElementNavigation() {
        let tree = Element(name: "Patient", resourceType: "Patient", children: [
            Element(name: "meta", children: [Element(name: "profile", value: "a"), Element(name: "profile", value: "b")]),
            Element(name: "gender", value: "female"),
        ])
        XCTAssertEqual(tree.descendant("meta.profile")?.value, "a")
        XCTAssertEqual(tree.child("meta")?.children(named: "profile").map(\.value), ["a", "b"])
        XCTAssertNil(tree.descendant("meta.versionId"))
        XCTAssertEqual(tree.nodeCount, 5)
        XCTAssertTrue(tree.isResource)
    }

    func testPaths() {
        let p = ElementPath(root: "Bundle").appending("entry", index: 2).appending("resource").appending("birthDate")
        XCTAssertEqual(p.text, "Bundle.entry[2].resource.birthDate")
    }
}
