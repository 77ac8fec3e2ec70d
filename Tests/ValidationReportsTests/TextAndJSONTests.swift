import XCTest
import FHIRModel
import ValidationReports
import DCHTestSupport
import FHIRConversion

final class TextAndJSONTests: XCTestCase {
    func testTextReportIsExact() throws {
        let text = String(decoding: try TextReportWriter().write(Fixtures.run), as: UTF8.self)
        XCTAssertEqual(text, """
            a.xml:3:5: error: [struct.unknown-element] unknown element 'favouriteColour' <&>" (Patient.favouriteColour)
            a.xml: warning: [value.whitespace] leading space in value
            # b.ndjson#1
            b.ndjson:2:7: fatal: [json.syntax] expected ',' or '}' \u{1}
            # b.ndjson#2 Bundle/b2
            b.ndjson:3:120: information: [binding.not-checked] SNOMED CT is not checked offline (Bundle.entry[1].resource.code)
            4 messages, 2 errors, 1 warning, 1 information

            """)
    }

    func testTextReportOfACleanRunIsTheSummary() throws {
        let run = ValidationRun(messages: [MessageReport(file: "x.json", resourceType: "Patient")])
        XCTAssertEqual(String(decoding: try TextReportWriter().write(run), as: UTF8.self),
                       "1 message, 0 errors, 0 warnings, 0 information\n")
    }

    func testCountsAndThresholds() {
        let run = Fixtures.run
        XCTAssertEqual(run.errorCount, 2)
        XCTAssertEqual(run.count(.fatal), 1)
        XCTAssertEqual(run.warningCount, 1)
        XCTAssertEqual(run.informationCount, 1)
        XCTAssertTrue(run.fails(.error))
        let warningsOnly = ValidationRun(messages: [MessageReport(file: "w", issues: [
            Issue(.warning, .value, rule: "r", "w"),
        ])])
        XCTAssertFalse(warningsOnly.fails(.error))
        XCTAssertTrue(warningsOnly.fails(.warning))
    }

    func testJSONLinesHaveEveryField() throws {
        let bytes = try JSONLinesReportWriter().write(Fixtures.run)
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.last, "", "ends with a newline")
        let objects = try lines.dropLast().map { try JSONValue.parse(Array($0.utf8)) }
        XCTAssertEqual(objects.count, 4)
        let keys = ["file", "messageIndex", "resourceType", "resourceId", "severity", "type", "rule",
                    "message", "path", "line", "column"]
        for object in objects {
            guard case let .object(members) = object else { return XCTFail("not an object: \(object)") }
            XCTAssertEqual(members.map(\.0), keys)
        }
        XCTAssertEqual(objects[0]["message"], .string("unknown element 'favouriteColour' <&>\""))
        XCTAssertEqual(objects[0]["line"], .number("3"))
        XCTAssertEqual(objects[0]["column"], .number("5"))
        XCTAssertEqual(objects[0]["path"], .string("Patient.favouriteColour"))
        XCTAssertEqual(objects[1]["message"], .string("leading space\nin value"))
        XCTAssertEqual(objects[1]["line"], .null)
        XCTAssertEqual(objects[2]["severity"], .string("fatal"))
        XCTAssertEqual(objects[2]["messageIndex"], .number("1"))
        XCTAssertEqual(objects[2]["resourceType"], .null)
        XCTAssertEqual(objects[2]["message"], .string("expected ',' or '}' \u{1}"))
        XCTAssertEqual(objects[3]["type"], .string("informational"))
        XCTAssertEqual(objects[3]["resourceId"], .string("b2"))
    }

    // Determinism is checked across two `dch` processes (each with its own hash seed), in
    // dchTests/DeterminismTests: twice in one process would share the seed.
}
