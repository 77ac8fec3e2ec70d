import XCTest
import Foundation
import FHIRModel
import FHIRValidation
import DCHTestSupport

/// Layer 4 (Bundles): defects applied to the valid samples, each found with its rule at its path.
/// `nems-vaccination-new.xml` entries: 0 MessageHeader, 1 Immunization, 2 Patient, 3 Organization,
/// 4 Practitioner, 5 PractitionerRole, 6 Location.
final class BundleRulesTests: XCTestCase {
    static let samples = ["nems-vaccination-new.xml", "dch-birth-weight.xml"]

    func sample(_ name: String = "nems-vaccination-new.xml") throws -> Element {
        try VT.read(try VT.sample(name)).0
    }

    func bundleIssues(_ root: Element) throws -> [Issue] {
        try VT.validator().validate(root, syntax: .xml).filter { $0.rule.hasPrefix("bundle.") }
    }

    /// Asserts the mutated sample has exactly this `bundle.*` issue set (as `severity rule path`)
    /// and no error of any other layer.
    func assertBundleIssues(_ expected: [String], sample name: String = "nems-vaccination-new.xml",
                            file: StaticString = #filePath, line: UInt = #line,
                            _ mutate: (inout Element) -> Void) throws {
        var root = try sample(name)
        mutate(&root)
        let issues = try VT.validator().validate(root, syntax: .xml)
        let bundle = issues.filter { $0.rule.hasPrefix("bundle.") }
        XCTAssertEqual(bundle.map { "\($0.severity.rawValue) \($0.rule) \($0.path ?? "")" }, expected,
                       bundle.map(\.message).joined(separator: "\n"), file: file, line: line)
        XCTAssertTrue(bundle.allSatisfy { $0.position != nil }, "every bundle issue has a position", file: file, line: line)
        let others = VT.errors(issues).filter { !$0.rule.hasPrefix("bundle.") }
        XCTAssertEqual(others.map { "\($0.rule) \($0.path ?? "")" }, [], "unexpected other errors", file: file, line: line)
    }

    static func resource(_ entry: Int) -> [(String, Int)] { [("entry", entry), ("resource", 0)] }

    /// What breaks when the Organization (entry 3) can no longer be found by its fullUrl: every
    /// reference to it, in document order.
    static let organizationReferencesUnresolved = [
        "error bundle.reference-unresolved Bundle.entry[0].resource.responsible.reference",
        "error bundle.reference-unresolved Bundle.entry[2].resource.generalPractitioner[0].reference",
        "error bundle.reference-unresolved Bundle.entry[5].resource.organization.reference",
        "error bundle.reference-unresolved Bundle.entry[6].resource.managingOrganization.reference",
    ]

    func testSamplesHaveNoBundleIssues() throws {
        for name in Self.samples {
            XCTAssertEqual(try bundleIssues(try sample(name)).map(\.description), [], name)
        }
    }

    func testDanglingUUIDReference() throws {
        try assertBundleIssues(["error bundle.reference-unresolved Bundle.entry[1].resource.patient.reference"]) { root in
            root.edit(Self.resource(1) + [("patient", 0), ("reference", 0)]) {
                $0.value = "urn:uuid:00000000-0000-4000-8000-000000000000"
            }
        }
    }

    func testDanglingReferenceInDCHSample() throws {
        // Every reference of the birth-weight sample is to one of its entries; break the first one.
        var root = try sample("dch-birth-weight.xml")
        let refs = try bundleIssues(root)
        XCTAssertEqual(refs, [])
        var brokenPath: String?
        for (i, entry) in root.children(named: "entry").enumerated() {
            guard let r = entry.child("resource"), let subject = r.child("subject"), subject.child("reference") != nil else { continue }
            root.edit(Self.resource(i) + [("subject", 0), ("reference", 0)]) { $0.value = "urn:uuid:dangling" }
            brokenPath = "Bundle.entry[\(i)].resource.subject.reference"
            break
        }
        let path = try XCTUnwrap(brokenPath, "the sample has a subject reference")
        XCTAssertEqual(try bundleIssues(root).map { "\($0.rule) \($0.path ?? "")" }, ["bundle.reference-unresolved \(path)"])
    }

