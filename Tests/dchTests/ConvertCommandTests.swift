import XCTest
import Foundation
import DCHTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `dch convert` run as a real process on real files.
final class ConvertCommandTests: CommandTestCase {
    let sample = "Samples/nems-vaccination-new.xml"

    func testConvertsSampleToJSONOnStdout() throws {
        let r = try DCHCommand.run(["convert", sample])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "")
        let json = try JSONValue.parse(Array(r.stdout))
        XCTAssertEqual(json["resourceType"], .string("Bundle"))
        guard case let .array(entries)? = json["entry"] else { return XCTFail("entry is not an array") }
        XCTAssertEqual(entries.count, 7)
        // The decimal keeps its lexical form.
        XCTAssertTrue(r.stdoutText.contains("\"value\": 0.50"), "decimal 0.50 must stay 0.50")
    }

    func testStdinToStdoutRoundTripIsStable() throws {
        let xml = try Data(contentsOf: SharedCorpus.packageRoot.appendingPathComponent(sample))
        let json = try DCHCommand.run(["convert", "--to", "json", "--compact", "-"], stdin: xml)
        XCTAssertEqual(json.status, 0, json.stderr)
        XCTAssertEqual(json.stdoutText.split(separator: "\n").count, 1, "compact output is one line")
        let back = try DCHCommand.run(["convert", "--from", "json"], stdin: json.stdout)
        XCTAssertEqual(back.status, 0, back.stderr)
        XCTAssertTrue(back.stdoutText.hasPrefix("<?xml"))
        let again = try DCHCommand.run(["convert", "--to", "json", "--compact"], stdin: back.stdout)
        XCTAssertEqual(again.stdout, json.stdout, "XML->JSON->XML->JSON must be stable")
    }

    func testSeveralInputsIntoAFolderAndFailuresReported() throws {
        let bad = temp.appendingPathComponent("bad.xml")
        try Data("""
            <Patient xmlns="http://hl7.org/fhir">
              <id value="p1"/>
              <favouriteColour value="blue"/>
            </Patient>
            """.utf8).write(to: bad)
        let out = temp.appendingPathComponent("out")
        let r = try DCHCommand.run(["convert", "-o", out.path, sample, "Samples/dch-birth-weight.xml", bad.path])
        XCTAssertEqual(r.status, 1, "one input failed: exit 1")
        XCTAssertTrue(r.stderr.contains("\(bad.path):3:3: error:"), r.stderr)
        XCTAssertTrue(r.stderr.contains("favouriteColour"), r.stderr)
        XCTAssertTrue(r.stderr.contains("(Patient.favouriteColour)"), r.stderr)
        let written = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        XCTAssertEqual(written, ["dch-birth-weight.json", "nems-vaccination-new.json"], "no output, not even a partial one, for the bad input")
    }

    func testInputsWithTheSameBaseNameDoNotOverwriteEachOther() throws {
        let a = temp.appendingPathComponent("a"), b = temp.appendingPathComponent("b")
        for dir in [a, b] {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: SharedCorpus.packageRoot.appendingPathComponent(sample),
                                             to: dir.appendingPathComponent("m.xml"))
        }
        let out = temp.appendingPathComponent("out")
        let r = try DCHCommand.run(["convert", "-o", out.path, a.appendingPathComponent("m.xml").path,
                                    b.appendingPathComponent("m.xml").path])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("already wrote"), r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path), ["m.json"])
    }

    func testAnInterruptedRunLeavesOnlyHiddenTemporaryFiles() throws {
        // The third input is a named pipe nobody writes to: dch has written the first two outputs
        // (not yet committed, the group is not full) and waits there until it is killed.
        let pipe = temp.appendingPathComponent("never.xml")
        XCTAssertEqual(mkfifo(pipe.path, 0o600), 0)
        let out = temp.appendingPathComponent("out")
        let process = Process()
        process.executableURL = DCHCommand.productsDirectory.appendingPathComponent("dch")
        process.arguments = ["convert", "--jobs", "1", "--to", "json", "-o", out.path, sample, "Samples/dch-birth-weight.xml", pipe.path]
        process.currentDirectoryURL = SharedCorpus.packageRoot
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let temporary = [".nems-vaccination-new.json", ".dch-birth-weight.json"].map { "\($0).dch-\(process.processIdentifier).tmp" }
        let deadline = Date().addingTimeInterval(120)
        var listing: [String] = []
        while Date() < deadline {
            listing = (try? FileManager.default.contentsOfDirectory(atPath: out.path).sorted()) ?? []
            if listing.count == 2 { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTAssertEqual(listing, temporary.sorted(), "only hidden temporary names while the group is open")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted(), temporary.sorted(),
                       "a killed run leaves no output under its real name, only the hidden temporary files")
    }

    func testAKilledRunLeavesEachOutputCompleteOrAbsent() throws {
        // 240 inputs (the two samples alternately), converted on two threads and killed with
        // SIGKILL at several moments: whatever the moment, a visible output is the whole output of
        // its input (as an uninterrupted run writes it) and anything else is a hidden temporary file.
        let samples = [sample, "Samples/dch-birth-weight.xml"]
        let reference = temp.appendingPathComponent("reference")
        let whole = try DCHCommand.run(["convert", "--to", "json", "-o", reference.path] + samples)
        XCTAssertEqual(whole.status, 0, whole.stderr)
        let expected = try ["nems-vaccination-new", "dch-birth-weight"].map { try Data(contentsOf: reference.appendingPathComponent("\($0).json")) }
        let inputs = temp.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: inputs, withIntermediateDirectories: true)
        let sources = try samples.map { try Data(contentsOf: SharedCorpus.packageRoot.appendingPathComponent($0)) }
        var paths: [String] = []
        for i in 0..<240 {
            let path = inputs.appendingPathComponent("m\(i).xml")
            try sources[i % 2].write(to: path)
            paths.append(path.path)
        }
        var killed = 0
        for (run, delay) in [0.05, 0.2, 0.5, 1.0, 2.0].enumerated() {
            let out = temp.appendingPathComponent("out\(run)")
            let process = Process()
            process.executableURL = DCHCommand.productsDirectory.appendingPathComponent("dch")
            process.arguments = ["convert", "--jobs", "2", "--to", "json", "-o", out.path] + paths
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            if process.terminationReason == .uncaughtSignal { killed += 1 }
            let temporary = try NSRegularExpression(pattern: "^\\.m[0-9]+\\.json\\.dch-\(process.processIdentifier)(-[0-9]+)?\\.tmp$")
            for name in (try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? [] {
                if name.hasPrefix(".") {
                    XCTAssertNotNil(temporary.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)), "\(name): only temporary files are hidden")
                    continue
                }
                let index = try XCTUnwrap(Int(name.dropFirst().dropLast(5)), name)
                XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent(name)), expected[index % 2], "\(name) after a kill at \(delay) s")
            }
        }
        XCTAssertGreaterThan(killed, 0, "at least one run was killed before it ended")
    }

    func testRerunningKeepsIdenticalOutputsAndReplacesChangedOnes() throws {
        let a = temp.appendingPathComponent("a.xml"), b = temp.appendingPathComponent("b.xml")
        try FileManager.default.copyItem(at: SharedCorpus.packageRoot.appendingPathComponent(sample), to: a)
        try FileManager.default.copyItem(at: SharedCorpus.packageRoot.appendingPathComponent(sample), to: b)
        let out = temp.appendingPathComponent("out")
        let first = try DCHCommand.run(["convert", "--to", "json", "-o", out.path, a.path, b.path])
        XCTAssertEqual(first.status, 0, first.stderr)
        func inode(_ name: String) -> UInt64 {
            var info = stat()
            XCTAssertEqual(stat(out.appendingPathComponent(name).path, &info), 0)
            return UInt64(info.st_ino)
        }
        let past = Date(timeIntervalSince1970: 1_000_000_000)
        try FileManager.default.setAttributes([.modificationDate: past], ofItemAtPath: out.appendingPathComponent("a.json").path)
        let (inodeA, inodeB) = (inode("a.json"), inode("b.json"))
        // b's input changes; a's does not.
        try FileManager.default.removeItem(at: b)
        try FileManager.default.copyItem(at: SharedCorpus.packageRoot.appendingPathComponent("Samples/dch-birth-weight.xml"), to: b)
        let second = try DCHCommand.run(["convert", "--to", "json", "-o", out.path, a.path, b.path])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted(), ["a.json", "b.json"])
        XCTAssertEqual(inode("a.json"), inodeA, "an output that would not change is kept")
        let modified = try FileManager.default.attributesOfItem(atPath: out.appendingPathComponent("a.json").path)[.modificationDate] as? Date
        XCTAssertGreaterThan(try XCTUnwrap(modified), past.addingTimeInterval(3600), "with the time of this run, as make expects")
        XCTAssertNotEqual(inode("b.json"), inodeB, "a changed output is replaced")
        let fresh = try DCHCommand.run(["convert", "--to", "json", "Samples/dch-birth-weight.xml"])
        XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("b.json")), fresh.stdout)
    }

    func testOutputNamesAreTheInputBaseNamesWithTheNewExtension() throws {
        let inputs = temp.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: inputs, withIntermediateDirectories: true)
        let bytes = try Data(contentsOf: SharedCorpus.packageRoot.appendingPathComponent(sample))
        // The last extension goes, unless its dot starts or ends the name; non-ASCII names alike.
        let names = ["a.b.xml": "a.b.json", ".hidden": ".hidden.json", "plain": "plain.json", "dot.": "dot..json",
                     "caf\u{E9}.xml": "caf\u{E9}.json", "n\u{E4}me.v2.xml": "n\u{E4}me.v2.json"]
        for name in names.keys { try bytes.write(to: inputs.appendingPathComponent(name)) }
        let out = temp.appendingPathComponent("out")
        // A path with "./" and a doubled slash, as shells pass them.
        let r = try DCHCommand.run(["convert", "--to", "json", "-o", out.path] + names.keys.sorted().map { "./in//\($0)" }, in: temp)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted(), names.values.sorted())
    }

    func testNoOutputReplacesAnInput() throws {
        // Compact JSON converted to (indented) JSON in its own folder: the output would be a.json,
        // the input itself, reached here by another spelling of the folder.
        let folder = temp.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let compact = try DCHCommand.run(["convert", "--to", "json", "--compact", sample])
        let input = folder.appendingPathComponent("a.json")
        try compact.stdout.write(to: input)
        try FileManager.default.copyItem(at: SharedCorpus.packageRoot.appendingPathComponent(sample), to: folder.appendingPathComponent("b.xml"))
        let r = try DCHCommand.run(["convert", "--to", "json", "-o", folder.path, "data/../data/a.json", "data/b.xml"], in: temp)
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("data/../data/a.json: error: not written: \(folder.path)/a.json is an input"), r.stderr)
        XCTAssertEqual(try Data(contentsOf: input), compact.stdout, "the input is left as it was")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(), ["a.json", "b.json", "b.xml"],
                       "the other input's output is written beside it, and no temporary file is left")
    }

    func testAnExistingOutputFileIsReplaced() throws {
        let target = temp.appendingPathComponent("out.json")
        try Data("old".utf8).write(to: target)
        let r = try DCHCommand.run(["convert", "-o", target.path, sample])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try JSONValue.parse(Array(Data(contentsOf: target)))["resourceType"], .string("Bundle"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: temp.path), ["out.json"], "no temporary file left")
    }

    func testNDJSONOnStdoutForSeveralInputs() throws {
        let r = try DCHCommand.run(["convert", "--to", "json", "--compact", sample, "Samples/dch-birth-weight.xml"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdoutText.split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        for line in lines { XCTAssertEqual(try JSONValue.parse(Array(line.utf8))["resourceType"], .string("Bundle")) }
    }

    func testUsageAndIOErrorsExitTwo() throws {
        let usage = try DCHCommand.run(["convert", sample, "Samples/dch-birth-weight.xml"])
        XCTAssertEqual(usage.status, 2, "several inputs to stdout as XML is a usage error")
        XCTAssertTrue(usage.stderr.contains("-o DIR"), usage.stderr)
        let missing = try DCHCommand.run(["convert", "no-such-file.xml"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("no-such-file.xml"), missing.stderr)
        let badFormat = try DCHCommand.run(["convert", "--to", "yaml", sample])
        XCTAssertEqual(badFormat.status, 2)
    }

    func testHostileXMLIsRefused() throws {
        let xxe = Data("""
            <?xml version="1.0"?>
            <!DOCTYPE Patient [<!ENTITY x SYSTEM "file:///etc/passwd">]>
            <Patient xmlns="http://hl7.org/fhir"><id value="&x;"/></Patient>
            """.utf8)
        let r = try DCHCommand.run(["convert", "-"], stdin: xxe)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("DOCTYPE"), r.stderr)
        XCTAssertFalse(r.stdoutText.contains("root:"), "no file content may leak")
        XCTAssertEqual(r.stdout.count, 0)
    }

    func testNeitherXMLNorJSONIsAClearError() throws {
        let r = try DCHCommand.run(["convert", "-"], stdin: Data("hello".utf8))
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("<stdin>:1:1: error: input is neither XML nor JSON"), r.stderr)
    }

    func testCompletionScriptAndHelp() throws {
        let bash = try DCHCommand.run(["--generate-completion-script", "bash"])
        XCTAssertEqual(bash.status, 0)
        XCTAssertTrue(bash.stdoutText.contains("convert"))
        let help = try DCHCommand.run(["convert", "--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdoutText.contains("Exit codes"))
    }
}
