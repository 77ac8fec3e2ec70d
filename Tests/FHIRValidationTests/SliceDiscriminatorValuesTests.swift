import XCTest
import Foundation
import FHIRModel
import FHIRValidation
import DCHTestSupport

/// A `value` discriminator whose path gives an occurrence several values (a CodeableConcept with
/// codings of two systems, sliced on `coding.system`). FHIR requires a discriminator to resolve to
/// one value; the HL7 validator of the STU3 era (HAPI's `org.hl7.fhir.dstu3.validation.InstanceValidator`)
/// turned a fixed-value discriminator into the FHIRPath `coding.system = '…'`, whose `=` is false
/// when the two sides differ in size, so such an occurrence is in no slice. Ours does the same
/// (README, layer 2); the occurrence is then noted (information) when one of its values is a
/// slice's, and a closed slicing's error says why.
final class SliceDiscriminatorValuesTests: XCTestCase {
    static let sds = "https://fhir.hl7.org.uk/STU3/CodeSystem/CareConnect-SDSJobRoleName-1"
    static let professionalType = "https://fhir.nhs.uk/STU3/CodeSystem/DCH-ProfessionalType-1"
    static let keyWorker = "https://fhir.nhs.uk/STU3/CodeSystem/DCH-KeyWorkerStatus-1"

    /// A PractitionerRole of CareConnect-DCH-PractitionerRole-1, whose `code` is sliced on
    /// `coding.system` (openAtEnd) into sdsJobRoleName, careProfessionalType and keyWorkerStatus
    /// (0..1 each); one `code` per list of (system, code) codings.
    static func role(_ codes: [[(String, String)]]) -> String {
        let xml = codes.map { codings in
            "<code>" + codings.map { "<coding><system value=\"\($0.0)\"/><code value=\"\($0.1)\"/></coding>" }.joined() + "</code>"
        }.joined()
        return """
            <PractitionerRole xmlns="http://hl7.org/fhir"><id value="r1"/>
              <meta><profile value="https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-DCH-PractitionerRole-1"/></meta>
              \(xml)
            </PractitionerRole>
            """
    }

    /// The slicing issues of a message, as `severity rule path`.
    static func slicing(_ xml: String) throws -> [String] {
        let (root, syntax) = try VT.read(Data(xml.utf8))
        return try VT.validator().validate(root, syntax: syntax)
            .filter { $0.rule.hasPrefix("profile.slice") }
            .map { "\($0.severity) \($0.rule) \($0.path ?? "")" }
    }

    func testOneValueMatchesItsSlice() throws {
        // Each code is the sdsJobRoleName slice's: two of them break its max of 1.
        XCTAssertEqual(try Self.slicing(Self.role([[(Self.sds, "R0260")], [(Self.sds, "R0270")]])),
                       ["error profile.slice-max PractitionerRole.code"])
    }

    func testSeveralValuesOneMatchingIsInNoSlice() throws {
        // Codings of two systems: in no slice (no slice-max), each noted.
        let both = [(Self.sds, "R0260"), (Self.professionalType, "160")]
        XCTAssertEqual(try Self.slicing(Self.role([both, both])),
                       ["information profile.slice-several-values PractitionerRole.code[0]",
                        "information profile.slice-several-values PractitionerRole.code[1]"])
        // openAtEnd: a slice after it is then out of place.
        XCTAssertEqual(try Self.slicing(Self.role([both, [(Self.keyWorker, "01")]])),
                       ["information profile.slice-several-values PractitionerRole.code[0]",
                        "error profile.slice-order PractitionerRole.code[1]"])
    }

    func testSeveralValuesNoneMatchingIsSimplyInNoSlice() throws {
        XCTAssertEqual(try Self.slicing(Self.role([[("urn:example:a", "1"), ("urn:example:b", "2")]])), [])
    }

    func testOfficialExamplesWithTwoSystemsInOneCode() throws {
        // The DCH-ProfessionalContact examples code a PractitionerRole with an SDS job role and a DCH
        // professional type (Team: key-worker status) in one CodeableConcept: in no slice of the
        // openAtEnd slicing, so no error, where walking it against sdsJobRoleName (its coding 1..1,
        // of the SDS system) failed it twice (profile.max, profile.fixed at code[0].coding[1]).
        for (stem, entry) in [("DCH-ProfessionalContact-Professional-Bundle-Example-1", 7), ("DCH-ProfessionalContact-Team-Bundle-Example-1", 8)] {
            for ext in ["xml", "json"] {
                let url = try SharedCorpus.require().appendingPathComponent("corpus/nhs-stu3-assets/Examples/\(stem).\(ext)")
                let (root, syntax) = try VT.read(try Data(contentsOf: url))
                let issues = try VT.validator().validate(root, syntax: syntax)
                    .filter { $0.path?.hasPrefix("Bundle.entry[\(entry)].resource.code") == true }
                XCTAssertEqual(issues.map { "\($0.severity) \($0.rule) \($0.path ?? "")" },
                               ["information profile.slice-several-values Bundle.entry[\(entry)].resource.code[0]"], "\(stem).\(ext)")
            }
        }
    }

    /// An EMS response Task whose first input's type has `codings` (its slicing on
    /// `type.coding.code` is closed and ordered: responseLevel 1..1, messageID 1..1, lineNumber 0..1).
    static func task(firstInputType codings: [(String, String)]) -> String {
        let type = codings.map { "<coding><system value=\"\($0.0)\"/><code value=\"\($0.1)\"/></coding>" }.joined()
        return """
            <Task xmlns="http://hl7.org/fhir"><id value="t1"/>
              <meta><profile value="https://fhir.nhs.uk/STU3/StructureDefinition/EMS-EventMessageResponse-Task-1"/></meta>
              <status value="requested"/><intent value="order"/><authoredOn value="2026-03-14T10:20:00+00:00"/>
              <input><type>\(type)</type>
                <valueCodeableConcept><coding><system value="https://fhir.nhs.uk/STU3/CodeSystem/EMS-EventMessageResponseLevel-1"/><code value="001"/></coding></valueCodeableConcept>
              </input>
              <input><type><coding><system value="https://fhir.nhs.uk/STU3/CodeSystem/EMS-EventErrorInput-1"/><code value="002"/></coding></type>
                <valueId value="m1"/></input>
            </Task>
            """
    }

    func testClosedSlicingSaysWhy() throws {
        let level = ("https://fhir.nhs.uk/STU3/CodeSystem/EMS-EventMessageResponseInput-1", "001")
        XCTAssertEqual(try Self.slicing(Self.task(firstInputType: [level])), [])
        let (root, syntax) = try VT.read(Data(Self.task(firstInputType: [level, ("urn:example:other", "001")]).utf8))
        let issues = try VT.validator().validate(root, syntax: syntax).filter { $0.rule.hasPrefix("profile.slice") }
        XCTAssertEqual(issues.map { "\($0.severity) \($0.rule) \($0.path ?? "")" },
                       ["error profile.slice-min Task.input", "error profile.slice-closed Task.input[0]"])
        let closed = issues.first { $0.rule == "profile.slice-closed" }?.message ?? ""
        XCTAssertTrue(closed.contains("'type.coding.code' gives several values"), closed)
    }
}
