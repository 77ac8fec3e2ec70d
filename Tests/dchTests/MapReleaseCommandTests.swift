import XCTest
import Foundation
import DCHTestSupport

/// `dch map --from stu3 --to r4` (and back) as real processes: the corpus proof (zero structure
/// errors under `dch validate --fhir-version 4`), the NHS England profile map, --report, formats,
/// exit codes.
final class MapReleaseCommandTests: CommandTestCase {
    static let corpusFolders = ["corpus/nhs-stu3-assets/Examples", "corpus/nems-examples"]

    /// Every corpus message maps to R4 with no structure error when `dch validate` checks it as R4;
    /// the only loss reported is the DSTU2 element of Audit-Practitioner-Example-1b.json.
    func testCorpusMapsToR4WithoutStructureErrors() throws {
        let inputs = try Self.corpusFolders.flatMap {
            try SharedCorpus.files($0, extension: "xml") + SharedCorpus.files($0, extension: "json")
        }
        XCTAssertGreaterThan(inputs.count, 180)
        let out = temp.appendingPathComponent("r4")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let mapped = try DCHCommand.run(["map", "--from", "stu3", "--to", "r4", "-o", out.path] + inputs.map(\.path))
        XCTAssertEqual(mapped.status, 0, mapped.stderr)
        let losses = mapped.stderr.split(separator: "\n").filter { $0.contains("not mapped") }
        XCTAssertEqual(losses.map { String($0.split(separator: "/").last ?? "") },
                       ["Audit-Practitioner-Example-1b.json: 1 element not mapped (--report lists them)"])
        let outputs = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        XCTAssertEqual(outputs.count, inputs.count, "one output per input, named after it")
        let validated = try DCHCommand.run(["validate", "--fhir-version", "4", "--format", "json"]
                                           + outputs.map { out.appendingPathComponent($0).path })
        var structure: [String] = []
        var checkedAsR4 = Set<String>()
        for line in validated.stdoutText.split(separator: "\n") {
            let issue = try JSONValue.parse(Array(line.utf8))
            guard case let .string(rule)? = issue["rule"], case let .string(file)? = issue["file"] else { continue }
            if rule == "format.fhir-version" { checkedAsR4.insert(file) }
            if rule.hasPrefix("struct."), case let .string(severity)? = issue["severity"], severity == "error" || severity == "fatal" {
                structure.append("\(file): \(rule) \(issue["path"].map(\.description) ?? "")")
            }
        }
        XCTAssertEqual(checkedAsR4.count, inputs.count, "every output was checked as R4")
        XCTAssertEqual(structure, [], structure.joined(separator: "\n"))
    }

