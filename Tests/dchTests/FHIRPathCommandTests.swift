import XCTest
import Foundation
import DCHTestSupport

/// `dch fhirpath` run as a real process. Expected values are read off the messages themselves.
final class FHIRPathCommandTests: CommandTestCase {
    /// The official DCH birth details example: Patient DAWKINS, born 2017-10-02 (its line 167).
    var birthDetails: String {
        get throws {
            try SharedCorpus.require().appendingPathComponent(
                "corpus/nhs-stu3-assets/Examples/DCH-BirthDetails-Bundle-Example-1.json").path
        }
    }
    /// Our NEMS sample: the Immunization dose is `<value value="0.50"/>` ml; the Patient has
    /// NHS number 9990000026 and birthDate 2022-11-02.
    let sample = "Samples/nems-vaccination-new.xml"

    func testTextOutputGivesEachItemWithItsFHIRType() throws {
        let r = try DCHCommand.run(["fhirpath", "Bundle.entry.resource.ofType(Patient).birthDate", try birthDetails])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdoutText, "date 2017-10-02\n")
        XCTAssertEqual(r.stderr, "")

        let name = try DCHCommand.run(["fhirpath", "entry.resource.ofType(Patient).name.family | 'x' | 1 + 1",
                                       try birthDetails])
        XCTAssertEqual(name.stdoutText, "string DAWKINS\nSystem.String x\nSystem.Integer 2\n")
    }

    func testXMLInputKeepsDecimalsAsWrittenAndComplexValuesAsFHIRJSON() throws {
        let r = try DCHCommand.run(["fhirpath", "--format", "json",
                                    "Bundle.entry.resource.ofType(Immunization).doseQuantity | "
                                    + "Bundle.entry.resource.ofType(Immunization).doseQuantity.value", sample])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdoutText.split(separator: "\n").count, 1, "one line per message")
        XCTAssertTrue(r.stdoutText.contains(#"{"type":"decimal","value":0.50}"#), r.stdoutText)
        let line = try JSONValue.parse(Array(r.stdout))
        XCTAssertEqual(line["file"], .string(sample))
        XCTAssertEqual(line["index"], .number("0"))
        guard case let .array(items)? = line["result"], items.count == 2 else { return XCTFail(r.stdoutText) }
        XCTAssertEqual(items[0]["type"], .string("Quantity"))
        XCTAssertEqual(items[0]["value"]?["unit"], .string("ml"))
        XCTAssertEqual(items[0]["value"]?["value"], .number("0.50"))
    }

    func testContextAndResourceAreTheRootAndConstantsAreKnown() throws {
        let r = try DCHCommand.run(["fhirpath", "%resource.entry.count() = entry.count() and %context.id = id "
                                    + "and %sct = 'http://snomed.info/sct' and %loinc = 'http://loinc.org' "
                                    + "and %ucum = 'http://unitsofmeasure.org'", sample])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdoutText, "System.Boolean true\n")
    }

    func testNDJSONFromStdinIsOneMessagePerLine() throws {
        let ndjson = """
            {"resourceType": "Patient", "id": "a", "birthDate": "2019-03-01"}

            {"resourceType": "Patient", "id": "b", "birthDate": "2019"}
            """
        let text = try DCHCommand.run(["fhirpath", "birthDate"], stdin: Data(ndjson.utf8))
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertEqual(text.stdoutText, "<stdin>:1: date 2019-03-01\n<stdin>:3: date 2019\n")

        let json = try DCHCommand.run(["fhirpath", "--format", "json", "birthDate > @2019-06-01", "-"], stdin: Data(ndjson.utf8))
        XCTAssertEqual(json.stdoutText, """
            {"file":"<stdin>","index":0,"line":1,"result":[{"type":"System.Boolean","value":false}]}
            {"file":"<stdin>","index":1,"line":3,"result":[]}

            """, "2019 against 2019-06-01: different precisions, equal as far as both go: empty (FHIRPath N1)")
    }

    func testAnExpressionThatDoesNotParseIsAUsageErrorNamingTheColumn() throws {
        let r = try DCHCommand.run(["fhirpath", "name.given.(", sample])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stdoutText, "")
        XCTAssertTrue(r.stderr.contains("error: the expression does not parse: column 12:"), r.stderr)
        XCTAssertTrue(r.stderr.contains("  name.given.(\n             ^"), r.stderr)

        let unsupported = try DCHCommand.run(["fhirpath", "code.memberOf('http://x')", sample])
        XCTAssertEqual(unsupported.status, 2)
        XCTAssertTrue(unsupported.stderr.contains("cannot be evaluated: memberOf()"), unsupported.stderr)
    }

    func testAnUnreadableMessageIsNamedAndTheOthersStillEvaluated() throws {
        let bad = try file("bad.json", "{\"resourceType\": \"Patient\",\n  \"birthDate\": \"2019\",\n  \"birthDate\": \"2020\"}")
        let good = try file("good.json", #"{"resourceType": "Patient", "birthDate": "2018-05"}"#)
        let r = try DCHCommand.run(["fhirpath", "birthDate", bad, good])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stdoutText, "\(good): date 2018-05\n")
        XCTAssertTrue(r.stderr.hasPrefix("\(bad):3:"), r.stderr)
        XCTAssertTrue(r.stderr.contains("error"), r.stderr)

        let missing = try DCHCommand.run(["fhirpath", "birthDate", temp.appendingPathComponent("absent.json").path, good])
        XCTAssertEqual(missing.status, 2, "an input that cannot be read at all is an I/O error")
        XCTAssertEqual(missing.stdoutText, "\(good): date 2018-05\n")
    }

    func testAnEvaluationErrorIsNamedPerMessage() throws {
        let ndjson = """
            {"resourceType": "Patient", "name": [{"given": ["Ann"]}]}
            {"resourceType": "Patient", "name": [{"given": ["Ann", "Mary"]}]}
            """
        let r = try DCHCommand.run(["fhirpath", "--format", "json", "name.given.single()"], stdin: Data(ndjson.utf8))
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stderr, "<stdin>:2: error: message 1: cannot evaluate: single() needs one item, found 2\n")
        let lines = r.stdoutText.split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        XCTAssertEqual(lines.first, #"{"file":"<stdin>","index":0,"line":1,"result":[{"type":"string","value":"Ann"}]}"#)
        XCTAssertEqual(lines.last, #"{"file":"<stdin>","index":1,"line":2,"error":"cannot evaluate: single() needs one item, found 2"}"#)
    }
}