    func testRelativeReferences() throws {
        // `Patient/<id>` resolves by the Patient entry's type and id; `Patient/nope` does not.
        let root = try sample()
        let patientID = try XCTUnwrap(root.children(named: "entry")[2].child("resource")?.child("id")?.value)
        try assertBundleIssues([]) { root in
            root.edit(Self.resource(1) + [("patient", 0), ("reference", 0)]) { $0.value = "Patient/\(patientID)" }
        }
        try assertBundleIssues(["error bundle.reference-unresolved Bundle.entry[1].resource.patient.reference"]) { root in
            root.edit(Self.resource(1) + [("patient", 0), ("reference", 0)]) { $0.value = "Patient/nope" }
        }
        // A RESTful fullUrl ending in /Patient/p9 resolves `Patient/p9` too.
        try assertBundleIssues([]) { root in
            root.edit([("entry", 2), ("fullUrl", 0)]) { $0.value = "https://example.org/fhir/Patient/p9" }
            root.edit(Self.resource(2) + [("id", 0)]) { $0.value = "p9" }
            root.edit(Self.resource(1) + [("patient", 0), ("reference", 0)]) { $0.value = "Patient/p9" }
        }
    }

    func testDuplicateFullUrl() throws {
        // The last entry (the Location) twice: the second copy is the duplicate.
        try assertBundleIssues(["error bundle.fullurl-duplicate Bundle.entry[7].fullUrl"]) { root in
            let last = root.children.lastIndex { $0.name == "entry" }!
            root.children.insert(root.children[last], at: last + 1)
        }
        // Another entry's fullUrl on the Organization: a duplicate, a urn:uuid that differs from the
        // id (warning), and the four references to the Organization no longer resolve.
        let first = try XCTUnwrap(try sample().children(named: "entry")[2].child("fullUrl")?.value)
        try assertBundleIssues(["warning bundle.fullurl-id Bundle.entry[3].fullUrl",
                                "error bundle.fullurl-duplicate Bundle.entry[3].fullUrl"] + Self.organizationReferencesUnresolved) { root in
            root.edit([("entry", 3), ("fullUrl", 0)]) { $0.value = first }
        }
    }

    func testDuplicateFullUrlWithDifferentVersionsIsAllowed() throws {
        // bdl-7: the same fullUrl twice is fine when meta.versionId differs.
        var root = try sample()
        let entries = root.children.indices.filter { root.children[$0].name == "entry" }
        var copy = root.children[entries[2]]
        let version = { (v: String) in Element(name: "meta", children: [Element(name: "versionId", value: v)]) }
        copy.edit([("resource", 0)]) { $0.children.insert(version("2"), at: 1) }
        root.edit(Self.resource(2)) { $0.children.insert(version("1"), at: 1) }
        root.children.insert(copy, at: entries[3])
        XCTAssertEqual(try bundleIssues(root).map(\.rule), [])
        // Same version twice: a duplicate.
        root.edit(Self.resource(3) + [("meta", 0), ("versionId", 0)]) { $0.value = "1" }
        XCTAssertEqual(try bundleIssues(root).map { "\($0.rule) \($0.path ?? "")" },
                       ["bundle.fullurl-duplicate Bundle.entry[3].fullUrl"])
    }

    func testMessageHeaderMovedToSecondEntry() throws {
        try assertBundleIssues(["error bundle.messageheader-first Bundle.entry[0].resource"]) { root in
            let entries = root.children.indices.filter { root.children[$0].name == "entry" }
            root.children.swapAt(entries[0], entries[1])
        }
    }

    func testEmptyEntry() throws {
        var root = try sample()
        let entries = root.children.indices.filter { root.children[$0].name == "entry" }
        root.children.insert(Element(name: "entry", children: [Element(name: "fullUrl", value: "urn:uuid:11111111-1111-4111-8111-111111111111")]),
                             at: entries[3])
        XCTAssertEqual(try bundleIssues(root).map { "\($0.severity.rawValue) \($0.rule) \($0.path ?? "")" },
                       ["error bundle.entry-empty Bundle.entry[3]"])
    }

    func testLocalReferenceWithoutContained() throws {
        try assertBundleIssues(["error bundle.contained-unresolved Bundle.entry[1].resource.patient.reference"]) { root in
            root.edit(Self.resource(1) + [("patient", 0), ("reference", 0)]) { $0.value = "#x" }
        }
    }

