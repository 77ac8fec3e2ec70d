import XCTest
import Foundation
import HL7v2

/// Prints messages per CPU-second for reading, listing leaves, three path lookups and ACKs (a
/// figure for the README, not an assertion on time). For the README's figures run it in release:
/// `swift test -c release --filter HL7v2Tests.ParserThroughputTests`.
final class ParserThroughputTests: XCTestCase {
    /// CPU seconds of this process spent in `body` (the machine may be shared: wall time would mislead).
    func cpuSeconds(_ body: () -> Void) -> Double {
        let start = clock()
        body()
        return Double(clock() - start) / Double(CLOCKS_PER_SEC)
    }

    func testThroughput() {
        let bytes = Array(String(repeating: Fixtures.a28 + Fixtures.vxu + Fixtures.oru, count: 2000).utf8)
        var result = HL7v2Parser().parse([])
        let parse = cpuSeconds { result = HL7v2Parser().parse(bytes) }
        let count = result.messages.count
        XCTAssertEqual(count, 6000)
        XCTAssertEqual(result.allIssues, [])
        var leaves = 0
        let listing = cpuSeconds { for m in result.messages { leaves += m.leaves().count } }
        var found = 0
        let lookups = cpuSeconds {
            for m in result.messages {
                if m.value(at: "PID-3.1") != nil { found += 1 }
                if m.nhsNumber != nil { found += 1 }
                if m.value(at: "MSH-9.2") != nil { found += 1 }
            }
        }
        XCTAssertEqual(found, 3 * count)
        var ackBytes = 0
        let acks = cpuSeconds {
            let acknowledger = HL7v2Acknowledger()
            for m in result.messages { ackBytes += HL7v2Writer().write(acknowledger.acknowledgement(of: m)).count }
        }
        func rate(_ seconds: Double) -> String { String(format: "%.0f", Double(count) / max(seconds, 1e-9)) }
        print("HL7v2 messages per CPU-second: parse \(rate(parse)) (\(String(format: "%.1f", Double(bytes.count) / max(parse, 1e-9) / 1e6)) MB/s),"
              + " leaves \(rate(listing)) (\(leaves / count) leaves each), 3 lookups \(rate(lookups)), ACK built and written \(rate(acks))")
    }
}
