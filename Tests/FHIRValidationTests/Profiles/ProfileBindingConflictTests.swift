import XCTest
import Foundation
import FHIRModel
import FHIRDefinitions
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

/// The binding DCH-ProfessionalComment-Communication-1 contradicts: `Communication.category` is
/// bound extensible to communication-category (the base's binding there is only an example one)
/// while `category.coding.system` is fixed to DCH-ProfessionalCommentType-1, a code system that
/// value set does not draw from. Every conformant Professional Comment (event CH026; in the corpus,
/// inside DCH-IndividualRequirements) gets one note per message, not a warning.
final class ProfessionalCommentBindingTests: XCTestCase {
    static let profile = "https://fhir.nhs.uk/STU3/StructureDefinition/DCH-ProfessionalComment-Communication-1"
    static let commentTypes = "https://fhir.nhs.uk/STU3/CodeSystem/DCH-ProfessionalCommentType-1"
    static let categories = "http://hl7.org/fhir/ValueSet/communication-category"

    /// A Professional Comment whose category coding has `system` and `code`, claiming `profile`.
    static func comment(id: String = "c1", system: String = commentTypes, code: String = "015",
                        profile: String = profile) -> String {
        """
        <Communication xmlns="http://hl7.org/fhir">
          <id value="\(id)"/>
          <meta><profile value="\(profile)"/></meta>
          <status value="completed"/>
          <category><coding><system value="\(system)"/><code value="\(code)"/></coding></category>
          <subject><reference value="Patient/p1"/></subject>
          <sent value="2017-02-14"/>
          <payload><contentString value="Prefers green ink!"/></payload>
        </Communication>
        """
    }

    /// The binding-related issues (terminology, binding conflict, fixed values) as `severity rule path`.
    static func bindingIssues(_ xml: String, validator: Validator? = nil) throws -> [String] {
        let (root, syntax) = try VT.read(Data(xml.utf8))
        return try (validator ?? VT.validator()).validate(root, syntax: syntax)
            .filter { $0.rule.hasPrefix("terminology.") || $0.rule == "profile.binding-conflict" || $0.rule == "profile.fixed" }
            .map { "\($0.severity) \($0.rule) \($0.path ?? "")" }
    }

    func testOfficialExampleGetsOneNoteAndNoWarning() throws {
        for ext in ["xml", "json"] {
            let url = try SharedCorpus.require()
                .appendingPathComponent("corpus/nhs-stu3-assets/Examples/DCH-IndividualRequirements-Bundle-Example-1.\(ext)")
            let (root, syntax) = try VT.read(try Data(contentsOf: url))
            let issues = try VT.validator().validate(root, syntax: syntax).filter { $0.path == "Bundle.entry[8].resource.category[0]" }
            XCTAssertEqual(issues.map { "\($0.severity) \($0.rule)" }, ["information profile.binding-conflict"], ext)
            let message = issues.first?.message ?? ""
            XCTAssertTrue(message.contains(Self.categories) && message.contains(Self.commentTypes), message)
        }
    }

    func testConformantCommentIsNotedOncePerMessage() throws {
        XCTAssertEqual(try Self.bindingIssues(Self.comment()), ["information profile.binding-conflict Communication.category[0]"])
        // Two comments in one message: one note, at the first.
        let bundle = """
            <Bundle xmlns="http://hl7.org/fhir"><id value="b1"/><type value="collection"/>
              <entry><fullUrl value="urn:uuid:00000000-0000-4000-8000-000000000001"/><resource>\(Self.comment(id: "c1"))</resource></entry>
              <entry><fullUrl value="urn:uuid:00000000-0000-4000-8000-000000000002"/><resource>\(Self.comment(id: "c2", code: "001"))</resource></entry>
            </Bundle>
            """
        XCTAssertEqual(try Self.bindingIssues(bundle), ["information profile.binding-conflict Bundle.entry[0].resource.category[0]"])
    }

