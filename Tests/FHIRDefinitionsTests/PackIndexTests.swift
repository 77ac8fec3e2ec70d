import XCTest
import Foundation
import FHIRModel
import FHIRDefinitions
import DCHTestSupport

/// The pack index is read into a byte-keyed hash table (no String per line); these tests hold it
/// to the index file's documented format: `kind TAB url TAB file TAB offset TAB length`.
final class PackIndexTests: XCTestCase {
    /// Every line of the shipped index, split here with the standard library, is found, and each
    /// kind lists exactly its lines' URLs.
    func testShippedIndexFindsEveryListedEntry() throws {
        let pack = try SharedCorpus.definitionPack()
        let text = try String(contentsOf: pack.directory.appendingPathComponent(DefinitionPackLayout.indexFileName), encoding: .utf8)
        var expected: [PackEntryKind: Set<String>] = [:]
        for line in text.split(separator: "\n").dropFirst() where !line.hasPrefix("#") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            XCTAssertEqual(fields.count, 5, String(line))
            let kind = try XCTUnwrap(PackEntryKind(rawValue: String(fields[0])), String(line))
            expected[kind, default: []].insert(String(fields[1]))
        }
        XCTAssertGreaterThan(expected.values.map(\.count).reduce(0, +), 3_000)
        for kind in PackEntryKind.allCases {
            let urls = try pack.urls(of: kind)
            XCTAssertEqual(urls, (expected[kind] ?? []).sorted(), "\(kind)")
            for url in urls { XCTAssertTrue(try pack.contains(kind, url: url), url) }
        }
        // A URL is found only under its own kind, and only as written.
        let profile = "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-DCH-Patient-1"
        XCTAssertTrue(try pack.contains(.structure, url: profile))
        XCTAssertFalse(try pack.contains(.valueSet, url: profile))
        XCTAssertFalse(try pack.contains(.structure, url: profile + "x"))
        XCTAssertFalse(try pack.contains(.structure, url: String(profile.dropLast())))
        XCTAssertEqual(try pack.structure(url: profile)?.url, profile)
    }

    /// A URL listed twice keeps its last line (as a dictionary filled line by line would).
    func testRepeatedURLKeepsItsLastLine() throws {
        let first = #"{"elements":[],"kind":"resource","name":"First","type":"Patient","url":"http://example.org/P"}"#
        let second = #"{"elements":[],"kind":"resource","name":"Second","type":"Patient","url":"http://example.org/P"}"#
        let dir = try packFolder(data: first + "\n" + second + "\n", index: [
            "sd\thttp://example.org/P\tdata.ndjson\t0\t\(first.utf8.count)",
            "sd\thttp://example.org/P\tdata.ndjson\t\(first.utf8.count + 1)\t\(second.utf8.count)",
        ])
        let pack = try DefinitionPack(directory: dir)
        XCTAssertEqual(try pack.urls(of: .structure), ["http://example.org/P"])
        XCTAssertEqual(try pack.structure(url: "http://example.org/P")?.name, "Second")
    }

    /// A malformed line is refused with its line number (the header is line 1).
    func testMalformedLineIsReportedWithItsNumber() throws {
        for bad in ["sd\thttp://example.org/P\tdata.ndjson\t0", "xx\thttp://example.org/P\tdata.ndjson\t0\t1",
                    "sd\thttp://example.org/P\tdata.ndjson\tzero\t1", "sd\thttp://example.org/P\tdata.ndjson\t0\t1\t2"] {
            let dir = try packFolder(data: "{}\n", index: ["sd\thttp://example.org/Q\tdata.ndjson\t0\t2", bad])
            let pack = try DefinitionPack(directory: dir)
            XCTAssertThrowsError(try pack.contains(.structure, url: "http://example.org/Q"), bad) { error in
                let issue = (error as? IssuesError)?.issues.first
                XCTAssertEqual(issue?.rule, DefinitionRule.packCorrupt.rawValue, bad)
                XCTAssertEqual(issue?.position?.line, 3, bad)
            }
        }
    }

    private func packFolder(data: String, index lines: [String]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pack-index-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        try Data(data.utf8).write(to: dir.appendingPathComponent("data.ndjson"))
        let index = ([DefinitionPackLayout.indexHeader] + lines).joined(separator: "\n") + "\n"
        try Data(index.utf8).write(to: dir.appendingPathComponent(DefinitionPackLayout.indexFileName))
        return dir
    }
}
