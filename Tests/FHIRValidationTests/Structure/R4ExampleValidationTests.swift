import XCTest
import Foundation
import FHIRModel
import FHIRDefinitions
import FHIRConversion
import FHIRValidation
import DCHTestSupport

/// Every UK Core R4 example validated against the R4 part of the pack (layers 1 to 5): no structure
/// or value error but those recorded here, each a real mistake of the example.
final class R4ExampleValidationTests: XCTestCase {
    /// Structure errors of official examples, by `line/file: rule path`, each checked against the R4
    /// definitions (element order is the StructureDefinition's; value[x] is 0..1 in Extension).
    static let knownErrors: Set<String> = [
        // Reference.extension comes before display (R4 Element: extension first).
        "stu2-2.0.2/UKCore-DiagnosticReport-Extension-DeviceReference-Example.xml: struct.order DiagnosticReport.performer[0].extension[0]",
        "stu2-2.0.2/UKCore-DiagnosticReport-Extension-DeviceReference-Example.xml: struct.order DiagnosticReport.resultsInterpreter[0].extension[0]",
        // ServiceRequest.status and intent come before priority.
        "stu2-2.0.2/UKCore-Extension-PriorityReason-SendingAsText-Example.xml: struct.order ServiceRequest.status",
        "stu2-2.0.2/UKCore-Extension-PriorityReason-SendingAsText-Example.xml: struct.order ServiceRequest.intent",
        "stu2-2.0.2/UKCore-ServiceRequest-Extension-PriorityReason-Example.xml: struct.order ServiceRequest.status",
        "stu2-2.0.2/UKCore-ServiceRequest-Extension-PriorityReason-Example.xml: struct.order ServiceRequest.intent",
        // DomainResource.text comes before Observation.status; Resource.meta before text.
        "stu3-currentbuild-main/Extension-UKCore-CodingSCT-IllicitDrugs-Example.xml: struct.order Observation.text",
        "stu3-currentbuild-main/UKCore-Observation-Lab-Albumin-Example.xml: struct.order Observation.meta",
        // Questionnaire.item.extension comes before linkId.
        "stu3-currentbuild-main/UKCore-Questionnaire-EOLPlan-Example.xml: struct.order Questionnaire.item[0].item[0].item[0].extension[0]",
        // The extension carries both valueCode and valueCodeableConcept; Extension.value[x] is 0..1.
        "stu3-currentbuild-main/Extension-UKCore-ConditionEpisode-Example.xml: struct.max Condition.extension[0].valueCodeableConcept",
    ]

    func testEveryUKCoreExampleHasNoStructureErrorButTheKnownOnes() throws {
        let pack = try SharedCorpus.r4DefinitionPack()
        let converter = Converter(pack: pack)
        let validator = Validator(pack: pack)
        var found = Set<String>()
        var validated = 0
        for file in try SharedCorpus.ukCoreExamples() {
            let name = file.deletingLastPathComponent().deletingLastPathComponent().lastPathComponent + "/" + file.lastPathComponent
            guard let decoded = try? converter.read(Data(contentsOf: file)), !decoded.issues.contains(where: { $0.severity >= .error })
            else { continue }   // the nine STU2 examples outside the FHIR namespace (R4ExampleConversionTests)
            validated += 1
            for issue in validator.validate(decoded.root, syntax: .xml) where issue.severity >= .error
                && (issue.rule.hasPrefix("struct.") || issue.rule.hasPrefix("value.")) {
                found.insert("\(name): \(issue.rule) \(issue.path ?? "")")
            }
        }
        XCTAssertEqual(validated, 346)
        XCTAssertEqual(found, Self.knownErrors, found.subtracting(Self.knownErrors).sorted().joined(separator: "\n"))
    }

    /// Profile findings (errors, and the warnings that say a definition is missing) of the UK Core
    /// examples validated against their UK Core profiles, by `line/file: rule path`: each a real
    /// mistake of the example, checked against the profile's differential. (The BloodPressure example's
    /// `loinc` coding slices, min 1, fix no `system`, which their slicing discriminates on: the profile's
    /// fault, reported as `profile.slicing-unevaluable` information, no error.)
    static let knownProfileFindings: Set<String> = [
        // Extension-UKCore-ConditionEpisode's value[x] is CodeableConcept only; the example also has a valueCode
        // (and so two values, the struct.max error above).
        "stu3-currentbuild-main/Extension-UKCore-ConditionEpisode-Example.xml: profile.type Condition.extension[0].valueCode",
        // The extension URL is miscased: `…/Extension-UKCore-OutcomeofAttendance` for Extension-UKCore-OutcomeOfAttendance.
        "stu2-2.0.2/UKCore-Encounter-Extension-OutcomeofAttendance-Example.xml: profile.extension-unknown Encounter.extension[0]",
        // The extension URL is misspelt: `…/Extension-UKCore-RcordingSetting` for Extension-UKCore-RecordingSetting.
        "stu3-currentbuild-main/Extension-UKCore-RecordingSetting-Example.xml: profile.extension-unknown Observation.extension[0]",
    ]

