import XCTest
import HL7v2

/// MSH-1 and MSH-2: any delimiters, 1 to 5 encoding characters, MSH field numbering
/// (HL7V2.md §1: "token k is MSH-(k+1)").
final class DelimiterTests: XCTestCase {
    func testMSHNumberingAndStandardDelimiters() {
        let (m, result) = Fixtures.one(Fixtures.a28)
        XCTAssertEqual(result.allIssues, [])
        XCTAssertEqual(m.delimiters, .standard)
        XCTAssertEqual(m.raw(at: "MSH-1"), "|")
        XCTAssertEqual(m.raw(at: "MSH-2"), #"^~\&"#)
        XCTAssertEqual(m.value(at: "MSH-2"), #"^~\&"#, "MSH-2 is never unescaped")
        XCTAssertEqual(m.value(at: "MSH-3"), "PAS")
        XCTAssertEqual(m.value(at: "MSH-4"), "RX1")
        XCTAssertEqual(m.value(at: "MSH-9.1"), "ADT")
        XCTAssertEqual(m.triggerEvent, "A28")
        XCTAssertEqual(m.messageStructure, "ADT_A05")
        XCTAssertEqual(m.controlID, "MSG00001")
        XCTAssertEqual(m.processingID, "P")
        XCTAssertEqual(m.version, "2.4")
        XCTAssertEqual(m.value(at: "MSH-15"), "AL")
        XCTAssertEqual(m.value(at: "MSH-17"), "GBR")
        XCTAssertEqual(m.value(at: "MSH-18"), "UNICODE UTF-8")
        XCTAssertEqual(m.segments.map(\.id), ["MSH", "EVN", "PID", "PD1", "NK1", "PV1"])
    }

    /// The same message with other delimiters reads the same: field `#`, component `$`,
    /// repetition `*`, escape `!`, subcomponent `}`.
    func testNonStandardDelimiters() {
        let standard = Fixtures.one(Fixtures.a28).0
        let other = Fixtures.a28Segments.map { seg in
            String(seg.map { c -> Character in
                switch c { case "|": "#"; case "^": "$"; case "~": "*"; case "\\": "!"; case "&": "}"; default: c }
            })
        }.joined(separator: "\r")
        let (m, result) = Fixtures.one(other)
        XCTAssertEqual(result.allIssues, [])
        XCTAssertEqual(m.raw(at: "MSH-1"), "#")
        XCTAssertEqual(m.raw(at: "MSH-2"), "$*!}")
        XCTAssertEqual(m.delimiters.field, UInt8(ascii: "#"))
        XCTAssertEqual(m.delimiters.escape, UInt8(ascii: "!"))
        for path: HL7v2Path in ["PID-3[2].1", "PID-3[2].4", "PID-3[2].5", "PID-5.1", "PID-5.5", "PID-11.5", "PID-13[2].4",
                                "PD1-3.3", "PD1-4.1", "NK1-3.2", "PID-32", "MSH-9.3"] {
            XCTAssertEqual(m.value(at: path), standard.value(at: path), "\(path)")
        }
        XCTAssertEqual(m.value(at: "PID-3[2].1"), "9990500002")
        XCTAssertEqual(m.leaves().map(\.content), standard.leaves().map(\.content))
        XCTAssertEqual(m.raw(at: "PV1"), "PV1#1#N", "a whole segment in its own separator")
        XCTAssertEqual(m.raw(at: "MSH")?.prefix(12), "MSH#$*!}#PAS")
    }

    func testEscapesUseTheMessagesOwnEscapeCharacter() {
        let (m, _) = Fixtures.one("MSH#$*!@#A#B#C#D#1##ADT$A01#1#P#2.5\rNTE#1##a!F!b!S!c!T!d!R!e!E!f \\F\\\r")
        XCTAssertEqual(m.value(at: "NTE-3"), "a#b$c@d*e!f \\F\\", "\\ is no escape character in this message")
    }

    /// v2.3 lets senders send fewer encoding characters; v2.7 adds the truncation character.
    func testEncodingCharacterCounts() throws {
        let two = Fixtures.one("MSH|^~|A|B|C|D|1||ADT^A01|1|P|2.3\rPID|1||X\\Y&Z~W\r").0
        XCTAssertNil(two.delimiters.escape)
        XCTAssertNil(two.delimiters.subcomponent)
        XCTAssertEqual(two.value(at: "PID-3[1].1.1"), "X\\Y&Z", "no escape or subcomponent character: literal")
        XCTAssertEqual(two.value(at: "PID-3[2]"), "W")

        let one = Fixtures.one("MSH|^|A|B|C|D|1||ADT^A01|1|P|2.3\rPID|1||X~Y\r").0
        XCTAssertNil(one.delimiters.repetition)
        XCTAssertEqual(one.repetitionCount(at: "PID-3"), 1)
        XCTAssertEqual(one.value(at: "PID-3"), "X~Y")

        let five = Fixtures.one(#"MSH|^~\&#|A|B|C|D|1||ADT^A01|1|P|2.7"# + "\r" + #"NTE|1||long\P\text#"# + "\r").0
        XCTAssertEqual(five.delimiters.truncation, UInt8(ascii: "#"))
        XCTAssertEqual(five.raw(at: "MSH-2"), #"^~\&#"#)
        XCTAssertEqual(five.value(at: "NTE-3"), "long#text#")
        // Without a truncation character \P\ is no known sequence: kept verbatim.
        XCTAssertEqual(Fixtures.one(#"MSH|^~\&|A|B|C|D|1||ADT^A01|1|P|2.5"# + "\r" + #"NTE|1||a\P\b"#).0.value(at: "NTE-3"), #"a\P\b"#)
    }

    func testUnusableDelimitersAreErrors() {
        let cases: [(String, String)] = [
            ("MSH|||A|B", "empty MSH-2"),
            ("MSH|^~\\&$%|A|B", "six encoding characters"),
            ("MSH|^^\\&|A|B", "duplicate"),
            ("MSH", "nothing after MSH"),
            ("MSHA^~\\&|B", "letter as separator"),
            ("MSH|^~\\\u{1}|A", "control character"),
        ]
        for (text, why) in cases {
            let result = HL7v2Parser().parse(text + "\rPID|1\r")
            XCTAssertEqual(result.messages.count, 0, why)
            let rules = result.issues.map(\.rule)
            XCTAssertTrue(rules.contains(.badDelimiters), "\(why): \(result.issues)")
            XCTAssertFalse(rules.contains(.noMSH), "\(why): the PID belongs to the unreadable message, it is no orphan")
            let issue = result.issues.first { $0.rule == .badDelimiters }!
            XCTAssertEqual(issue.location.messageIndex, 0)
            XCTAssertEqual(issue.location.segmentID, "MSH")
            XCTAssertEqual(issue.location.line, 1)
            XCTAssertEqual(issue.location.column, 1)
            XCTAssertEqual(issue.severity, .error)
        }
    }

    func testDelimiterInitialiser() throws {
        XCTAssertThrowsError(try HL7v2Delimiters(field: UInt8(ascii: "|"), encodingCharacters: [])) {
            XCTAssertEqual($0 as? HL7v2DelimiterError, .encodingCharacterCount(0))
        }
        XCTAssertThrowsError(try HL7v2Delimiters(field: 0xC3, encodingCharacters: Array("^~".utf8)))
        let d = try HL7v2Delimiters(field: UInt8(ascii: "|"), encodingCharacters: Array("^~\\&#".utf8))
        XCTAssertEqual(d.encodingCharacters, "^~\\&#")
        XCTAssertEqual(d.fieldSeparator, "|")
    }
}
