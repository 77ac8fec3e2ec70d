import XCTest
import Foundation
import DCHTestSupport

/// `dch generate` as a real process: reproducible output, the output layouts, and defects that
/// the real `dch validate` finds, each with the labelled rule and path.
final class GenerateCommandTests: XCTestCase {
    private func temporaryFolder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dch-generate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    func testSameSeedSameBytesOtherSeedOtherBytes() throws {
        let a = try DCHCommand.run(["generate", "--event", "all", "--count", "60", "--seed", "11"])
        let b = try DCHCommand.run(["generate", "--event", "all", "--count", "60", "--seed", "11"])
        let c = try DCHCommand.run(["generate", "--event", "all", "--count", "60", "--seed", "12"])
        XCTAssertEqual(a.status, 0, a.stderr)
        XCTAssertEqual(a.stdout, b.stdout)
        XCTAssertNotEqual(a.stdout, c.stdout)
        XCTAssertEqual(a.stdoutText.split(separator: "\n").count, 60)
    }

    func testGeneratedNDJSONValidatesWithoutErrorsExceptTheDefectiveLegacyProfile() throws {
        // Every event but EMS01, whose corpus profile contradicts its own value sets (see
        // GeneratedEventsValidTests.profileDefect).
        let dir = try temporaryFolder()
        let out = dir.appendingPathComponent("m.ndjson").path
        let gen = try DCHCommand.run(["generate", "--event", "vaccinations-1", "--count", "5", "--seed", "3", "-o", out])
        XCTAssertEqual(gen.status, 0, gen.stderr)
        let check = try DCHCommand.run(["validate", out])
        XCTAssertEqual(check.status, 0, check.stdoutText + check.stderr)
    }

    func testXMLFolderOutputOneCompleteFilePerMessage() throws {
        let dir = try temporaryFolder().appendingPathComponent("xml")
        let gen = try DCHCommand.run(["generate", "--event", "CH018", "--count", "3", "--format", "xml", "-o", dir.path])
        XCTAssertEqual(gen.status, 0, gen.stderr)
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        XCTAssertEqual(names, ["0000000-CH018.xml", "0000001-CH018.xml", "0000002-CH018.xml"])
        let check = try DCHCommand.run(["validate"] + names.map { dir.appendingPathComponent($0).path })
        XCTAssertEqual(check.status, 0, check.stdoutText + check.stderr)
    }

    func testUsageErrors() throws {
        XCTAssertEqual(try DCHCommand.run(["generate", "--event", "no-such-event"]).status, 2)
        XCTAssertEqual(try DCHCommand.run(["generate", "--event", "all", "--count", "2", "--format", "xml"]).status, 2)
        XCTAssertEqual(try DCHCommand.run(["generate", "--event", "all", "--defects", "1"]).status, 2)
        let unknown = try DCHCommand.run(["generate", "--event", "no-such-event"])
        XCTAssertTrue(unknown.stderr.contains("vaccinations-1"), "the error lists the known events: \(unknown.stderr)")
    }

    func testValidateFindsEveryLabelledDefect() throws {
        let dir = try temporaryFolder()
        let out = dir.appendingPathComponent("bad.ndjson").path
        let gen = try DCHCommand.run(["generate", "--event", "all", "--count", "104", "--seed", "5", "--defects", "3", "-o", out])
        XCTAssertEqual(gen.status, 0, gen.stderr)
        let labels = try String(contentsOfFile: out + ".defects.ndjson", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(labels.count, 104)

        let report = try DCHCommand.run(["validate", "--format", "json", out])
        XCTAssertEqual(report.status, 1, "defective messages fail validation")
        var found: [Int: Set<String>] = [:]
        for line in report.stdoutText.split(separator: "\n") {
            let issue = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            guard let index = issue["messageIndex"] as? Int, let rule = issue["rule"] as? String else { continue }
            found[index, default: []].insert(rule + " @ " + (issue["path"] as? String ?? ""))
        }
        var labelled = 0
        var kinds = Set<String>()
        for line in labels {
            let entry = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let index = try XCTUnwrap(entry["index"] as? Int)
            let defects = try XCTUnwrap(entry["defects"] as? [[String: String]])
            XCTAssertEqual(defects.count, 3, "message \(index) carries 3 defects")
            for d in defects {
                let key = (d["rule"] ?? "") + " @ " + (d["path"] ?? "")
                XCTAssertTrue(found[index, default: []].contains(key), "message \(index): '\(key)' not reported")
                labelled += 1
                kinds.insert(d["rule"] ?? "")
            }
        }
        XCTAssertEqual(labelled, 312)
        XCTAssertGreaterThanOrEqual(kinds.count, 7, "the run uses most kinds of defect: \(kinds.sorted())")
    }
}
