import XCTest
import FHIRModel
import ValidationReports
import DCHTestSupport

final class SARIFTests: XCTestCase {
    private func sarif(_ run: ValidationRun = Fixtures.run, base: String? = nil) throws -> (bytes: [UInt8], json: JSONValue) {
        let bytes = try SARIFReportWriter(toolVersion: "1.2.3", baseDirectory: base).write(run)
        return (bytes, try JSONValue.parse(bytes))
    }

    private func array(_ value: JSONValue?) -> [JSONValue] {
        if case let .array(items)? = value { return items }
        XCTFail("not an array: \(String(describing: value))")
        return []
    }

    func testRequiredFields() throws {
        let log = try sarif().json
        XCTAssertEqual(log["$schema"], .string(SARIFReportWriter.schemaURI))
        XCTAssertEqual(log["version"], .string("2.1.0"))
        let runs = array(log["runs"])
        XCTAssertEqual(runs.count, 1)
        let driver = runs[0]["tool"]?["driver"]
        XCTAssertEqual(driver?["name"], .string("dch"))
        XCTAssertEqual(driver?["version"], .string("1.2.3"))
        guard case .string? = driver?["informationUri"] else { return XCTFail("informationUri") }
        let rules = array(driver?["rules"])
        let ruleIDs = rules.map { $0["id"] }
        XCTAssertEqual(ruleIDs, ["binding.not-checked", "json.syntax", "struct.unknown-element", "value.whitespace"].map(JSONValue.string))
        for rule in rules {
            guard case .string? = rule["shortDescription"]?["text"] else { return XCTFail("shortDescription: \(rule)") }
        }
        let results = array(runs[0]["results"])
        XCTAssertEqual(results.count, 4)
        XCTAssertEqual(results.map { $0["level"] }, ["error", "warning", "error", "note"].map(JSONValue.string))
        for result in results {
            guard case let .string(ruleID)? = result["ruleId"], case let .number(index)? = result["ruleIndex"] else {
                return XCTFail("ruleId/ruleIndex: \(result)")
            }
            XCTAssertEqual(rules[Int(index)!]["id"], .string(ruleID))
            guard case .string? = result["message"]?["text"] else { return XCTFail("message.text") }
            let physical = array(result["locations"]).first?["physicalLocation"]
            guard case .string? = physical?["artifactLocation"]?["uri"] else { return XCTFail("uri: \(result)") }
            guard case .number? = physical?["region"]?["startLine"] else { return XCTFail("startLine: \(result)") }
        }
        let first = array(results[0]["locations"])[0]
        XCTAssertEqual(first["physicalLocation"]?["artifactLocation"]?["uri"], .string("a.xml"))
        XCTAssertEqual(first["physicalLocation"]?["region"]?["startLine"], .number("3"))
        XCTAssertEqual(first["physicalLocation"]?["region"]?["startColumn"], .number("5"))
        XCTAssertEqual(array(first["logicalLocations"]).first?["fullyQualifiedName"], .string("Patient.favouriteColour"))
        let second = array(results[1]["locations"])[0]
        XCTAssertEqual(second["physicalLocation"]?["region"]?["startLine"], .number("1"), "unknown position: line 1")
        XCTAssertNil(second["physicalLocation"]?["region"]?["startColumn"])
        XCTAssertNil(second["logicalLocations"])
        XCTAssertEqual(results[3]["properties"]?["messageIndex"], .number("2"))
    }

    func testArtifactURIsAreRelativeAndEncoded() throws {
        let run = ValidationRun(messages: [
            MessageReport(file: "/repo/out/my msg#1.xml", issues: [Issue(.error, .value, rule: "r", "m")]),
            MessageReport(file: "/elsewhere/x.json", issues: [Issue(.error, .value, rule: "r", "m")]),
            MessageReport(file: "./rel/ü.json", issues: [Issue(.error, .value, rule: "r", "m")]),
            MessageReport(file: "<stdin>", issues: [Issue(.error, .value, rule: "r", "m")]),
        ])
        let results = array(try sarif(run, base: "/repo/").json["runs"].map { array($0).first?["results"] } ?? nil)
        let uris = results.map { array($0["locations"]).first?["physicalLocation"]?["artifactLocation"]?["uri"] }
        XCTAssertEqual(uris, ["out/my%20msg%231.xml", "file:///elsewhere/x.json", "rel/%C3%BC.json", "stdin"].map(JSONValue.string))
    }

    func testCleanRunHasNoResultsAndNoRules() throws {
        let log = try sarif(ValidationRun(messages: [MessageReport(file: "a.xml")])).json
        let run = array(log["runs"])[0]
        XCTAssertEqual(run["results"], .array([]))
        XCTAssertEqual(run["tool"]?["driver"]?["rules"], .array([]))
    }

    /// Validates against the official SARIF 2.1.0 JSON schema with Python's `jsonschema`, when both
    /// are available offline: the schema's path in `$SARIF_SCHEMA`.
    func testMatchesTheSARIFSchemaWhenAvailable() throws {
        guard let schema = ProcessInfo.processInfo.environment["SARIF_SCHEMA"],
              FileManager.default.fileExists(atPath: schema) else {
            throw Prerequisite.missing("no SARIF 2.1.0 schema offline (set SARIF_SCHEMA to sarif-schema-2.1.0.json); schema check skipped")
        }
        guard let python = Fixtures.which("python3"),
              (try? Fixtures.runTool(python, ["-c", "import jsonschema"]).status) == 0 else {
            throw Prerequisite.missing("python3 with jsonschema is not installed; schema check skipped")
        }
        let file = Fixtures.tempFile("sarif")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(try sarif().bytes).write(to: file)
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1])); doc = json.load(open(sys.argv[2]))
            jsonschema.validators.validator_for(schema)(schema).validate(doc)
            """
        let result = try Fixtures.runTool(python, ["-c", script, schema, file.path])
        XCTAssertEqual(result.status, 0, result.stderr)
    }
}
