import XCTest
import Foundation
import DCHTestSupport

/// `dch convert` and `dch validate` on R4 messages, with `--fhir-version` and without.
final class R4CommandTests: CommandTestCase {
    func testValidateDetectsAnR4MessageAndSaysSo() throws {
        let example = try SharedCorpus.require()
            .appendingPathComponent("fhir-r4/uk-core/stu2-2.0.2/examples/UKCore-Immunization-Sn-PatientConformVaccination-Example.xml").path
        let r = try DCHCommand.run(["validate", example])
        XCTAssertEqual(r.status, 0, r.stdoutText + r.stderr)
        XCTAssertTrue(r.stdoutText.contains("information: [format.fhir-version] checked as FHIR R4 ("), r.stdoutText)
        XCTAssertFalse(r.stdoutText.contains("[event."), "no event rules on R4")
        let given = try DCHCommand.run(["validate", "--fhir-version", "4", example])
        XCTAssertTrue(given.stdoutText.contains("checked as FHIR R4 (given)"), given.stdoutText)
    }

    func testSTU3SamplesStaySTU3() throws {
        let r = try DCHCommand.run(["validate", "Samples/nems-vaccination-new.xml"])
        XCTAssertFalse(r.stdoutText.contains("format.fhir-version"), r.stdoutText)
        XCTAssertTrue(r.stdoutText.contains("[event."), r.stdoutText)
    }

    func testConvertWithFHIRVersion4() throws {
        let xml = try file("imm.xml", """
            <Immunization xmlns="http://hl7.org/fhir">
              <!-- an XML comment -->
              <status value="completed"/>
              <vaccineCode><text value="x"/></vaccineCode>
              <patient><reference value="Patient/1"/></patient>
              <occurrenceDateTime value="2021"/>
            </Immunization>
            """)
        let r = try DCHCommand.run(["convert", "--fhir-version", "4", "--compact", xml])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdoutText, #"{"resourceType":"Immunization","status":"completed","vaccineCode":{"text":"x"},"patient":{"reference":"Patient/1"},"occurrenceDateTime":"2021"}"# + "\n")
        XCTAssertTrue(r.stderr.contains("[json.comments-dropped]") || r.stderr.contains("1 comment(s) left out"), r.stderr)
        let stu3 = try DCHCommand.run(["convert", "--fhir-version", "3", "--compact", xml])
        XCTAssertEqual(stu3.status, 1, "STU3 Immunization has no occurrenceDateTime")
        XCTAssertTrue(stu3.stderr.contains("occurrenceDateTime"), stu3.stderr)
    }
}
