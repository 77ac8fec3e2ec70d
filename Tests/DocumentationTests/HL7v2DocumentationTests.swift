import XCTest
import HL7v2

/// The code of the HL7v2 landing page, run on an MLLP-framed ADT^A28 written here (synthetic
/// patient, 999-range NHS number).
final class HL7v2DocumentationTests: XCTestCase {
    func testTheReadAndAcknowledgeListing() {
        let message = [#"MSH|^~\&|PAS|RX1|CHIS|Y05|20240102030405||ADT^A28^ADT_A05|MSG00001|P|2.4"#,
                       #"PID|||8000002^^^RMW00^MR~9990500002^^^NHS^NH||SMITH^JANE||20230615|F"#].joined(separator: "\r") + "\r"
        let bytes: [UInt8] = [0x0B] + Array(message.utf8) + [0x1C, 0x0D]
        var nhsNumbers: [String] = []
        var replies: [[UInt8]] = []
        // docs:begin hl7v2-read-and-acknowledge
        let result = HL7v2Parser().parse(bytes)             // plain, back to back, batches or MLLP frames
        for message in result.messages {
            if let nhsNumber = message.nhsNumber?.id { nhsNumbers.append(nhsNumber) }
            let ack = HL7v2Acknowledger().acknowledgement(of: message)
            replies.append(HL7v2Writer(mllp: true).write(ack))
        }
        // docs:end
        XCTAssertEqual(nhsNumbers, ["9990500002"])
        XCTAssertEqual(replies.count, 1)
        let reply = replies[0]
        XCTAssertEqual(reply.first, 0x0B)
        XCTAssertEqual(Array(reply.suffix(2)), [0x1C, 0x0D])
        let text = String(decoding: reply.dropFirst().dropLast(2), as: UTF8.self)
        XCTAssertTrue(text.hasPrefix(#"MSH|^~\&|CHIS|Y05|PAS|RX1|"#), text)
        XCTAssertTrue(text.contains("|ACK^A28^ACK|ACKMSG00001|P|2.4\r"), text)
        XCTAssertTrue(text.hasSuffix("\rMSA|AA|MSG00001\r"), text)
    }
}
