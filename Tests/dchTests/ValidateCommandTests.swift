import XCTest
import Foundation
import DCHTestSupport

/// `dch validate` run as a real process on real files.
final class ValidateCommandTests: CommandTestCase {
    let samples = ["Samples/nems-vaccination-new.xml", "Samples/dch-birth-weight.xml"]

    private var brokenPatient: String {
        """
        <Patient xmlns="http://hl7.org/fhir">
          <id value="p1"/>
          <favouriteColour value="blue"/>
          <birthDate value="2019-13"/>
        </Patient>

        """
    }

    func testValidSamplesExitZero() throws {
        let r = try DCHCommand.run(["validate"] + samples)
        XCTAssertEqual(r.status, 0, r.stdoutText + r.stderr)
        // Information only: bindings to SNOMED CT value sets, which cannot be checked offline (3), and
        // the event rules' notes (9): each message's event-type extension form and which source its
        // event display matches, and the DCH sample's resources against the cardinalities our
        // digest infers for Birth Details.
        XCTAssertTrue(r.stdoutText.hasSuffix("2 messages, 0 errors, 0 warnings, 12 information\n"), r.stdoutText)
        let lines = r.stdoutText.split(separator: "\n").dropLast()
        XCTAssertEqual(lines.filter { $0.contains(": information: [terminology.not-checked] ") }.count, 3, r.stdoutText)
        XCTAssertEqual(lines.filter { $0.contains(": information: [event.G6] messageEventType extension form: ") }.count, 2)
        XCTAssertEqual(lines.filter { $0.contains(": information: [event.G5] event display ") }.count, 2)
        XCTAssertTrue(lines.allSatisfy { $0.contains(": information: [terminology.not-checked] ") || $0.contains(": information: [event.") },
                      r.stdoutText)
        XCTAssertEqual(r.stderr, "")
    }

