import XCTest
import Foundation
import DCHTestSupport

/// `dch share` as real processes: a stream of generated messages, the audit searched for every
/// identifying value, --explain, --decrypt, exit codes.
final class ShareCommandTests: XCTestCase {
    var folder: URL!
    var keyFile: String!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("dch-share-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        keyFile = folder.appendingPathComponent("key").path
        try Data("0123456789abcdef0123456789abcdef\n".utf8).write(to: URL(fileURLWithPath: keyFile))
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func policy(_ name: String) -> String { "Samples/policies/\(name).yaml" }

    /// Values the generated messages' people carry (names, NHS numbers, birth dates, postcodes, phones).
    func identifyingValues(_ ndjson: Data) throws -> Set<String> {
        var values = Set<String>()
        for line in ndjson.split(separator: 0x0A) {
            let message = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
            for entry in message["entry"] as? [[String: Any]] ?? [] {
                guard let r = entry["resource"] as? [String: Any], ["Patient", "RelatedPerson"].contains(r["resourceType"] as? String) else { continue }
                for id in r["identifier"] as? [[String: Any]] ?? [] where (id["value"] as? String)?.first?.isNumber == true { values.insert(id["value"] as! String) }
                for n in r["name"] as? [[String: Any]] ?? [] {
                    if let f = n["family"] as? String { values.insert(f) }
                    for g in n["given"] as? [String] ?? [] where g.count > 2 { values.insert(g) }
                }
                if let b = r["birthDate"] as? String { values.insert(b) }
                for a in r["address"] as? [[String: Any]] ?? [] { if let p = a["postalCode"] as? String { values.insert(p) } }
                for t in r["telecom"] as? [[String: Any]] ?? [] { if let v = t["value"] as? String { values.insert(v) } }
            }
        }
        // Filler the generator also uses as vocabulary ('Not recorded' is a name and a display).
        let text = String(decoding: ndjson, as: UTF8.self)
        return values.filter { !text.contains("\"display\":\"\($0)\"") }
    }

    func testStreamOfGeneratedMessagesAuditHoldsNoIdentifyingValue() throws {
        let generated = try DCHCommand.run(["generate", "--event", "all", "--count", "98", "--seed", "5"])
        XCTAssertEqual(generated.status, 0, generated.stderr)
        let values = try identifyingValues(generated.stdout)
        XCTAssertGreaterThan(values.count, 200)
        for name in ["school-nurse", "social-care", "research-extract"] {
            let audit = folder.appendingPathComponent("\(name).ndjson").path
            let shared = try DCHCommand.run(["share", "--policy", policy(name), "--key-file", keyFile, "--audit", audit, "--compact", "-"],
                                            stdin: generated.stdout)
            XCTAssertEqual(shared.status, 0, shared.stderr)
            XCTAssertEqual(shared.stderr, "")
            let auditBytes = try Data(contentsOf: URL(fileURLWithPath: audit))
            let records = auditBytes.split(separator: 0x0A).compactMap { try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] }
            XCTAssertEqual(records.filter { $0["record"] as? String == "message" }.count, 98, name)
            for value in values { XCTAssertNil(auditBytes.range(of: Data(value.utf8)), "\(name): the audit holds an identifying value") }
            // One output line per shared message, each a JSON message.
            let sharedCount = records.filter { $0["record"] as? String == "message" && $0["outcome"] as? String == "shared" }.count
            XCTAssertEqual(shared.stdout.split(separator: 0x0A).count, sharedCount, name)
            if name == "research-extract" {
                // Dates are left out here: across a stream of children one child's shifted date can
                // be another's birth date (LawfulSharingTests checks birth dates message by message).
                for value in values where !value.contains("-") { XCTAssertNil(shared.stdout.range(of: Data(value.utf8)), "research output holds an identifying value") }
                // The same key gives the same bytes.
                let again = try DCHCommand.run(["share", "--policy", policy(name), "--key-file", keyFile, "--compact", "-"], stdin: generated.stdout)
                XCTAssertEqual(again.stdout, shared.stdout)
            }
        }
    }

