import XCTest
@testable import FHIRValidation

/// The word-at-a-time scan of the string rule (vertical tab and form feed are the only characters
/// `string` excludes) against the byte-by-byte answer, at every position and length.
final class LexicalScanTests: XCTestCase {
    func testVerticalTabAndFormFeedAreFoundAtEveryPosition() {
        let fillers: [UInt8] = [0x61, 0x0A, 0x0D, 0x09, 0x20, 0x1B, 0x8B, 0x8C, 0xCB, 0x0E, 0x0F, 0x2C, 0x4B]
        for length in 0...20 {
            for filler in fillers {
                let clean = [UInt8](repeating: filler, count: length)
                XCTAssertFalse(scan(clean), "\(length) x \(filler)")
                for position in 0..<length {
                    for bad: UInt8 in [0x0B, 0x0C] {
                        var bytes = clean
                        bytes[position] = bad
                        XCTAssertTrue(scan(bytes), "\(bad) at \(position) of \(length) x \(filler)")
                    }
                }
            }
        }
    }

    func testTheStringRuleUsesTheScan() {
        XCTAssertEqual(PrimitiveType.string.check("a\u{0B}b"), .syntax)
        XCTAssertEqual(PrimitiveType.string.check("0123456789abcdef\u{0C}"), .syntax)
        XCTAssertNil(PrimitiveType.string.check("0123456789abcdef\u{0D}\n\tx"))
    }

    private func scan(_ bytes: [UInt8]) -> Bool {
        Lexical.hasVerticalTabOrFormFeed(bytes.span)
    }
}