    func testLocalReferenceToContainedResolves() throws {
        // Immunization.manufacturer -> #m1, with a contained Organization m1 (no text: dom-1).
        try assertBundleIssues([]) { root in
            root.edit(Self.resource(1)) { imm in
                let org = Element(name: "contained", resourceType: "Organization",
                                  children: [Element(name: "id", value: "m1"), Element(name: "name", value: "Maker")])
                let at = imm.children.firstIndex { !["id", "meta", "implicitRules", "language", "text"].contains($0.name) }!
                imm.children.insert(org, at: at)
                let after = imm.children.firstIndex { $0.name == "patient" }!
                // Immunization order: ... patient, encounter, date, notGiven? (STU3: status, notGiven, vaccineCode,
                // patient, encounter, date, primarySource, reportOrigin, location, manufacturer ...): put it after
                // the last element that precedes manufacturer.
                let preceding: Set<String> = ["status", "notGiven", "vaccineCode", "patient", "encounter", "date",
                                              "primarySource", "reportOrigin", "location"]
                let last = imm.children.lastIndex { preceding.contains($0.name) } ?? after
                imm.children.insert(Element(name: "manufacturer", children: [Element(name: "reference", value: "#m1")]), at: last + 1)
            }
        }
    }

    func testHistoryFullUrl() throws {
        try assertBundleIssues(["error bundle.fullurl-history Bundle.entry[2].fullUrl",
                                "error bundle.reference-unresolved Bundle.entry[1].resource.patient.reference"]) { root in
            root.edit([("entry", 2), ("fullUrl", 0)]) { $0.value = "https://example.org/fhir/Patient/p1/_history/2" }
        }
    }

    func testRestfulFullUrlContradictingId() throws {
        try assertBundleIssues(["error bundle.fullurl-id Bundle.entry[3].fullUrl"] + Self.organizationReferencesUnresolved) { root in
            root.edit([("entry", 3), ("fullUrl", 0)]) { $0.value = "https://example.org/fhir/Organization/other" }
        }
    }

    func testExternalReferenceIsInformationOnce() throws {
        // Reported once, at its first occurrence (MessageHeader.focus comes first).
        try assertBundleIssues(["information bundle.reference-external Bundle.entry[0].resource.focus[0].reference"]) { root in
            root.edit(Self.resource(1) + [("patient", 0), ("reference", 0)]) { $0.value = "https://example.org/fhir/Patient/1" }
            root.edit(Self.resource(0) + [("focus", 0), ("reference", 0)]) { $0.value = "https://example.org/fhir/Patient/1" }
        }
    }

    func testNestedBundleIsItsOwnContext() throws {
        // The sample wrapped as entry 1 of an outer message: its urn:uuid references resolve inside it,
        // and a dangling one is reported at its full path.
        let inner = try sample()
        var outer = try sample()
        let entries = outer.children.indices.filter { outer.children[$0].name == "entry" }
        var wrapped = inner
        wrapped.name = "resource"
        let entry = Element(name: "entry", children: [Element(name: "fullUrl", value: "urn:uuid:" + inner.child("id")!.value!), wrapped])
        outer.children.insert(entry, at: entries[1])
        XCTAssertEqual(try bundleIssues(outer).map(\.description), [])
        outer.edit([("entry", 1), ("resource", 0)] + Self.resource(1) + [("patient", 0), ("reference", 0)]) {
            $0.value = "urn:uuid:2d4f6a8c-0000-4a2b-8c3d-4e5f6a7b8c9d"
        }
        XCTAssertEqual(try bundleIssues(outer).map { "\($0.rule) \($0.path ?? "")" },
                       ["bundle.reference-unresolved Bundle.entry[1].resource.entry[1].resource.patient.reference"])
    }

    func testNonMessageBundleSkipsReferencesAndHeader() throws {
        var root = try sample()
        root.edit([("type", 0)]) { $0.value = "collection" }
        root.edit(Self.resource(1) + [("patient", 0), ("reference", 0)]) { $0.value = "urn:uuid:dangling" }
        let entries = root.children.indices.filter { root.children[$0].name == "entry" }
        root.children.swapAt(entries[0], entries[1])
        XCTAssertEqual(try bundleIssues(root).map(\.rule), [])
    }

