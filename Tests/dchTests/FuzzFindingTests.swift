import XCTest
import Foundation
import DCHTestSupport

/// The inputs the fuzz targets (`Fuzz/`, `scripts/fuzz`) found crashing dch, kept in
/// `Tests/FuzzFindings/TARGET/` and fed again to the real `dch` command that reads that kind of
/// input: each must end with a result or a clear error (exit 0, 1 or 2, never a signal), within
/// the hostile-input bounds of 30 s and 400 MB.
final class FuzzFindingTests: CommandTestCase {
    /// What a finding must now give, beyond ending cleanly: its exit status and a line on stderr (none: any).
    struct Expectation {
        var status: Int32
        var stderr: String
    }

    /// By `TARGET/FILE`. A finding without an entry need only end cleanly.
    static let expected: [String: Expectation] = [
        // Yams composes recursively: 20,000 nested flow sequences overflowed the stack (SIGSEGV).
        // The root mapping is level 1: level 101 is the 100th `[`, after `name: `.
        "FuzzPolicy/deep-flow-sequences.yaml": Expectation(status: 2, stderr: "deep-flow-sequences.yaml:2:106: error: (yaml): the YAML nests deeper than 100 levels"),
        // The FML parser recursed once per `then { … }` block: 10,000 overflowed the stack. The
        // 101st block's rule starts at column 9 × 100 + 10.
        // The 1,000th error (a narrative element outside XHTML) stopped libxml2 inside the callback,
        // freeing the input its attribute pointers pointed into (AddressSanitizer: use after free).
        "FuzzValidate/xhtml-attributes-after-error-limit.xml": Expectation(status: 1, stderr: ""),
        // The FHIRPath parser and evaluator recursed once per sign: 1,700 nested unary minus
        // signs overflowed the stack (SIGSEGV). The input is `i*Niiiiiiiiiiiiii` (17 characters),
        // a binary minus and 33 signs, `n<y=s`, a binary minus and the long run of signs: its 101st
        // goes past the limit, at column 17 + 34 + 5 + 1 + 100 + 1 = 158.
        "FuzzFHIRPath/nested-signs.fhirpath": Expectation(status: 2, stderr: "column 158: the expression is nested more than 100 levels deep"),
        "FuzzFML/deep-rule-blocks.fml": Expectation(status: 1, stderr: "deep-rule-blocks.fml:3:910: error: rule blocks nest deeper than 100 levels"),
    ]

    private static let folder = SharedCorpus.packageRoot.appendingPathComponent("Tests/FuzzFindings")
    private static let sample = SharedCorpus.packageRoot.appendingPathComponent("Samples/dch-birth-weight.xml").path

    func testEveryFindingEndsCleanly() throws {
        let dch = DCHCommand.productsDirectory.appendingPathComponent("dch").path
        let key = temp.appendingPathComponent("share.key")
        try Data("fuzz findings key: 32 bytes long".utf8).write(to: key)
        let targets = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).sorted()
        var checked = 0
        for target in targets {
            let inputs = (try? FileManager.default.contentsOfDirectory(atPath: Self.folder.appendingPathComponent(target).path)) ?? []
            for name in inputs.sorted() {
                let path = Self.folder.appendingPathComponent(target).appendingPathComponent(name).path
                let arguments = try XCTUnwrap(Self.command(for: target, input: path, key: key.path), "no command reads \(target)'s inputs")
                let run = try MeasuredRun.run(dch, arguments, in: temp, timeout: 30)
                let id = "\(target)/\(name)"
                XCTAssertFalse(run.timedOut, "\(id): still running after 30 s")
                XCTAssertTrue([0, 1, 2].contains(run.status), "\(id): exit status \(run.status); stderr: \(run.stderr.prefix(300))")
                XCTAssertLessThan(run.peakMegabytes, 400, "\(id): peak memory")
                if let expected = Self.expected[id] {
                    XCTAssertEqual(run.status, expected.status, "\(id): \(run.stderr.prefix(300))")
                    XCTAssertTrue(expected.stderr.isEmpty || run.stderr.contains(expected.stderr), "\(id): \(run.stderr.prefix(300))")
                }
                checked += 1
            }
        }
        XCTAssertGreaterThanOrEqual(checked, Self.expected.count)
    }

    /// The dch command that reads what a fuzz target reads.
    private static func command(for target: String, input: String, key: String) -> [String]? {
        switch target {
        case "FuzzPolicy": return ["share", "--key-file", key, "--policy", input, sample]
        case "FuzzHL7v2": return ["map", "--from", "hl7v2", "--to", "ndjson", input]
        case "FuzzCSVEvents": return ["map", "--from", "csv", "--to", "ndjson", input]
        case "FuzzFML": return ["map", "--check", input]
        case "FuzzXMLReader", "FuzzJSONReader", "FuzzValidate", "FuzzFramer": return ["validate", "--format", "json", input]
        case "FuzzConvert": return ["convert", "--to", "json", input]
        case "FuzzFHIRPath":
            // The target's expression is the input's first line (all of it when there is no
            // newline), evaluated here on a sample message.
            guard let bytes = FileManager.default.contents(atPath: input) else { return nil }
            let expression = String(decoding: bytes.prefix { $0 != 0x0A }, as: UTF8.self)
            return ["fhirpath", expression, sample]
        default: return nil
        }
    }

    /// A mapping file nested past the limit is refused with its place, not a crash (the same
    /// reader of YAML as policies; not a fuzz target's, as mapping files come from the integrator).
    func testDeeplyNestedMappingFileIsRefused() throws {
        let csv = temp.appendingPathComponent("mappings/csv")
        try FileManager.default.createDirectory(at: csv, withIntermediateDirectories: true)
        let depth = 20_000
        try Data(("event: CH018\nfields:\n  x: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n").utf8)
            .write(to: csv.appendingPathComponent("deep.yaml"))
        let dch = DCHCommand.productsDirectory.appendingPathComponent("dch").path
        let run = try MeasuredRun.run(dch, ["map", "--mappings", temp.appendingPathComponent("mappings").path, "--describe", "csv"],
                                      in: temp, timeout: 30)
        XCTAssertEqual(run.status, 2, run.stderr)
        XCTAssertTrue(run.stderr.contains("deep.yaml:3:"), run.stderr)
        XCTAssertTrue(run.stderr.contains("nests deeper than 100 levels"), run.stderr)
    }
}