    func testCodingOutsideTheFixedSystemIsStillChecked() throws {
        // A communication-category code: the fixed system fails, the category's binding holds (the
        // coding's own extensible binding to the comment types does not).
        XCTAssertEqual(Set(try Self.bindingIssues(Self.comment(system: "http://hl7.org/fhir/communication-category", code: "notification"))),
                       ["error profile.fixed Communication.category[0].coding[0].system",
                        "warning terminology.extensible Communication.category[0].coding[0]"])
        // Neither: the fixed system and the extensible binding both fail.
        XCTAssertEqual(Set(try Self.bindingIssues(Self.comment(system: "urn:example:other", code: "x"))),
                       ["error profile.fixed Communication.category[0].coding[0].system",
                        "warning terminology.extensible Communication.category[0]",
                        "warning terminology.extensible Communication.category[0].coding[0]"])
    }
}

/// The rule is general, not tied to one profile: profiles written for these tests (from the
/// shipped pack's own records, added to a copy of its index) contradict a binding by a fixed
/// system under an inherited base binding, or by a required binding of their codings.
final class GeneralBindingConflictTests: XCTestCase {
    static let maritalProfile = "urn:example:profile:Patient-fixed-marital-system"
    static let requiredCodingProfile = "urn:example:profile:Comment-required-coding"
    static let consistentProfile = "urn:example:profile:Comment-consistent-system"

    /// Patient.maritalStatus keeps the base's extensible binding to marital-status, while the
    /// profile fixes `maritalStatus.coding.system` to a system outside it.
    static func maritalProfile(_ base: DefinitionPack) throws -> StructureRecord {
        var record = try XCTUnwrap(try base.structure(url: DefinitionPack.coreStructurePrefix + "Patient"))
        record.url = maritalProfile
        record.name = "Patient-fixed-marital-system"
        record.derivation = "constraint"
        let at = try XCTUnwrap(record.elements.firstIndex { $0.path == "Patient.maritalStatus" })
        record.elements.insert(contentsOf: [
            ElementRecord(path: "Patient.maritalStatus.coding", min: 0, max: "*", types: [TypeRecord(code: "Coding")]),
            ElementRecord(path: "Patient.maritalStatus.coding.system", min: 0, max: "1", types: [TypeRecord(code: "uri")],
                          fixed: FixedValue(Element(name: "fixedUri", value: "urn:example:marital"))),
        ], at: at + 1)
        return record
    }

    /// DCH-ProfessionalComment-Communication-1 with its fixed system removed and its codings bound
    /// (`required`) to the DCH comment types instead; or with the system fixed inside the category's
    /// value set and the codings left unbound (else their own binding would be the one contradicted).
    static func commentProfile(_ base: DefinitionPack, url: String, system: String?) throws -> StructureRecord {
        var record = try XCTUnwrap(try base.structure(url: ProfessionalCommentBindingTests.profile))
        record.url = url
        record.name = String(url.split(separator: ":").last!)
        for k in record.elements.indices {
            switch record.elements[k].path {
            case "Communication.category.coding.system":
                record.elements[k].fixed = system.map { FixedValue(Element(name: "fixedUri", value: $0)) }
            case "Communication.category.coding":
                record.elements[k].binding = system != nil ? nil : BindingRecord(strength: "required",
                    valueSet: "https://fhir.nhs.uk/STU3/ValueSet/DCH-ProfessionalCommentType-1")
            default: break
            }
        }
        return record
    }

    /// A validator over the shipped pack plus the profiles above.
    static func validator(_ test: XCTestCase) throws -> Validator {
        let base = try SharedCorpus.definitionPack()
        let pack = try PackWithExtraProfiles.make(base, [
            try maritalProfile(base),
            try commentProfile(base, url: requiredCodingProfile, system: nil),
            try commentProfile(base, url: consistentProfile, system: "http://hl7.org/fhir/communication-category"),
        ], label: "binding-conflict")
        test.addTeardownBlock { try? FileManager.default.removeItem(at: pack.directory) }
        return Validator(pack: pack)
    }

