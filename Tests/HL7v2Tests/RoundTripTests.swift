import XCTest
import HL7v2

/// parse(write(x)) == x, for parsed and built messages, in every terminator and in MLLP.
final class RoundTripTests: XCTestCase {
    func testParsedMessagesWriteBackByteForByte() {
        for text in [Fixtures.a28, Fixtures.vxu, Fixtures.oru] {
            let (m, _) = Fixtures.one(text)
            XCTAssertEqual(HL7v2Writer().text(m), text, "CR-terminated input is written back exactly")
            for terminator in HL7v2SegmentTerminator.allCases {
                for mllp in [false, true] {
                    let bytes = HL7v2Writer(mllp: mllp, terminator: terminator).write([m, m])
                    let back = HL7v2Parser().parse(bytes)
                    XCTAssertEqual(back.allIssues, [])
                    XCTAssertEqual(back.messages, [m, m], "\(terminator) mllp=\(mllp)")
                }
            }
        }
    }

    /// Built messages with values full of delimiters and line breaks read back with the same values.
    func testBuiltMessagesRoundTrip() throws {
        let values = ["plain", #"a|b^c~d\e&f"#, "two\nlines", "cr\rhere", "£ é €", #"\F\ looks escaped"#, "\"\"", " spaced "]
        for delimiters in [HL7v2Delimiters.standard,
                           try HL7v2Delimiters(field: UInt8(ascii: "#"), encodingCharacters: Array("$*!@%".utf8))] {
            var m = HL7v2Message(delimiters: delimiters)
            try m.setValue("ORU", at: "MSH-9.1")
            try m.setValue("R01", at: "MSH-9.2")
            try m.setValue("RT-1", at: "MSH-10")
            try m.setValue("P", at: "MSH-11")
            try m.setValue("2.7", at: "MSH-12")
            for (i, v) in values.enumerated() {
                try m.setValue(v, at: HL7v2Path(segment: "NTE", occurrence: i + 1, field: 3, repetition: 2, component: 2, subcomponent: 2))
            }
            let written = HL7v2Writer().write(m)
            XCTAssertEqual(written.filter { $0 == 0x0D }.count, m.segments.count, "one CR per segment, none inside values")
            let back = HL7v2Parser().parse(written)
            XCTAssertEqual(back.allIssues, [])
            XCTAssertEqual(back.messages, [m])
            for (i, v) in values.enumerated() {
                XCTAssertEqual(back.messages[0].value(at: HL7v2Path(segment: "NTE", occurrence: i + 1, field: 3, repetition: 2,
                                                                    component: 2, subcomponent: 2)), v)
            }
        }
    }

    func testLatin1MessagesWriteInLatin1() throws {
        var m = HL7v2Message(charset: .latin1)
        try m.setValue("ADT", at: "MSH-9.1")
        try m.setValue("Zoë €", at: "PID-5")
        let bytes = HL7v2Writer().write(m)
        XCTAssertTrue(bytes.contains(0xEB), "ë is one byte in Latin-1")
        let back = HL7v2Parser().parse(bytes).messages[0]
        XCTAssertEqual(back.charset, .latin1)
        XCTAssertEqual(back.value(at: "PID-5"), "Zoë ?", "Latin-1 has no €")
    }
}
