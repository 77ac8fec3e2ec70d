import XCTest
import Foundation
import FHIRModel

/// `JSONString.quoted` makes literals that a standard JSON parser (Foundation's) reads back as the
/// original text, with no raw control character or line/paragraph separator left in them.
final class JSONStringTests: XCTestCase {
    func testQuotedTextParsesBackToTheOriginal() throws {
        var samples = ["", "plain", "a\"b\\c", "line\nbreak\r\ttab", "\u{0}\u{1}\u{1F}\u{7F}", "é€😀 e\u{301}",
                       "sep\u{2028}par\u{2029}end", "\u{2027}\u{202A}", "ends with \\"]
        var random = SystemRandomNumberGenerator()
        let alphabet: [Unicode.Scalar] = ["a", "\"", "\\", "\n", "\u{0}", "\u{1B}", "\u{2028}", "\u{2029}", "é", "😀", "/"]
        for _ in 0..<500 {
            var s = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...12, using: &random) { s.append(alphabet.randomElement(using: &random)!) }
            samples.append(String(s))
        }
        for sample in samples {
            let literal = JSONString.quoted(sample)
            let parsed = try JSONSerialization.jsonObject(with: Data("[\(literal)]".utf8)) as? [String]
            XCTAssertEqual(parsed, [sample], literal)
            XCTAssertFalse(literal.unicodeScalars.contains { $0.value < 0x20 || $0 == "\u{2028}" || $0 == "\u{2029}" }, literal)
        }
        XCTAssertEqual(JSONString.quoted("a\u{1}\u{2028}\"\n"), #""a\u0001\u2028\"\n""#)
    }
}
