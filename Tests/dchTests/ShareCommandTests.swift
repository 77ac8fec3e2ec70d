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
}
