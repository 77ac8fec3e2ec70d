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

    private func string(_ value: JSONValue?) -> String? {
        if case let .string(text)? = value { return text }
        return nil
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

    // MARK: - The official schema

    private func assertConforms(_ bytes: [UInt8], _ what: String, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertNoThrow(try JSONValue.parse(bytes), "strict JSON: \(what)", file: file, line: line)
        // Outside the assertion: a missing schema or tool must skip (or fail under DCH_REQUIRE_ALL), not
        // become an assertion failure.
        let violations = try SARIFSchema.violations(of: bytes)
        XCTAssertEqual(violations, [], what, file: file, line: line)
    }

    /// Errors, a fatal error, a warning and information; two files, one of them NDJSON with three
    /// messages; text that needs escaping everywhere.
    func testAReportOfEverySeverityAndSeveralFilesMatchesTheSchema() throws {
        let log = try sarif()
        let levels = array(array(log.json["runs"])[0]["results"]).compactMap { string($0["level"]) }
        XCTAssertEqual(Set(levels), ["error", "warning", "note"])
        try assertConforms(log.bytes, "Fixtures.run")
    }

    func testEdgeCaseReportsMatchTheSchema() throws {
        var unknownColumn = Issue(.warning, .value, rule: "r.column", "column not known", position: SourcePosition(line: 4, column: 9))
        unknownColumn.position = SourcePosition(line: 4, column: 0)
        var unknownLine = Issue(.error, .value, rule: "r.line", "line not known")
        unknownLine.position = .unknown
        let run = ValidationRun(messages: [
            MessageReport(file: "/repo/out/my msg#1.xml", issues: [Issue(.error, .value, rule: "r", "m"), unknownColumn, unknownLine]),
            MessageReport(file: "/elsewhere/[x] {y}.json", issues: [Issue(.information, .value, rule: "r", "m")]),
            MessageReport(file: "./rel/ü%.json", issues: [Issue(.error, .value, rule: "r", "m")]),
            MessageReport(file: "-", issues: [Issue(.error, .value, rule: "r", "m")]),
        ])
        let log = try sarif(run, base: "/repo/")
        let regions = array(array(log.json["runs"])[0]["results"]).map { array($0["locations"])[0]["physicalLocation"]?["region"] }
        XCTAssertEqual(regions[1], .object([("startLine", .number("4"))]), "a column of 0 is left out")
        XCTAssertEqual(regions[2], .object([("startLine", .number("1"))]), "a line of 0 points at line 1")
        let logs = [try sarif(ValidationRun(messages: [])).bytes, try sarif(ValidationRun(messages: [MessageReport(file: "a.xml")])).bytes, log.bytes]
        for log in logs { XCTAssertNoThrow(try JSONValue.parse(log)) }
        let violations = try SARIFSchema.violations(of: logs)
        XCTAssertEqual(violations, [[], [], []], "no input; a clean run; paths needing escapes, unknown positions, stdin")
    }

    /// A real `dch validate --format sarif` run over official messages: XML files named relative to
    /// the working folder, and an NDJSON file (outside it) of the official JSON examples.
    func testARealValidateRunOverTheCorpusMatchesTheSchema() throws {
        let corpus = try SharedCorpus.require().appendingPathComponent("corpus")
        let examples = corpus.appendingPathComponent("nhs-stu3-assets/Examples")
        let jsonExamples = try SharedCorpus.files("corpus/nhs-stu3-assets/Examples", extension: "json")
            .filter { $0.lastPathComponent.hasPrefix("DCH-") }
        var ndjson = Data()
        for url in jsonExamples {
            let compact = try JSONSerialization.data(withJSONObject: try JSONSerialization.jsonObject(with: Data(contentsOf: url)))
            ndjson += compact + Data("\n".utf8)
        }
        let ndjsonFile = Fixtures.tempFile("ndjson")
        defer { try? FileManager.default.removeItem(at: ndjsonFile) }
        try ndjson.write(to: ndjsonFile)
        let xmlFiles = try SharedCorpus.files("corpus/nems-examples", extension: "xml").map { "nems-examples/" + $0.lastPathComponent }
            + ["nhs-stu3-assets/Examples/DCH-BirthDetails-Bundle-Example-1.xml"]
        XCTAssertTrue(FileManager.default.fileExists(atPath: examples.appendingPathComponent("DCH-BirthDetails-Bundle-Example-1.xml").path))

        let r = try DCHCommand.run(["validate", "--format", "sarif"] + xmlFiles + [ndjsonFile.path], in: corpus)
        XCTAssertEqual(r.status, 1, "the corpus has errors: \(r.stderr)")
        let log = try JSONValue.parse(Array(r.stdout))
        let results = array(array(log["runs"])[0]["results"])
        XCTAssertEqual(Set(results.compactMap { string($0["level"]) }), ["error", "warning", "note"])
        let uri = { (result: JSONValue) in self.string(self.array(result["locations"]).first?["physicalLocation"]?["artifactLocation"]?["uri"]) }
        let uris = Set(results.compactMap(uri))
        XCTAssertTrue(uris.contains("nems-examples/BirthNotificationWithMother.xml"), "\(uris)")
        XCTAssertTrue(uris.contains("file://" + ndjsonFile.path), "\(uris)")
        XCTAssertGreaterThan(uris.count, 5)
        let ndjsonIndexes = Set(results.filter { uri($0) == "file://" + ndjsonFile.path }
            .compactMap { $0["properties"]?["messageIndex"]?.description })
        XCTAssertGreaterThan(ndjsonIndexes.count, 3, "issues of several NDJSON lines")
        try assertConforms(Array(r.stdout), "dch validate over \(xmlFiles.count) XML files and \(jsonExamples.count) NDJSON lines")
    }

    /// The check can fail: each defect a writer could make is caught by the schema.
    func testTheSchemaCheckCatchesABrokenLog() throws {
        let good = String(decoding: try sarif().bytes, as: UTF8.self)
        let defects: [(String, String, String)] = [
            (#""version": "2.1.0""#, #""version": "2.1""#, "$.version: '2.1' is not one of"),
            (#""level": "note""#, #""level": "information""#, "level: 'information' is not one of"),
            (#""startLine": 3"#, #""startLine": 0"#, "startLine: 0 is less than the minimum of 1"),
            (#""startColumn": 5"#, #""startColumn": -1"#, "startColumn: -1 is less than the minimum of 1"),
            (#""ruleIndex": 0"#, #""ruleIndex": "0""#, "ruleIndex: '0' is not of type 'integer'"),
            (#""uri": "a.xml""#, #""uri": "a b.xml""#, "uri: 'a b.xml' is not a 'uri-reference'"),
            (#""informationUri": "https://dch.example.org/""#, #""informationUri": "dch.example.org""#, "informationUri: 'dch.example.org' is not a 'uri'"),
            (#""message": {"#, #""note": {"#, "'message' is a required property"),
        ]
        for (from, _, _) in defects { XCTAssertTrue(good.contains(from), "fixture lacks \(from)") }
        let broken = defects.map { Array(good.replacingOccurrences(of: $0.0, with: $0.1).utf8) }
        let violations = try SARIFSchema.violations(of: [Array(good.utf8)] + broken)
        XCTAssertEqual(violations[0], [])
        for ((_, to, what), found) in zip(defects, violations.dropFirst()) {
            XCTAssertFalse(found.isEmpty, "\(what): \(to) passed the schema")
            XCTAssertTrue(found.contains { $0.contains(what) }, "\(what): \(found)")
        }
    }
}
