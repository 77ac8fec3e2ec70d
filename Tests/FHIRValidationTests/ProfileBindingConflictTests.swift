import XCTest
import Foundation
import FHIRModel
import FHIRValidation
import DCHTestSupport

/// `profile.binding-conflict`: a profile that fixes a coding system its own binding excludes
/// (EMS-EventMessageResponse-Task-1 in the corpus) is reported once as its defect, not as an error
/// of every instance; codings that do not follow the fixed system are still checked.
final class ProfileBindingConflictTests: XCTestCase {
    let valueSetURL = "https://fhir.nhs.uk/STU3/ValueSet/EMS-EventMessageResponseCode-1"
    let codeSystemURL = "https://fhir.nhs.uk/STU3/CodeSystem/EMS-EventMessageResponseCode-1"

    /// A Task of the EMS response profile whose reason coding has `system`.
    func task(reasonSystem system: String) -> String {
        """
        <Task xmlns="http://hl7.org/fhir">
          <id value="t1"/>
          <meta><profile value="https://fhir.nhs.uk/STU3/StructureDefinition/EMS-EventMessageResponse-Task-1"/></meta>
          <status value="requested"/>
          <intent value="order"/>
          <authoredOn value="2026-03-14T10:20:00+00:00"/>
          <reason><coding><system value="\(system)"/><code value="R00"/><display value="Message success"/></coding></reason>
          <input>
            <type><coding><system value="https://fhir.nhs.uk/STU3/CodeSystem/EMS-EventMessageResponseInput-1"/><code value="001"/><display value="Response Level"/></coding></type>
            <valueCodeableConcept><coding><system value="https://fhir.nhs.uk/STU3/CodeSystem/EMS-EventMessageResponseLevel-1"/><code value="001"/><display value="Success"/></coding></valueCodeableConcept>
          </input>
          <input>
            <type><coding><system value="https://fhir.nhs.uk/STU3/CodeSystem/EMS-EventErrorInput-1"/><code value="002"/><display value="Message ID"/></coding></type>
            <valueId value="m1"/>
          </input>
        </Task>
        """
    }

    func issues(_ xml: String) throws -> [Issue] {
        let (root, syntax) = try VT.read(Data(xml.utf8))
        return try VT.validator().validate(root, syntax: syntax)
    }

    func testFixedSystemThatContradictsTheBindingIsAWarning() throws {
        let found = try issues(task(reasonSystem: valueSetURL))
        XCTAssertEqual(found.filter { $0.severity >= .error }, [])
        let conflicts = found.filter { $0.rule == "profile.binding-conflict" }
        XCTAssertEqual(conflicts.map(\.path), ["Task.reason", "Task.input[1].type"])
        XCTAssertTrue(conflicts.allSatisfy { $0.severity == .warning })
        XCTAssertTrue(conflicts[0].message.contains(valueSetURL), conflicts[0].message)
    }

    func testCodingOutsideTheFixedSystemIsStillAnError() throws {
        // The code system the value set does include: the binding holds, the fixed value does not.
        let found = try issues(task(reasonSystem: codeSystemURL))
        XCTAssertEqual(found.filter { $0.severity >= .error }.map(\.rule), ["profile.fixed"])
        XCTAssertEqual(found.filter { $0.rule == "profile.binding-conflict" }.map(\.path), ["Task.input[1].type"])
        // Neither: both the fixed value and the binding fail.
        let other = try issues(task(reasonSystem: "urn:example:other"))
        XCTAssertEqual(Set(other.filter { $0.severity >= .error && $0.path == "Task.reason" }.map(\.rule)),
                       ["terminology.required"])
        XCTAssertTrue(other.contains { $0.rule == "profile.fixed" && $0.path?.hasPrefix("Task.reason") == true })
    }
}
