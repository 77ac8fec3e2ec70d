import XCTest
import Foundation
import DCHTestSupport

/// `dch bulk` as a user runs it: real processes, real files, inputs made by `dch generate` (whose
/// defect labels say independently which rule each broken message breaks).
final class BulkCommandTests: CommandTestCase {
    /// `count` generated messages (every event in turn) as NDJSON lines.
    private func generated(_ count: Int, seed: Int = 1, defects: Int = 0) throws -> (lines: [Data], labels: [[String]]) {
        let out = temp.appendingPathComponent("gen-\(seed)-\(defects).ndjson")
        var arguments = ["generate", "--event", "all", "--count", "\(count)", "--seed", "\(seed)", "-o", out.path]
        if defects > 0 { arguments += ["--defects", "\(defects)"] }
        let r = try DCHCommand.run(arguments)
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = try lines(of: Data(contentsOf: out))
        var labels: [[String]] = Array(repeating: [], count: lines.count)
        if defects > 0 {
            let sidecar = URL(fileURLWithPath: out.path + ".defects.ndjson")
            for line in try self.lines(of: Data(contentsOf: sidecar)) {
                let object = try XCTUnwrap(JSONSerialization.jsonObject(with: line) as? [String: Any])
                let index = try XCTUnwrap(object["index"] as? Int)
                labels[index] = (object["defects"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }
            }
        }
        return (lines, labels)
    }

    private func lines(of data: Data) -> [Data] {
        data.split(separator: 0x0A).map { Data($0) }
    }

    private func summary(_ path: URL) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: path)) as? [String: Any])
    }

    func testEveryMessageIsWrittenOnceInInputOrderAsConvertWritesIt() throws {
        let (messages, _) = try generated(60)
        let input = temp.appendingPathComponent("in.ndjson")
        try messages.map { $0 + Data([0x0A]) }.reduce(Data(), +).write(to: input)
        let out = temp.appendingPathComponent("out.ndjson"), summaryFile = temp.appendingPathComponent("summary.json")
        let r = try DCHCommand.run(["bulk", "--to", "xml", "--jobs", "2", "-o", out.path, "--summary-json", summaryFile.path, input.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        // The convert command's filter mode (its own code path: JSON straight to XML) gives the same lines.
        let direct = try DCHCommand.run(["convert", "--to", "xml", "--compact", input.path])
        XCTAssertEqual(direct.status, 0, direct.stderr)
        XCTAssertEqual(try Data(contentsOf: out), direct.stdout)
        let s = try summary(summaryFile)
        XCTAssertEqual(s["read"] as? Int, 60)
        XCTAssertEqual(s["written"] as? Int, 60)
        XCTAssertEqual(s["quarantined"] as? Int, 0)
        let events = try XCTUnwrap(s["byEvent"] as? [String: Int])
        XCTAssertEqual(events.values.reduce(0, +), 60)
        XCTAssertFalse(FileManager.default.fileExists(atPath: temp.appendingPathComponent("out.ndjson.quarantine").path),
                       "no quarantine folder when nothing is quarantined")
    }

    func testValidationQuarantinesEachBrokenMessageWithItsOriginalAndReasons() throws {
        let clean = try generated(20, seed: 3)
        let broken = try generated(20, seed: 4, defects: 1)
        // Clean and broken messages alternate.
        var input = Data()
        for i in 0..<20 { input += clean.lines[i] + Data([0x0A]) + broken.lines[i] + Data([0x0A]) }
        let quarantine = temp.appendingPathComponent("q")
        let out = temp.appendingPathComponent("out")
        let r = try DCHCommand.run(["bulk", "--validate", "--to", "json", "--quarantine", quarantine.path, "-o", out.path, "-"],
                                   stdin: input)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("40 messages read, 20 written, 20 quarantined"), r.stderr)
        // The clean ones, in a folder named after stdin, numbered by their place in the input.
        let written = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("stdin").path).sorted()
        XCTAssertEqual(written, (0..<20).map { String(format: "%06d.json", 2 * $0 + 1) })
        for i in 0..<20 {
            let sequence = 2 * i + 1
            let name = String(format: "%09d", sequence)
            XCTAssertEqual(try Data(contentsOf: quarantine.appendingPathComponent(name + ".json")), broken.lines[i],
                           "the original bytes, unchanged")
            let record = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: quarantine.appendingPathComponent(name + ".reasons.json"))) as? [String: Any])
            XCTAssertEqual(record["stage"] as? String, "validate")
            let source = try XCTUnwrap(record["source"] as? [String: Any])
            XCTAssertEqual(source["name"] as? String, "<stdin>")
            XCTAssertEqual(source["line"] as? Int, sequence + 1)
            let rules = Set((record["reasons"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String })
            XCTAssertTrue(Set(broken.labels[i]).isSubset(of: rules), "message \(i): labelled \(broken.labels[i]), found \(rules)")
        }
    }

    func testUnreadableAndOversizedMessagesAreQuarantinedUnderTheirSource() throws {
        let folder = temp.appendingPathComponent("inbox"), sub = folder.appendingPathComponent("sub")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        let sample = try Data(contentsOf: SharedCorpus.packageRoot.appendingPathComponent("Samples/nems-vaccination-new.xml"))
        try sample.write(to: sub.appendingPathComponent("good.xml"))
        try sample.prefix(900).write(to: folder.appendingPathComponent("cut.xml"))
        let small = Data(#"{"resourceType":"Patient","id":"p1"}"#.utf8)
        let big = Data((#"{"resourceType":"Patient","id":"p2","name":[{"text":""# + String(repeating: "x", count: sample.count + 1000) + #""}]}"#).utf8)
        try (small + Data([0x0A]) + big + Data([0x0A]) + small + Data([0x0A])).write(to: folder.appendingPathComponent("lines.ndjson"))
        let out = temp.appendingPathComponent("out")
        let r = try DCHCommand.run(["bulk", "--to", "json", "--max-message-bytes", "\(sample.count + 100)", "-o", out.path, folder.path])
        XCTAssertEqual(r.status, 1, r.stderr)
        // Output paths mirror the input folder; a unit of several messages becomes a folder of them.
        let files = FileManager.default.enumerator(atPath: out.path)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".json") }.sorted()
        XCTAssertEqual(files, ["lines/000001.json", "lines/000003.json", "sub/good.json"])
        let quarantine = temp.appendingPathComponent("out.quarantine")
        let names = try FileManager.default.contentsOfDirectory(atPath: quarantine.path).sorted()
        // Units in name order: cut.xml (0), lines.ndjson (1-3), sub/good.xml (4).
        XCTAssertEqual(names, ["000000000.reasons.json", "000000000.xml", "000000002.reasons.json"])
        XCTAssertEqual(try Data(contentsOf: quarantine.appendingPathComponent("000000000.xml")), sample.prefix(900))
        let cut = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: quarantine.appendingPathComponent("000000000.reasons.json"))) as? [String: Any])
        XCTAssertEqual(cut["stage"] as? String, "read")
        XCTAssertEqual((cut["source"] as? [String: Any])?["name"] as? String, folder.appendingPathComponent("cut.xml").path)
        let oversized = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: quarantine.appendingPathComponent("000000002.reasons.json"))) as? [String: Any])
        XCTAssertNil(oversized["original"] as? String, "a message too large to keep has no original in the quarantine")
        let reason = try XCTUnwrap((oversized["reasons"] as? [[String: Any]])?.first)
        XCTAssertEqual(reason["rule"] as? String, "io.too-large")
        XCTAssertEqual(reason["line"] as? Int, 2)
        XCTAssertTrue(r.stderr.contains("5 messages read, 3 written, 2 quarantined"), r.stderr)
    }

    /// Runs bulk over 1,500 generated messages (and 6 unreadable lines) twice into `name`: once
    /// straight through, once killed with SIGKILL after a few checkpoints and resumed. Returns the
    /// two outputs (reference, resumed), the resumed run's summary and how far the killed run got.
    private func killAndResume(into name: String, to format: String) throws -> (reference: URL, resumed: URL, summary: [String: Any], done: Int) {
        let (messages, _) = try generated(1500)
        // A line that cannot be read every 250 messages, so the quarantine is resumed too.
        var input = Data()
        for (i, line) in messages.enumerated() {
            input += line + Data([0x0A])
            if i % 250 == 249 { input += Data("{\"resourceType\": broken \(i)\n".utf8) }
        }
        let inputFile = temp.appendingPathComponent("caseload.ndjson")
        try input.write(to: inputFile)
        let arguments = { (out: URL) in ["bulk", "--to", format, "--jobs", "2", "--checkpoint-every", "100", "-o", out.path, inputFile.path] }

        let reference = temp.appendingPathComponent("reference").appendingPathComponent(name)
        try FileManager.default.createDirectory(at: reference.deletingLastPathComponent(), withIntermediateDirectories: true)
        XCTAssertEqual(try DCHCommand.run(arguments(reference)).status, 1)

        let out = temp.appendingPathComponent(name)
        let state = name.contains(".") ? temp.appendingPathComponent(".\(name).dch-bulk.state") : out.appendingPathComponent(".dch-bulk.state")
        let process = Process()
        process.executableURL = DCHCommand.productsDirectory.appendingPathComponent("dch")
        process.arguments = arguments(out)
        process.currentDirectoryURL = SharedCorpus.packageRoot
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        // Killed once a few checkpoints are down, well before the end.
        let deadline = Date().addingTimeInterval(300)
        var done = 0
        while Date() < deadline, process.isRunning, done < 300 {
            if let data = FileManager.default.contents(atPath: state.path),
               let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
                done = object["done"] as? Int ?? 0
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        XCTAssertTrue(process.isRunning, "the run ended before it could be killed (done: \(done))")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()

        let summaryFile = temp.appendingPathComponent("s.json")
        let resumed = try DCHCommand.run(arguments(out) + ["--resume", "--summary-json", summaryFile.path])
        XCTAssertEqual(resumed.status, 1, resumed.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: state.path), "the state goes once the run is complete")
        let s = try summary(summaryFile)
        XCTAssertEqual(s["read"] as? Int, 1506)
        XCTAssertEqual(s["written"] as? Int, 1500)
        XCTAssertEqual(s["quarantined"] as? Int, 6)
        XCTAssertGreaterThanOrEqual(s["resumedAt"] as? Int ?? 0, done)
        try assertSameFiles(URL(fileURLWithPath: out.path + ".quarantine"), URL(fileURLWithPath: reference.path + ".quarantine"))
        return (reference, out, s, done)
    }

    /// Every file under `a` is under `b` with the same bytes, and the other way round.
    private func assertSameFiles(_ a: URL, _ b: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        let list = { (root: URL) in (FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? [])
            .filter { !FileManager.default.fileExists(atPath: root.appendingPathComponent($0).path + "/.") }.sorted() }
        XCTAssertEqual(list(a), list(b), file: file, line: line)
        for name in list(a) {
            XCTAssertEqual(try Data(contentsOf: a.appendingPathComponent(name)), try Data(contentsOf: b.appendingPathComponent(name)),
                           name, file: file, line: line)
        }
    }

    func testAKilledRunResumesToExactlyTheUninterruptedStream() throws {
        let run = try killAndResume(into: "out.ndjson", to: "xml")
        XCTAssertEqual(try Data(contentsOf: run.resumed), try Data(contentsOf: run.reference), "each message exactly once, in order")
    }

    func testAKilledRunResumesToExactlyTheUninterruptedFolder() throws {
        let run = try killAndResume(into: "tree", to: "json")
        try assertSameFiles(run.resumed, run.reference)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: run.resumed.appendingPathComponent("caseload").path).count, 1500)
    }

    func testAKilledRunResumesToTheUninterruptedZip() throws {
        let run = try killAndResume(into: "out.zip", to: "json")
        // Read by python's zipfile (the oracle): every entry exactly once, with the same bytes.
        let resumed = try zipListing(run.resumed), reference = try zipListing(run.reference)
        XCTAssertEqual(resumed.count, 1500)
        XCTAssertEqual(resumed, reference)
    }

    /// Each entry of a zip as "name sha256", in archive order, as python's zipfile reads it (after
    /// its own CRC check of every entry).
    private func zipListing(_ zip: URL) throws -> [String] {
        let script = """
            import hashlib, sys, zipfile
            z = zipfile.ZipFile(sys.argv[1])
            assert z.testzip() is None
            for info in z.infolist():
                print(info.filename, hashlib.sha256(z.read(info)).hexdigest())
            """
        let r = try DCHCommand.run(executable: URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script, zip.path], in: temp)
        guard r.status == 0 else { throw Prerequisite.missing("python3 reads zips for this test: \(r.stderr)") }
        return r.stdoutText.split(separator: "\n").map(String.init)
    }

    func testZipArchivesAndGzipFilesAreReadAndAZipWritten() throws {
        let sample = try Data(contentsOf: SharedCorpus.packageRoot.appendingPathComponent("Samples/nems-vaccination-new.xml"))
        let other = try Data(contentsOf: SharedCorpus.packageRoot.appendingPathComponent("Samples/dch-birth-weight.xml"))
        let inbox = temp.appendingPathComponent("inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        try sample.write(to: temp.appendingPathComponent("a.xml"))
        try other.write(to: temp.appendingPathComponent("b.xml"))
        // A zip made by python's zipfile: a folder entry, a stored and a deflated message, a broken one.
        let made = try DCHCommand.run(executable: URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", """
            import zipfile
            with zipfile.ZipFile("inbox/archive.zip", "w") as z:
                z.writestr("sub/", b"")
                z.write("a.xml", "sub/a.xml", compress_type=zipfile.ZIP_STORED)
                z.write("b.xml", "sub/b.xml", compress_type=zipfile.ZIP_DEFLATED)
                z.writestr("cut.xml", open("a.xml", "rb").read()[:500])
            """], in: temp)
        guard made.status == 0 else { throw Prerequisite.missing("python3 makes the test's zip: \(made.stderr)") }
        // Three NDJSON messages, gzipped by gzip(1).
        let lines = try generated(3).lines.map { $0 + Data([0x0A]) }.reduce(Data(), +)
        try lines.write(to: inbox.appendingPathComponent("batch.ndjson"))
        let gzip = try DCHCommand.run(executable: URL(fileURLWithPath: "/usr/bin/env"), ["gzip", "inbox/batch.ndjson"], in: temp)
        guard gzip.status == 0 else { throw Prerequisite.missing("gzip(1) makes the test's gzip file") }

        let out = temp.appendingPathComponent("out.zip")
        let r = try DCHCommand.run(["bulk", "--to", "json", "-o", out.path, inbox.path])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("6 messages read, 5 written, 1 quarantined"), r.stderr)
        let names = try zipListing(out).map { String($0.split(separator: " ")[0]) }
        XCTAssertEqual(names, ["archive/sub/a.json", "archive/sub/b.json", "batch/000001.json", "batch/000002.json", "batch/000003.json"])
        // Each entry is what dch convert makes of the same message (compact).
        let entries = try DCHCommand.run(executable: URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", """
            import sys, zipfile
            z = zipfile.ZipFile(sys.argv[1])
            sys.stdout.buffer.write(z.read("archive/sub/b.json"))
            """, out.path], in: temp)
        let direct = try DCHCommand.run(["convert", "--to", "json", "--compact", temp.appendingPathComponent("b.xml").path])
        XCTAssertEqual(entries.stdout, direct.stdout)
        // The broken entry is quarantined under its archive and entry.
        let sidecar = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out.path + ".quarantine/000000002.reasons.json"))) as? [String: Any])
        let source = try XCTUnwrap(sidecar["source"] as? [String: Any])
        XCTAssertEqual(source["zipEntry"] as? String, "cut.xml")
        XCTAssertEqual(source["name"] as? String, inbox.appendingPathComponent("archive.zip").path + ":cut.xml")
    }

    func testProgressGoesToAStderrThatIsATerminalOnly() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else {
            throw Prerequisite.missing("script(1) from util-linux gives dch a terminal (apt-get install bsdutils)")
        }
        let (messages, _) = try generated(400)
        let input = temp.appendingPathComponent("in.ndjson")
        try messages.map { $0 + Data([0x0A]) }.reduce(Data(), +).write(to: input)
        let dch = DCHCommand.productsDirectory.appendingPathComponent("dch").path
        let out = temp.appendingPathComponent("o.ndjson").path
        // script(1) runs the command on a pseudo-terminal and copies what it shows.
        let shown = try DCHCommand.run(executable: URL(fileURLWithPath: "/usr/bin/script"),
                                       ["-qec", "\(dch) bulk --jobs 1 -o \(out) \(input.path)", "/dev/null"], in: temp)
        XCTAssertEqual(shown.status, 0, shown.stderr)
        let screen = shown.stdoutText
        XCTAssertTrue(screen.contains(" messages/s, ") && screen.contains(" quarantined, ETA "), screen)
        XCTAssertTrue(screen.contains("400 messages read, 400 written, 0 quarantined"), screen)
        // Not a terminal: the summary only.
        let piped = try DCHCommand.run(["bulk", "--jobs", "1", "-o", out, input.path])
        XCTAssertFalse(piped.stderr.contains("\r"), piped.stderr)
        XCTAssertTrue(piped.stderr.hasPrefix("400 messages read"), piped.stderr)
    }

    func testResumeNeedsTheInterruptedRunAndAStateIsNotIgnored() throws {
        let input = try file("one.xml", String(decoding: try Data(contentsOf: SharedCorpus.packageRoot.appendingPathComponent("Samples/dch-birth-weight.xml")), as: UTF8.self))
        let out = temp.appendingPathComponent("o.ndjson")
        let missing = try DCHCommand.run(["bulk", "--resume", "-o", out.path, input])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("no interrupted run to resume"), missing.stderr)
        try Data("{}".utf8).write(to: temp.appendingPathComponent(".o.ndjson.dch-bulk.state"))
        let stale = try DCHCommand.run(["bulk", "-o", out.path, input])
        XCTAssertEqual(stale.status, 2)
        XCTAssertTrue(stale.stderr.contains("add --resume"), stale.stderr)
        XCTAssertEqual(try DCHCommand.run(["bulk", "--resume", input]).status, 2, "stdout cannot be resumed")
    }
}
