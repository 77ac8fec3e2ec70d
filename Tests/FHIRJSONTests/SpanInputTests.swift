import Foundation
import XCTest
import FHIRModel
@testable import FHIRJSON

/// The reader's entry points over `Span` (issue 18): every form of the same bytes reads to the same
/// tree, and the byte scanners agree with RFC 8259 and with the standard library's UTF-8 decoding.
final class SpanInputTests: XCTestCase {
    private let text = #"{"resourceType":"Patient","id":"p1","name":[{"family":"Zoë","given":["A\nB"]}],"birthDate":"2019-03"}"#

    func testEveryInputFormReadsToTheSameTree() throws {
        let reader = FHIRJSONReader()
        let expected = try reader.read(Array(text.utf8)).root
        XCTAssertEqual(try reader.read(text).root, expected)
        XCTAssertEqual(try reader.read(Data(text.utf8)).root, expected)
        XCTAssertEqual(try reader.read(Array(text.utf8).span).root, expected)
        // A slice of a larger buffer: only its own bytes are read, positions count from its start.
        let framed = Array(("xx" + text + "yy").utf8)
        XCTAssertEqual(try reader.read(framed.span.extracting(2 ..< framed.count - 2)).root, expected)
        let data = Data(("xx" + text).utf8).dropFirst(2)
        XCTAssertEqual(try reader.read(data).root, expected)
        XCTAssertEqual(expected.child("name")?.child("given")?.value, "A\nB")
    }

    func testEmptyAndTooLargeSpansAreTheSameErrorsAsBefore() {
        XCTAssertThrowsError(try FHIRJSONReader().read([UInt8]().span)) { error in
            XCTAssertEqual((error as? IssuesError)?.issues.first?.rule, JSONRule.syntax.rawValue)
        }
        let small = FHIRJSONReader(options: JSONReadOptions(maxBytes: 10))
        XCTAssertThrowsError(try small.read(Array(text.utf8).span)) { error in
            let issue = (error as? IssuesError)?.issues.first
            XCTAssertEqual(issue?.rule, JSONRule.tooLarge.rawValue)
            XCTAssertTrue(issue?.message.contains("\(self.text.utf8.count) bytes") ?? false)
        }
    }

    func testNumberGrammarIsRFC8259s() {
        for valid in ["0", "-0", "1.50", "12e3", "1E+2", "-0.5e-7", "10"] {
            XCTAssertTrue(JSONBytes.isNumber(valid.utf8.span), valid)
        }
        for invalid in ["", "-", "01", "1.", ".5", "+1", "1e", "1e+", "0x1", "1 ", "NaN"] {
            XCTAssertFalse(JSONBytes.isNumber(invalid.utf8.span), invalid)
        }
    }

    func testPlainRunsEndAtTheFirstQuoteBackslashOrControlCharacterAtEveryOffset() {
        for special: UInt8 in [0x22, 0x5C, 0x00, 0x1F, 0x0A] {
            for at in 0..<20 {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 20)
                bytes[at] = special
                XCTAssertEqual(JSONBytes.plainEnd(bytes.span, from: 0, end: bytes.count), at)
                XCTAssertEqual(JSONBytes.plainEnd(bytes.span, from: min(at + 1, 20), end: bytes.count), 20)
            }
        }
        // Non-ASCII bytes are plain.
        let utf8 = Array("ëëëëëëëë\"".utf8)
        XCTAssertEqual(JSONBytes.plainEnd(utf8.span, from: 0, end: utf8.count), utf8.count - 1)
    }

    func testUTF8ValidityAgreesWithTheStandardLibrary() {
        let samples: [[UInt8]] = [
            Array("plain ascii text!".utf8), Array("Zoë — 日本 𝄞".utf8),
            [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
            [0x61, 0x62, 0xE2, 0x82], [0xFF], Array("abcdefgh".utf8) + [0x80] + Array("ijklmnop".utf8),
        ]
        for bytes in samples {
            let valid = String(validating: bytes, as: UTF8.self) != nil
            XCTAssertEqual(JSONBytes.firstInvalidUTF8(bytes.span, from: 0, to: bytes.count) == nil, valid, "\(bytes)")
            XCTAssertEqual(JSONBytes.string(bytes, 0..<bytes.count) != nil, valid, "\(bytes)")
            if valid { XCTAssertEqual(JSONBytes.string(bytes, 0..<bytes.count), String(decoding: bytes, as: UTF8.self)) }
        }
    }

    func testEqualComparesTwoRangesOfOneInput() {
        let bytes = Array("abcdefghijXabcdefghijYabcdefghijX".utf8)
        XCTAssertTrue(JSONBytes.equal(bytes.span, 0, 22, count: 11))
        XCTAssertFalse(JSONBytes.equal(bytes.span, 0, 11, count: 11))
        XCTAssertTrue(JSONBytes.equal(bytes.span, 3, 3, count: 0))
    }
}