    /// Every corpus message: what layer 4 finds (checked by hand; recorded in CorpusValidationTests).
    func testCorpusBundleFindings() throws {
        var lines: [String] = []
        for folder in CorpusValidationTests.folders {
            for ext in ["xml", "json"] {
                for url in try SharedCorpus.files(folder, extension: ext) {
                    let (root, syntax) = try VT.read(try Data(contentsOf: url))
                    for i in try VT.validator().validate(root, syntax: syntax) where i.rule.hasPrefix("bundle.") {
                        lines.append("\(url.lastPathComponent)\t\(i.severity.rawValue)\t\(i.rule)\t\(i.path ?? "")\t\(i.message)")
                    }
                }
            }
        }
        if let out = ProcessInfo.processInfo.environment["BUNDLE_FINDINGS_OUT"] {
            try lines.joined(separator: "\n").write(toFile: out, atomically: true, encoding: .utf8)
        }
        func kind(_ severity: String) -> [String] {
            lines.filter { $0.split(separator: "\t")[1] == severity }.map {
                let f = $0.split(separator: "\t"); return "\(f[0]) \(f[2]) \(f[3])"
            }
        }
        // Errors: exactly the bundle.* ones recorded (with reasons) in CorpusValidationTests.
        let recorded = CorpusValidationTests.expectedErrors.flatMap { name, expected in
            expected.errors.filter { $0.hasPrefix("bundle.") }.map { "\(name) \($0)" }
        }
        XCTAssertEqual(kind("error").sorted(), recorded.sorted())
        let withoutID = Self.corpusResourcesWithoutID.flatMap { name, recorded in
            recorded.entries.map { "\(name) bundle.resource-id-missing Bundle.entry[\($0)].resource" }
        }
        XCTAssertEqual(kind("warning").sorted(), (Self.corpusWarnings + withoutID).sorted())
        // Information: only references outside the Bundle (NHS examples point at real servers).
        XCTAssertEqual(Set(kind("information").map { String($0.split(separator: " ")[1]) }), ["bundle.reference-external"])
    }

    func testUUIDFullUrlAndIdCompareIgnoringCase() throws {
        // Patient (entry 2) has fullUrl urn:uuid:2d4f6a8c-0e1f-4a2b-8c3d-4e5f6a7b8c9d.
        try assertBundleIssues([]) { root in
            root.edit(Self.resource(2) + [("id", 0)]) { $0.value = "2D4F6A8C-0E1F-4A2B-8C3D-4E5F6A7B8C9D" }
        }
        for id in ["2d4f6a8c-0e1f-4a2b-8c3d-4e5f6a7b8c9e", "2d4f6a8c-0e1f-4a2b-8c3d-4e5f6a7b8c9"] {
            try assertBundleIssues(["warning bundle.fullurl-id Bundle.entry[2].fullUrl"]) { root in
                root.edit(Self.resource(2) + [("id", 0)]) { $0.value = id }
            }
        }
    }

    func testReferencePathsInsideContainedAndUnknownElements() throws {
        // A contained Organization's partOf, and an unknown element that occurs twice (indexed, as
        // layer 1 indexes it): each dangling reference at its full path.
        var root = try sample()
        root.edit(Self.resource(1)) { imm in
            let org = Element(name: "contained", resourceType: "Organization", children: [
                Element(name: "id", value: "m1"),
                Element(name: "partOf", children: [Element(name: "reference", value: "urn:uuid:dangling-1")]),
            ])
            imm.children.insert(org, at: imm.positionOfChild("status"))
            let unknown = Element(name: "unknownThing", children: [Element(name: "reference", value: "urn:uuid:dangling-2")])
            imm.children.append(contentsOf: [unknown, unknown])
        }
        XCTAssertEqual(try bundleIssues(root).map { "\($0.rule) \($0.path ?? "")" }, [
            "bundle.reference-unresolved Bundle.entry[1].resource.contained[0].partOf.reference",
            "bundle.reference-unresolved Bundle.entry[1].resource.unknownThing[0].reference",
            "bundle.reference-unresolved Bundle.entry[1].resource.unknownThing[1].reference",
        ])
    }

