import XCTest
import Foundation
import FHIRModel
import FHIRValidation
import DCHTestSupport

/// Layer 3 in the validator, for the bindings of the base definitions (profiles off; their
/// bindings are in ProfileBindingTests): mutations of a valid message (each finding with its rule
/// id at its path), and the whole corpus's terminology findings, each checked by hand.
final class TerminologyTests: XCTestCase {
    static let baseOnly = ValidationOptions(checkProfiles: false)

    func validator() throws -> Validator {
        Validator(pack: try SharedCorpus.definitionPack(), options: Self.baseOnly)
    }

    static let patient = [("entry", 2), ("resource", 0)]
    static let header = [("entry", 0), ("resource", 0)]

    /// The terminology issues of the mutated XML sample `nems-vaccination-new.xml`, as
    /// `severity rule path`; asserts that no other error appears.
    func findings(file: StaticString = #filePath, line: UInt = #line, _ mutate: (inout Element) -> Void) throws -> [String] {
        var root = try VT.read(try VT.sample(MutationTests.sampleName)).0
        mutate(&root)
        let issues = try validator().validate(root, syntax: .xml)
        let others = VT.errors(issues).filter { !$0.rule.hasPrefix("terminology.") }
        XCTAssertEqual(others.map { "\($0.rule) \($0.path ?? "")" }, [], "other errors", file: file, line: line)
        return issues.filter { $0.rule.hasPrefix("terminology.") }.map { "\($0.severity) \($0.rule) \($0.path ?? "")" }
    }

    /// `<meta><security>` with this Coding, inserted into the sample's Patient.
    func withSecurityLabel(_ system: String, _ code: String, display: String) -> (inout Element) -> Void {
        { root in
            root.edit(Self.patient + [("meta", 0)]) { meta in
                meta.children.append(Element(name: "security", children: [
                    Element(name: "system", value: system), Element(name: "code", value: code),
                    Element(name: "display", value: display),
                ]))
            }
        }
    }

    func testSampleHasNoTerminologyFindings() throws {
        XCTAssertEqual(try findings { _ in }, [])
    }

    func testCodeOutsideRequiredBindingBundleType() throws {
        XCTAssertEqual(try findings { $0.edit([("type", 0)]) { $0.value = "messages" } },
                       ["error terminology.required Bundle.type"])
    }

    func testCodeOutsideRequiredBindingInResource() throws {
        XCTAssertEqual(try findings { $0.edit(Self.patient + [("gender", 0)]) { $0.value = "F" } },
                       ["error terminology.required Bundle.entry[2].resource.gender"])
    }

    func testCodeOutsideRequiredBindingInDatatype() throws {
        // MessageHeader.source.contact is a ContactPoint: its system is bound (required) to contact-point-system.
        XCTAssertEqual(try findings { $0.edit(Self.header + [("source", 0), ("contact", 0), ("system", 0)]) { $0.value = "telephone" } },
                       ["error terminology.required Bundle.entry[0].resource.source.contact.system"])
    }

    func testExampleBindingIsNotChecked() throws {
        // MessageHeader.event is bound to message-events with strength example in the base definitions.
        XCTAssertEqual(try findings { $0.edit(Self.header + [("event", 0), ("code", 0)]) { $0.value = "no-such-event" } }, [])
    }

    func testCodingWithWrongSystem() throws {
        XCTAssertEqual(try findings(withSecurityLabel("http://hl7.org/fhir/v3/Confidentiality", "R", display: "restricted")), [])
        // Meta.security is bound extensible to security-labels: a warning. (A value set URL given
        // as the system, a common slip.)
        XCTAssertEqual(try findings(withSecurityLabel("http://hl7.org/fhir/ValueSet/v3-ConfidentialityClassification", "R",
                                                      display: "restricted")),
                       ["warning terminology.extensible Bundle.entry[2].resource.meta.security[0]"])
    }

    func testBadDisplay() throws {
        XCTAssertEqual(try findings(withSecurityLabel("http://hl7.org/fhir/v3/Confidentiality", "R", display: "normal")),
                       ["warning terminology.display Bundle.entry[2].resource.meta.security[0].display"])
    }

    func testCodeableConceptOutsideExtensibleBinding() throws {
        func maritalStatus(_ code: String) -> (inout Element) -> Void {
            { root in
                root.edit(Self.patient) { p in
                    p.children.insert(Element(name: "maritalStatus", children: [Element(name: "coding", children: [
                        Element(name: "system", value: "http://hl7.org/fhir/v3/MaritalStatus"), Element(name: "code", value: code),
                    ])]), at: p.positionOfChild("address") + 1)
                }
            }
        }
        XCTAssertEqual(try findings(maritalStatus("M")), [])
        XCTAssertEqual(try findings(maritalStatus("X")), ["warning terminology.extensible Bundle.entry[2].resource.maritalStatus"])
    }

    func testNotCheckedOncePerMessage() throws {
        // Attachment.contentType is bound (required) to the IETF's BCP 13 text, no ValueSet of the pack.
        let found = try findings { root in
            root.edit(Self.patient) { p in
                let photo = Element(name: "photo", children: [Element(name: "contentType", value: "image/png"),
                                                              Element(name: "url", value: "http://example.org/p.png")])
                p.children.insert(contentsOf: [photo, photo], at: p.positionOfChild("address") + 1)
            }
        }
        XCTAssertEqual(found, ["information terminology.not-checked Bundle.entry[2].resource.photo[0].contentType"])
    }

