import XCTest
import Foundation
import FHIRModel
import FHIRValidation
import DCHTestSupport

/// Every corpus message validates without crashing, and layers 1 and 4 find what it finds there for the
/// reasons recorded below (each checked by hand against FORMATS.md; see traps T4-T7, T11).
final class CorpusValidationTests: XCTestCase {
    static let folders = ["corpus/nhs-stu3-assets/Examples", "corpus/nems-examples"]

    /// Every corpus message and its layer-1 issues.
    func corpusIssues() throws -> [(name: String, issues: [Issue])] {
        let validator = try VT.validator()
        var result: [(String, [Issue])] = []
        for folder in Self.folders {
            for ext in ["xml", "json"] {
                for url in try SharedCorpus.files(folder, extension: ext) {
                    let (root, syntax) = try VT.read(try Data(contentsOf: url))
                    result.append((url.lastPathComponent, VT.structureAndBundle(validator.validate(root, syntax: syntax))))
                }
            }
        }
        return result
    }

    /// The errors layer 1 finds in official examples, as `rule path`, and why each is right.
    /// Every other corpus message has no error.
    static let expectedErrors: [String: (reason: String, errors: [String])] = [
        "DCH-BirthDetails-Bundle-Example-1.xml": ("T5: code ' 169922007' has a leading space (code pattern)", [
            "value.code Bundle.entry[8].resource.code.coding[0].code",
        ]),
        "DCH-BirthDetails-Bundle-Example-1.json": ("T4: six Quantity.value and multipleBirthInteger written as JSON strings; T5 code", [
            "value.json-kind Bundle.entry[3].resource.multipleBirthInteger",
            "value.json-kind Bundle.entry[4].resource.valueQuantity.value",
            "value.json-kind Bundle.entry[5].resource.component[0].valueQuantity.value",
            "value.json-kind Bundle.entry[5].resource.component[1].valueQuantity.value",
            "value.json-kind Bundle.entry[6].resource.valueQuantity.value",
            "value.json-kind Bundle.entry[7].resource.valueQuantity.value",
            "value.code Bundle.entry[8].resource.code.coding[0].code",
            "value.json-kind Bundle.entry[8].resource.valueQuantity.value",
        ]),
        "DCH-PhysicalExamination-Bundle-Example-1.xml": ("T6: identifier.system value=\"\" in four Observations", (4...7).map {
            "value.empty Bundle.entry[\($0)].resource.identifier[0].system"
        }),
        "DCH-PhysicalExamination-Bundle-Example-1.json": ("T6: identifier.system \"\" in four Observations", (4...7).map {
            "value.empty Bundle.entry[\($0)].resource.identifier[0].system"
        }),
        "ITK-SendPayload-Payload-Removed-Example-1.xml": ("T7: <resource><Bundle></Bundle></resource> is empty (ele-1)", [
            "struct.empty Bundle.entry[3].resource",
        ]),
        "DCH-ProfessionalContact-Professional-Bundle-Example-1.xml": ("F5: PractitionerRole.code written before organization", [
            "struct.order Bundle.entry[7].resource.organization",
        ]),
        "DCH-ProfessionalContact-Team-Bundle-Example-1.xml": ("F5: PractitionerRole.code written before organization", [
            "struct.order Bundle.entry[8].resource.organization",
        ]),
        "PDS-Death-Notification-formal-ems-example.xml": ("F5: Communication.sent written before sender", [
            "struct.order Bundle.entry[1].resource.sent",
        ]),
        "Audit-Practitioner-Example-1b.json": ("Practitioner.practitionerRole is DSTU2; STU3 has PractitionerRole as a resource", [
            "struct.unknown-element Practitioner.practitionerRole",
        ]),
        // Layer 4: urn:uuid references with no entry of that fullUrl in the message (checked by hand).
        "EMS-PDS-ChangeOfGP-Bundle-Example-1.xml": ("MessageHeader.focus urn:uuid:16de978c… is no entry's fullUrl", [
            "bundle.reference-unresolved Bundle.entry[0].resource.focus[0].reference",
        ]),
        "ITK-Response-10001-Example-1.xml": ("MessageHeader.receiver urn:uuid:a26185b3… is no entry's fullUrl", [
            "bundle.reference-unresolved Bundle.entry[0].resource.receiver.reference",
        ]),
        "ITK-Response-10002-Example-1.xml": ("MessageHeader.receiver urn:uuid:35e9fe3f… is no entry's fullUrl", [
            "bundle.reference-unresolved Bundle.entry[0].resource.receiver.reference",
        ]),
        "ITK-Response-10003-Example-1.xml": ("MessageHeader.receiver urn:uuid:b0bbf5e7… is no entry's fullUrl", [
            "bundle.reference-unresolved Bundle.entry[0].resource.receiver.reference",
        ]),
        // Issue 11: fullUrls that are no absolute URI (Bundle.entry.fullUrl is "the Absolute URL for the
        // resource"; urn:uuid: needs a UUID) and uri values RFC 3986 refuses (libxml2's xs:anyURI refuses them too).
        "EMS-PDS-ChangeOfAddress-Bundle-Example-1.xml": ("MessageHeader fullUrl '3cfdf880-…' is a bare UUID without urn:uuid:", [
            "bundle.fullurl-absolute Bundle.entry[0].fullUrl",
        ]),
        "PDS-Change-Of-Address-ems-example.xml": ("the same MessageHeader, the same bare-UUID fullUrl", [
            "bundle.fullurl-absolute Bundle.entry[0].fullUrl",
        ]),
        "ITK-OPL-Document-Bundle-1-Example-4.xml": ("fullUrl urn:uuid:ea41d09b-…-4d318ee890e99: 13 hex digits in the last group", [
            "bundle.fullurl-absolute Bundle.entry[4].fullUrl",
        ]),
        "MrS-Bundle(ScoreObs).xml": ("every fullUrl is the unfilled template '[baseURL]/Observation/…': '[' is no URI character outside an IP literal, and it is relative", (0...10).map {
            "value.uri Bundle.entry[\($0)].fullUrl"
        } + (0...10).map { "bundle.fullurl-absolute Bundle.entry[\($0)].fullUrl" }),
        "MrS-Bundle(ScoreOnly).xml": ("the same '[baseURL]/Observation/…' fullUrls", (0...3).map {
            "value.uri Bundle.entry[\($0)].fullUrl"
        } + (0...3).map { "bundle.fullurl-absolute Bundle.entry[\($0)].fullUrl" }),
        "MrS-Bundle(ScoreSScore).xml": ("the same '[baseURL]/Observation/…' fullUrls", (0...10).map {
            "value.uri Bundle.entry[\($0)].fullUrl"
        } + (0...10).map { "bundle.fullurl-absolute Bundle.entry[\($0)].fullUrl" }),
        "eRS-Attachments-Example-1.json": ("DocumentReference.indexed is an instant: '2017-08-14T02:47:12' lacks the zone", [
            "value.instant Parameters.parameter[3].resource.indexed",
        ]),
    ]

