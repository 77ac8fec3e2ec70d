import XCTest
import Foundation
import HL7v2

/// Prints messages/s parsed (a figure for the README, not an assertion on time).
final class ParserThroughputTests: XCTestCase {
    func testThroughput() {
        let batch = String(repeating: Fixtures.a28 + Fixtures.vxu + Fixtures.oru, count: 2000)
        let bytes = Array(batch.utf8)
        let parser = HL7v2Parser()
        var count = 0
        let start = Date()
        let result = parser.parse(bytes)
        count = result.messages.count
        let parseSeconds = Date().timeIntervalSince(start)
        XCTAssertEqual(count, 6000)
        XCTAssertEqual(result.allIssues, [])
        let leafStart = Date()
        var leaves = 0
        for m in result.messages { leaves += m.leaves().count }
        let leafSeconds = Date().timeIntervalSince(leafStart)
        let ackStart = Date()
        let writer = HL7v2Writer()
        var ackBytes = 0
        for m in result.messages { ackBytes += writer.write(HL7v2Acknowledger().acknowledgement(of: m)).count }
        let ackSeconds = Date().timeIntervalSince(ackStart)
        print(String(format: "HL7v2 throughput: parse %.0f messages/s (%.1f MB/s); leaves %.0f messages/s (%d leaves); ACK built+written %.0f/s",
                     Double(count) / parseSeconds, Double(bytes.count) / parseSeconds / 1e6, Double(count) / leafSeconds,
                     leaves, Double(count) / ackSeconds))
    }
}
