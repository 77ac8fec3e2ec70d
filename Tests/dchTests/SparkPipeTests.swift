import XCTest
import Foundation
import DCHTestSupport

/// `dch convert` and `dch validate` as filters under a real local Apache Spark (`local[2]`): an RDD
/// of NDJSON messages in several partitions piped through dch (`RDD.pipe`, one dch process per
/// partition, shipped with `addFile`/`addArchive` as a cluster job ships it). Every message comes
/// back, in order, converted exactly as a direct run converts it and judged exactly as a direct
/// `dch validate` judges it; broken lines cost themselves only.
///
/// The Spark job runs once (Spark takes about 10 s to start here) and both tests read its result.
final class SparkPipeTests: CommandTestCase {
    /// Where the truncated and the non-JSON line are put: inside a partition, never at its start
    /// (checked below), since a partition is a stream of its own and the framer decides a stream's
    /// syntax from its first byte.
    static let truncatedIndex = 40, notJSONIndex = 130
    static let partitions = 4

    /// The messages, what Spark returned and what direct runs of the same binary print.
    struct SparkRun {
        var lines: [String]
        var partitionSizes: [Int]
        var converted: [String]
        var verdicts: [String]
        var directConversion: CommandResult
        var directVerdicts: CommandResult
        var seconds: [String: Double]
    }

    nonisolated(unsafe) private static var cached: Result<SparkRun, Error>?

    /// The Spark run, made on first use (its prerequisites throw from the test that asks first).
    private func sparkRun() throws -> SparkRun {
        if let cached = Self.cached { return try cached.get() }
        let result = Result { try Self.makeRun() }
        Self.cached = result
        if case .success(let run) = result {
            print("SparkPipeTests: \(run.lines.count) messages in \(run.partitionSizes) partitions; seconds: \(run.seconds)")
        }
        return try result.get()
    }

    func testEveryVerdictUnderSparkIsTheDirectRunsVerdict() throws {
        let run = try sparkRun()
        XCTAssertEqual(run.partitionSizes.count, Self.partitions)
        XCTAssertEqual(run.partitionSizes.reduce(0, +), run.lines.count)
        let starts = run.partitionSizes.indices.map { run.partitionSizes.prefix($0).reduce(0, +) }
        XCTAssertFalse(starts.contains(Self.truncatedIndex) || starts.contains(Self.notJSONIndex),
                       "a broken line at a partition start tests the framer's syntax guess, not the pipe")

        XCTAssertEqual(run.directVerdicts.status, 1, "the broken lines have errors: \(run.directVerdicts.stderr)")
        let direct = run.directVerdicts.stdoutText.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        XCTAssertEqual(run.verdicts.count, run.lines.count, "one verdict per message came back from Spark")
        XCTAssertEqual(direct.count, run.lines.count, "one verdict per message from the direct run")
        guard run.verdicts.count == run.lines.count, direct.count == run.lines.count else { return }

        var partition = 0
        for (index, (sparkLine, directLine)) in zip(run.verdicts, direct).enumerated() {
            while partition + 1 < starts.count, index >= starts[partition + 1] { partition += 1 }
            let local = index - starts[partition]
            var spark = try Self.object(sparkLine), ours = try Self.object(String(directLine))
            // `file` and `messageIndex` differ by design: under Spark each partition is dch's stdin.
            XCTAssertEqual(spark.removeValue(forKey: "file") as? String, "<stdin>")
            XCTAssertEqual(spark.removeValue(forKey: "messageIndex") as? Int, local, "message \(index)")
            XCTAssertEqual(ours.removeValue(forKey: "messageIndex") as? Int, index)
            ours.removeValue(forKey: "file")
            // Issue lines count from the start of each stream (a partition, or the whole file): they are
            // compared relative to the message's own line (index + 1 in the file, local + 1 in its partition).
            Self.relativise(&spark, messageLine: local + 1)
            Self.relativise(&ours, messageLine: index + 1)
            XCTAssertEqual(try Self.canonical(spark), try Self.canonical(ours), "message \(index)")
        }
        for broken in [Self.truncatedIndex, Self.notJSONIndex] {
            let verdict = try Self.object(run.verdicts[broken])
            XCTAssertEqual(verdict["passed"] as? Bool, false, "line \(broken): \(run.verdicts[broken])")
        }
        let passed = try run.verdicts.filter { try Self.object($0)["passed"] as? Bool == true }.count
        XCTAssertGreaterThan(passed, run.lines.count / 2, "most corpus and generated messages pass")
    }

