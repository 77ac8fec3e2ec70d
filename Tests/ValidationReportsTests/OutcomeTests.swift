import XCTest
import FHIRModel
import FHIRConversion
import ValidationReports
import DCHTestSupport

final class OutcomeTests: XCTestCase {
    func testOutcomeReadsBackInJSONAndXML() throws {
        let converter = try Converter()
        for format in MessageFormat.allCases {
            let bytes = try OutcomeReportWriter(converter: converter, format: format).write(Fixtures.run)
            let decoded = try converter.read(Data(bytes))
            let detected = decoded.format
            XCTAssertEqual(detected, format)
            XCTAssertEqual(decoded.issues, [], "\(format)")
            let root = decoded.root
            XCTAssertEqual(root.resourceType, "OperationOutcome")
            let issues = root.children(named: "issue")
            XCTAssertEqual(issues.count, 4, "\(format)")
            XCTAssertEqual(issues.map { $0.child("severity")?.value }, ["error", "warning", "fatal", "information"])
            XCTAssertEqual(issues.map { $0.child("code")?.value }, ["structure", "value", "structure", "informational"])
            XCTAssertEqual(issues.map { $0.child("diagnostics")?.value },
                           ["struct.unknown-element", "value.whitespace", "json.syntax", "binding.not-checked"])
            XCTAssertEqual(issues[0].descendant("details.text")?.value, "unknown element 'favouriteColour' <&>\"")
            XCTAssertEqual(issues[0].children(named: "location").map(\.value),
                           ["Patient.favouriteColour", "a.xml#0 line 3, col 5"])
            XCTAssertEqual(issues[0].child("expression")?.value, "Patient.favouriteColour")
            XCTAssertEqual(issues[1].children(named: "location").map(\.value), ["a.xml#0"])
            XCTAssertNil(issues[1].child("expression"))
            XCTAssertEqual(root.descendant("issue.extension")?.name, nil, "extension-free")
            // A round trip through the other format gives the same tree.
            let other = try converter.write(root, format: format.opposite)
            let again = try converter.read(Data(other.bytes))
            XCTAssertEqual(again.root.children(named: "issue").count, 4)
        }
    }

    func testCleanRunGivesOneInformationalIssue() throws {
        let converter = try Converter()
        let run = ValidationRun(messages: [MessageReport(file: "a.xml"), MessageReport(file: "b.xml")])
        let bytes = try OutcomeReportWriter(converter: converter, format: .xml).write(run)
        let decoded = try converter.read(Data(bytes))
        let issues = decoded.root.children(named: "issue")
        XCTAssertEqual(issues.count, 1)
        XCTAssertEqual(issues[0].child("severity")?.value, "information")
        XCTAssertEqual(issues[0].child("code")?.value, "informational")
        XCTAssertEqual(issues[0].descendant("details.text")?.value, "No issues found in 2 messages")
    }
}

extension OutcomeTests {
    func testControlCharactersAreReplaced() throws {
        let converter = try Converter()
        let bytes = try OutcomeReportWriter(converter: converter, format: .json).write(Fixtures.run)
        let decoded = try converter.read(Data(bytes))
        XCTAssertEqual(decoded.root.children(named: "issue")[2].descendant("details.text")?.value,
                       "expected ',' or '}' \u{FFFD}")
    }
}