    /// Every UK Core example against the UK Core profile it illustrates (the longest UK Core profile
    /// name its file name starts with, of its resource type; else `UKCore-<type>`), besides what it
    /// claims and every extension's definition: the profiles' snapshots are generated from their
    /// differentials at pack build time (`SnapshotGenerator`).
    func testEveryUKCoreExampleMeetsItsUKCoreProfile() throws {
        let pack = try SharedCorpus.r4DefinitionPack()
        let converter = Converter(pack: pack)
        let prefix = "https://fhir.hl7.org.uk/StructureDefinition/"
        var profilesByType: [String: [String]] = [:]
        for url in try pack.urls(of: .structure) where url.hasPrefix(prefix + "UKCore-") {
            guard let record = try pack.structure(url: url), record.kind == "resource" else { continue }
            profilesByType[record.type, default: []].append(String(url.dropFirst(prefix.count)))
        }
        XCTAssertGreaterThanOrEqual(profilesByType.values.map(\.count).reduce(0, +), 70)
        var found = Set<String>()
        var messages: [String] = []
        var validated = 0, checkedAgainstProfile = 0
        for file in try SharedCorpus.ukCoreExamples() {
            let name = file.deletingLastPathComponent().deletingLastPathComponent().lastPathComponent + "/" + file.lastPathComponent
            guard let decoded = try? converter.read(Data(contentsOf: file)), !decoded.issues.contains(where: { $0.severity >= .error })
            else { continue }
            validated += 1
            let type = decoded.root.resourceType ?? ""
            let candidates = profilesByType[type] ?? []
            let profile = candidates.filter { file.lastPathComponent.hasPrefix($0 + "-") }.max { $0.count < $1.count }
                ?? candidates.first { $0 == "UKCore-" + type }
            if profile != nil { checkedAgainstProfile += 1 }
            let validator = Validator(pack: pack, options: ValidationOptions(profiles: profile.map { [prefix + $0] } ?? []))
            for issue in validator.validate(decoded.root, syntax: .xml) where issue.rule.hasPrefix("profile.")
                && (issue.severity >= .error || issue.rule == "profile.unknown" || issue.rule == "profile.extension-unknown") {
                found.insert("\(name): \(issue.rule) \(issue.path ?? "")")
                messages.append("\(name): \(issue.rule) \(issue.path ?? ""): \(issue.message)")
            }
        }
        XCTAssertEqual(validated, 346)
        XCTAssertEqual(checkedAgainstProfile, 346)   // every example's type has a UK Core profile
        XCTAssertEqual(found, Self.knownProfileFindings, messages.sorted().joined(separator: "\n"))
    }

    /// R4 definitions at work: an R4-only element and an R4 primitive are checked as R4 says.
    func testR4RulesApply() throws {
        let pack = try SharedCorpus.r4DefinitionPack()
        let converter = Converter(pack: pack)
        let validator = Validator(pack: pack)
        let xml = """
            <Immunization xmlns="http://hl7.org/fhir">
              <status value="completed"/>
              <vaccineCode><text value="x"/></vaccineCode>
              <patient><reference value="Patient/1"/></patient>
              <occurrenceDateTime value="2021-07-20"/>
              <protocolApplied><doseNumberPositiveInt value="0"/></protocolApplied>
            </Immunization>
            """
        let issues = validator.validate(try converter.read(Data(xml.utf8)).root, syntax: .xml)
        let errors = issues.filter { $0.severity >= .error }
        XCTAssertEqual(errors.map(\.rule), ["value.positiveInt"], "\(errors)")   // positiveInt is 1 or more (R4 datatypes)
        XCTAssertEqual(errors.first?.path, "Immunization.protocolApplied[0].doseNumberPositiveInt")
    }
}
