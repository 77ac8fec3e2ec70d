import XCTest
import Foundation
import FHIRModel
import FHIRConversion
import ValidationReports
import MessageChecking
import DCHTestSupport

/// A vendor's view: this target imports the modules as a user does (no `@testable`), and the
/// library must check and convert exactly as the `dch` command line does, byte for byte.
final class PublicAPITests: XCTestCase {
    /// Inputs covering what the pipeline does: clean samples (XML, JSON), messages with findings of
    /// every layer and of the event rules (official examples), one that cannot be read, and an
    /// NDJSON input whose findings keep the input's line numbers.
    private func inputs() throws -> [URL] {
        let root = SharedCorpus.packageRoot
        let examples = try SharedCorpus.require().appendingPathComponent("corpus/nhs-stu3-assets/Examples")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dch-public-api-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let broken = folder.appendingPathComponent("broken.xml")
        try Data("<Patient xmlns=\"http://hl7.org/fhir\"><birthDate value=\"2019-13\"/>".utf8).write(to: broken)
        let ndjson = folder.appendingPathComponent("messages.ndjson")
        let lines = try ["DCH-BirthDetails-Bundle-Example-1.json", "DCH-Vaccination-Bundle-Example-1.json"].map { name -> String in
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: examples.appendingPathComponent(name)))
            return String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: ndjson)
        return [root.appendingPathComponent("Samples/nems-vaccination-new.xml"),
                root.appendingPathComponent("Samples/dch-birth-weight.json"),
                examples.appendingPathComponent("DCH-BirthDetails-Bundle-Example-1.xml"),
                try SharedCorpus.require().appendingPathComponent("corpus/nems-examples/vaccinations-1-new.xml"),
                examples.appendingPathComponent("ITK-Response-10001-Example-1.xml"),
                broken, ndjson]
    }

    func testValidatingInProcessReportsWhatTheCommandLineReports() throws {
        let checker = try MessageChecker()
        let settings = ReportSettings(converter: checker.converter, toolVersion: "test")
        var total = 0
        for input in try inputs() {
            let reports = checker.checkInput(try Data(contentsOf: input), name: input.path)
            total += reports.flatMap(\.issues).count
            for format in [ReportFormat.json, .text] {
                let library = try format.writer(settings).write(ValidationRun(messages: reports))
                let cli = try DCHCommand.run(["validate", "--format", format.rawValue, input.path])
                XCTAssertEqual(String(decoding: library, as: UTF8.self), cli.stdoutText, "\(format) \(input.lastPathComponent)")
                XCTAssertEqual(cli.status, reports.contains { $0.errorCount > 0 } ? 1 : 0, input.lastPathComponent)
            }
        }
        XCTAssertGreaterThan(total, 50, "the inputs have findings to compare")
        let ndjson = try XCTUnwrap(try inputs().last)
        let placed = checker.checkInput(try Data(contentsOf: ndjson), name: "m.ndjson")
        XCTAssertEqual(placed.map(\.index), [0, 1])
        XCTAssertTrue(placed[1].issues.allSatisfy { $0.position?.line == 2 }, "the second line's findings are on line 2")
    }

    func testOptionsAreThoseOfTheCommandLine() throws {
        let profile = "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-DCH-Patient-1"
        let checker = try MessageChecker(options: CheckOptions(profiles: [profile]))
        let patient = Data("<Patient xmlns=\"http://hl7.org/fhir\"><gender value=\"male\"/></Patient>".utf8)
        let report = checker.check(patient, name: "patient.xml")
        XCTAssertTrue(report.issues.contains { $0.rule == "profile.min" && $0.path == "Patient.identifier" }, "\(report.issues)")
        XCTAssertThrowsError(try MessageChecker(options: CheckOptions(profiles: ["https://example.org/no-such-profile"])))
        // Without the event rules, a message Bundle gets no event.* finding.
        let sample = try Data(contentsOf: SharedCorpus.packageRoot.appendingPathComponent("Samples/nems-vaccination-new.xml"))
        XCTAssertTrue(try MessageChecker().check(sample, name: "s").issues.contains { $0.rule.hasPrefix("event.") })
        XCTAssertFalse(try MessageChecker(options: CheckOptions(eventRules: false)).check(sample, name: "s").issues
            .contains { $0.rule.hasPrefix("event.") })
    }

    func testConvertingInProcessWritesWhatTheCommandLineWrites() throws {
        let converter = try Converter()
        for input in try inputs().prefix(4) {
            let data = try Data(contentsOf: input)
            let target: MessageFormat = input.pathExtension == "xml" ? .json : .xml
            let library = try converter.convert(data, to: target).bytes
            let cli = try DCHCommand.run(["convert", "--to", target.rawValue, input.path])
            XCTAssertEqual(cli.status, 0, cli.stderr)
            // The command line ends its output with a line break.
            XCTAssertEqual(String(decoding: library, as: UTF8.self).trimmingCharacters(in: .newlines),
                           cli.stdoutText.trimmingCharacters(in: .newlines), input.lastPathComponent)
        }
    }
}
