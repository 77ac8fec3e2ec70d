import XCTest
import HL7v2

/// Segment terminators (CR, LF, CR LF, mixed), line breaks inside values, files of many
/// messages, batches and MLLP (HL7V2.md §1, §4, trap 1).
final class FramingTests: XCTestCase {
    let expectedIDs = ["MSH", "EVN", "PID", "PD1", "NK1", "PV1"]

    func testEveryTerminator() {
        let reference = Fixtures.one(Fixtures.a28).0
        for (name, separator) in [("CR", "\r"), ("LF", "\n"), ("CRLF", "\r\n")] {
            for trailing in ["", separator, separator + separator] {
                let text = Fixtures.a28Segments.joined(separator: separator) + trailing
                let (m, result) = Fixtures.one(text)
                XCTAssertEqual(result.allIssues, [], name)
                XCTAssertEqual(m.segments.map(\.id), expectedIDs, name)
                XCTAssertEqual(m, reference, name)
            }
        }
        // Mixed: each segment ends differently.
        let s = Fixtures.a28Segments
        let mixed = s[0] + "\r" + s[1] + "\n" + s[2] + "\r\n" + s[3] + "\n" + s[4] + "\r" + s[5] + "\r\n"
        let (m, result) = Fixtures.one(mixed)
        XCTAssertEqual(result.allIssues, [])
        XCTAssertEqual(m, reference)
    }

    func testPositionsCountEveryLineBreakOnce() {
        let text = Fixtures.a28Segments.joined(separator: "\r\n")
        let (m, _) = Fixtures.one(text)
        for (i, segment) in m.segments.enumerated() {
            XCTAssertEqual(segment.source?.line, i + 1)
            XCTAssertEqual(segment.source?.column, 1)
            XCTAssertEqual(segment.source?.segmentIndex, i)
            XCTAssertEqual(segment.source?.messageIndex, 0)
        }
        XCTAssertEqual(m.segments[1].source?.byteOffset, Fixtures.a28Segments[0].utf8.count + 2)
    }

