import Foundation
import XCTest
import FHIRModel
@testable import FHIRXML

/// The XML reader's `Span` entry point and the safe scanners around libxml2 (issue 18).
final class XMLSpanInputTests: XCTestCase {
    private let text = """
    <?xml version="1.0" encoding="utf-8"?>
    <Patient xmlns="http://hl7.org/fhir">
      <id value="p1"/>
      <birthDate value="2019-03"/>
    </Patient>
    """

    func testEveryInputFormReadsToTheSameTree() throws {
        let reader = FHIRXMLReader()
        let expected = try reader.read(Array(text.utf8)).root
        XCTAssertEqual(expected.child("birthDate")?.position, SourcePosition(line: 4, column: 3))
        XCTAssertEqual(try reader.read(text).root, expected)
        XCTAssertEqual(try reader.read(Data(text.utf8)).root, expected)
        let framed = Array(("junk" + text + "junk").utf8)
        XCTAssertEqual(try reader.read(framed.span.extracting(4 ..< framed.count - 4)).root, expected)
        // A byte order mark is skipped and positions count from after it.
        XCTAssertEqual(try reader.read([0xEF, 0xBB, 0xBF] + Array(text.utf8)).root, expected)
    }

    func testDeclaredEncodingsOtherThanUTF8AreRefusedInAnyCase() {
        for name in ["UTF-8", "utf-8", "Utf-8"] {
            let doc = text.replacingOccurrences(of: "utf-8", with: name)
            XCTAssertNil(SAXTreeBuilder.encodingProblem(Array(doc.utf8).span), name)
        }
        for name in ["ISO-8859-1", "utf-16", "utf8"] {
            let doc = text.replacingOccurrences(of: "utf-8", with: name)
            XCTAssertEqual(SAXTreeBuilder.encodingProblem(Array(doc.utf8).span),
                           "the declared encoding is '\(name)'; FHIR XML SHALL be UTF-8")
        }
    }

    func testNewlineSearchAgreesWithTheStandardLibraryAtEveryOffset() {
        var bytes = [UInt8](repeating: UInt8(ascii: "x"), count: 40)
        for k in [3, 11, 12, 30] { bytes[k] = 0x0A }
        for start in 0...40 {
            for end in start...40 {
                let expected = bytes[start..<end].firstIndex(of: 0x0A)
                XCTAssertEqual(LineTracker.firstNewline(in: bytes.span, from: start, before: end), expected,
                               "\(start)..<\(end)")
            }
        }
    }

    func testLinesAndColumnsForwardAndBack() {
        let bytes = Array("ab\ncde\n\nf".utf8)
        var lines = LineTracker()
        XCTAssertEqual(lines.position(at: 8, in: bytes.span), SourcePosition(line: 4, column: 1))
        XCTAssertEqual(lines.position(at: 4, in: bytes.span), SourcePosition(line: 2, column: 2))
        XCTAssertEqual(lines.position(at: 1, in: bytes.span), SourcePosition(line: 1, column: 2))
        XCTAssertEqual(lines.position(at: 7, in: bytes.span), SourcePosition(line: 3, column: 1))
    }

    func testLastLessThanAgreesWithTheStandardLibrary() {
        var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 30)
        for k in [0, 9, 17] { bytes[k] = UInt8(ascii: "<") }
        for end in 0..<30 {
            let expected = bytes[...end].lastIndex(of: UInt8(ascii: "<")) ?? 0
            XCTAssertEqual(SAXTreeBuilder.lastLessThan(in: bytes.span, atOrBefore: end), expected, "\(end)")
        }
    }

    func testEscapingOverSpans() {
        var out: [UInt8] = []
        XMLEscaping.appendText(Array("a<b & c>\r".utf8).span, to: &out)
        XCTAssertEqual(String(decoding: out, as: UTF8.self), "a&lt;b &amp; c&gt;&#xD;")
        out = []
        XCTAssertTrue(XMLEscaping.appendAttribute("say \"hi\"\tnow\n", to: &out))
        XCTAssertEqual(String(decoding: out, as: UTF8.self), "say &quot;hi&quot;&#9;now&#xA;")
        XCTAssertFalse(XMLEscaping.appendAttribute("bad \u{01}", to: &out))
        XCTAssertFalse(XMLEscaping.isValidXMLText(Array("\u{FFFE}".utf8).span))
        XCTAssertTrue(XMLEscaping.isValidXMLText(Array("Zoë \u{FFFD}".utf8).span))
    }

    func testSchemaValidationOfAWindowOfABuffer() throws {
        let xsd = """
        <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
          <xs:element name="count" type="xs:int"/>
        </xs:schema>
        """
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dch-span-xsd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("count.xsd").path
        try xsd.write(toFile: path, atomically: true, encoding: .utf8)
        let schema = try XMLSchemaValidator(schemaPath: path)
        let buffer = Array("##<count>12</count>##<count>twelve</count>##".utf8)
        XCTAssertEqual(schema.validate(buffer.span.extracting(2..<19)), [])
        XCTAssertEqual(schema.validate(Data(buffer[2..<19])), [])
        let invalid = schema.validate(buffer.span.extracting(21..<42))
        XCTAssertEqual(invalid.count, 1)
        XCTAssertEqual(invalid, schema.validate(Data(buffer[21..<42])))
    }
}