    func testEveryMessageUnderSparkComesBackConvertedAsADirectRunConvertsIt() throws {
        let run = try sparkRun()
        XCTAssertEqual(run.converted.count, run.lines.count, "one output line per input line came back from Spark")
        // The direct run: the same NDJSON on the stdin of one dch, outside Spark (exit 1: two lines fail).
        XCTAssertEqual(run.directConversion.status, 1, run.directConversion.stderr)
        let direct = run.directConversion.stdoutText.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        XCTAssertEqual(run.converted, direct, "Spark's lines are the direct run's lines")
        guard run.converted.count == run.lines.count else { return }

        // A message that cannot be converted leaves an empty line in its place; every other line is XML.
        let broken: Set = [Self.truncatedIndex, Self.notJSONIndex]
        for (index, line) in run.converted.enumerated() {
            if broken.contains(index) {
                XCTAssertEqual(line, "", "line \(index) cannot be converted")
            } else {
                XCTAssertTrue(line.hasPrefix("<"), "line \(index): \(line.prefix(200))")
            }
        }
        // Each line is its whole message: converted back to JSON by dch, one file per line, it is
        // the input line again (dch's JSON -> XML -> JSON round trip is exact; its codec tests pin it),
        // but for the one change one-line XML makes: a comment's line breaks become spaces, with a
        // warning naming the message's line (README, Pipelines).
        let kept = run.converted.indices.filter { !broken.contains($0) }
        let files = try kept.map { index in try file(String(format: "m%04d.xml", index), run.converted[index]) }
        let back = try DCHCommand.run(["convert", "--to", "json", "--compact", "--jobs", "1"] + files)
        XCTAssertEqual(back.status, 0, back.stderr)
        let json = back.stdoutText.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        XCTAssertEqual(json.count, kept.count)
        var joinedComments: Set<Int> = []
        for (line, index) in zip(json, kept) where line != run.lines[index] {
            // Compared as parsed JSON (numbers as numbers): the exact comparison already failed.
            let original = try Self.object(run.lines[index])
            let expected = try Self.canonical(Self.commentsJoined(original))
            XCTAssertNotEqual(expected, try Self.canonical(original),
                              "message \(index) has no line break in a comment, yet came back changed: \(line.prefix(300)) …")
            XCTAssertEqual(try Self.canonical(Self.object(line)), expected, "message \(index) did not come back whole")
            joinedComments.insert(index)
        }
        let warned = Set(run.directConversion.stderr.split(separator: "\n")
            .filter { $0.contains(": warning: a comment's line breaks were written as spaces") }
            .compactMap { $0.split(separator: ":").dropFirst().first.flatMap { Int($0) }.map { $0 - 1 } })
        XCTAssertEqual(warned, joinedComments, "a warning for each message whose comments were joined, and no other")
        XCTAssertFalse(joinedComments.isEmpty, "the samples' and several corpus messages' comments span lines")
    }

    // MARK: - The run

    private static func makeRun() throws -> SparkRun {
        let driver = try SparkPipeDriver.require()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dch-spark-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        let lines = try messageLines(in: folder)
        let input = folder.appendingPathComponent("messages.ndjson")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: input)