    static func patient(system: String, profile: String? = maritalProfile) -> String {
        """
        <Patient xmlns="http://hl7.org/fhir"><id value="p1"/>\(profile.map { "<meta><profile value=\"\($0)\"/></meta>" } ?? "")
          <maritalStatus><coding><system value="\(system)"/><code value="M"/></coding></maritalStatus>
        </Patient>
        """
    }

    func testFixedSystemUnderAnInheritedBaseBinding() throws {
        let validator = try Self.validator(self)
        let issues = { (xml: String) in try ProfessionalCommentBindingTests.bindingIssues(xml, validator: validator) }
        XCTAssertEqual(try issues(Self.patient(system: "urn:example:marital")),
                       ["information profile.binding-conflict Patient.maritalStatus"])
        // Without the profile, the base's extensible binding warns as always.
        XCTAssertEqual(try issues(Self.patient(system: "urn:example:marital", profile: nil)),
                       ["warning terminology.extensible Patient.maritalStatus"])
        // A marital-status code under the profile: the fixed system fails, the binding holds.
        XCTAssertEqual(try issues(Self.patient(system: "http://hl7.org/fhir/v3/MaritalStatus")),
                       ["error profile.fixed Patient.maritalStatus.coding[0].system"])
    }

    func testRequiredBindingOfTheCodingsUnderAnExtensibleOne() throws {
        let validator = try Self.validator(self)
        let issues = { (xml: String) in try ProfessionalCommentBindingTests.bindingIssues(xml, validator: validator) }
        let comment = { (system: String, code: String) in
            ProfessionalCommentBindingTests.comment(system: system, code: code, profile: Self.requiredCodingProfile)
        }
        XCTAssertEqual(try issues(comment(ProfessionalCommentBindingTests.commentTypes, "015")),
                       ["information profile.binding-conflict Communication.category[0]"])
        // The codings' own required binding is still checked: an unknown comment type is an error.
        XCTAssertEqual(Set(try issues(comment(ProfessionalCommentBindingTests.commentTypes, "999"))),
                       ["information profile.binding-conflict Communication.category[0]",
                        "error terminology.required Communication.category[0].coding[0]"])
    }

    func testSystemInsideTheBoundValueSetIsNoConflict() throws {
        let validator = try Self.validator(self)
        let comment = ProfessionalCommentBindingTests.comment(system: "http://hl7.org/fhir/communication-category",
                                                              code: "notification", profile: Self.consistentProfile)
        XCTAssertEqual(try ProfessionalCommentBindingTests.bindingIssues(comment, validator: validator), [])
    }
}

/// The shipped pack plus StructureDefinitions of a test's own, in a temporary folder: the pack's
/// data files are linked, not copied, and its index is extended with the extra records.
enum PackWithExtraProfiles {
    static func make(_ base: DefinitionPack, _ records: [StructureRecord], label: String) throws -> DefinitionPack {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("dch-\(label)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        let indexName = DefinitionPackLayout.indexFileName
        for name in try fm.contentsOfDirectory(atPath: base.directory.path) where name != indexName {
            try fm.createSymbolicLink(at: dir.appendingPathComponent(name), withDestinationURL: base.directory.appendingPathComponent(name))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let file = "test-profiles.ndjson"
        var data = Data()
        var index = try String(contentsOf: base.directory.appendingPathComponent(indexName), encoding: .utf8)
        for record in records {
            let json = try encoder.encode(record)
            index += PackIndexEntry(kind: .structure, url: record.url, file: file, offset: data.count, length: json.count).line + "\n"
            data.append(json)
            data.append(0x0A)
        }
        try data.write(to: dir.appendingPathComponent(file))
        try Data(index.utf8).write(to: dir.appendingPathComponent(indexName))
        return try DefinitionPack(directory: dir)
    }
}