    func testCorpusOutcomes() throws {
        let all = try corpusIssues()
        XCTAssertGreaterThanOrEqual(all.count, 180, "the corpus has 116 + 54 NHS examples and 15 NEMS ones")
        var seen = Set<String>()
        var warnings = 0
        for (name, issues) in all {
            seen.insert(name)
            let errors = VT.errors(issues).map { "\($0.rule) \($0.path ?? "")" }
            XCTAssertEqual(errors, Self.expectedErrors[name]?.errors ?? [], name)
            // Layer-4 warnings (bundle.fullurl-id) are recorded in BundleRulesTests.corpusWarnings,
            // layer-3 ones (terminology.*) in TerminologyTests.corpusFindings.
            for w in issues where w.severity == .warning && !w.rule.hasPrefix("bundle.") && !w.rule.hasPrefix("terminology.") {
                XCTAssertEqual(w.rule, "value.whitespace", "\(name): \(w.message)")
                warnings += 1
            }
            XCTAssertTrue(issues.allSatisfy { $0.position != nil }, "\(name): every issue has a position")
        }
        XCTAssertEqual(Set(Self.expectedErrors.keys).subtracting(seen), [])
        // T5: edge spaces in displays and strings (9 DCH pairs of 'UNIVERSITY HOSPITAL OF DURHAM ', BloodSpot,
        // Vaccination, ITK-OPL, ITK-Response) are warnings, not errors.
        XCTAssertEqual(warnings, 31)
    }

    /// T11: Specimen.receivedTime "0900" is a lexically valid dateTime (the year 900).
    func testYear0900IsValid() throws {
        let issues = try corpusIssues().filter { $0.name.hasPrefix("DCH-BloodSpotCardReceived-Bundle-Example-1") }
        XCTAssertEqual(issues.count, 2)
        for (name, list) in issues { XCTAssertEqual(list.map(\.description), [], name) }
    }

    /// Our own samples are valid: no error or warning at any layer (profiles included), in XML and JSON.
    func testSamplesAreValid() throws {
        let dir = SharedCorpus.packageRoot.appendingPathComponent("Samples")
        let files = try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
            .filter { ["xml", "json"].contains($0.pathExtension) }
        XCTAssertFalse(files.isEmpty)
        for url in files {
            let (root, syntax) = try VT.read(try Data(contentsOf: url))
            XCTAssertEqual(VT.findings(try VT.validator().validate(root, syntax: syntax)).map(\.description), [], url.lastPathComponent)
        }
    }
}
