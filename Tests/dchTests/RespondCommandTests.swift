import XCTest
import Foundation
import DCHTestSupport

/// `dch respond` run as a real process; its responses are checked by `dch validate`.
final class RespondCommandTests: CommandTestCase {
    let identity = ["--source-endpoint", "urn:nhs:addressing:asid:999000000009", "--source-name", "Northfield CHIS",
                    "--ods-code", "X26", "--id", "6F1C2D3E-4A5B-4C6D-8E9F-0A1B2C3D4E5F",
                    "--timestamp", "2026-03-14T10:20:00+00:00"]

    /// `dch validate` of a written response: exit status and report.
    private func validate(_ path: String) throws -> CommandResult {
        try DCHCommand.run(["validate", path])
    }

    func testAcceptedSampleGivesAValidResponseInTheInputFormat() throws {
        for (sample, format) in [("Samples/dch-birth-weight.xml", "xml"), ("Samples/nems-vaccination-new.json", "json")] {
            let out = temp.appendingPathComponent("response.\(format)").path
            let r = try DCHCommand.run(["respond"] + identity + ["-o", out, sample])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(r.stderr, "\(sample): accepted\n")
            XCTAssertTrue(r.stdout.isEmpty)
            let text = try String(contentsOfFile: out, encoding: .utf8)
            XCTAssertTrue(text.hasPrefix(format == "xml" ? "<?xml" : "{"), text)
            XCTAssertTrue(text.contains("6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f"), "the id is written in lower case")
            XCTAssertTrue(text.contains("R00"))
            let v = try validate(out)
            XCTAssertEqual(v.status, 0, v.stdoutText)
            XCTAssertTrue(v.stdoutText.contains(", 0 errors,"), v.stdoutText)
        }
    }

    func testBrokenMessageFromStdinIsRejected() throws {
        let sample = try Data(contentsOf: SharedCorpus.packageRoot.appendingPathComponent("Samples/nems-vaccination-new.xml"))
        let broken = String(decoding: sample, as: UTF8.self)
            .replacingOccurrences(of: #"<timestamp value="2026-03-14T10:15:00+00:00"/>"#, with: #"<timestamp value="yesterday"/>"#)
        let r = try DCHCommand.run(["respond", "--format", "json"] + identity, stdin: Data(broken.utf8))
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "<stdin>: rejected (1 error)\n")
        let json = try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any]
        let entries = json?["entry"] as? [[String: Any]] ?? []
        let types = entries.compactMap { ($0["resource"] as? [String: Any])?["resourceType"] as? String }
        XCTAssertEqual(types, ["MessageHeader", "Task", "OperationOutcome"])
        let outcome = entries.last?["resource"] as? [String: Any]
        let issue = (outcome?["issue"] as? [[String: Any]])?.first
        XCTAssertEqual(issue?["diagnostics"] as? String, "value.instant")
        XCTAssertEqual((issue?["location"] as? [String])?.first, "Bundle.entry[0].resource.timestamp")
        let out = temp.appendingPathComponent("rejection.json")
        try r.stdout.write(to: out)
        let v = try validate(out.path)
        XCTAssertEqual(v.status, 0, v.stdoutText)
        // Same inputs, same bytes.
        let again = try DCHCommand.run(["respond", "--format", "json"] + identity, stdin: Data(broken.utf8))
        XCTAssertEqual(again.stdout, r.stdout)
    }

    func testUsageAndIOErrorsExitTwo() throws {
        let missing = try DCHCommand.run(["respond"] + identity + [temp.appendingPathComponent("none.xml").path])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("cannot read"), missing.stderr)
        let badID = try DCHCommand.run(["respond", "--source-endpoint", "urn:e", "--ods-code", "X26", "--id", "42",
                                        "Samples/dch-birth-weight.xml"])
        XCTAssertEqual(badID.status, 2)
        XCTAssertTrue(badID.stderr.contains("--id must be a UUID"), badID.stderr)
        let noEndpoint = try DCHCommand.run(["respond", "--ods-code", "X26", "Samples/dch-birth-weight.xml"])
        XCTAssertEqual(noEndpoint.status, 2)
        let unwritable = try DCHCommand.run(["respond"] + identity + ["-o", temp.appendingPathComponent("no/such/dir/r.xml").path,
                                                                     "Samples/dch-birth-weight.xml"])
        XCTAssertEqual(unwritable.status, 2)
        XCTAssertTrue(unwritable.stderr.contains("cannot write the response"), unwritable.stderr)
    }
}