        let summary = try driver.run(input: input, partitions: partitions, in: folder)
        let directConversion = try DCHCommand.run(["convert", "--lines", "--to", "xml", "--compact", "--jobs", "1", "-"],
                                                  stdin: Data(contentsOf: input))
        let directVerdicts = try DCHCommand.run(["validate", "--lines", "--format", "messages", "--jobs", "1", input.path])
        return SparkRun(lines: lines, partitionSizes: summary["partitionSizes"] as? [Int] ?? [],
                        converted: summary["converted"] as? [String] ?? [], verdicts: summary["verdicts"] as? [String] ?? [],
                        directConversion: directConversion, directVerdicts: directVerdicts,
                        seconds: summary.filter { $0.key.hasSuffix("Seconds") }.compactMapValues { $0 as? Double })
    }

    /// A few hundred NDJSON messages made by dch: the corpus's XML messages, the samples and every
    /// catalogue event twice from `dch generate`, converted to compact JSON; then a message cut in half
    /// and a line that is not JSON at all.
    private static func messageLines(in folder: URL) throws -> [String] {
        let corpus = try SharedCorpus.files("corpus/nems-examples", extension: "xml")
            + SharedCorpus.files("corpus/nhs-stu3-assets/Examples", extension: "xml")
        let samples = ["Samples/nems-vaccination-new.xml", "Samples/dch-birth-weight.xml"]
            .map { SharedCorpus.packageRoot.appendingPathComponent($0) }
        let generatedFolder = folder.appendingPathComponent("generated")
        let generate = try DCHCommand.run(["generate", "--event", "all", "--count", "196", "--format", "xml",
                                           "-o", generatedFolder.path])
        XCTAssertEqual(generate.status, 0, generate.stderr)
        let generated = try FileManager.default.contentsOfDirectory(at: generatedFolder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "xml" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        let sources = corpus + samples + generated
        let converted = try DCHCommand.run(["convert", "--to", "json", "--compact"] + sources.map(\.path))
        XCTAssertEqual(converted.status, 0, converted.stderr)
        var lines = converted.stdoutText.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, sources.count)
        lines.insert(String(lines[truncatedIndex].prefix(lines[truncatedIndex].count / 2)), at: truncatedIndex)
        lines.insert("this line is not JSON", at: notJSONIndex)
        return lines
    }

    private static func object(_ line: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], line)
    }

    /// The object as JSON text with sorted keys, so that two parsed messages or verdicts compare as text.
    private static func canonical(_ object: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    /// A parsed JSON message with every line break in its comments (`fhir_comments`) made one space,
    /// as one-line XML writes them (a CR LF pair is one break).
    private static func commentsJoined(_ value: Any, inComments: Bool = false) -> Any {
        switch value {
        case let object as [String: Any]:
            return object.reduce(into: [String: Any]()) { $0[$1.key] = commentsJoined($1.value, inComments: $1.key == "fhir_comments") }
        case let array as [Any]:
            return array.map { commentsJoined($0, inComments: inComments) }
        case let text as String where inComments:
            return text.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\r", with: " ")
                .replacingOccurrences(of: "\n", with: " ")
        default:
            return value
        }
    }

    /// Makes every issue's `line` relative to the line its message starts on.
    private static func relativise(_ verdict: inout [String: Any], messageLine: Int) {
        guard let issues = verdict["issues"] as? [[String: Any]] else { return }
        verdict["issues"] = issues.map { issue in
            var issue = issue
            if let line = issue["line"] as? Int { issue["line"] = line - messageLine }
            return issue
        }
    }
}

/// Runs `spark_pipe.py` (beside this file) with python3: a local Spark that pipes an NDJSON file
/// through the built dch.
struct SparkPipeDriver {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("spark_pipe.py")

    /// The driver, or the missing prerequisite when python3 with pyspark, or Java, is absent.
    static func require() throws -> SparkPipeDriver {
        let env = URL(fileURLWithPath: "/usr/bin/env")
        let pyspark = try? DCHCommand.run(executable: env, ["python3", "-c", "import pyspark"], in: SharedCorpus.packageRoot)
        guard let pyspark, pyspark.status == 0 else {
            throw Prerequisite.missing("python3 with pyspark (the Spark pipe test runs a local Spark): pip install pyspark")
        }
        let java = try? DCHCommand.run(executable: env, ["java", "-version"], in: SharedCorpus.packageRoot)
        guard let java, java.status == 0 else {
            throw Prerequisite.missing("java (Spark runs on a JVM, 17 or later): apt-get install openjdk-17-jre-headless")
        }
        return SparkPipeDriver()
    }

    /// Pipes `input` through dch in `partitions` partitions; the driver's summary.
    func run(input: URL, partitions: Int, in folder: URL) throws -> [String: Any] {
        let products = DCHCommand.productsDirectory
        let output = folder.appendingPathComponent("summary.json")
        let result = try DCHCommand.run(
            executable: URL(fileURLWithPath: "/usr/bin/env"),
            ["python3", Self.script.path, "--dch", products.appendingPathComponent("dch").path,
             "--schemas", products.appendingPathComponent("dch_DCHSchemas.resources").path,
             "--input", input.path, "--partitions", String(partitions), "--output", output.path],
            in: folder)
        guard result.status == 0, let summary = try? JSONSerialization.jsonObject(with: Data(contentsOf: output)) as? [String: Any] else {
            throw SparkDriverFailure(description: "spark_pipe.py failed (\(result.status)): \(result.stderr.suffix(3000))")
        }
        return summary
    }
}

/// The Spark driver ended with an error (a failed task, a bug in it), not a missing prerequisite.
struct SparkDriverFailure: Error, CustomStringConvertible {
    let description: String
}
