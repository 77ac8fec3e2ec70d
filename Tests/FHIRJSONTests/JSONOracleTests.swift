import XCTest
import DCHTestSupport

/// The JSON oracle that checks our writers must itself refuse everything RFC 8259 refuses: a lax
/// oracle would let a writer bug through. Each rejection is checked with the reason it gives.
final class JSONOracleTests: XCTestCase {
    private func parse(_ text: String) throws -> JSONValue { try JSONValue.parse(Array(text.utf8)) }

    /// Asserts that `text` is refused, for a reason containing `reason`.
    private func assertRejects(_ text: String, _ reason: String, file: StaticString = #filePath, line: UInt = #line) {
        assertRejects(Array(text.utf8), reason, file: file, line: line)
    }

    private func assertRejects(_ bytes: [UInt8], _ reason: String, file: StaticString = #filePath, line: UInt = #line) {
        do {
            let value = try JSONValue.parse(bytes)
            XCTFail("accepted \(String(decoding: bytes, as: UTF8.self).debugDescription) as \(value)", file: file, line: line)
        } catch let error as JSONValue.ParseError {
            XCTAssertTrue(reason.isEmpty || error.reason.contains(reason), "\(String(decoding: bytes, as: UTF8.self).debugDescription): \(error)", file: file, line: line)
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
        }
    }

