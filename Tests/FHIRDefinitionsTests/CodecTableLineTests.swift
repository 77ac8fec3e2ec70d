import XCTest
import Foundation
import FHIRModel
@testable import FHIRDefinitions
import DCHTestSupport

/// The codec table's lines as the byte parser reads them: each one the same type as the importer
/// derives from the full record (``CodecType/init(record:)``), and malformed lines refused.
final class CodecTableLineTests: XCTestCase {
    func testEveryShippedLineReadsAsItsRecordsCodecType() throws {
        let pack = try SharedCorpus.definitionPack()
        let text = try String(contentsOf: pack.directory.appendingPathComponent(CodecType.fileName), encoding: .utf8)
        var lines = 0
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parsed = try XCTUnwrap(CodecType(line: line.utf8), String(line.prefix(60)))
            let record = try XCTUnwrap(pack.structure(url: parsed.url), parsed.url)
            XCTAssertEqual(parsed, CodecType(record: record), parsed.name)
            XCTAssertEqual(parsed.line, String(line), "the line is what the parsed type writes back")
            lines += 1
        }
        XCTAssertGreaterThan(lines, 200)
    }

    func testLineParts() throws {
        let line = "T\tcomplex-type\thttp://x/T\tT:1:;T.id:1:string:a;;T.a:*:Coding|Quantity;T.b:1:#T.a;T.c:1:|code|"
        let type = try XCTUnwrap(CodecType(line: Substring(line).utf8))
        XCTAssertEqual(type.name, "T")
        XCTAssertEqual(type.kind, "complex-type")
        XCTAssertEqual(type.url, "http://x/T")
        XCTAssertEqual(type.elements.map(\.path), ["T", "T.id", "T.a", "T.b", "T.c"], "an empty element is skipped")
        XCTAssertEqual(type.elements.map(\.repeats), [false, false, true, false, false])
        XCTAssertEqual(type.elements.map(\.types), [[], ["string"], ["Coding", "Quantity"], [], ["code"]])
        XCTAssertEqual(type.elements.map(\.contentReference), [nil, nil, nil, "#T.a", nil])
        XCTAssertEqual(type.elements.map(\.xmlAttribute), [false, true, false, false, false])
        for malformed in ["T\tcomplex-type\thttp://x/T", "T\tk\tu\tT:1:\textra", "T\tk\tu\tT.a:1", "T\tk"] {
            XCTAssertNil(CodecType(line: Substring(malformed).utf8), malformed)
        }
    }
}
