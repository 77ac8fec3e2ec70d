import XCTest
import FHIRModel
import FHIRDefinitions
import FHIRJSON
import FHIRXML
import DCHTestSupport
@testable import FHIRMapping

/// The shipped release maps (`Schemas/maps`: the official HL7 maps with dch's fixes) over every corpus
/// message (DCH, NEMS, CareConnect, ITK, EMS… examples): STU3 -> R4 loses nothing but what is listed
/// here, and R4 -> STU3 gives the original tree back. (R4 structure validation of the output runs
/// through the real `dch validate` in `MapReleaseCommandTests`.)
final class ReleaseRoundTripTests: XCTestCase {
    static let folders = ["corpus/nhs-stu3-assets/Examples", "corpus/nems-examples"]

    /// What STU3 -> R4 cannot carry, per corpus file, and why.
    static let notRepresentable: [String: (reason: String, paths: [String])] = [
        "Audit-Practitioner-Example-1b.json": ("practitionerRole is a DSTU2 element, not STU3 (no STU3 or R4 home)",
                                               ["Practitioner.practitionerRole"]),
    ]

    /// Differences after STU3 -> R4 -> STU3, per corpus file, and why: each original is invalid STU3
    /// (the STU3 validator reports it, `CorpusValidationTests`); the maps write definition order.
    static let roundTripDifferences: [String: (reason: String, differences: [String])] = [
        "Audit-Practitioner-Example-1b.json": ("the DSTU2 practitionerRole is not carried (listed by the report)",
                                               ["Practitioner: 4 children [id,meta,identifier,practitionerRole] vs 3 [id,meta,identifier]"]),
        "ITK-SendPayload-Payload-Removed-Example-1.xml": ("T7: the empty <resource><Bundle></Bundle></resource> (ele-1) has no content to map",
                                                          ["Bundle.entry[3]: 2 children [fullUrl,resource] vs 1 [fullUrl]"]),
        "DCH-ProfessionalContact-Professional-Bundle-Example-1.xml": ("F5: PractitionerRole.code before organization; written in definition order",
                                                                      swapped("Bundle.entry[7].resource[0]", "code", "[coding,coding]", "organization", "[reference]")),
        "DCH-ProfessionalContact-Team-Bundle-Example-1.xml": ("F5: PractitionerRole.code before organization; written in definition order",
                                                              swapped("Bundle.entry[8].resource[0]", "code", "[coding,coding]", "organization", "[reference]")),
        "PDS-Death-Notification-formal-ems-example.xml": ("F5: Communication.sent before sender; written in definition order", [
            "Bundle.entry[1].resource[0].sender[0]: name sender vs sent",
            "Bundle.entry[1].resource[0].sender[0]: value nil vs Optional(\"2017-11-03T00:00:00+00:00\")",
            "Bundle.entry[1].resource[0].sender[0]: 2 children [reference,display] vs 0 []",
            "Bundle.entry[1].resource[0].sent[0]: name sent vs sender",
            "Bundle.entry[1].resource[0].sent[0]: value Optional(\"2017-11-03T00:00:00+00:00\") vs nil",
            "Bundle.entry[1].resource[0].sent[0]: 0 children [] vs 2 [reference,display]",
        ]),
    ]

    /// The differences of two complex siblings written in the other order.
    static func swapped(_ at: String, _ a: String, _ aKids: String, _ b: String, _ bKids: String) -> [String] {
        let count = { (kids: String) in kids.split(separator: ",").count }
        return ["\(at).\(a)[0]: name \(a) vs \(b)", "\(at).\(a)[0]: \(count(aKids)) children \(aKids) vs \(count(bKids)) \(bKids)",
                "\(at).\(b)[0]: name \(b) vs \(a)", "\(at).\(b)[0]: \(count(bKids)) children \(bKids) vs \(count(aKids)) \(aKids)"]
    }

    static func mapper(_ direction: ReleaseDirection) throws -> ReleaseMapper {
        let set = ReleaseMapSet(folder: SharedCorpus.schemas.appendingPathComponent(ReleaseMapSet.folderName))
        let stu3 = try SharedCorpus.definitionPack(), r4 = try SharedCorpus.r4DefinitionPack()
        return ReleaseMapper(direction: direction, library: try set.library(direction),
                             sourcePack: direction == .stu3ToR4 ? stu3 : r4, targetPack: direction == .stu3ToR4 ? r4 : stu3)
    }

    static func corpus() throws -> [URL] {
        try folders.flatMap { try SharedCorpus.files($0, extension: "xml") + SharedCorpus.files($0, extension: "json") }
    }

    static func read(_ url: URL) throws -> Element {
        url.pathExtension == "xml" ? try FHIRXMLReader().read(contentsOf: url).root : try FHIRJSONReader().read(contentsOf: url).root
    }

    func testEveryCorpusMessageMapsToR4AndBack() throws {
        let there = try Self.mapper(.stu3ToR4), back = try Self.mapper(.r4ToSTU3)
        let files = try Self.corpus()
        XCTAssertGreaterThan(files.count, 180)
        var lost: [String: [String]] = [:], differences: [String: [String]] = [:]
        for url in files {
            let name = url.lastPathComponent
            let original = withoutComments(try Self.read(url))
            let r4 = try there.map(original)
            XCTAssertEqual(r4.output.resourceType, original.resourceType, name)
            if !r4.unconsumed.isEmpty { lost[name] = r4.unconsumed }
            let stu3 = try back.map(r4.output)
            let diff = treeDifferences(original, stu3.output)
            if !diff.isEmpty { differences[name] = diff }
        }
        XCTAssertEqual(lost.mapValues { $0 }, Self.notRepresentable.mapValues(\.paths), "\(lost)")
        XCTAssertEqual(differences, Self.roundTripDifferences.mapValues(\.differences),
                       differences.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.prefix(5))" }.joined(separator: "\n"))
    }
}
