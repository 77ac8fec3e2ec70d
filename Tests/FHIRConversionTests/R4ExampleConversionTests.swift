import XCTest
import Foundation
import FHIRModel
import FHIRDefinitions
import FHIRConversion
import DCHTestSupport

/// R4 conversion over every R4 instance in ../shared/fhir-r4 (the R4 core package holds no examples;
/// UK Core has 355, in its two lines), with the R4 part of the pack, to the STU3 corpus tests'
/// standard: XML -> JSON -> XML gives the same tree and JSON -> XML -> JSON the same bytes.
/// R4 JSON has no `fhir_comments`, so XML comments are left out of the JSON, with one warning.
final class R4ExampleConversionTests: XCTestCase {
    /// Official UK Core examples whose root has no FHIR namespace: not FHIR XML (bad-input files).
    /// (The current build fixed most of them.)
    static let notInFHIRNamespace: Set<String> = [
        "stu2-2.0.2/UKCore-Composition-Discharge-Example.xml", "stu2-2.0.2/UKCore-Observation-DrugUse-Example.xml",
        "stu2-2.0.2/UKCore-Observation-Extension-TriggeredBy-Example.xml", "stu2-2.0.2/UKCore-Observation-FingerJointInflamed-Example.xml",
        "stu2-2.0.2/UKCore-Observation-Group-FullBloodCount-Example.xml", "stu2-2.0.2/UKCore-Observation-Lab-RedCellCount-Example.xml",
        "stu2-2.0.2/UKCore-Observation-Lab-Sn-AbsentData-Example.xml", "stu2-2.0.2/UKCore-Observation-Lab-WhiteCellCount-Example.xml",
        "stu2-2.0.2/UKCore-Patient-Extension-PreferredDispenserOrganization-Example.xml",
    ]

    /// `line/file.xml`: the examples of the two UK Core lines share names.
    static func qualifiedName(_ file: URL) -> String {
        file.deletingLastPathComponent().deletingLastPathComponent().lastPathComponent + "/" + file.lastPathComponent
    }

    /// Official UK Core examples whose elements are not in R4 definition order (the R4 definitions'
    /// order: Reference.extension before display, ServiceRequest.status and intent before priority,
    /// DomainResource.meta before text, text before Observation.status, Questionnaire.item.extension
    /// before linkId). Our XML writer restores the order, so they round-trip once put in order.
    static let outOfDefinitionOrder: Set<String> = [
        "stu2-2.0.2/UKCore-DiagnosticReport-Extension-DeviceReference-Example.xml",
        "stu2-2.0.2/UKCore-Extension-PriorityReason-SendingAsText-Example.xml",
        "stu2-2.0.2/UKCore-ServiceRequest-Extension-PriorityReason-Example.xml",
        "stu3-currentbuild-main/Extension-UKCore-CodingSCT-IllicitDrugs-Example.xml",
        "stu3-currentbuild-main/UKCore-Observation-Lab-Albumin-Example.xml",
        "stu3-currentbuild-main/UKCore-Questionnaire-EOLPlan-Example.xml",
    ]

    var converter: Converter!

    override func setUpWithError() throws {
        converter = Converter(pack: try SharedCorpus.r4DefinitionPack())
    }

    func testEveryUKCoreExampleRoundTrips() throws {
        let files = try SharedCorpus.ukCoreExamples()
        XCTAssertEqual(files.count, 355, "140 STU2 and 215 current-build examples")
        var roundTripped = 0
        for file in files {
            let name = Self.qualifiedName(file)
            let data = try Data(contentsOf: file)
            if Self.notInFHIRNamespace.contains(name) {
                let issues: [Issue]
                do { issues = try converter.read(data).issues } catch let error as IssuesError { issues = error.issues }
                XCTAssertTrue(issues.contains { $0.rule == "xml.namespace" && $0.severity >= .error }, name)
                continue
            }
            var original = try converter.read(data).root
            if Self.outOfDefinitionOrder.contains(name) {
                let ordered = try converter.read(Data(converter.write(original, format: .xml).bytes)).root
                XCTAssertNotEqual(treeDifferences(original, ordered), [], "\(name): recorded as out of order")
                original = ordered
            }
            let json = try converter.write(original, format: .json)
            let commentCount = allComments(original).count
            let dropped = json.issues.filter { $0.rule == "json.comments-dropped" }
            XCTAssertEqual(dropped.count, commentCount > 0 ? 1 : 0, "\(name): one warning when comments are left out")
            XCTAssertFalse(String(decoding: json.bytes, as: UTF8.self).contains("fhir_comments"), name)
            let back = try converter.read(Data(json.bytes)).root
            let xml = try converter.write(back, format: .xml)
            let again = try converter.read(Data(xml.bytes)).root
            XCTAssertEqual(treeDifferences(withoutComments(original), again), [], "\(name): XML->JSON->XML")
            let json2 = try converter.write(again, format: .json)
            XCTAssertEqual(json.bytes, json2.bytes, "\(name): JSON->XML->JSON is not the identity")
            roundTripped += 1
        }
        XCTAssertEqual(roundTripped, 346)
    }

