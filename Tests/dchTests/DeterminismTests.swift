import XCTest
import Foundation
import DCHTestSupport

/// The same command on the same inputs writes the same bytes in two separate `dch` processes.
///
/// Twice in one process proves little: Swift seeds `Dictionary` and `Set` hashing per process, so
/// output that follows a hash order differs only between processes. Each command here runs twice
/// as a real process, with `SWIFT_DETERMINISTIC_HASHING` removed from the environment so that the
/// two seeds really differ, and the outputs are compared byte for byte.
final class DeterminismTests: CommandTestCase {
    /// This environment without the variable that would make both processes hash alike.
    private var randomisedHashing: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_DETERMINISTIC_HASHING"] = nil
        return environment
    }

    /// Runs `dch` twice and returns the first result after checking that both agree on everything.
    @discardableResult
    private func runTwice(_ arguments: [String], in directory: URL? = nil, file: StaticString = #filePath, line: UInt = #line) throws -> CommandResult {
        let where_ = directory ?? SharedCorpus.packageRoot
        let first = try DCHCommand.run(arguments, in: where_, environment: randomisedHashing)
        let second = try DCHCommand.run(arguments, in: where_, environment: randomisedHashing)
        let command = "dch " + arguments.joined(separator: " ")
        XCTAssertEqual(first.status, second.status, command, file: file, line: line)
        XCTAssertEqual(first.stderr, second.stderr, command, file: file, line: line)
        if first.stdout != second.stdout {
            XCTFail("\(command): stdout differs at byte \(OutputComparison.firstDifference(first.stdout, second.stdout))", file: file, line: line)
        }
        return first
    }

    /// Official messages in XML and JSON, relative to the corpus folder, and an NDJSON file of
    /// official JSON examples.
    private func corpusInputs() throws -> (folder: URL, files: [String]) {
        let corpus = try SharedCorpus.require().appendingPathComponent("corpus")
        let nems = ["BirthNotificationWithMother", "PDS-Death-Notification-formal-ems-example", "vaccinations-1-new"]
            .map { "nems-examples/\($0).xml" }
        let examples = ["DCH-BirthDetails-Bundle-Example-1", "DCH-AllergiesAndAdverseReactions-Bundle-Example-1"]
        let xml = examples.map { "nhs-stu3-assets/Examples/\($0).xml" }
        let json = examples.map { "nhs-stu3-assets/Examples/\($0).json" }
        var ndjson = Data()
        for name in json {
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: corpus.appendingPathComponent(name)))
            ndjson += try JSONSerialization.data(withJSONObject: object) + Data("\n".utf8)
        }
        let ndjsonPath = try file("examples.ndjson", String(decoding: ndjson, as: UTF8.self))
        for name in nems + xml + json { XCTAssertTrue(FileManager.default.fileExists(atPath: corpus.appendingPathComponent(name).path), name) }
        return (corpus, nems + xml + json + [ndjsonPath])
    }

    func testValidateWritesTheSameBytesInEveryReportFormat() throws {
        let (corpus, files) = try corpusInputs()
        let formats: [[String]] = [
            ["--format", "text"], ["--format", "json"], ["--format", "outcome"],
            ["--format", "outcome", "--outcome-format", "xml"], ["--format", "junit"], ["--format", "sarif"], ["--format", "html"],
        ]
        for format in formats {
            let r = try runTwice(["validate"] + format + files, in: corpus)
            XCTAssertEqual(r.status, 1, "the corpus has errors: \(format) \(r.stderr)")
            XCTAssertGreaterThan(r.stdout.count, 1000, "\(format)")
        }
        // -o writes the same bytes as stdout.
        let report = temp.appendingPathComponent("report.sarif")
        let toFile = try runTwice(["validate", "--format", "sarif", "-o", report.path] + files, in: corpus)
        XCTAssertEqual(toFile.stdout, Data())
        XCTAssertEqual(try Data(contentsOf: report), try DCHCommand.run(["validate", "--format", "sarif"] + files, in: corpus).stdout)
    }

    func testConvertWritesTheSameBytesBothWays() throws {
        let corpus = try SharedCorpus.require().appendingPathComponent("corpus")
        let xml = try SharedCorpus.files("corpus/nems-examples", extension: "xml").map(\.path)
            + SharedCorpus.files("corpus/nhs-stu3-assets/Examples", extension: "xml").map(\.path)
        let json = try SharedCorpus.files("corpus/nhs-stu3-assets/Examples", extension: "json").map(\.path)
        for (inputs, to, layout) in [(xml, "json", "--pretty"), (xml, "json", "--compact"), (json, "xml", "--pretty")] {
            let a = temp.appendingPathComponent("\(to)\(layout)-a"), b = temp.appendingPathComponent("\(to)\(layout)-b")
            let first = try DCHCommand.run(["convert", "--to", to, layout, "-o", a.path] + inputs, in: corpus, environment: randomisedHashing)
            let second = try DCHCommand.run(["convert", "--to", to, layout, "-o", b.path] + inputs, in: corpus, environment: randomisedHashing)
            XCTAssertEqual(first.status, second.status)
            XCTAssertEqual(first.stderr, second.stderr)
            try OutputComparison.assertSameFolders(a, b)
        }
        // One stream of NDJSON, and stdin to stdout.
        XCTAssertEqual(try runTwice(["convert", "--to", "json", "--compact"] + xml, in: corpus).status, 0)
        XCTAssertEqual(try runTwice(["convert", "--to", "xml", json[0]], in: corpus).status, 0)
    }

    func testGenerateWritesTheSameBytes() throws {
        let ndjson = try runTwice(["generate", "--event", "all", "--count", "80", "--seed", "9"])
        XCTAssertEqual(ndjson.status, 0, ndjson.stderr)
        XCTAssertEqual(ndjson.stdoutText.split(separator: "\n").count, 80)
        XCTAssertEqual(try runTwice(["generate", "--event", "all", "--format", "xml", "--seed", "4"]).status, 0)
        // Files and the defects sidecar.
        for folder in ["a", "b"] {
            let out = temp.appendingPathComponent(folder)
            let r = try DCHCommand.run(["generate", "--event", "all", "--count", "40", "--seed", "6", "--defects", "2",
                                        "--format", "json", "-o", out.path], environment: randomisedHashing)
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        try OutputComparison.assertSameFolders(temp.appendingPathComponent("a"), temp.appendingPathComponent("b"))
    }
}
