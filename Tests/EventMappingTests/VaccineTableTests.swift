import Foundation
import XCTest
import FHIRModel
import HL7v2
import EventMapping
import DCHTestSupport

/// The VXU mapping's vaccine table (RXA-5.1 -> SNOMED CT vaccination procedure): written from the
/// definition pack and the official examples by scripts/vaccine-table; every entry maps and
/// validates; a vaccine outside it is an error for its RXA only.
final class VaccineTableTests: XCTestCase {
    private static let shared: Result<(HL7v2EventMapper, MappingDefinition), Error> = Result {
        let parts = try MappingFixture.parts()
        let engine = try EventMappingEngine(kind: "hl7v2", pack: parts.pack, events: parts.events)
        let mapping = try XCTUnwrap(engine.mappings.mappings.first { $0.eventCode == "vaccinations-1" })
        return (HL7v2EventMapper(engine: engine), mapping)
    }

    /// The translate table of the field with `target`.
    private func table(_ target: String) throws -> [String: String] {
        let mapping = try Self.shared.get().1
        let field = try XCTUnwrap(mapping.fields.first { $0.target != nil && $0.target == MappingTarget(target) }, target)
        for case .translate(let table, _) in field.importTransforms { return table }
        throw XCTSkip("unreachable: \(target) has no translate")
    }

    /// The UK Core Vaccination Procedure expansion of the shipped pack: code -> display.
    private func packProcedures() throws -> [String: String] {
        let url = SharedCorpus.packageRoot.appendingPathComponent("Schemas/r4/ukcore-terminology.ndjson")
        for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n") {
            guard line.contains("\"https://fhir.hl7.org.uk/ValueSet/UKCore-VaccinationProcedure\"") else { continue }
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            guard object["url"] as? String == "https://fhir.hl7.org.uk/ValueSet/UKCore-VaccinationProcedure" else { continue }
            let expansion = try XCTUnwrap(object["expansion"] as? [[String: String]])
            return Dictionary(expansion.map { ($0["code"]!, $0["display"]!) }, uniquingKeysWith: { a, _ in a })
        }
        XCTFail("no UK Core Vaccination Procedure expansion in the pack")
        return [:]
    }

    func testTheTableIsWhatTheScriptDerivesFromThePack() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") else {
            throw Prerequisite.missing("python3 (apt-get install python3), which runs scripts/vaccine-table")
        }
        try SharedCorpus.require()
        let root = SharedCorpus.packageRoot
        let r = try DCHCommand.run(executable: URL(fileURLWithPath: "/usr/bin/python3"),
                                   [root.appendingPathComponent("scripts/vaccine-table").path, "--check"], in: root)
        XCTAssertEqual(r.status, 0, r.stderr)
        // Every procedure is in the pack's UK Core expansion, with the pack's display.
        let codes = try table("vaccination.procedureCode"), displays = try table("vaccination.procedureDisplay")
        let procedures = try packProcedures()
        XCTAssertGreaterThanOrEqual(codes.count, 50)
        XCTAssertEqual(Set(codes.keys), Set(displays.keys))
        for (vaccine, procedure) in codes {
            XCTAssertEqual(procedures[procedure], displays[vaccine], "\(vaccine) -> \(procedure)")
        }
        // The official examples' products are in it: Priorix (NEMS vaccinations-1), Fluarix Tetra (CareConnect).
        XCTAssertEqual(codes["34925411000001109"], "38598009")
        XCTAssertEqual(codes["22704311000001109"], "822851000000102")
        XCTAssertEqual(codes["03"], "38598009", "CVX 03 MMR")
    }

    /// A VXU (from the sample's MSH and PID) with one ORC/RXA per vaccine code.
    private func vxu(_ vaccines: [(code: String, system: String)]) throws -> HL7v2Message {
        let sample = String(decoding: try HL7v2MappingTests.sample("vxu-v04.hl7"), as: UTF8.self).split(separator: "\r")
        var lines = sample.prefix(2).map(String.init)
        for (i, v) in vaccines.enumerated() {
            lines.append("ORC|RE||IMM-\(i)^VACCSYS||||||||||||||||||RIVERSIDE HEALTH CENTRE^^^^^^^^^Y99001||0113 496 0000")
            lines.append("RXA|0|1|20240314103000|20240314103000|\(v.code)^Vaccine \(i)^\(v.system)|0.5|mL^millilitre^UCUM||00^New immunization record^NIP001||^^^Y99001||||LOT\(i)|||||CP|A")
        }
        let parsed = HL7v2Parser().parse(lines.joined(separator: "\r") + "\r")
        XCTAssertEqual(parsed.allIssues, [])
        return try XCTUnwrap(parsed.messages.first)
    }

    func testEveryEntryMapsAndValidates() throws {
        let mapper = try Self.shared.get().0
        let codes = try table("vaccination.procedureCode")
        let vaccines = codes.keys.sorted().map { (code: $0, system: $0.count <= 3 ? "CVX" : "SCT") }
        let result = mapper.map(try vxu(vaccines), input: "table.hl7")
        XCTAssertEqual(result.errors.map(\.description), [])
        XCTAssertEqual(result.mapped.count, vaccines.count)
        let parts = try MappingFixture.parts()
        let procedureURL = "https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-VaccinationProcedure-1"
        for (vaccine, mapped) in zip(vaccines, result.mapped) {
            XCTAssertEqual(try MappingFixture.errors(of: mapped.message, parts), [], vaccine.code)
            let immunization = try XCTUnwrap(Self.resource("Immunization", in: mapped.message), vaccine.code)
            let procedure = immunization.children.first { $0.name == "extension" && $0.url == procedureURL }
            let coding = procedure?.child("valueCodeableConcept")?.child("coding")
            XCTAssertEqual(coding?.child("code")?.value, codes[vaccine.code], vaccine.code)
            let vaccineCoding = immunization.child("vaccineCode")?.child("coding")
            XCTAssertEqual(vaccineCoding?.child("code")?.value, vaccine.code)
            XCTAssertEqual(vaccineCoding?.child("system")?.value,
                           vaccine.system == "CVX" ? "http://hl7.org/fhir/sid/cvx" : "http://snomed.info/sct")
        }
    }

    private static func resource(_ type: String, in element: Element) -> Element? {
        if element.resourceType == type { return element }
        for child in element.children { if let found = resource(type, in: child) { return found } }
        return nil
    }

    func testAnUnknownVaccineIsAnErrorForItsRXAAndTheOthersMap() throws {
        let mapper = try Self.shared.get().0
        let result = mapper.map(try vxu([("03", "CVX"), ("99999999", "SCT"), ("34925411000001109", "SCT")]), input: "feed.hl7")
        XCTAssertEqual(result.mapped.count, 2)
        XCTAssertEqual(result.errors.map(\.description),
                       ["feed.hl7: message 1 (MSH-10 VXU0001), RXA 2: error: RXA-5.1: '99999999' is not in the translation table (\(try table("vaccination.procedureCode").count) codes; add it to the mapping file's table)"])
        XCTAssertEqual(result.acknowledgementErrors.map(\.code.rawValue), ["103"], "table value not found")
    }
}