    func testExplainWritesNoMessageAndNamesTheDecisions() throws {
        let result = try DCHCommand.run(["share", "--policy", policy("research-extract"), "--key-file", keyFile, "--explain",
                                         "Samples/nems-vaccination-new.xml"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdoutText.contains("shared under the policy research-extract"), result.stdoutText)
        XCTAssertTrue(result.stdoutText.contains("pseudonymise"))
        XCTAssertTrue(result.stdoutText.contains("[pseudonymous-nhs-number]"))
        XCTAssertFalse(result.stdoutText.contains("<Bundle"))
        XCTAssertFalse(result.stdoutText.contains("9990000026"))
        XCTAssertFalse(result.stdoutText.contains("OKAFOR"))
    }

    func testDecryptRecoversWhatSocialCareSealed() throws {
        let input = try String(contentsOfFile: SharedCorpus.packageRoot.appendingPathComponent("Samples/nems-vaccination-new.xml").path, encoding: .utf8)
            .replacingOccurrences(of: "<gender value=\"female\"/>", with: "<telecom><system value=\"phone\"/><value value=\"07700 900456\"/></telecom><gender value=\"female\"/>")
        XCTAssertTrue(input.contains("07700 900456"))
        let shared = try DCHCommand.run(["share", "--policy", policy("social-care"), "--key-file", keyFile, "-"], stdin: Data(input.utf8))
        XCTAssertEqual(shared.status, 0, shared.stderr)
        XCTAssertNil(shared.stdout.range(of: Data("07700 900456".utf8)))
        let recovered = try DCHCommand.run(["share", "--decrypt", "--key-file", keyFile, "-"], stdin: shared.stdout)
        XCTAssertEqual(recovered.status, 0, recovered.stderr)
        XCTAssertNotNil(recovered.stdout.range(of: Data("07700 900456".utf8)))
        let wrongKey = folder.appendingPathComponent("other").path
        try Data("another key of thirty-two bytes!".utf8).write(to: URL(fileURLWithPath: wrongKey))
        let refused = try DCHCommand.run(["share", "--decrypt", "--key-file", wrongKey, "-"], stdin: shared.stdout)
        XCTAssertEqual(refused.status, 1)
        XCTAssertFalse(refused.stderr.contains("07700"))
    }

    func testExitCodesForABadPolicyAndAMissingKey() throws {
        let bad = folder.appendingPathComponent("bad.yaml").path
        try Data("dch-sharing-policy: 1\nname: x\npurpose: y\nrecipient: {setting: gp}\nlawful-basis: {article-6: 6(1)(e)}\nevents: all\nrules:\n  - {select: 'type.where(', action: keep}\n".utf8)
            .write(to: URL(fileURLWithPath: bad))
        let result = try DCHCommand.run(["share", "--policy", bad, "--key-file", keyFile, "Samples/nems-vaccination-new.xml"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("bad.yaml:5:15: error: lawful-basis.article-9: missing"), result.stderr)
        XCTAssertTrue(result.stderr.contains("bad.yaml:8:14: error: rules[0].select: the FHIRPath expression does not parse"), result.stderr)
        var environment = ProcessInfo.processInfo.environment
        environment["DCH_SHARE_KEY"] = nil
        let noKey = try DCHCommand.run(["share", "--policy", policy("school-nurse"), "Samples/nems-vaccination-new.xml"], environment: environment)
        XCTAssertEqual(noKey.status, 2)
        XCTAssertTrue(noKey.stderr.contains("--key-file"))
        environment["DCH_SHARE_KEY"] = "an environment key of 32 bytes.."
        let fromEnvironment = try DCHCommand.run(["share", "--policy", policy("school-nurse"), "Samples/nems-vaccination-new.xml"], environment: environment)
        XCTAssertEqual(fromEnvironment.status, 0, fromEnvironment.stderr)
        XCTAssertTrue(fromEnvironment.stdoutText.hasPrefix("<"), "XML in, XML out")
    }

    /// Audit records of an NDJSON audit file.
    func auditRecords(_ path: String) throws -> [[String: Any]] {
        try Data(contentsOf: URL(fileURLWithPath: path)).split(separator: 0x0A).map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0)) as? [String: Any])
        }
    }

    func testSeveralJobsWriteTheBytesOfOneJob() throws {
        let generated = try DCHCommand.run(["generate", "--event", "all", "--count", "196", "--seed", "11"])
        XCTAssertEqual(generated.status, 0, generated.stderr)
        let lines = generated.stdout.split(separator: 0x0A)
        XCTAssertEqual(lines.count, 196)
        // Two inputs, so the audit's input positions are checked too.
        let first = folder.appendingPathComponent("first.ndjson"), second = folder.appendingPathComponent("second.ndjson")
        try Data(lines[..<100].joined(separator: [0x0A]) + [0x0A]).write(to: first)
        try Data(lines[100...].joined(separator: [0x0A]) + [0x0A]).write(to: second)
        for (policy, extra) in [("research-extract", ["--compact"]), ("school-nurse", ["--to", "xml"]), ("social-care", ["--explain"])] {
            var runs: [(stdout: Data, audit: Data)] = []
            for jobs in ["1", "3"] {
                let audit = folder.appendingPathComponent("\(policy)-\(jobs).ndjson").path
                let r = try DCHCommand.run(["share", "--policy", self.policy(policy), "--key-file", keyFile!, "--audit", audit, "--jobs", jobs]
                                           + extra + [first.path, second.path])
                XCTAssertEqual(r.status, 0, r.stderr)
                XCTAssertEqual(r.stderr, "")
                runs.append((r.stdout, try Data(contentsOf: URL(fileURLWithPath: audit))))
            }
            XCTAssertGreaterThan(runs[0].stdout.count, 10_000, policy)
            for run in runs.dropFirst() {
                XCTAssertTrue(run.stdout == runs[0].stdout, "\(policy): the output of several jobs differs from one job's")
                XCTAssertTrue(run.audit == runs[0].audit, "\(policy): the audit of several jobs differs from one job's")
            }
            // Message records in input order: input 1 messages 0..99, then input 2 messages 0..95.
            let order = try auditRecords(folder.appendingPathComponent("\(policy)-3.ndjson").path)
                .filter { $0["record"] as? String == "message" }
                .map { "\($0["input"] as? Int ?? 0)/\($0["message"] as? Int ?? -1)" }
            XCTAssertEqual(order, (0..<100).map { "1/\($0)" } + (0..<96).map { "2/\($0)" }, policy)
        }
    }

    func testTheAuditNamesAnInputByPositionAndKeyedHash() throws {
        // A file named after the child, as inboxes often are.
        let named = folder.appendingPathComponent("okafor-amara-2019-03-02.xml").path
        try FileManager.default.copyItem(atPath: SharedCorpus.packageRoot.appendingPathComponent("Samples/nems-vaccination-new.xml").path, toPath: named)
        let audit = folder.appendingPathComponent("audit.ndjson").path
        let r = try DCHCommand.run(["share", "--policy", policy("social-care"), "--key-file", keyFile!, "--audit", audit,
                                    "Samples/dch-birth-weight.xml", named])
        XCTAssertEqual(r.status, 0, r.stderr)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: audit))
        XCTAssertNil(bytes.range(of: Data("okafor".utf8)))
        XCTAssertNil(bytes.range(of: Data("amara".utf8)))
        let records = try auditRecords(audit)
        XCTAssertTrue(records.allSatisfy { $0["input-name"] == nil })
        let second = records.filter { $0["input"] as? Int == 2 }
        XCTAssertGreaterThan(second.count, 1)
        // The expected hash from Python's hmac and hashlib: HKDF-SHA256 (RFC 5869, no salt) of the key
        // with info "dch-share/audit-input", then HMAC-SHA256 of the name as given, 128 bits in hex.
        let python = try DCHCommand.run(executable: URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", """
            import hashlib, hmac, sys
            ikm = open(sys.argv[1], "rb").read().rstrip(b"\\r\\n")
            prk = hmac.new(b"\\0" * 32, ikm, hashlib.sha256).digest()
            okm = hmac.new(prk, b"dch-share/audit-input" + b"\\x01", hashlib.sha256).digest()
            print(hmac.new(okm, sys.argv[2].encode(), hashlib.sha256).hexdigest()[:32])
            """, keyFile, named], in: folder)
        guard python.status == 0 else { throw Prerequisite.missing("python3 (hmac, hashlib) computes the expected hash: \(python.stderr)") }
        let expected = python.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(expected.count, 32)
        XCTAssertEqual(Set(second.map { $0["input-hash"] as? String }), [expected])
        XCTAssertEqual(Set(records.filter { $0["input"] as? Int == 1 }.map { $0["input-hash"] as? String }).count, 1)
        XCTAssertFalse(records.contains { $0["input"] as? Int == 1 && $0["input-hash"] as? String == expected })

        // Asked for, the names as given.
        let plain = try DCHCommand.run(["share", "--policy", policy("social-care"), "--key-file", keyFile!, "--audit", audit,
                                        "--audit-input-names", named])
        XCTAssertEqual(plain.status, 0, plain.stderr)
        let plainRecords = try auditRecords(audit)
        XCTAssertEqual(Set(plainRecords.map { $0["input-name"] as? String }), [named])
        XCTAssertTrue(plainRecords.allSatisfy { $0["input-hash"] == nil && $0["input"] as? Int == 1 })
    }

    func testMessagesAreReadWithinTheLimits() throws {
        let generated = try DCHCommand.run(["generate", "--event", "CH001", "--count", "3", "--seed", "2"])
        XCTAssertEqual(generated.status, 0, generated.stderr)
        let base = ["share", "--policy", policy("research-extract"), "--key-file", keyFile!, "--compact"]
        let within = try DCHCommand.run(base + ["-"], stdin: generated.stdout)
        XCTAssertEqual(within.status, 0, within.stderr)
        XCTAssertEqual(within.stdout.split(separator: 0x0A).count, 3)
        // Each limit below what the messages need: every message reported with the reader's rule, none written.
        for (option, rule) in [(["--max-bytes", "1000"], "io.too-large"), (["--max-depth", "4"], "json.too-deep"),
                               (["--max-entries", "2"], "json.too-many-items")] {
            let r = try DCHCommand.run(base + option + ["-"], stdin: generated.stdout)
            XCTAssertEqual(r.status, 1, option.joined(separator: " "))
            XCTAssertEqual(r.stdout, Data(), option.joined(separator: " "))
            XCTAssertEqual(r.stderr.components(separatedBy: "(\(rule))").count - 1, 3, r.stderr)
        }
        // --lines: a blank line is a message (that cannot be read); without it, blank lines are skipped.
        var withBlank = generated.stdout.split(separator: 0x0A).map { Data($0) + Data([0x0A]) }
        withBlank.insert(Data([0x0A]), at: 1)
        let strict = try DCHCommand.run(base + ["--lines", "-"], stdin: withBlank.reduce(Data(), +))
        XCTAssertEqual(strict.status, 1)
        XCTAssertTrue(strict.stderr.contains("<stdin>: error: message 1: cannot read the message"), strict.stderr)
        XCTAssertEqual(strict.stdout.split(separator: 0x0A).count, 3)
        let lenient = try DCHCommand.run(base + ["-"], stdin: withBlank.reduce(Data(), +))
        XCTAssertEqual(lenient.status, 0, lenient.stderr)
        XCTAssertEqual(lenient.stdout, within.stdout)
    }
}