    /// NHS England's CareConnect -> UK Core map, shipped and named by its URL: UK Core output that
    /// keeps every fact of NHS England's example input.
    func testNHSProfileMapGivesUKCore() throws {
        let input = try SharedCorpus.require().appendingPathComponent("nhs-careconnect-to-ukcore/Example-Input-CareConnect-AllergyIntolerance.json")
        let r = try DCHCommand.run(["map", "--from", "stu3", "--to", "r4", "--report",
                                    "--map", "http://hl7.org/fhir/StructureMap/AllergyIntolerance3to4", input.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "", "nothing of the input is left behind")
        let o = try JSONValue.parse(Array(r.stdout))
        func strings(_ path: String) -> [String] {
            Self.values(o, path.split(separator: ".").map(String.init)).compactMap { if case let .string(s) = $0 { return s }; return nil }
        }
        XCTAssertEqual(strings("resourceType"), ["AllergyIntolerance"])
        XCTAssertEqual(strings("extension.url"), [
            "http://hl7.org/fhir/StructureDefinition/encounter-associatedEncounter",
            "https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-AllergyIntoleranceEnd-1",
            "https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-Evidence-1",
            "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-AllergyIntoleranceEnd",
            "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-Evidence",
        ])
        XCTAssertEqual(strings("extension.extension.url"), ["endDate", "reasonEnded", "endDate", "reasonEnded"])
        XCTAssertEqual(strings("extension.extension.valueDateTime"), ["2022-01-15", "2022-01-15"])
        XCTAssertEqual(strings("extension.valueReference.reference"),
                       ["Encounter/Base-STU3--Encounter--00001", "DiagnosticReport/Base-STU3--DiagnosticReport--00001",
                        "DiagnosticReport/Base-STU3--DiagnosticReport--00001"])
        XCTAssertEqual(strings("encounter.reference"), ["Encounter/Base-STU3--Encounter--00001"])
        XCTAssertEqual(strings("identifier.value"), ["49476534"])
        XCTAssertEqual(strings("identifier.assigner.reference"), ["Organization/NHSD-STU3--CareConnect-Organisation-1--00001"])
        XCTAssertEqual(strings("clinicalStatus.coding.system"), ["http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"])
        XCTAssertEqual(strings("clinicalStatus.coding.code"), ["active"])
        XCTAssertEqual(strings("verificationStatus.coding.code"), ["confirmed"])
        XCTAssertEqual(strings("type"), ["allergy"])
        XCTAssertEqual(strings("category"), ["medication"])
        XCTAssertEqual(strings("criticality"), ["high"])
        XCTAssertEqual(strings("code.coding.code"), ["227493005"])
        XCTAssertEqual(strings("code.coding.display"), ["Cashew nut"])
        XCTAssertEqual(strings("code.coding.extension.url"), ["https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-CodingSCTDescId"])
        XCTAssertEqual(strings("code.coding.extension.extension.valueIdentifier.value"), ["614975019"])
        XCTAssertEqual(strings("code.coding.extension.extension.valueString"), ["Cashew nuts (substance)"])
        XCTAssertEqual(strings("code.text"), ["Cashew nuts"])
        XCTAssertEqual(strings("onsetDateTime"), ["2004"])
        XCTAssertEqual(strings("recordedDate"), ["2014-10-09T14:58:00+11:00"])
        XCTAssertEqual(strings("lastOccurrence"), ["2012-06"])
        XCTAssertEqual(strings("reaction.manifestation.coding.code"), ["39579001"])
        XCTAssertEqual(strings("reaction.severity"), ["severe"])
        XCTAssertEqual(strings("reaction.exposureRoute.coding.code"), ["34206005"])
        XCTAssertEqual(strings("reaction.note.authorReference.reference"), ["Practitioner/NHSD-STU3--CareConnect-Practitioner-1--00001"])
        XCTAssertNil(o["assertedDate"], "STU3 assertedDate is R4 recordedDate")
    }

    /// --report lists each lost element with its kind; --format chooses XML for JSON input; stdin.
    func testReportFormatAndStdin() throws {
        let input = try file("p.json", """
            {"resourceType": "Practitioner", "id": "x", "active": true,
             "practitionerRole": [{"code": {"text": "GP"}}]}
            """)
        let r = try DCHCommand.run(["map", "--from", "stu3", "--to", "r4", "--report", "--format", "xml", "-"],
                                   stdin: try Data(contentsOf: URL(fileURLWithPath: input)))
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").map(String.init),
                       ["<stdin>: not mapped: Practitioner.practitionerRole (complex)", "<stdin>: 1 element not mapped"])
        XCTAssertTrue(r.stdoutText.contains("<Practitioner xmlns=\"http://hl7.org/fhir\">"), r.stdoutText)
        XCTAssertTrue(r.stdoutText.contains("<active value=\"true\"/>"))
    }

    /// R4 -> STU3: a single R4 resource back to STU3 (Encounter.class with data-absent-reason is
    /// dropped; R4 recordedDate is STU3 assertedDate), output named by -o FILE's extension.
    func testR4ToSTU3() throws {
        let input = try file("a.json", """
            {"resourceType": "AllergyIntolerance", "id": "a",
             "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "code": "active"}]},
             "patient": {"reference": "Patient/p"}, "recordedDate": "2020-01-02"}
            """)
        let out = temp.appendingPathComponent("a.xml").path
        let r = try DCHCommand.run(["map", "--from", "r4", "--to", "stu3", "-o", out, input])
        XCTAssertEqual(r.status, 0, r.stderr)
        let xml = try String(contentsOfFile: out, encoding: .utf8)
        XCTAssertTrue(xml.contains("<clinicalStatus value=\"active\"/>"), xml)
        XCTAssertTrue(xml.contains("<assertedDate value=\"2020-01-02\"/>"), xml)
    }

    /// No map for the type: exit 1 with the reason; a bad --map: exit 2; usage errors: exit 2.
    func testExitCodes() throws {
        let noMap = try file("d.json", #"{"resourceType": "DataElement", "status": "draft"}"#)
        let r = try DCHCommand.run(["map", "--from", "stu3", "--to", "r4", noMap])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("no R3toR4 map for DataElement"), r.stderr)
        let bad = try file("bad.fml", "map \"http://x/y\" = \"y\"\ngroup g(source src, target tgt) { src.a -> ; }\n")
        XCTAssertEqual(try DCHCommand.run(["map", "--from", "stu3", "--to", "r4", "--map", bad, noMap]).status, 2)
        XCTAssertEqual(try DCHCommand.run(["map", "--from", "stu3", "--to", "stu3", noMap]).status, 2)
    }

    /// The values at a dotted path, arrays flattened.
    static func values(_ v: JSONValue, _ path: [String]) -> [JSONValue] {
        if case let .array(items) = v { return items.flatMap { values($0, path) } }
        guard let key = path.first else { return [v] }
        guard let child = v[key] else { return [] }
        return values(child, Array(path.dropFirst()))
    }
}
