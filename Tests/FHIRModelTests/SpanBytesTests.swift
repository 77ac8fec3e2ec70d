import XCTest
import FHIRModel

/// The byte helpers over `Span` that replaced pointer code (issue 18): results checked against the
/// standard library's own collection operations and the little-endian byte order.
final class SpanBytesTests: XCTestCase {
    func testCopyingASpanGivesTheSameBytesForEverySliceOfAnInput() {
        let bytes = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        for range in [0..<0, 0..<1, 3..<11, 0..<300, 17..<299] {
            XCTAssertEqual([UInt8](copying: bytes.span.extracting(range)), Array(bytes[range]), "\(range)")
        }
        let text = "Zoë Smith, 9434765919"
        XCTAssertEqual([UInt8](copying: text.utf8.span), Array(text.utf8))
    }

    func testAppendCopyingAddsExactlyTheRange() {
        let source = Array("<Patient xmlns=\"http://hl7.org/fhir\">".utf8)
        var out = Array("head:".utf8)
        out.append(copying: source.span, 1..<8)
        out.append(copying: source.span, 0..<0)
        XCTAssertEqual(String(decoding: out, as: UTF8.self), "head:Patient")
    }

    func testAWordIsItsEightBytesLittleEndianAtAnyOffset() {
        let bytes: [UInt8] = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A]
        XCTAssertEqual(ByteWord.load(bytes.span, at: 0), 0x0807_0605_0403_0201)
        XCTAssertEqual(ByteWord.load(bytes.span, at: 2), 0x0A09_0807_0605_0403)
        // The same value as the standard library's little-endian reading of those bytes.
        var expected: UInt64 = 0
        for (k, b) in bytes[1..<9].enumerated() { expected |= UInt64(b) << (8 * UInt64(k)) }
        XCTAssertEqual(ByteWord.load(bytes.span, at: 1), UInt64(littleEndian: expected.littleEndian))
    }
}
