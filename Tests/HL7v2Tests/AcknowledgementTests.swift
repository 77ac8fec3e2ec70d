import XCTest
import Foundation
import ZIPFoundation
import DCHTestSupport
import HL7v2

/// ACKs field by field (HL7V2.md §5): MSH swapped, MSH-9 `ACK^<trigger>^ACK`, MSA-2 the original
/// MSH-10, ERR in the 2.5+ layout (ERR-2/3/4) and the 2.3/2.4 layout (ERR-1 ELD).
final class AcknowledgementTests: XCTestCase {
    let time = Date(timeIntervalSince1970: 1_704_164_645)  // 2024-01-02 03:04:05 UTC
    var acknowledger: HL7v2Acknowledger { HL7v2Acknowledger(time: time) }

    func testAcceptInVersion24() throws {
        let (m, _) = Fixtures.one(Fixtures.a28)
        let ack = acknowledger.acknowledgement(of: m)
        XCTAssertEqual(ack.segments.map(\.id), ["MSH", "MSA"])
        XCTAssertEqual(ack.value(at: "MSH-3"), "CHIS", "MSH-3 = the original MSH-5")
        XCTAssertEqual(ack.value(at: "MSH-4"), "Y05", "MSH-4 = the original MSH-6")
        XCTAssertEqual(ack.value(at: "MSH-5"), "PAS")
        XCTAssertEqual(ack.value(at: "MSH-6"), "RX1")
        XCTAssertEqual(ack.value(at: "MSH-7"), "20240102030405+0000")
        XCTAssertEqual(ack.raw(at: "MSH-9"), "ACK^A28^ACK")
        XCTAssertEqual(ack.value(at: "MSH-10"), "ACKMSG00001")
        XCTAssertNotEqual(ack.controlID, m.controlID, "the ACK has its own control ID")
        XCTAssertEqual(ack.value(at: "MSH-11"), "P")
        XCTAssertEqual(ack.value(at: "MSH-12"), "2.4")
        XCTAssertEqual(ack.value(at: "MSH-18"), "UNICODE UTF-8")
        XCTAssertEqual(ack.raw(at: "MSA"), "MSA|AA|MSG00001")
        XCTAssertEqual(ack.delimiters, m.delimiters)
        let text = HL7v2Writer().text(ack)
        XCTAssertEqual(text, "MSH|^~\\&|CHIS|Y05|PAS|RX1|20240102030405+0000||ACK^A28^ACK|ACKMSG00001|P|2.4||||||UNICODE UTF-8\rMSA|AA|MSG00001\r")
        // The ACK reads back as itself.
        XCTAssertEqual(HL7v2Parser().parse(text).messages.first, ack)
    }

