import XCTest
import HL7v2
import EventBuilder

/// Bad input gives issue values, never a crash: truncated, binary, huge, no MSH, wrong separators.
final class HostileInputTests: XCTestCase {
    func rules(_ bytes: [UInt8]) -> [HL7v2Rule] { HL7v2Parser().parse(bytes).allIssues.map(\.rule) }

    func testEmptyAndWhitespace() {
        XCTAssertEqual(rules([]), [.empty])
        XCTAssertEqual(rules(Array(" \r\n\t".utf8)), [.empty])
        XCTAssertEqual(HL7v2Parser().parse("").issues.first?.severity, .error)
    }

    func testNoMSH() {
        let result = HL7v2Parser().parse("PID|1||X\rPV1|1|I\r")
        XCTAssertEqual(result.messages.count, 0)
        XCTAssertEqual(result.issues.map(\.rule), [.noMSH], "one issue for the run of orphan lines")
        XCTAssertEqual(result.issues.first?.location.line, 1)
        XCTAssertNil(result.issues.first?.location.messageIndex)
        XCTAssertEqual(rules(Array("hello world".utf8)), [.noMSH])
        // Segments before the first MSH are reported, the message after them is read.
        let before = HL7v2Parser().parse("EVN|A01\r" + Fixtures.a28)
        XCTAssertEqual(before.issues.map(\.rule), [.noMSH])
        XCTAssertEqual(before.messages.count, 1)
    }