    /// urn:uuid fullUrls whose resource.id is another value (allowed by F9's RESTful rule, so warnings;
    /// checked by hand: in MedicationAdministration/MedicationStatement the id has a stray extra '9',
    /// in the others it is an unrelated uuid, the FailsafeAlert MessageHeaders reuse one id).
    static let corpusWarnings = [
        "DCH-AllergiesAndAdverseReactions-Bundle-Example-1.xml bundle.fullurl-id Bundle.entry[6].fullUrl",
        "DCH-BirthDetails-Bundle-Example-1.xml bundle.fullurl-id Bundle.entry[3].fullUrl",
        "DCH-BirthDetails-Bundle-Example-1.json bundle.fullurl-id Bundle.entry[3].fullUrl",
        "DCH-EducationalHistory-Bundle-Example-1.xml bundle.fullurl-id Bundle.entry[5].fullUrl",
        "DCH-MedicationAdministration-Bundle-Example-1.xml bundle.fullurl-id Bundle.entry[6].fullUrl",
        "DCH-MedicationStatement-Bundle-Example-1-.xml bundle.fullurl-id Bundle.entry[6].fullUrl",
        "DCH-PersonalContacts-Bundle-Example-1.xml bundle.fullurl-id Bundle.entry[3].fullUrl",
        "EMS-FailsafeAlert-Bundle-Example-5.xml bundle.fullurl-id Bundle.entry[0].fullUrl",
        "EMS-FailsafeAlert-Bundle-Example-6.xml bundle.fullurl-id Bundle.entry[0].fullUrl",
        "ITK-Response-20014-Example-1.xml bundle.fullurl-id Bundle.entry[2].fullUrl",
        // Two PractitionerRole entries (b7e3cc3a…, 6226a795…) for the same Practitioner and Organization with the
        // same SDS role profile id PT2468, one with a code and one without: one role sent as two resources.
        "DCH-ClinicalRiskFactors-Bundle-Example-1.xml bundle.identifier-duplicate Bundle.entry[8].resource.identifier[0]",
        "DCH-ClinicalRiskFactors-Bundle-Example-1.json bundle.identifier-duplicate Bundle.entry[8].resource.identifier[0]",
    ]

    /// Message Bundle entries whose resource has no `id` (`bundle.resource-id-missing`), checked by hand;
    /// for the JSON files ``testCorpusResourcesWithoutIDByFoundation`` confirms them with Foundation's own JSON parser.
    static let corpusResourcesWithoutID: [String: (reason: String, entries: [Int])] = {
        // The JSON forms of 22 DCH examples leave out every resource id (their XML forms carry them).
        let allEntries: [String: Int] = [
            "DCH-AdditionalDemographics": 6, "DCH-AdmissionDetails": 8, "DCH-AllergiesAndAdverseReactions": 9,
            "DCH-AssessmentScales": 9, "DCH-ClinicalRiskFactors": 10, "DCH-DevelopmentalSkills": 9,
            "DCH-DischargeDetails": 8, "DCH-EarlyYearsProgress": 9, "DCH-EducationalHistory": 10,
            "DCH-ExaminationFindings": 10, "DCH-IndividualRequirements": 10, "DCH-InformationandAdviceGiven": 9,
            "DCH-MedicationAdministration": 12, "DCH-MedicationStatement": 15, "DCH-Observation": 16,
            "DCH-ParentGuardianorPersonalComment": 8, "DCH-PersonalContacts": 9, "DCH-ProblemList": 10,
            "DCH-ProfessionalContact-Professional": 9, "DCH-ProfessionalContact-Team": 10, "DCH-SocialContext": 7,
            "DCH-Vaccination": 9,
        ]
        var recorded: [String: (reason: String, entries: [Int])] = [:]
        for (stem, count) in allEntries {
            let name = stem + (stem == "DCH-MedicationStatement" ? "-Bundle-Example-1-.json" : "-Bundle-Example-1.json")
            recorded[name] = ("the JSON form leaves out every resource id", Array(0..<count))
        }
        for ext in ["xml", "json"] {
            recorded["DCH-BirthDetails-Bundle-Example-1.\(ext)"] = ("the three birth Observations (weight, length, head circumference) have no id", [4, 5, 6])
            recorded["DCH-BloodSpotSampleTaken-Bundle-Example-1.\(ext)"] = ("the Specimen has no id", [4])
        }
        return recorded
    }()

    /// The JSON files recorded above lack exactly those ids by Foundation's JSONSerialization (another parser).
    func testCorpusResourcesWithoutIDByFoundation() throws {
        let shared = try SharedCorpus.require()
        for (name, recorded) in Self.corpusResourcesWithoutID where name.hasSuffix(".json") {
            let url = shared.appendingPathComponent("corpus/nhs-stu3-assets/Examples").appendingPathComponent(name)
            let object = try JSONSerialization.jsonObject(with: try Data(contentsOf: url)) as? [String: Any]
            let entries = try XCTUnwrap(object?["entry"] as? [[String: Any]], name)
            let missing = entries.indices.filter { (entries[$0]["resource"] as? [String: Any])?["id"] == nil }
            XCTAssertEqual(missing, recorded.entries, name)
        }
    }
}
