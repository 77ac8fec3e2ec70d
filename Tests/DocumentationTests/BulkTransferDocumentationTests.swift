import XCTest
import Foundation
import BulkTransfer
import DCHTestSupport

/// The code of the BulkTransfer article, run on the shipped samples.
final class BulkTransferDocumentationTests: XCTestCase {
    func testTheBulkJobListing() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("docs-bulk-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let inbox = folder.appendingPathComponent("inbox").path
        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        for sample in ["nems-vaccination-new.xml", "dch-birth-weight.xml"] {
            try FileManager.default.copyItem(at: SharedCorpus.packageRoot.appendingPathComponent("Samples/\(sample)"),
                                             to: URL(fileURLWithPath: inbox).appendingPathComponent(sample))
        }
        let output = folder.appendingPathComponent("caseload.ndjson").path
        // docs:begin bulk-job
        var options = BulkOptions(inputs: [inbox], jobs: 2)
        options.validate = true
        options.output = output
        let summary = try BulkJob(options: options).run()
        print(summary.text)   // "2 messages read, 2 written, 0 quarantined; …"
        // docs:end
        XCTAssertTrue(summary.text.hasPrefix("2 messages read, 2 written, 0 quarantined;"), summary.text)
        let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
    }
}
