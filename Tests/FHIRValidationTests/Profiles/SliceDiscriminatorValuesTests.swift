import XCTest
import Foundation
import FHIRModel
import FHIRValidation
import DCHTestSupport

/// A `value` discriminator whose path gives an occurrence several values (a CodeableConcept with
/// codings of two systems, sliced on `coding.system`). FHIR asks a discriminator to resolve to one
/// value. The HL7 Java validator (org.hl7.fhir.validation's InstanceValidator, since 2019) turns a
/// fixed-value discriminator into the FHIRPath `'…' in coding.system`, which any one value meets,
/// so the occurrence is taken as that slice and held to its rules; the STU3-era validator
/// (`org.hl7.fhir.dstu3`) compared with `=`, false for several values. Ours does what today's
/// validator does (README, layer 2), and notes the occurrence (information) so that a finding on
/// its other values can be understood.
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

    func testSeveralValuesOneMatchingIsThatSlice() throws {
        // Codings of two systems, one the SDS one: both codes are sdsJobRoleName (0..1), each noted.
        let both = [(Self.sds, "R0260"), (Self.professionalType, "160")]
        XCTAssertEqual(try Self.slicing(Self.role([both, both])),
                       ["information profile.slice-several-values PractitionerRole.code[0]",
                        "information profile.slice-several-values PractitionerRole.code[1]",
                        "error profile.slice-max PractitionerRole.code"])
        // In its slice, so a slice after it is in order (openAtEnd).
        XCTAssertEqual(try Self.slicing(Self.role([both, [(Self.keyWorker, "01")]])),
                       ["information profile.slice-several-values PractitionerRole.code[0]"])
        // The first slice in the profile's order that one of the values meets takes it.
        let issues = try VT.validator().validate(try VT.read(Data(Self.role([both]).utf8)).0, syntax: .xml)
        let note = try XCTUnwrap(issues.first { $0.rule == "profile.slice-several-values" })
        XCTAssertTrue(note.message.contains("slice 'sdsJobRoleName'"), note.message)
        // ... and holds it to that slice's rules: the second coding breaks its coding 1..1 and fixed system.
        XCTAssertTrue(issues.contains { $0.rule == "profile.max" && $0.path == "PractitionerRole.code[0].coding[1]" },
                      "\(issues.map { "\($0.rule) \($0.path ?? "")" })")
    }

    func testSeveralValuesNoneMatchingIsSimplyInNoSlice() throws {
        XCTAssertEqual(try Self.slicing(Self.role([[("urn:example:a", "1"), ("urn:example:b", "2")]])), [])
    }

    func testOfficialExamplesWithTwoSystemsInOneCode() throws {
        // The DCH-ProfessionalContact examples code a PractitionerRole with an SDS job role and a DCH
        // professional type (Team: key-worker status) in one CodeableConcept: taken as the
        // sdsJobRoleName slice, whose coding is 1..1 of the SDS system, so the second coding fails
        // it twice (profile.max, profile.fixed at code[0].coding[1]; CorpusProfileTests), and noted.
        for (stem, entry) in [("DCH-ProfessionalContact-Professional-Bundle-Example-1", 7), ("DCH-ProfessionalContact-Team-Bundle-Example-1", 8)] {
            for ext in ["xml", "json"] {
                let url = try SharedCorpus.require().appendingPathComponent("corpus/nhs-stu3-assets/Examples/\(stem).\(ext)")
                let (root, syntax) = try VT.read(try Data(contentsOf: url))
                let issues = try VT.validator().validate(root, syntax: syntax)
                    .filter { $0.path?.hasPrefix("Bundle.entry[\(entry)].resource.code") == true }
                XCTAssertEqual(issues.map { "\($0.severity) \($0.rule) \($0.path ?? "")" },
                               ["information profile.slice-several-values Bundle.entry[\(entry)].resource.code[0]",
                                "error profile.max Bundle.entry[\(entry)].resource.code[0].coding[1]",
                                "error profile.fixed Bundle.entry[\(entry)].resource.code[0].coding[1].system"], "\(stem).\(ext)")
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

    func testClosedSlicing() throws {
        let level = ("https://fhir.nhs.uk/STU3/CodeSystem/EMS-EventMessageResponseInput-1", "001")
        XCTAssertEqual(try Self.slicing(Self.task(firstInputType: [level])), [])
        // Two codes at the closed slicing's discriminator, one of them responseLevel's: that slice.
        XCTAssertEqual(try Self.slicing(Self.task(firstInputType: [level, ("urn:example:other", "009")])),
                       ["information profile.slice-several-values Task.input[0]"])
        // None of them a slice's: outside every slice of a closed slicing.
        XCTAssertEqual(try Self.slicing(Self.task(firstInputType: [("urn:example:other", "008"), ("urn:example:other", "009")])),
                       ["error profile.slice-min Task.input", "error profile.slice-closed Task.input[0]"])
    }
}
