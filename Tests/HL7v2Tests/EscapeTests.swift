import XCTest
import HL7v2
import EventBuilder

/// Escape sequences (HL7V2.md §2, traps 3, 7, 8): one left-to-right pass on each leaf after
/// splitting, formatting and unknown sequences kept verbatim.
final class EscapeTests: XCTestCase {
    let d = HL7v2Delimiters.standard

    func decode(_ raw: String, _ delimiters: HL7v2Delimiters = .standard, _ charset: HL7v2Charset = .utf8) -> String {
        HL7v2Escaping.decode(raw, delimiters: delimiters, charset: charset)
    }

    func testDelimiterEscapes() {
        XCTAssertEqual(decode(#"a\F\b"#), "a|b")
        XCTAssertEqual(decode(#"a\S\b"#), "a^b")
        XCTAssertEqual(decode(#"a\T\b"#), "a&b")
        XCTAssertEqual(decode(#"a\R\b"#), "a~b")
        XCTAssertEqual(decode(#"a\E\b"#), #"a\b"#)
        XCTAssertEqual(decode(#"\F\\S\\T\\R\\E\"#), #"|^&~\"#)
    }

    /// `\E\F\E\` is an escaped escape, then `F`, then an escaped escape: `\F\` as text, not `|`.
    func testOnePassNotChainedReplaces() {
        XCTAssertEqual(decode(#"\E\F\E\"#), #"\F\"#)
        XCTAssertEqual(decode(#"\E\E\E\"#), #"\E\"#)
    }

    func testHexadecimalEscapes() {
        XCTAssertEqual(decode(#"a\X0D\b"#), "a\rb")
        XCTAssertEqual(decode(#"a\X0D0A\b"#), "a\r\nb")
        XCTAssertEqual(decode(#"a\X0A\b"#), "a\nb")
        XCTAssertEqual(decode(#"\X000d\"#), "\u{0}\r", "lower-case hex digits")
        XCTAssertEqual(decode(#"\XC2A3\5"#), "£5", "UTF-8 bytes in a UTF-8 message")
        XCTAssertEqual(decode(#"\XA3\5"#, .standard, .latin1), "£5", "one byte in a Latin-1 message")
        XCTAssertEqual(decode(#"\XA4\"#, .standard, .latin9), "€")
        XCTAssertEqual(decode(#"\XA3\"#), "£", "not UTF-8: the byte is read as Latin-1")
        XCTAssertEqual(decode(#"a\X0\b"#), #"a\X0\b"#, "an odd number of digits is no sequence: literal")
        XCTAssertEqual(decode(#"a\XZZ\b"#), #"a\XZZ\b"#)
    }

    func testFormattingSequences() {
        XCTAssertEqual(decode(#"line 1\.br\line 2"#), "line 1\nline 2", "\\.br\\ is a line break")
        for kept in [#"\H\"#, #"\N\"#, #"\.sp2\"#, #"\.fi\"#, #"\.nf\"#, #"\.in+4\"#, #"\.ti-2\"#, #"\.sk3\"#, #"\.ce\"#,
                     #"\Zlocal\"#, #"\C2842\"#, #"\M2442\"#] {
            XCTAssertEqual(decode("x" + kept + "y"), "x" + kept + "y", kept)
        }
        // A kept sequence is consumed whole: the text after it is not re-read as a sequence start.
        XCTAssertEqual(decode(#"\H\F\N\"#), #"\H\F\N\"#)
    }

    func testUnknownAndLoneEscapes() {
        XCTAssertEqual(decode(#"BSV 4\5 re."#), #"BSV 4\5 re."#, "a lone escape character is literal")
        XCTAssertEqual(decode(#"ends with \"#), #"ends with \"#)
        XCTAssertEqual(decode(#"\Q\"#), #"\Q\"#, "unknown sequence kept verbatim")
        XCTAssertEqual(decode(#"4\5 and \F\"#), #"4\5 and |"#, "an unterminated start does not swallow the next sequence")
        XCTAssertEqual(decode(#"a\\b"#), #"a\\b"#)
    }

    /// Escapes are read per leaf after splitting: `\S\` in a component never splits it.
    func testEscapedDelimitersDoNotSplit() {
        let (m, _) = Fixtures.one(Fixtures.vxu)
        XCTAssertEqual(m.value(at: "OBX[2]-5"), "Given by A&E | clinic\nsecond line")
        XCTAssertEqual(m.raw(at: "OBX[2]-5"), #"Given by A\T\E \F\ clinic\.br\second line"#)
        let (n, _) = Fixtures.one(#"MSH|^~\&|A|B|C|D|1||ADT^A01|1|P|2.5"# + "\r" + #"PID|1||X\S\Y^Z\R\W~Q"# + "\r")
        XCTAssertEqual(n.value(at: "PID-3[1].1"), "X^Y")
        XCTAssertEqual(n.value(at: "PID-3[1].2"), "Z~W")
        XCTAssertEqual(n.value(at: "PID-3[2]"), "Q")
        XCTAssertEqual(n.repetitionCount(at: "PID-3"), 2)
    }

    func testEncodeEscapesEscapeCharacterFirstAndNeverWritesRawBreaks() throws {
        XCTAssertEqual(try HL7v2Escaping.encode(#"a|b^c&d~e\f"#, delimiters: d), #"a\F\b\S\c\T\d\R\e\E\f"#)
        XCTAssertEqual(try HL7v2Escaping.encode("x\r\ny\u{1}", delimiters: d), #"x\X0D\\X0A\y\X01\"#)
        XCTAssertEqual(try HL7v2Escaping.encode("tab\tok", delimiters: d), "tab\tok")
        XCTAssertEqual(try HL7v2Escaping.encode("\"\"", delimiters: d), #"\X22\""#, "two quotes as a value are not the null")
        XCTAssertEqual(try HL7v2Escaping.encode("say \"\"", delimiters: d), "say \"\"")
        let five = try HL7v2Delimiters(field: UInt8(ascii: "|"), encodingCharacters: Array("^~\\&#".utf8))
        XCTAssertEqual(try HL7v2Escaping.encode("a#b", delimiters: five), #"a\P\b"#)
        let noEscape = try HL7v2Delimiters(field: UInt8(ascii: "|"), encodingCharacters: Array("^~".utf8))
        XCTAssertEqual(try HL7v2Escaping.encode("plain", delimiters: noEscape), "plain")
        XCTAssertThrowsError(try HL7v2Escaping.encode("a|b", delimiters: noEscape))
    }

    /// decode(encode(v)) == v for strings made of every delimiter, escape-looking text, control
    /// characters and non-ASCII letters, under standard and unusual delimiters.
    func testEncodeDecodeRoundTrip() throws {
        let unusual = try HL7v2Delimiters(field: UInt8(ascii: "#"), encodingCharacters: Array("$*!@%".utf8))
        let alphabet: [String] = ["|", "^", "~", "\\", "&", "#", "$", "*", "!", "@", "%", "F", "X", "0D", ".br", "E",
                                  "\r", "\n", "\t", "é", "£", "€", " ", "a", "\u{7F}", "😀", "\""]
        var random = SeededRandom(seed: 15)
        for _ in 0..<3000 {
            let value = (0..<random.int(in: 0...11)).map { _ in random.pick(alphabet) }.joined()
            for delimiters in [HL7v2Delimiters.standard, unusual] {
                let raw = try HL7v2Escaping.encode(value, delimiters: delimiters)
                XCTAssertFalse(raw.utf8.contains(0x0D) || raw.utf8.contains(0x0A), "no raw line break in \(raw)")
                XCTAssertFalse(raw.utf8.contains(delimiters.field))
                XCTAssertEqual(HL7v2Escaping.decode(raw, delimiters: delimiters), value, "raw \(raw)")
            }
        }
    }
}
