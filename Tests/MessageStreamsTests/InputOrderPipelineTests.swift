import Foundation
import XCTest
@testable import MessageStreams

/// The ordered pipeline: every item delivered once, in input order, whatever the jobs, chunk sizes,
/// weights and item costs; and the chunk rule that spreads the last items over the workers.
final class InputOrderPipelineTests: XCTestCase {
    /// Items of uneven cost (some sleep) through every combination of jobs, batch and weights.
    func testDeliversEveryItemOnceInInputOrder() throws {
        for jobs in [1, 2, 3, 5] {
            for batch in [1, 2, 7, 256] {
                for weighted in [false, true] {
                    let items = Array(0..<600)
                    var seen: [Int] = []
                    try InputOrderPipeline.run(
                        items, jobs: jobs, batch: batch,
                        weight: weighted ? { ($0 % 11) * 40_000 } : nil
                    ) { item in
                        if item % 97 == 0 { usleep(2_000) }   // a slow item holds the window back
                        return item * 3
                    } deliver: { seen.append($0) }
                    XCTAssertEqual(seen, items.map { $0 * 3 }, "jobs \(jobs), batch \(batch), weighted \(weighted)")
                }
            }
        }
    }

    /// A failing delivery stops the run and is rethrown; no later result is delivered.
    func testDeliveryErrorStopsTheRun() {
        struct Stop: Error {}
        var delivered = 0
        XCTAssertThrowsError(try InputOrderPipeline.run(Array(0..<10_000), jobs: 2, batch: 16) { $0 } deliver: { item in
            if item == 100 { throw Stop() }
            delivered += 1
        }) { XCTAssertTrue($0 is Stop) }
        XCTAssertEqual(delivered, 100)
    }

    /// The first results come while the input is still open (a filter), with batches of one.
    func testResultsFlowBeforeInputEnds() throws {
        let gate = NSCondition()
        var released = false
        // The sequence's 6th item waits until the 5th result has been delivered.
        let items = (0..<10).lazy.map { i -> Int in
            if i == 5 {
                gate.lock()
                while !released { if !gate.wait(until: Date().addingTimeInterval(10)) { break } }
                gate.unlock()
            }
            return i
        }
        var seen: [Int] = []
        try InputOrderPipeline.run(items, jobs: 2, batch: 1) { $0 } deliver: { item in
            seen.append(item)
            if item == 4 { gate.lock(); released = true; gate.broadcast(); gate.unlock() }
        }
        XCTAssertEqual(seen, Array(0..<10))
        XCTAssertTrue(released, "results 0-4 were delivered before item 5 was read")
    }

    /// While input is coming, a worker takes a full chunk; once it has ended, its share.
    func testChunkRule() {
        let limits = ChunkLimits(items: 256, weight: 1 << 20)
        let small = repeatElement(1_000, count: 900)
        // Input still coming: a full chunk of items.
        XCTAssertEqual(limits.take(queued: 900, queuedWeight: 900_000, jobs: 2, inputEnded: false, weights: small), 256)
        // Ended: half of what is left for each of two workers, then shrinking pieces, down to one.
        XCTAssertEqual(limits.take(queued: 400, queuedWeight: 400_000, jobs: 2, inputEnded: true, weights: small), 200)
        XCTAssertEqual(limits.take(queued: 3, queuedWeight: 3_000, jobs: 2, inputEnded: true, weights: small), 2)
        XCTAssertEqual(limits.take(queued: 1, queuedWeight: 1_000, jobs: 2, inputEnded: true, weights: small), 1)
        // By weight: 300 KB messages make chunks of four (the fourth crosses a megabyte) ...
        let heavy = repeatElement(300_000, count: 50)
        XCTAssertEqual(limits.take(queued: 50, queuedWeight: 15_000_000, jobs: 2, inputEnded: false, weights: heavy), 4)
        // ... and at the end, half the weight left.
        XCTAssertEqual(limits.take(queued: 4, queuedWeight: 1_200_000, jobs: 2, inputEnded: true, weights: heavy), 2)
        // One message above the limit is still taken, alone.
        XCTAssertEqual(limits.take(queued: 2, queuedWeight: 6_000_000, jobs: 2, inputEnded: false,
                                   weights: [5_000_000, 1_000_000]), 1)
        // Unweighted items go by count alone.
        XCTAssertEqual(limits.take(queued: 10, queuedWeight: 0, jobs: 3, inputEnded: true, weights: repeatElement(0, count: 10)), 4)
        XCTAssertTrue(limits.isFull(queued: 256, queuedWeight: 0))
        XCTAssertTrue(limits.isFull(queued: 3, queuedWeight: 1 << 20))
        XCTAssertFalse(limits.isFull(queued: 255, queuedWeight: 1_000))
    }
}