    func testErrorsInVersion251Layout() {
        let (m, _) = Fixtures.one(Fixtures.vxu)
        let errors = [
            HL7v2AckError(.requiredFieldMissing, at: "PID-3[1].1", text: "no NHS number | sent"),
            HL7v2AckError(.tableValueNotFound, at: "RXA[1]-5", severity: .warning),
        ]
        let ack = acknowledger.acknowledgement(of: m, errors: errors, controlID: "A-1")
        XCTAssertEqual(ack.segments.map(\.id), ["MSH", "MSA", "ERR", "ERR"])
        XCTAssertEqual(ack.raw(at: "MSH-9"), "ACK^V04^ACK")
        XCTAssertEqual(ack.value(at: "MSH-10"), "A-1")
        XCTAssertEqual(ack.value(at: "MSH-12"), "2.5.1")
        XCTAssertEqual(ack.value(at: "MSA-1"), "AE", "an error in the content: application error")
        XCTAssertEqual(ack.value(at: "MSA-2"), "VXU-77")
        XCTAssertEqual(ack.content(at: "MSA-3"), .absent)
        XCTAssertEqual(ack.raw(at: "ERR-1"), "")
        XCTAssertEqual(ack.raw(at: "ERR-2"), "PID^1^3^1^1", "ERL: segment^sequence^field^repetition^component")
        XCTAssertEqual(ack.raw(at: "ERR-3"), "101^Required field missing^HL70357")
        XCTAssertEqual(ack.value(at: "ERR-4"), "E")
        XCTAssertEqual(ack.raw(at: "ERR-8"), #"no NHS number \F\ sent"#, "the text is escaped")
        XCTAssertEqual(ack.value(at: "ERR-8"), "no NHS number | sent")
        XCTAssertEqual(ack.raw(at: "ERR[2]-2"), "RXA^1^5^1")
        XCTAssertEqual(ack.raw(at: "ERR[2]-3"), "103^Table value not found^HL70357")
        XCTAssertEqual(ack.value(at: "ERR[2]-4"), "W")
    }

    func testErrorsInVersion24AndVersion23Layout() {
        let (m, _) = Fixtures.one(Fixtures.a28)
        let errors = [HL7v2AckError(.requiredFieldMissing, at: "PID-3", text: "no NHS number"),
                      HL7v2AckError(.dataTypeError, at: "PID-7")]
        let ack = acknowledger.acknowledgement(of: m, errors: errors)
        XCTAssertEqual(ack.segments.map(\.id), ["MSH", "MSA", "ERR"], "2.4 ACK: MSH MSA [ERR]")
        XCTAssertEqual(ack.raw(at: "MSA"), "MSA|AE|MSG00001|no NHS number")
        XCTAssertEqual(ack.raw(at: "ERR"), "ERR|PID^1^3^101&Required field missing&HL70357~PID^1^7^102&Data type error&HL70357",
                       "ELD: segment^sequence^field^code (CE as subcomponents); ERR-1 repeats")

        let v23 = Fixtures.one(#"MSH|^~\&|LAB|RX1|CHIS|Y05|20240105||ORU^R01|Q1|P|2.3"# + "\r").0
        let ack23 = acknowledger.acknowledgement(of: v23)
        XCTAssertEqual(ack23.raw(at: "MSH-9"), "ACK^R01", "2.3 MSG has two components")
        XCTAssertEqual(ack23.raw(at: "MSA"), "MSA|AA|Q1")
    }

    /// Reject for what the receiver does not support (HL7V2.md §5: AR when MSH-9, MSH-11 or MSH-12
    /// is not supported); the reader's own findings become the ERR segments.
    func testRejectUnsupportedVersionFromReaderFindings() {
        let result = HL7v2Parser().parse(#"MSH|^~\&|A|B|C|D|20240101||ADT^A01|X9|P|2.2"# + "\rPID|1\r")
        let m = result.messages[0]
        XCTAssertEqual(m.issues.map(\.rule), [.unsupportedVersion])
        let ack = acknowledger.acknowledgement(of: m)
        XCTAssertEqual(ack.value(at: "MSA-1"), "AR")
        XCTAssertEqual(ack.value(at: "MSA-2"), "X9")
        XCTAssertEqual(ack.value(at: "MSA-3"), "MSH-12 names version 2.2; versions 2.3 to 2.8 are read",
                       "2.2 is read with the 2.3/2.4 layout: the text goes to MSA-3")
        XCTAssertEqual(ack.raw(at: "ERR-1"), "MSH^1^12^203&Unsupported version id&HL70357")

        let missing = HL7v2Parser().parse(#"MSH|^~\&|A|B|C|D|20240101|||X9|P|2.5"# + "\r").messages[0]
        let ack2 = acknowledger.acknowledgement(of: missing)
        XCTAssertEqual(ack2.value(at: "MSA-1"), "AR")
        XCTAssertEqual(ack2.raw(at: "MSH-9"), "ACK^^ACK")
        XCTAssertEqual(ack2.raw(at: "ERR-2"), "MSH^1^9^1")
        XCTAssertEqual(ack2.raw(at: "ERR-3"), "200^Unsupported message type^HL70357")
        XCTAssertEqual(HL7v2Acknowledger.code(for: [HL7v2AckError(.valueTooLong, severity: .warning)]), .applicationAccept)
    }

    /// The ACK keeps the message's own delimiters and character set.
    func testAckKeepsDelimitersAndCharset() throws {
        let text = "MSH#$*!@#AP\u{E9}#F1#B#F2#20240101##ADT$A01#C1#P#2.5######8859/1\r"
        let bytes = text.unicodeScalars.map { UInt8($0.value) }  // Latin-1 bytes: é is 0xE9
        let m = HL7v2Parser().parse(bytes).messages[0]
        XCTAssertEqual(m.charset, .latin1)
        XCTAssertEqual(m.value(at: "MSH-3"), "AP\u{E9}")
        let ack = acknowledger.acknowledgement(of: m, errors: [HL7v2AckError(.applicationError, text: "caf\u{E9} #1")])
        let written = HL7v2Writer().write(ack)
        XCTAssertTrue(written.starts(with: Array("MSH#$*!@#B#F2#AP".utf8) + [0xE9]), "swapped, in Latin-1")
        XCTAssertTrue(written.contains(0xE9))
        let back = HL7v2Parser().parse(written).messages[0]
        XCTAssertEqual(back, ack)
        XCTAssertEqual(back.value(at: "ERR-8"), "caf\u{E9} #1")
        XCTAssertEqual(back.raw(at: "ERR-8"), "caf\u{E9} !F!1")
        XCTAssertEqual(back.raw(at: "MSH-9"), "ACK$A01$ACK")
    }

    /// Our code lists are exactly the HL7 tables 0008, 0357 and 0516 (codes and 0357 displays),
    /// as published in the FHIR R4 package.
    func testCodesMatchTheHL7Tables() throws {
        let root = try SharedCorpus.require()
        let zip = root.appendingPathComponent("fhir-r4/hl7.fhir.r4.core-4.0.1-package.zip")
        guard FileManager.default.fileExists(atPath: zip.path) else {
            throw Prerequisite.missing("../shared/fhir-r4/hl7.fhir.r4.core-4.0.1-package.zip (the FHIR R4 core package)")
        }
        let archive = try Archive(url: zip, accessMode: .read)
        func concepts(_ table: String) throws -> [String: String] {
            let entry = try XCTUnwrap(archive["package/CodeSystem-v2-\(table).json"])
            var data = Data()
            _ = try archive.extract(entry) { data.append($0) }
            let json = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
            let list = try XCTUnwrap(json["concept"] as? [[String: Any]])
            return Dictionary(uniqueKeysWithValues: list.map { ($0["code"] as! String, $0["display"] as! String) })
        }
        XCTAssertEqual(Set(try concepts("0008").keys), Set(HL7v2AckCode.allCases.map(\.rawValue)))
        XCTAssertEqual(Set(try concepts("0516").keys), Set(HL7v2ErrorSeverity.allCases.map(\.rawValue)))
        let t0357 = try concepts("0357")
        XCTAssertEqual(Set(t0357.keys), Set(HL7v2ErrorCode.allCases.map(\.rawValue)))
        for code in HL7v2ErrorCode.allCases { XCTAssertEqual(code.display, t0357[code.rawValue], code.rawValue) }
    }
}
