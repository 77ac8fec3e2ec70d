import XCTest
import Foundation
@testable import FHIRDefinitions
import DCHTestSupport

/// The pack travels with the build, not with the source tree: SwiftPM copies `Schemas/` into the
/// FHIRDefinitions resource bundle beside every executable, and that is where the pack is found.
final class PackLocationTests: XCTestCase {
    /// The resource bundle beside this test executable holds exactly the files of `Schemas/`.
    func testBuildShipsSchemasAsTheResourceBundleBesideTheExecutable() throws {
        guard SharedCorpus.hasSchemasPack else {
            throw Prerequisite.missing("Schemas/ has no pack; run scripts/regenerate-pack")
        }
        let bundled = try XCTUnwrap(DefinitionPackLayout.packCandidates().first)
        XCTAssertEqual(bundled.lastPathComponent, DefinitionPackLayout.resourceBundleName)
        let fm = FileManager.default
        // Schemas/ also holds the resource target's one Swift file, which is code, not a resource.
        let names = try fm.contentsOfDirectory(atPath: SharedCorpus.schemas.path).filter { !$0.hasSuffix(".swift") }.sorted()
        XCTAssertEqual(try fm.contentsOfDirectory(atPath: bundled.path).sorted(), names)
        XCTAssertTrue(names.contains(DefinitionPackLayout.indexFileName))
        XCTAssertTrue(names.contains("events.json"))
        for name in names {
            XCTAssertTrue(fm.contentsEqual(atPath: bundled.appendingPathComponent(name).path,
                                           andPath: SharedCorpus.schemas.appendingPathComponent(name).path),
                          "\(name) in the resource bundle differs from Schemas/\(name)")
        }
        if ProcessInfo.processInfo.environment[DefinitionPackLayout.overrideVariable] == nil {
            XCTAssertEqual(DefinitionPackLayout.locateShippedPack()?.standardizedFileURL, bundled.standardizedFileURL)
        }
    }

    /// An install keeps the pack in `share/dch/Schemas` of the prefix whose `bin/` holds the program;
    /// nothing is looked for in the source tree.
    func testCandidatesAreBesideTheExecutableOnly() throws {
        let executableFolder = Bundle.main.bundleURL.resolvingSymlinksInPath()
        let candidates = DefinitionPackLayout.packCandidates().map(\.path)
        XCTAssertEqual(candidates, [
            executableFolder.appendingPathComponent("dch_DCHSchemas.resources").path,
            executableFolder.deletingLastPathComponent().appendingPathComponent("share/dch/Schemas").path,
        ])
        XCTAssertFalse(candidates.contains(SharedCorpus.schemas.path))
    }
}
