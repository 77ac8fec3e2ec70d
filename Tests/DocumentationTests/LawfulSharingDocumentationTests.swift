import XCTest
import Foundation
import FHIRModel
import FHIRConversion
import FHIRPath
import LawfulSharing
import DCHTestSupport

/// The LawfulSharing landing page's listing, run with the research-extract sample policy on the
/// NEMS vaccination sample (NHS number 9990000026, family name OKAFOR).
final class LawfulSharingDocumentationTests: XCTestCase {
    func testSharingAMessageAndAuditingIt() throws {
        let root = SharedCorpus.packageRoot
        let policyPath = root.appendingPathComponent("Samples/policies/research-extract.yaml").path
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dch-share-docs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let keyPath = folder.appendingPathComponent("share.key").path
        try Data("a documentation key of 32 bytes.\n".utf8).write(to: URL(fileURLWithPath: keyPath))
        let messageBytes = try Data(contentsOf: root.appendingPathComponent("Samples/nems-vaccination-new.xml"))
        let inputName = "inbox/okafor-amara.xml"
        var sharedBytes: [UInt8] = []
        var auditLines = Data()

        // docs:begin sharing-one-message
        let converter = try Converter()                                      // reads and writes XML and JSON
        let engine = FHIRPathEngine(pack: converter.pack)                    // evaluates the rules' FHIRPath
        let policy = try PolicyLoader(engine: engine).load(path: policyPath) // PolicyError: every problem, line:column
        let key = try SharingKey(file: keyPath)                              // never from the policy
        let sharer = MessageSharer(policy: policy, engine: engine, key: key)

        let outcome = sharer.share(try converter.read(messageBytes).root)
        if let shared = outcome.root {                                       // nil: withheld (outcome.withheldReason)
            sharedBytes = try converter.write(shared, format: .json).bytes
        }
        let input = AuditedInput.hashed(inputName, position: 1, using: KeyedTransforms(key: key))
        auditLines = try SharingAudit().lines(for: outcome, input: input, message: 0, policy: policy)
        // docs:end

        XCTAssertTrue(messageBytes.range(of: Data("9990000026".utf8)) != nil && messageBytes.range(of: Data("OKAFOR".utf8)) != nil)
        let output = Data(sharedBytes)
        XCTAssertFalse(output.isEmpty, "research-extract shares every event")
        for identifying in ["9990000026", "OKAFOR"] {
            XCTAssertNil(output.range(of: Data(identifying.utf8)), "the output holds \(identifying)")
            XCTAssertNil(auditLines.range(of: Data(identifying.utf8)), "the audit holds \(identifying)")
        }
        // The NHS number is there as its pseudonym, and the patient carries a linkage token (64 hex digits).
        let json = String(decoding: output, as: UTF8.self)
        XCTAssertTrue(json.contains("urn:dch:pseudonym:nhs-number"))
        XCTAssertTrue(json.contains(LinkageToken.identifierSystem))
        XCTAssertEqual(outcome.linkageToken?.basis, .nhsNumber)
        XCTAssertEqual(outcome.linkageToken?.value.count, 64)
        // The audit: a message record then one per decision; the input by position and hash, not by name.
        let records = try auditLines.split(separator: 0x0A).map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0)) as? [String: Any]) }
        XCTAssertEqual(records.first?["record"] as? String, "message")
        XCTAssertEqual(records.first?["outcome"] as? String, "shared")
        XCTAssertEqual(records.first?["decisions"] as? Int, records.count - 1)
        XCTAssertTrue(records.allSatisfy { $0["input"] as? Int == 1 && ($0["input-hash"] as? String)?.count == 32 })
        XCTAssertNil(auditLines.range(of: Data("okafor".utf8)))
    }
}
