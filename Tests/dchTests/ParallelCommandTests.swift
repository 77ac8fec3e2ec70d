import XCTest
import Foundation
import DCHTestSupport

/// `--jobs N`: `dch convert` and `dch validate` on several threads write exactly what one thread
/// writes (stdout, every output file, stderr, exit code), in input order. Each case runs the real
/// command with `--jobs 1`, `--jobs 2` and `--jobs 3`, and with no `--jobs` (every core), and
/// compares the outputs byte for byte.
final class ParallelCommandTests: CommandTestCase {
    private static let jobCounts = [["--jobs", "2"], ["--jobs", "3"], []]

    /// The corpus's messages (every NEMS and NHS example, XML and JSON), the samples, an NDJSON
    /// file, a broken message, one that is neither XML nor JSON, and a missing file, as paths
    /// relative to the package root.
    private func mixedInputs() throws -> [String] {
        let root = try SharedCorpus.require()
        let corpus = try SharedCorpus.files("corpus/nems-examples", extension: "xml")
            + SharedCorpus.files("corpus/nhs-stu3-assets/Examples", extension: "xml")
            + SharedCorpus.files("corpus/nhs-stu3-assets/Examples", extension: "json")
        XCTAssertGreaterThan(corpus.count, 150, "the corpus at \(root.path)")
        let samples = try FileManager.default.contentsOfDirectory(atPath: SharedCorpus.packageRoot.appendingPathComponent("Samples").path)
            .sorted().filter { $0.hasSuffix(".xml") || $0.hasSuffix(".json") }.map { "Samples/" + $0 }
        var ndjson = ""
        for sample in samples where sample.hasSuffix(".json") {
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: SharedCorpus.packageRoot.appendingPathComponent(sample)))
            ndjson += String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self) + "\n"
        }
        let extra = [
            try file("lines.ndjson", ndjson + ndjson),
            try file("broken.xml", "<Patient xmlns=\"http://hl7.org/fhir\"><favouriteColour value=\"red\"/></Patient>"),
            try file("neither.txt", "hello"),
            temp.appendingPathComponent("absent.xml").path,
        ]
        // Interleaved, so that failures sit between messages that take long and short.
        var inputs = corpus.map(\.path) + samples
        for (i, path) in extra.enumerated() { inputs.insert(path, at: min(inputs.count, 7 + i * 61)) }
        return inputs
    }

    private func assertSameRuns(_ arguments: [String], outputFolder: String? = nil, jobCounts: [[String]] = ParallelCommandTests.jobCounts,
                                file: StaticString = #filePath, line: UInt = #line) throws -> CommandResult {
        func run(_ jobs: [String], _ suffix: String) throws -> (CommandResult, URL?) {
            var args = arguments
            var folder: URL? = nil
            if let outputFolder {
                folder = temp.appendingPathComponent(outputFolder + suffix)
                args = [args[0], "-o", folder!.path] + args.dropFirst()
            }
            return (try DCHCommand.run([args[0]] + jobs + args.dropFirst()), folder)
        }
        let (one, oneFolder) = try run(["--jobs", "1"], "-1")
        for jobs in jobCounts {
            let (many, manyFolder) = try run(jobs, "-\(jobs.last ?? "default")")
            let command = "dch \(arguments.first!) \(jobs.joined(separator: " "))"
            XCTAssertEqual(one.status, many.status, command, file: file, line: line)
            // The diagnostics name each run's own output folder.
            let stderr = manyFolder.map { many.stderr.replacingOccurrences(of: $0.path + "/", with: oneFolder!.path + "/") } ?? many.stderr
            XCTAssertEqual(one.stderr, stderr, "\(command): stderr", file: file, line: line)
            if one.stdout != many.stdout {
                XCTFail("\(command): stdout differs at byte \(OutputComparison.firstDifference(one.stdout, many.stdout))", file: file, line: line)
            }
            if let oneFolder, let manyFolder { try OutputComparison.assertSameFolders(oneFolder, manyFolder, file: file, line: line) }
        }
        return one
    }

    func testValidateReportsAreTheSameOnAnyNumberOfThreads() throws {
        let inputs = try mixedInputs()
        let formats: [[String]] = [
            ["--format", "text"], ["--format", "json"], ["--format", "outcome"],
            ["--format", "outcome", "--outcome-format", "xml"], ["--format", "junit"], ["--format", "sarif"], ["--format", "html"],
        ]
        // Every input and thread count for the text report; for the other formats (the same run
        // written otherwise) two threads and every other input, the failing ones among them: the
        // debug build is slow.
        let half = inputs.enumerated().filter { $0.offset % 2 == 0 || !$0.element.contains("/corpus/") }.map(\.element)
        for format in formats {
            let isText = format == ["--format", "text"]
            let r = try assertSameRuns(["validate"] + format + (isText ? inputs : half), jobCounts: isText ? Self.jobCounts : [["--jobs", "2"]])
            XCTAssertEqual(r.status, 2, "a missing input is an I/O error: \(format) \(r.stderr)")
            XCTAssertGreaterThan(r.stdout.count, 10_000, "\(format)")
        }
        // The text report names the messages in input order: the corpus's first, the missing file where it was put.
        let text = try DCHCommand.run(["validate", "--jobs", "2", "--fail-on", "warning"] + inputs).stdoutText
        XCTAssertTrue(text.contains("absent.xml: fatal: [io.read] cannot read"), String(text.suffix(2000)))
        XCTAssertTrue(text.contains("lines.ndjson:4:"), "the NDJSON lines keep their line numbers")
    }

    func testValidateOfOneNDJSONInputUsesTheSameOrder() throws {
        // One input holding many messages: the messages, not the inputs, are the work items.
        var lines = ""
        for sample in ["Samples/nems-vaccination-new.json", "Samples/dch-birth-weight.json"] {
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: SharedCorpus.packageRoot.appendingPathComponent(sample)))
            lines += String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self) + "\n"
        }
        let broken = "{\"resourceType\":\"Patient\",\"birthDate\":\"2020-13-01\"}\n"
        let path = try file("many.ndjson", String(repeating: lines + broken, count: 12))
        for format in ["text", "json"] {
            let r = try assertSameRuns(["validate", "--format", format, path])
            XCTAssertEqual(r.status, 1, r.stderr)
        }
        let stdin = try DCHCommand.run(["validate", "--jobs", "2", "-"], stdin: Data(contentsOf: URL(fileURLWithPath: path)))
        let fromFile = try DCHCommand.run(["validate", "--jobs", "1", path])
        XCTAssertEqual(stdin.stdoutText.replacingOccurrences(of: "<stdin>", with: path), fromFile.stdoutText)
    }

    func testConvertToAFolderIsTheSameOnAnyNumberOfThreads() throws {
        // The corpus holds each NHS example as XML and JSON: one base name, so the second of each
        // pair is refused, whichever thread converted it first.
        let inputs = try mixedInputs().filter { !$0.hasSuffix(".ndjson") }
        for to in ["json", "xml"] {
            let r = try assertSameRuns(["convert", "--to", to] + inputs, outputFolder: "out-\(to)")
            XCTAssertEqual(r.status, 2, r.stderr)
            XCTAssertTrue(r.stderr.contains("absent.xml: error: cannot read: No such file or directory"), r.stderr)
            XCTAssertTrue(r.stderr.contains("(same base name)"), r.stderr)
            XCTAssertTrue(r.stderr.contains("broken.xml:1:"), r.stderr)
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: temp.appendingPathComponent("out-json-1").path)
        XCTAssertGreaterThan(files.count, 100)
        XCTAssertFalse(files.contains { $0.hasPrefix(".") }, "no temporary file is left: \(files.filter { $0.hasPrefix(".") })")
    }

    func testConvertToNDJSONIsTheSameOnAnyNumberOfThreads() throws {
        let inputs = try mixedInputs().filter { !$0.hasSuffix(".ndjson") }
        let r = try assertSameRuns(["convert", "--to", "json", "--compact"] + inputs)
        XCTAssertEqual(r.status, 2, r.stderr)
        let lines = r.stdoutText.split(separator: "\n")
        let failed = Set(r.stderr.split(separator: "\n").filter { $0.contains(": error: ") }.map { $0.prefix { $0 != ":" } })
        XCTAssertEqual(failed.count, 4, "broken.xml, neither.txt, absent.xml and one corpus example with an unknown element: \(failed)")
        XCTAssertEqual(lines.count, inputs.count - failed.count, "one line per convertible input")
        // Line i is input i's message: the first corpus message's id comes first.
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
        let direct = try DCHCommand.run(["convert", "--to", "json", "--compact", inputs[0]])
        XCTAssertEqual(first?["id"] as? String, (try JSONSerialization.jsonObject(with: direct.stdout) as? [String: Any])?["id"] as? String)
    }

    func testJobsMustBePositive() throws {
        for command in ["convert", "validate"] {
            let r = try DCHCommand.run([command, "--jobs", "0", "Samples/nems-vaccination-new.xml"])
            XCTAssertEqual(r.status, 2, r.stderr)
            XCTAssertTrue(r.stderr.contains("--jobs must be 1 or more"), r.stderr)
        }
        XCTAssertTrue(try DCHCommand.run(["validate", "--help"]).stdoutText.contains("--jobs"))
    }
}