    func testJSONMessage() throws {
        let json = try VT.jsonText(ofSample: MutationTests.sampleName)
        XCTAssertTrue(json.contains("\"gender\": \"female\""))
        let (root, syntax) = try VT.read(Data(json.replacingOccurrences(of: "\"gender\": \"female\"", with: "\"gender\": \"woman\"").utf8))
        let issues = try validator().validate(root, syntax: syntax)
        XCTAssertEqual(issues.map { "\($0.rule) \($0.path ?? "")" }, ["terminology.required Bundle.entry[2].resource.gender"])
        XCTAssertNotNil(issues.first?.position, "the issue has a line and column")
    }

    func testTerminologyCanBeSwitchedOff() throws {
        var root = try VT.read(try VT.sample(MutationTests.sampleName)).0
        root.edit([("type", 0)]) { $0.value = "messages" }
        let validator = Validator(pack: try VT.validator().pack, options: ValidationOptions(checkTerminology: false, checkProfiles: false))
        XCTAssertEqual(validator.validate(root, syntax: .xml), [])
    }

    // MARK: The corpus

    /// Terminology findings in the corpus, as `rule path` per file, and why each is right. Every
    /// other corpus message has none.
    static let corpusFindings: [String: (reason: String, findings: [String])] = {
        var table: [String: (String, [String])] = [:]
        func add(_ files: [String], _ reason: String, _ findings: [String]) {
            for f in files { table[f, default: (reason, [])].1 += findings }
        }
        func pairs(_ stems: [String]) -> [String] { stems.flatMap { ["\($0).xml", "\($0).json"] } }
        // Provenance.agent.role (extensible, security-role-type: v3 role codes) carries an NHS SDS job
        // role (R0260, CareConnect-SDSJobRoleName-1): a code outside the value set.
        for (stems, type) in [(["CareConnect-RARecord-Condition-1-example1", "CareConnect-RARecord-Condition-1-example2"], "Condition"),
                              (["RARecord-Consent-1-example-1", "RARecord-Consent-1-example-2"], "Consent"),
                              ((1...7).map { "RARecord-Flag-1-example-\($0)" }, "Flag")] {
            add(pairs(stems), "SDS job role outside security-role-type (extensible)",
                ["terminology.extensible \(type).contained[0].agent[0].role[0]"])
        }
        // Consent.purpose (extensible, v3 PurposeOfUse) holds a SNOMED CT code; the RARecord ones
        // even write SNOMED CT's system as https://snomed.info/sct.
        add(pairs(["Consent-Example-1", "Consent-Example-2", "RARecord-Consent-1-example-1", "RARecord-Consent-1-example-2"]),
            "SNOMED CT code where PurposeOfUse (v3 ActReason) is expected (extensible)",
            ["terminology.extensible Consent.purpose[0]"])
        // Encounter.class (extensible, v3 ActEncounterCode): AMB/IMP/EMER are ActEncounterCode codes, but
        // under the system 'http://hl7.org/fhir/v3-ActEncounterCode', which is no code system (the
        // right one is http://hl7.org/fhir/v3/ActCode).
        add(["ITK-EC-Document-Bundle-1-Example-1.xml", "ITK-EDIS-Example-1.xml", "ITK-MH-Document-Bundle-Example-1.xml",
             "ITK-MH-Document-Bundle-Example-2.xml"] + (1...7).map { "ITK-OPL-Document-Bundle-1-Example-\($0).xml" },
            "Encounter.class codes under a wrong system URL (extensible)",
            ["terminology.extensible Bundle.entry[1].resource.class"])
        // Attachment.contentType and CapabilityStatement.format are bound (required) to
        // http://www.rfc-editor.org/bcp/bcp13.txt, a text, not a ValueSet of the pack: noted once per message.
        add(["ITK-EDIS-Example-1.xml"], "BCP 13 not checkable", ["terminology.not-checked Bundle.entry[3].resource.contentType"])
        add(pairs(["NDOP-CapabilityStatement-Example-1", "NDOP-CapabilityStatement-Example-2"]), "BCP 13 not checkable (two formats, one note)",
            ["terminology.not-checked CapabilityStatement.format[0]"])
        add(["NRLS-DocumentReference-Example-1.xml"], "BCP 13 not checkable",
            ["terminology.not-checked DocumentReference.content[0].attachment.contentType"])
        add(["eRS-Attachments-Example-1.json"], "BCP 13 not checkable",
            ["terminology.not-checked Parameters.parameter[3].resource.content[0].attachment.contentType"])
        return table.mapValues { (reason: $0.0, findings: $0.1) }
    }()

    func testCorpusFindings() throws {
        let validator = try validator()
        var seen = Set<String>()
        var counts: [Severity: Int] = [:]
        for folder in CorpusValidationTests.folders {
            for ext in ["xml", "json"] {
                for url in try SharedCorpus.files(folder, extension: ext) {
                    let name = url.lastPathComponent
                    seen.insert(name)
                    let (root, syntax) = try VT.read(try Data(contentsOf: url))
                    let found = validator.validate(root, syntax: syntax).filter { $0.rule.hasPrefix("terminology.") }
                    for issue in found { counts[issue.severity, default: 0] += 1 }
                    XCTAssertEqual(found.map { "\($0.rule) \($0.path ?? "")" }.sorted(),
                                   (Self.corpusFindings[name]?.findings ?? []).sorted(), name)
                }
            }
        }
        XCTAssertEqual(Set(Self.corpusFindings.keys).subtracting(seen), [], "recorded files missing from the corpus")
        // No official example breaks a required binding of the base definitions.
        XCTAssertEqual(counts, [.warning: 41, .information: 7])
    }
}
