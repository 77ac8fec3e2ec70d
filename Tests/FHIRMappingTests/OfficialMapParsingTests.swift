import XCTest
import FHIRModel
import DCHTestSupport
@testable import FHIRMapping

/// The parser reads every official HL7 cross-version map (R3toR4 and R4toR3, 296 files) without error.
final class OfficialMapParsingTests: XCTestCase {
    func testEveryOfficialMapParses() throws {
        let shared = try SharedCorpus.require()
        let root = shared.appendingPathComponent("fhir-cross-version")
        var files: [URL] = []
        for folder in ["R3toR4", "R4toR3"] {
            let dir = root.appendingPathComponent(folder)
            files += try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "fml" }
        }
        XCTAssertEqual(files.count, 296)
        var groups = 0, rules = 0
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            let result = FMLParser.parse(text)
            XCTAssertEqual(result.issues.map(\.description), [], file.lastPathComponent)
            XCTAssertFalse(result.map.url.isEmpty, file.lastPathComponent)
            XCTAssertFalse(result.map.groups.isEmpty, file.lastPathComponent)
            groups += result.map.groups.count
            rules += result.map.groups.reduce(0) { $0 + $1.rules.count }
        }
        XCTAssertGreaterThan(groups, 800)
        XCTAssertGreaterThan(rules, 5000)
    }
}