    func testBrokenFileExitsOneWithCompilerStyleLines() throws {
        let bad = try file("bad.xml", brokenPatient)
        let r = try DCHCommand.run(["validate", samples[0], bad])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stdoutText.contains("\(bad):3:3: error: [struct.unknown-element] "), r.stdoutText)
        XCTAssertTrue(r.stdoutText.contains("(Patient.favouriteColour)"), r.stdoutText)
        XCTAssertTrue(r.stdoutText.contains("\(bad):4:3: error: [value.date] "), r.stdoutText)
        // 2 terminology notes and the sample's event-type extension form.
        XCTAssertTrue(r.stdoutText.hasSuffix("2 messages, 2 errors, 0 warnings, 4 information\n"), r.stdoutText)
    }

    func testRequestedProfile() throws {
        let patient = try file("p.json", #"{"resourceType":"Patient","id":"p1","gender":"female"}"#)
        XCTAssertEqual(try DCHCommand.run(["validate", patient]).status, 0)
        let dchPatient = "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-DCH-Patient-1"
        let profiled = try DCHCommand.run(["validate", "--profile", dchPatient, patient])
        XCTAssertEqual(profiled.status, 1, profiled.stdoutText)
        // The DCH Patient needs an identifier (the NHS number slice), a name and a birth date.
        XCTAssertTrue(profiled.stdoutText.contains("error: [profile.min] missing 'identifier'"), profiled.stdoutText)
        XCTAssertTrue(profiled.stdoutText.contains("(Patient.identifier)"), profiled.stdoutText)
        let unknown = try DCHCommand.run(["validate", "--profile", "https://example.org/StructureDefinition/Nope", patient])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("no such profile in the definition pack: https://example.org/StructureDefinition/Nope"),
                      unknown.stderr)
        XCTAssertEqual(unknown.stdoutText, "")
    }

    func testFailOnWarning() throws {
        let warned = try file("w.json", #"{"resourceType":"Patient","id":"p1","name":[{"family":"Smith "}]}"#)
        let lenient = try DCHCommand.run(["validate", warned])
        XCTAssertEqual(lenient.status, 0, lenient.stdoutText)
        XCTAssertTrue(lenient.stdoutText.contains("\(warned):1:"), lenient.stdoutText)
        XCTAssertTrue(lenient.stdoutText.contains(": warning: [value.whitespace] "), lenient.stdoutText)
        let strict = try DCHCommand.run(["validate", "--fail-on", "warning", warned])
        XCTAssertEqual(strict.status, 1, strict.stdoutText)
        let junit = try DCHCommand.run(["validate", "--fail-on", "warning", "--format", "junit", warned])
        XCTAssertEqual(junit.status, 1)
        XCTAssertTrue(junit.stdoutText.contains("<failure type=\"warning\""), junit.stdoutText)
    }

    func testNDJSONReportsMessageIndicesAndLines() throws {
        let ndjson = try file("batch.ndjson", """
            {"resourceType":"Patient","id":"a"}
            {"resourceType":"Patient","id":"b",}

            {"resourceType":"Patient","id":"c","birthDate":"2019-02-30"}

            """)
        let r = try DCHCommand.run(["validate", "--format", "json", ndjson])
        XCTAssertEqual(r.status, 1, r.stderr)
        let objects = try r.stdoutText.split(separator: "\n").map { try JSONValue.parse(Array($0.utf8)) }
        XCTAssertEqual(objects.count, 2, r.stdoutText)
        XCTAssertEqual(objects.map { $0["messageIndex"] }, [.number("1"), .number("2")])
        XCTAssertEqual(objects.map { $0["line"] }, [.number("2"), .number("4")], "lines of the file")
        XCTAssertEqual(objects[0]["rule"], .string("json.syntax"))
        XCTAssertEqual(objects[1]["rule"], .string("value.date"))
        XCTAssertEqual(objects[1]["resourceId"], .string("c"))
        let text = try DCHCommand.run(["validate", ndjson])
        XCTAssertTrue(text.stdoutText.contains("# \(ndjson)#1\n\(ndjson):2:"), text.stdoutText)
        XCTAssertTrue(text.stdoutText.contains("# \(ndjson)#2 Patient/c\n\(ndjson):4:"), text.stdoutText)
        XCTAssertTrue(text.stdoutText.hasSuffix("3 messages, 2 errors, 0 warnings, 0 information\n"), text.stdoutText)
    }

    func testStdinIsValidated() throws {
        let r = try DCHCommand.run(["validate", "-"], stdin: Data(brokenPatient.utf8))
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stdoutText.contains("<stdin>:3:3: error: [struct.unknown-element]"), r.stdoutText)
    }

    func testReportWrittenToFileAtomically() throws {
        let bad = try file("bad.xml", brokenPatient)
        let report = temp.appendingPathComponent("report.sarif")
        try Data("old report".utf8).write(to: report)
        let r = try DCHCommand.run(["validate", "--format", "sarif", "-o", report.path, bad])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertEqual(r.stdout, Data(), "the report goes to the file only")
        let sarif = try JSONValue.parse(Array(try Data(contentsOf: report)))
        XCTAssertEqual(sarif["version"], .string("2.1.0"))
        // The rule descriptors say what each rule checks, from the registries.
        guard case .array(let runs)? = sarif["runs"],
              case .array(let rules)? = runs.first?["tool"]?["driver"]?["rules"] else { return XCTFail("no rules") }
        let unknown = rules.first { $0["id"] == .string("struct.unknown-element") }
        XCTAssertEqual(unknown?["shortDescription"]?["text"], .string("an element the base definition does not define"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: temp.path).filter { $0.hasSuffix(".tmp") }
        XCTAssertEqual(leftovers, [], "no temporary file is left behind")
        let unwritable = try DCHCommand.run(["validate", "-o", temp.appendingPathComponent("no/such/dir/r.txt").path, bad])
        XCTAssertEqual(unwritable.status, 2, unwritable.stderr)
        XCTAssertTrue(unwritable.stderr.contains("cannot write the report"), unwritable.stderr)
    }

    func testOutcomeReportIsItselfValidFHIR() throws {
        let bad = try file("bad.xml", brokenPatient)
        for format in ["json", "xml"] {
            let report = temp.appendingPathComponent("outcome.\(format)")
            let r = try DCHCommand.run(["validate", "--format", "outcome", "--outcome-format", format, "-o", report.path, bad])
            XCTAssertEqual(r.status, 1, r.stderr)
            let again = try DCHCommand.run(["validate", report.path])
            XCTAssertEqual(again.status, 0, again.stdoutText)
            XCTAssertEqual(again.stdoutText, "1 message, 0 errors, 0 warnings, 0 information\n")
            let converted = try DCHCommand.run(["convert", "--to", "json", report.path])
            let json = try JSONValue.parse(Array(converted.stdout))
            guard case let .array(issues)? = json["issue"] else { return XCTFail("no issues: \(converted.stdoutText)") }
            XCTAssertEqual(issues.count, 2)
        }
    }

    func testUsageAndIOErrorsExitTwo() throws {
        let unknown = try DCHCommand.run(["validate", "--format", "pdf", samples[0]])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("--format"), unknown.stderr)
        let missing = try DCHCommand.run(["validate", temp.appendingPathComponent("absent.xml").path, samples[0]])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stdoutText.contains("absent.xml: fatal: [io.read] cannot read"), missing.stdoutText)
    }

    /// fhir-single.xsd with the two schemas it imports, copied beside it into the temporary folder.
    private func schemaCopy() throws -> String {
        try SharedCorpus.officialXMLSchema(copiedInto: temp.appendingPathComponent("xsd"))
    }

    func testXSDLayer() throws {
        let xsd = try schemaCopy()
        let valid = try DCHCommand.run(["validate", "--xsd", xsd] + samples)
        XCTAssertEqual(valid.status, 0, valid.stdoutText + valid.stderr)
        XCTAssertTrue(valid.stdoutText.hasSuffix("2 messages, 0 errors, 0 warnings, 12 information\n"), valid.stdoutText)

        let sample = try String(contentsOf: SharedCorpus.packageRoot.appendingPathComponent(samples[0]), encoding: .utf8)
        let bad = try file("gender.xml", sample.replacingOccurrences(of: "<gender value=\"female\"/>",
                                                                    with: "<gender value=\"femalex\"/>"))
        let line = try XCTUnwrap(sample.split(separator: "\n", omittingEmptySubsequences: false)
            .firstIndex { $0.contains("<gender value=\"female\"/>") }) + 1
        let json = "Samples/nems-vaccination-new.json"
        let r = try DCHCommand.run(["validate", "--xsd", xsd, "--format", "json", bad, json])
        XCTAssertEqual(r.status, 1, r.stdoutText + r.stderr)
        let objects = try r.stdoutText.split(separator: "\n").map { try JSONValue.parse(Array($0.utf8)) }
        let invalid = objects.filter { $0["rule"] == .string("xsd.invalid") }
        XCTAssertEqual(invalid.count, 1, r.stdoutText)
        XCTAssertEqual(invalid.first?["line"], .number("\(line)"))
        XCTAssertEqual(invalid.first?["file"], .string(bad))
        XCTAssertEqual(invalid.first?["severity"], .string("error"))
        let notApplicable = objects.filter { $0["rule"] == .string("xsd.not-applicable") }
        XCTAssertEqual(notApplicable.count, 1, r.stdoutText)
        XCTAssertEqual(notApplicable.first?["file"], .string(json))
        XCTAssertEqual(notApplicable.first?["severity"], .string("information"))

        let text = try DCHCommand.run(["validate", "--xsd", xsd, bad])
        XCTAssertTrue(text.stdoutText.contains("\(bad):\(line):9: error: [xsd.invalid] "), text.stdoutText)
    }

    func testBadXSDPathExitsTwo() throws {
        let absent = temp.appendingPathComponent("absent.xsd").path
        let r = try DCHCommand.run(["validate", "--xsd", absent, samples[0]])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stdoutText, "")
        XCTAssertTrue(r.stderr.contains("\(absent): fatal: cannot load the XML Schema: no such file"), r.stderr)
    }

    /// `--list-rules`: every registered rule with its layer and summary, as text and as JSON lines.
    func testListRulesInTextAndJSON() throws {
        let text = try DCHCommand.run(["validate", "--list-rules"])
        XCTAssertEqual(text.status, 0, text.stderr)
        let lines = text.stdoutText.split(separator: "\n")
        XCTAssertGreaterThan(lines.count, 120)
        XCTAssertTrue(lines.contains { $0.hasPrefix("struct.min ") && $0.contains(" structure ") && $0.contains("required element") },
                      text.stdoutText)
        XCTAssertTrue(lines.contains { $0.hasPrefix("invariant.<key> ") && $0.contains(" invariants ") }, "families as patterns")

        let json = try DCHCommand.run(["validate", "--list-rules", "--format", "json"])
        XCTAssertEqual(json.status, 0, json.stderr)
        let rows = try json.stdoutText.split(separator: "\n").map { try JSONValue.parse(Array($0.utf8)) }
        XCTAssertEqual(rows.count, lines.count, "one row per rule in both forms")
        let ids = rows.compactMap { row -> String? in if case .string(let id)? = row["id"] { return id } else { return nil } }
        XCTAssertEqual(Set(ids).count, ids.count, "ids are unique")
        let slice = try XCTUnwrap(rows.first { $0["id"] == .string("profile.slice-closed") })
        XCTAssertEqual(slice["layer"], .string("profiles"))
        XCTAssertEqual(rows.first { $0["id"] == .string("event.G13") }?["layer"], .string("events"))
        XCTAssertEqual(rows.first { $0["id"] == .string("xsd.invalid") }?["layer"], .string("schema"))

        let html = try DCHCommand.run(["validate", "--list-rules", "--format", "html"])
        XCTAssertEqual(html.status, 2, "a listing is text or json")
    }
}