    /// R4 datatypes and elements the STU3 definitions lack, typed from the R4 pack (R4 JSON format).
    func testR4TypesAreWrittenAsR4Defines() throws {
        let xml = """
            <Immunization xmlns="http://hl7.org/fhir">
              <status value="completed"/>
              <vaccineCode><text value="x"/></vaccineCode>
              <patient><reference value="Patient/1"/><type value="Patient"/></patient>
              <occurrenceDateTime value="2021-07-20"/>
              <protocolApplied><doseNumberPositiveInt value="2"/></protocolApplied>
            </Immunization>
            """
        let json = try converter.convert(Data(xml.utf8), to: .json, pretty: false)
        XCTAssertEqual(String(decoding: json.bytes, as: UTF8.self),
                       #"{"resourceType":"Immunization","status":"completed","vaccineCode":{"text":"x"},"#
                       + #""patient":{"reference":"Patient/1","type":"Patient"},"occurrenceDateTime":"2021-07-20","#
                       + #""protocolApplied":[{"doseNumberPositiveInt":2}]}"#)
        XCTAssertEqual(json.issues, [])
    }

    /// Detection: a UK Core example is R4 unless nothing in it says so (no R4 URL, and STU3 defines
    /// every element: the same message is valid STU3); every STU3 corpus message is STU3, without
    /// opening the R4 pack.
    func testReleasesAreDetected() throws {
        let stu3 = try SharedCorpus.definitionPack()
        let r4 = try SharedCorpus.r4DefinitionPack()
        let r4Opened = OpenCounter()
        let detector = FHIRVersionDetector(stu3: stu3, r4: { r4Opened.add(); return r4 })
        let reader = Converter(pack: stu3)
        var byReason: [String: Int] = [:]
        for file in try SharedCorpus.ukCoreExamples() where !Self.notInFHIRNamespace.contains(Self.qualifiedName(file)) {
            let data = try Data(contentsOf: file)
            let detection = detector.detect(try reader.read(data).root)
            let said = detection.reason.hasPrefix("meta.profile") ? "profile" : detection.reason.hasPrefix("extension") ? "extension"
                : detection.version == .r4 ? "content" : detection.reason
            byReason[said, default: 0] += 1
            if detection.version == .stu3 {
                XCTAssertEqual(detection.reason, "default: STU3 defines every element", file.lastPathComponent)
                XCTAssertEqual(FHIRVersionDetector.unknownElements(try reader.read(data).root, pack: stu3), 0)
            }
        }
        // The figures the README gives.
        XCTAssertEqual(byReason, ["profile": 1, "extension": 122, "content": 101, "default: STU3 defines every element": 122],
                       "\(byReason)")
        XCTAssertGreaterThan(r4Opened.count, 0, "examples without UK Core URLs are told by their content")
        r4Opened.reset()
        let stu3Files = try SharedCorpus.files("corpus/nems-examples", extension: "xml")
            + SharedCorpus.files("corpus/nhs-stu3-assets/Examples", extension: "xml")
        XCTAssertGreaterThan(stu3Files.count, 100)
        for file in stu3Files {
            let data = try Data(contentsOf: file)
            let detection = detector.detect(try reader.read(data).root)
            XCTAssertEqual(detection.version, .stu3, "\(file.lastPathComponent): \(detection.reason)")
            XCTAssertNotEqual(FHIRVersionDetector.markedVersion(inBytes: data), .r4, file.lastPathComponent)
        }
        XCTAssertEqual(r4Opened.count, 0, "an STU3 message never opens the R4 pack")
    }

    func testDetectionRules() throws {
        let stu3 = try SharedCorpus.definitionPack()
        let r4 = try SharedCorpus.r4DefinitionPack()
        let detector = FHIRVersionDetector(stu3: stu3, r4: { r4 })
        let reader = Converter(pack: stu3)
        func detect(_ xml: String) throws -> FHIRVersionDetector.Detection {
            detector.detect(try reader.read(Data(xml.utf8)).root)
        }
        let ukCore = try detect(#"<Patient xmlns="http://hl7.org/fhir"><meta><profile value="https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient"/></meta></Patient>"#)
        XCTAssertEqual(ukCore, .init(version: .r4, reason: "meta.profile https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient"))
        let careConnect = try detect(#"<Patient xmlns="http://hl7.org/fhir"><meta><profile value="https://fhir.hl7.org.uk/STU3/StructureDefinition/CareConnect-Patient-1"/></meta></Patient>"#)
        XCTAssertEqual(careConnect.version, .stu3)
        let versioned = try detect(#"<Patient xmlns="http://hl7.org/fhir"><meta><profile value="http://hl7.org/fhir/StructureDefinition/Patient|4.0.1"/></meta></Patient>"#)
        XCTAssertEqual(versioned.version, .r4)
        let serviceRequest = try detect(#"<ServiceRequest xmlns="http://hl7.org/fhir"><status value="active"/></ServiceRequest>"#)
        XCTAssertEqual(serviceRequest, .init(version: .r4, reason: "resource type ServiceRequest (R4 only)"))
        let element = try detect(#"<Immunization xmlns="http://hl7.org/fhir"><status value="completed"/><occurrenceDateTime value="2021"/></Immunization>"#)
        XCTAssertEqual(element.version, .r4)
        let plain = try detect(#"<Patient xmlns="http://hl7.org/fhir"><gender value="male"/></Patient>"#)
        XCTAssertEqual(plain.version, .stu3)
        let unknownToBoth = try detect(#"<Patient xmlns="http://hl7.org/fhir"><favouriteColour value="blue"/></Patient>"#)
        XCTAssertEqual(unknownToBoth.version, .stu3)
    }
}

/// Counts how often the R4 pack was asked for.
private final class OpenCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    var count: Int { lock.withLock { value } }
    func add() { lock.withLock { value += 1 } }
    func reset() { lock.withLock { value = 0 } }
}