    /// An unescaped line break inside a value (trap 1): the rest of the segment continues after it.
    func testLineBreakInsideAValue() throws {
        let text = #"MSH|^~\&|A|B|C|D|1||ORU^R01|1|P|2.5"# + "\r" + "OBX|1|TX|NOTE||first line\rsecond line|mg|||||F\r" + "NTE|1\r"
        let (m, result) = Fixtures.one(text)
        XCTAssertEqual(m.segments.map(\.id), ["MSH", "OBX", "NTE"])
        XCTAssertEqual(m.raw(at: "OBX-5"), #"first line\X0D\second line"#)
        XCTAssertEqual(m.value(at: "OBX-5"), "first line\rsecond line")
        XCTAssertEqual(m.value(at: "OBX-6"), "mg", "the fields after the break stay in their places")
        XCTAssertEqual(m.value(at: "OBX-11"), "F")
        let warning = try XCTUnwrap(result.allIssues.first)
        XCTAssertEqual(warning.rule, .lineBreakInValue)
        XCTAssertEqual(warning.severity, .warning)
        XCTAssertEqual(warning.location.line, 3)
        XCTAssertEqual(warning.location.segmentID, "OBX")
        XCTAssertEqual(warning.location.segmentIndex, 1)
        // In an LF file, an LF inside OBX text is read the same way.
        let lf = Fixtures.one(text.replacingOccurrences(of: "\r", with: "\n")).0
        XCTAssertEqual(lf.value(at: "OBX-5"), "first line\nsecond line")
        XCTAssertEqual(lf.value(at: "OBX-6"), "mg")
    }

    func testManyMessagesBackToBack() {
        let text = Fixtures.a28 + Fixtures.vxu + "\n\n" + Fixtures.oru
        let result = HL7v2Parser().parse(text)
        XCTAssertEqual(result.allIssues, [])
        XCTAssertEqual(result.messages.map(\.index), [0, 1, 2])
        XCTAssertEqual(result.messages.map(\.controlID), ["MSG00001", "VXU-77", "ORU-5"])
        XCTAssertEqual(result.messages[1].segments.count, Fixtures.vxuSegments.count)
        XCTAssertEqual(result.messages[2].segments[0].source?.line,
                       Fixtures.a28Segments.count + Fixtures.vxuSegments.count + 2,
                       "CR LF after the VXU ends one line, the second LF another")
        XCTAssertEqual(result.batches, [])
    }

    /// `[FHS] {[BHS] {MSH…} [BTS]} [FTS]`; BTS-1 counts messages, FTS-1 batches.
    func testBatchesAndFiles() {
        let text = [#"FHS|^~\&|PAS|RX1|CHIS|Y05|20240102"#, #"BHS|^~\&|PAS|RX1|CHIS|Y05|20240102"#]
            .joined(separator: "\r") + "\r" + Fixtures.a28 + Fixtures.vxu + "BTS|2\r"
            + #"BHS|^~\&|PAS|RX1"# + "\rBTS|0\r" + "FTS|2\r"
        let result = HL7v2Parser().parse(text)
        XCTAssertEqual(result.allIssues, [])
        XCTAssertEqual(result.messages.count, 2)
        XCTAssertEqual(result.batches.count, 2)
        XCTAssertEqual(result.batches[0].messageIndices, [0, 1])
        XCTAssertEqual(result.batches[1].messageIndices, [], "an empty batch is legal")
        XCTAssertEqual(result.messages.map(\.batchIndex), [0, 0])
        XCTAssertEqual(result.batches[0].header?.fields[3], "PAS", "BHS is numbered like MSH: BHS-3 is the sending application")
        XCTAssertEqual(result.batches[0].header?.fields[1], "|")
        XCTAssertEqual(result.batches[0].trailer?.fields[1], "2")
        XCTAssertEqual(result.fileHeaders.count, 1)
        XCTAssertEqual(result.fileTrailers.first?.fields[1], "2")
    }

    func testBatchCountsAndStructureAreChecked() {
        let text = #"BHS|^~\&|PAS"# + "\r" + Fixtures.a28 + "BTS|3\rFTS|5\r"
        let result = HL7v2Parser().parse(text)
        XCTAssertEqual(result.messages.count, 1)
        let found = result.issues.map { "\($0.rule.rawValue) \($0.location.path ?? "")" }
        XCTAssertEqual(found, ["hl7v2.batch-count BTS-1", "hl7v2.batch-structure FTS", "hl7v2.batch-count FTS-1"])
        let open = HL7v2Parser().parse(#"BHS|^~\&|PAS"# + "\r" + Fixtures.a28)
        XCTAssertEqual(open.issues.map(\.rule), [.batchStructure])
        XCTAssertEqual(open.batches.first?.messageIndices, [0])
    }

    func testMLLPFrames() {
        func frame(_ s: String) -> [UInt8] { [0x0B] + Array(s.utf8) + [0x1C, 0x0D] }
        let one = HL7v2Parser().parse(frame(Fixtures.a28))
        XCTAssertEqual(one.allIssues, [])
        XCTAssertEqual(one.messages.first, Fixtures.one(Fixtures.a28).0)

        let many = frame(Fixtures.a28) + Array("\r\n  \n".utf8) + frame(Fixtures.vxu) + frame(Fixtures.oru) + Array("\n".utf8)
        let result = HL7v2Parser().parse(many)
        XCTAssertEqual(result.allIssues, [])
        XCTAssertEqual(result.messages.map(\.controlID), ["MSG00001", "VXU-77", "ORU-5"])
        // A frame without a final segment terminator still ends its message.
        let bare = HL7v2Parser().parse(frame(Fixtures.a28Segments.joined(separator: "\r")) + frame(Fixtures.oru))
        XCTAssertEqual(bare.messages.count, 2)
        XCTAssertEqual(bare.messages[0].segments.last?.id, "PV1")
    }

    func testBrokenMLLP() {
        func frame(_ s: String) -> [UInt8] { [0x0B] + Array(s.utf8) + [0x1C, 0x0D] }
        // No end block: the message is read, with an error.
        let cut = HL7v2Parser().parse([0x0B] + Array(Fixtures.a28.utf8))
        XCTAssertEqual(cut.messages.count, 1)
        XCTAssertEqual(cut.issues.map(\.rule), [.mllpUnterminated])
        XCTAssertEqual(cut.issues.first?.severity, .error)
        // A start block before the end block: the first frame is cut there.
        let two = HL7v2Parser().parse([0x0B] + Array(Fixtures.a28.utf8) + frame(Fixtures.oru))
        XCTAssertEqual(two.messages.map(\.controlID), ["MSG00001", "ORU-5"])
        XCTAssertEqual(two.issues.map(\.rule), [.mllpUnterminated])
        // Junk between frames is skipped with an error at its offset.
        let junk = frame(Fixtures.a28) + Array("garbage".utf8) + frame(Fixtures.oru)
        let r = HL7v2Parser().parse(junk)
        XCTAssertEqual(r.messages.count, 2)
        XCTAssertEqual(r.issues.map(\.rule), [.mllpOutsideFrame])
        XCTAssertEqual(r.issues.first?.location.byteOffset, Fixtures.a28.utf8.count + 3)
        // 0x1C without 0x0D: a warning.
        let loose = HL7v2Parser().parse([0x0B] + Array(Fixtures.a28.utf8) + [0x1C])
        XCTAssertEqual(loose.issues.map(\.severity), [.warning])
    }
}