    func testAcceptsEveryValidForm() throws {
        XCTAssertEqual(try parse(" {\"a\" : [true, false, null, \"\"] }\n"),
                       .object([("a", .array([.bool(true), .bool(false), .null, .string("")]))]))
        for number in ["0", "-0", "7", "-12", "0.5", "1.50", "10e3", "1E+2", "1e-07", "-0.0e0", "123456789012345678901234567890"] {
            XCTAssertEqual(try parse(number), .number(number), number)
            XCTAssertEqual(try parse("[\(number)]"), .array([.number(number)]), number)
        }
        XCTAssertEqual(try parse(#""\" \\ \/ \b \f \n \r \t""#), .string("\" \\ / \u{8} \u{C} \n \r \t"))
        XCTAssertEqual(try parse(#""\u00e9\u00C9\u20AC""#), .string("éÉ€"))
        XCTAssertEqual(try parse(#""\uD83D\uDE00""#), .string("😀"), "a surrogate pair is one scalar")
        XCTAssertEqual(try parse("\"é€😀\u{7F}\""), .string("é€😀\u{7F}"), "raw UTF-8 and DEL are allowed")
        XCTAssertEqual(try parse("{}"), .object([]))
        XCTAssertEqual(try parse("[ ]"), .array([]))
        XCTAssertEqual(try parse(#"{"a":{"a":1},"b":[{"a":2}]}"#)["b"], .array([.object([("a", .number("2"))])]),
                       "the same key in different objects is not a duplicate")
    }

    func testRejectsLiteralsThatAreNotExact() {
        for text in ["tru", "True", "TRUE", "fals", "nul", "NULL", "nil", "undefined", "NaN", "Infinity", "-Infinity"] {
            assertRejects(text, "")
        }
        assertRejects("truex", "letters after the literal true")
        assertRejects("[nulll]", "letters after the literal null")
        assertRejects("[false0]", "letters after the literal false")
        assertRejects("[True]", "expected a value")
    }

    func testRejectsNumbersOutsideTheGrammar() {
        assertRejects("01", "leading zero")
        assertRejects("-01", "leading zero")
        assertRejects("[00]", "leading zero")
        assertRejects("+1", "expected a value")
        assertRejects(".5", "expected a value")
        assertRejects("-.5", "a digit must start a number")
        assertRejects("-", "a digit must start a number")
        assertRejects("1.", "a digit after '.'")
        assertRejects("[1.]", "a digit after '.'")
        assertRejects("1.e5", "a digit after '.'")
        assertRejects("1e", "a digit in the exponent")
        assertRejects("1e+", "a digit in the exponent")
        assertRejects("1E-", "a digit in the exponent")
        assertRejects("1.5.2", "unexpected byte after a number")
        assertRejects("1e5e2", "unexpected byte after a number")
        assertRejects("0x1F", "unexpected byte after a number")
        assertRejects("1_000", "data after the JSON value")
        assertRejects("--1", "a digit must start a number")
    }

    func testRejectsControlCharactersInStrings() {
        for code in UInt8(0)..<0x20 {
            assertRejects([0x22, 0x61, code, 0x62, 0x22], "control character U+00")
        }
        assertRejects("\"a\tb\"", "control character U+0009")
        assertRejects("{\"k\né\":1}", "control character U+000A")
    }

    func testRejectsInvalidEscapes() {
        for escape in ["\\a", "\\v", "\\0", "\\x41", "\\'", "\\U0041", "\\e"] {
            assertRejects("\"\(escape)\"", "invalid escape")
        }
        assertRejects(#""\u12""#, "four hex digits")
        assertRejects(#""\u12G4""#, "four hex digits")
        assertRejects(#""\u""#, "four hex digits")
        assertRejects(#""\"#, "unterminated")
        assertRejects(#""abc"#, "unterminated string")
    }

    func testRejectsUnpairedSurrogateEscapes() {
        assertRejects(#""\uD83D""#, "not followed by a low one")
        assertRejects(#""\uD83Dx""#, "not followed by a low one")
        assertRejects(#""\uD83D\n""#, "not followed by a low one")
        assertRejects(#""\uD83D\u0041""#, "followed by \u{5C}u0041")
        assertRejects(#""\uD83D\uD83D""#, "followed by")
        assertRejects(#""\uDE00""#, "low surrogate")
        assertRejects(#""\uDE00\uD83D""#, "low surrogate")
    }

    func testRejectsMalformedUTF8AndAByteOrderMark() {
        assertRejects([0x22, 0xC3, 0x22], "invalid UTF-8 continuation byte")
        assertRejects([0x22, 0xC0, 0xAF, 0x22], "invalid UTF-8 lead byte")
        assertRejects([0x22, 0xE0, 0x80, 0xAF, 0x22], "overlong")
        assertRejects([0x22, 0xED, 0xA0, 0x80, 0x22], "surrogate")
        assertRejects([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], "beyond U+10FFFF")
        assertRejects([0x22, 0xFF, 0x22], "invalid UTF-8 lead byte")
        assertRejects([0x22, 0x80, 0x22], "invalid UTF-8 lead byte")
        assertRejects([0xEF, 0xBB, 0xBF] + Array("{}".utf8), "byte-order mark")
    }

    func testSeesDuplicateKeys() {
        assertRejects(#"{"a":1,"a":1}"#, "duplicate key \"a\"")
        assertRejects(#"{"a":1,"b":2,"a":[3]}"#, "duplicate key \"a\"")
        assertRejects(#"[{"x":{"resourceType":"P","id":"1","id":"2"}}]"#, "duplicate key \"id\"")
        assertRejects(#"{"a":1,"\u0061":2}"#, "duplicate key \"a\"")
        // Canonically equivalent but different code points are different keys in JSON.
        XCTAssertNoThrow(try parse("{\"\u{E9}\":1,\"e\u{301}\":2}"))
    }

    func testRejectsStructuralErrors() {
        assertRejects("", "end of input")
        assertRejects("   ", "end of input")
        assertRejects("{", "expected a string key")
        assertRejects("[", "end of input")
        assertRejects("[1,]", "expected a value")
        assertRejects(#"{"a":1,}"#, "expected a string key")
        assertRejects(#"{"a" 1}"#, "expected ':'")
        assertRejects(#"{a:1}"#, "expected a string key")
        assertRejects(#"{'a':1}"#, "expected a string key")
        assertRejects(#"["a" "b"]"#, "expected ',' or ']'")
        assertRejects(#"{"a":1 "b":2}"#, "expected ',' or '}'")
        assertRejects("{} {}", "data after the JSON value")
        assertRejects("[1]]", "data after the JSON value")
        assertRejects("[1]\u{C}", "data after the JSON value")
        assertRejects("\u{A0}1", "expected a value")
        assertRejects("// c\n1", "expected a value")
        assertRejects(String(repeating: "[", count: 600) + String(repeating: "]", count: 600), "nesting deeper")
    }
}
