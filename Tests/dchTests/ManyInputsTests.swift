import XCTest
import Foundation
import DCHTestSupport

/// Long lists of inputs (past `CommandLineParser.wholeParseLimit`, where dch parses the options
/// with the first names only and appends the rest) behave exactly like short ones.
final class ManyInputsTests: CommandTestCase {
    /// 80 copies of the two samples, named so that each is its own input.
    private func copies() throws -> [String] {
        let samples = ["nems-vaccination-new.xml", "dch-birth-weight.xml"]
        return try (0..<80).map { i in
            let name = String(format: "%03d-", i) + samples[i % 2]
            let source = SharedCorpus.packageRoot.appendingPathComponent("Samples").appendingPathComponent(samples[i % 2])
            let target = temp.appendingPathComponent(name)
            try FileManager.default.copyItem(at: source, to: target)
            return target.path
        }
    }

    func testValidateReportOverManyInputsIsEachInputsReportInOrder() throws {
        let inputs = try copies()
        let all = try DCHCommand.run(["validate", "--format", "json"] + inputs)
        var expected = Data()
        for input in inputs.prefix(2) { expected += try DCHCommand.run(["validate", "--format", "json", input]).stdout }
        XCTAssertEqual(all.status, 0, all.stderr)
        let lines = all.stdoutText.split(separator: "\n")
        // Every input is reported, in input order.
        let firstLines = inputs.map { input in lines.firstIndex { $0.contains("\"file\":\"\(input)\"") } }
        XCTAssertFalse(firstLines.contains(nil), "every input has its lines")
        XCTAssertEqual(firstLines.compactMap { $0 }, firstLines.compactMap { $0 }.sorted())
        XCTAssertEqual(lines.count, inputs.count / 2 * expected.split(separator: 0x0A).count)
    }

    func testOptionValueBeforeTheInputsIsStillAnOptionValue() throws {
        let inputs = try copies()
        let folder = temp.appendingPathComponent("out").path
        let result = try DCHCommand.run(["convert", "--to", "json", "-o", folder] + inputs)
        XCTAssertEqual(result.status, 0, result.stderr)
        let written = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".json") }
        XCTAssertEqual(written.count, inputs.count, "-o took its value, and every input was converted")
        // Validation of the whole command still applies: several inputs and no -o is a usage error.
        let refused = try DCHCommand.run(["convert", "--to", "xml"] + inputs)
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("several inputs need -o DIR"), refused.stderr)
    }
}
