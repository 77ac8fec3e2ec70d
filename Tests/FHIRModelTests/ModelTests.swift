import XCTest
import FHIRModel

final class ModelTests: XCTestCase {
    func testIssueDescriptionIsCompilerStyle() {
        let issue = Issue(.error, .value, rule: "x", "bad date", path: "Bundle.entry[2].resource.birthDate",
                          position: SourcePosition(line: 12, column: 5), file: "a.xml")
        XCTAssertEqual(issue.description, "a.xml:12:5: error: bad date (Bundle.entry[2].resource.birthDate)")
        let unplaced = Issue(.warning, .value, rule: "x", "odd", position: .unknown)
        XCTAssertNil(unplaced.position)
        XCTAssertEqual(unplaced.description, "<input>: warning: odd")
    }

    func testSeverityOrder() {
        XCTAssertLessThan(Severity.information, .warning)
        XCTAssertLessThan(Severity.warning, .error)
        XCTAssertLessThan(Severity.error, .fatal)
    }

    func testElementNavigation() {
        let tree = Element(name: "Patient", resourceType: "Patient", children: [
            Element(name: "meta", children: [Element(name: "profile", value: "a"), Element(name: "profile", value: "b")]),
            Element(name: "gender", value: "female"),
        ])
        XCTAssertEqual(tree.descendant("meta.profile")?.value, "a")
        XCTAssertEqual(tree.child("meta")?.children(named: "profile").map(\.value), ["a", "b"])
        XCTAssertNil(tree.descendant("meta.versionId"))
        XCTAssertEqual(tree.nodeCount, 5)
        XCTAssertTrue(tree.isResource)
    }

    /// 56 bytes: a reader's arena then moves each new element into place instead of copying it.
    func testElementIsFiftySixBytes() {
        XCTAssertEqual(MemoryLayout<Element>.size, 56)
        XCTAssertEqual(MemoryLayout<Element>.stride, 56)
    }

    /// Position, value kind and the JSON array flag share 8 bytes; each keeps its own value.
    func testSourceDetailsAreIndependent() {
        var e = Element(name: "given", value: "Ann", valueKind: .boolean,
                        position: SourcePosition(line: 536_870_911, column: Int(Int32.max)))
        XCTAssertEqual(e.position, SourcePosition(line: 536_870_911, column: Int(Int32.max)))
        XCTAssertEqual(e.valueKind, .boolean)
        XCTAssertFalse(e.inJSONArray)
        e.inJSONArray = true
        XCTAssertEqual(e.valueKind, .boolean)
        XCTAssertEqual(e.position.line, 536_870_911)
        for kind in [ValueKind.unspecified, .string, .number, .boolean] {
            e.valueKind = kind
            XCTAssertEqual(e.valueKind, kind)
            XCTAssertTrue(e.inJSONArray)
        }
        e.position = SourcePosition(line: 7, column: 3)
        XCTAssertEqual(e.position, SourcePosition(line: 7, column: 3))
        XCTAssertEqual(e.valueKind, .boolean)
        XCTAssertTrue(e.inJSONArray)
        e.inJSONArray = false
        XCTAssertEqual(e.position, SourcePosition(line: 7, column: 3))
        XCTAssertEqual(e.valueKind, .boolean)
        // Lines past the 29 bits kept are clamped, not wrapped into the flags.
        e.position = SourcePosition(line: 1 << 29, column: 1)
        XCTAssertEqual(e.position.line, 536_870_911)
        XCTAssertEqual(e.valueKind, .boolean)
        XCTAssertFalse(e.inJSONArray)
        e.position.line = -4
        XCTAssertEqual(e.position, SourcePosition(line: 0, column: 1))
    }

    func testPaths() {
        let p = ElementPath(root: "Bundle").appending("entry", index: 2).appending("resource").appending("birthDate")
        XCTAssertEqual(p.text, "Bundle.entry[2].resource.birthDate")
    }

    func testAtomicWriteReplacesAFileAndLeavesDevicesInPlace() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dch-atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("out.txt")
        try AtomicFile.write(Array("one".utf8), to: file)
        try AtomicFile.write(Array("two".utf8), to: file)
        XCTAssertEqual(try String(contentsOf: file, encoding: .utf8), "two")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["out.txt"], "no temporary file left")
        XCTAssertFalse(AtomicFile.isSpecialFile(file.path))
        XCTAssertFalse(AtomicFile.isSpecialFile(dir.path))
        // /dev/null is written in place: a rename over it would replace the device with a file.
        XCTAssertTrue(AtomicFile.isSpecialFile("/dev/null"))
        try AtomicFile.write(Array("gone".utf8), to: URL(fileURLWithPath: "/dev/null"))
        let type = try FileManager.default.attributesOfItem(atPath: "/dev/null")[.type] as? FileAttributeType
        XCTAssertEqual(type, .typeCharacterSpecial)
    }
}