    func testWrongSeparators() {
        // The PID uses ! where the MSH declares |: it is no segment of this message, so it is read
        // as a line break inside the MSH, with a warning; MSH-12 then holds it and is no version.
        let result = HL7v2Parser().parse(#"MSH|^~\&|A|B|C|D|1||ADT^A01|1|P|2.5"# + "\rPID!1!!X\r")
        XCTAssertEqual(result.messages.count, 1)
        XCTAssertEqual(result.messages[0].segments.map(\.id), ["MSH"])
        XCTAssertEqual(result.allIssues.map(\.rule), [.unsupportedVersion, .lineBreakInValue])
        XCTAssertEqual(result.messages[0].value(at: "MSH-12"), "2.5\rPID!1!!X")
    }

    func testTruncatedMessages() {
        let full = Array(Fixtures.vxu.utf8)
        for cut in stride(from: 0, to: full.count, by: 7) {
            let result = HL7v2Parser().parse(Array(full[..<cut]))
            if cut < 3 { XCTAssertEqual(result.messages.count, 0) }
            for issue in result.allIssues {
                XCTAssertLessThanOrEqual(issue.location.byteOffset, cut)
                XCTAssertGreaterThanOrEqual(issue.location.line, 1)
            }
            // Cut inside MSH before MSH-12: required fields are reported missing.
            if cut > 10, cut < 80 {
                XCTAssertTrue(result.allIssues.contains { $0.rule == .mshRequired || $0.rule == .badDelimiters }, "cut \(cut)")
            }
        }
    }

    func testMissingRequiredMSHFields() {
        let m = HL7v2Parser().parse(#"MSH|^~\&|A"# + "\r").messages[0]
        XCTAssertEqual(m.issues.map(\.location.path), ["MSH-9", "MSH-10", "MSH-11", "MSH-12"])
        XCTAssertTrue(m.issues.allSatisfy { $0.rule == .mshRequired && $0.severity == .error })
        XCTAssertTrue(m.hasErrors)
        XCTAssertEqual(m.issues[0].issue.rule, "hl7v2.msh-required")
        XCTAssertEqual(m.issues[0].issue.path, "MSH-9")
        XCTAssertEqual(m.issues[0].issue.position?.line, 1)
        XCTAssertEqual(m.issues[0].issue.messageIndex, 0)
    }

    func testHugeField() {
        let big = String(repeating: "A", count: 5_000_000)
        let result = HL7v2Parser().parse(#"MSH|^~\&|A|B|C|D|1||ORU^R01|1|P|2.5"# + "\rOBX|1|ST|X||" + big + "|\r")
        XCTAssertEqual(result.allIssues, [])
        XCTAssertEqual(result.messages[0].value(at: "OBX-5")?.count, 5_000_000)
        let limited = HL7v2Parser(options: HL7v2ParseOptions(maxInputBytes: 1000)).parse(Array(big.utf8))
        XCTAssertEqual(limited.issues.map(\.rule), [.tooLarge])
        XCTAssertEqual(limited.messages.count, 0)
    }

    /// Random bytes, random mixes of delimiters and message pieces: the reader returns, and every
    /// issue has a rule, a message and a position inside the input.
    func testRandomBytesNeverCrash() {
        var random = SeededRandom(seed: 2024)
        let pieces: [[UInt8]] = [Array("MSH".utf8), Array("|^~\\&".utf8), [0x0B], [0x1C, 0x0D], [0x0D], [0x0A], [0],
                                 Array("PID|".utf8), Array("\\X".utf8), Array("BHS|^~\\&".utf8), Array("BTS|x".utf8), [0xFF, 0xC3],
                                 Array(Fixtures.oru.utf8.prefix(40))]
        for _ in 0..<2000 {
            var bytes: [UInt8] = []
            for _ in 0..<random.int(in: 0...29) {
                if random.chance(1.0 / 3) { bytes += random.pick(pieces) }
                else { bytes.append(UInt8(truncatingIfNeeded: random.next())) }
            }
            let result = HL7v2Parser().parse(bytes)
            for issue in result.allIssues {
                XCTAssertFalse(issue.message.isEmpty)
                XCTAssertLessThanOrEqual(issue.location.byteOffset, bytes.count)
            }
            for m in result.messages {
                _ = m.leaves()
                _ = HL7v2Acknowledger().acknowledgement(of: m)
                _ = HL7v2Writer().write(m)
            }
        }
    }

    func testIssueCapPerMessage() {
        let lines = (0..<50).map { "line \($0) is no segment" }.joined(separator: "\r")
        let result = HL7v2Parser(options: HL7v2ParseOptions(maxIssuesPerMessage: 10))
            .parse(#"MSH|^~\&|A|B|C|D|1||ORU^R01|1|P|2.5"# + "\rNTE|1||x\r" + lines)
        XCTAssertEqual(result.messages[0].issues.count, 11)
        XCTAssertEqual(result.messages[0].issues.last?.rule, .tooManyIssues)
    }

    /// MSH-18 names the character set; without it, bytes that are not UTF-8 are read as Latin-1.
    func testCharacterSets() {
        let latin1: [UInt8] = Array(#"MSH|^~\&|A|B|C|D|1||ADT^A01|1|P|2.4||||||8859/1"#.utf8) + [0x0D]
            + Array("PID|1||X||O".utf8) + [0xE9, 0x0D]
        let m = HL7v2Parser().parse(latin1).messages[0]
        XCTAssertEqual(m.charset, .latin1)
        XCTAssertEqual(m.value(at: "PID-5"), "O\u{E9}")
        XCTAssertEqual(m.issues, [])

        let undeclared: [UInt8] = Array(#"MSH|^~\&|A|B|C|D|1||ADT^A01|1|P|2.4"#.utf8) + [0x0D] + Array("PID|1||X||".utf8) + [0xA3, 0x35]
        let u = HL7v2Parser().parse(undeclared).messages[0]
        XCTAssertEqual(u.value(at: "PID-5"), "£5")
        XCTAssertEqual(u.issues.map(\.rule), [.charset])
        XCTAssertEqual(u.issues.first?.severity, .warning)
        XCTAssertEqual(u.issues.first?.location.segmentID, "PID")
        // A per-feed default removes the warning.
        let feed = HL7v2Parser(options: HL7v2ParseOptions(defaultCharset: .latin1)).parse(undeclared).messages[0]
        XCTAssertEqual(feed.issues, [])
        XCTAssertEqual(feed.value(at: "PID-5"), "£5")

        let utf8 = HL7v2Parser().parse(#"MSH|^~\&|A|B|C|D|1||ADT^A01|1|P|2.5||||||UNICODE UTF-8"# + "\rPID|1||X||Zoë £5\r").messages[0]
        XCTAssertEqual(utf8.value(at: "PID-5"), "Zoë £5")
        let latin9 = HL7v2Parser().parse(Array(#"MSH|^~\&|A|B|C|D|1||ADT^A01|1|P|2.5||||||8859/15"#.utf8) + [0x0D] + Array("NTE|1||".utf8) + [0xA4])
        XCTAssertEqual(latin9.messages[0].value(at: "NTE-3"), "€")
        let unknown = HL7v2Parser().parse(#"MSH|^~\&|A|B|C|D|1||ADT^A01|1|P|2.5||||||ISO IR87"# + "\r").messages[0]
        XCTAssertEqual(unknown.issues.map(\.rule), [.charset])
        XCTAssertEqual(unknown.issues.first?.location.path, "MSH-18")
    }

    func testEveryRuleIsDescribed() {
        for rule in HL7v2Rule.allCases {
            XCTAssertTrue(rule.rawValue.hasPrefix("hl7v2."))
            XCTAssertFalse(rule.summary.isEmpty)
        }
    }
}
