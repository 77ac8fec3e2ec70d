import XCTest
import Foundation
import FHIRModel
import FHIRValidation
import DCHTestSupport

/// A validator's definitions are compiled on first use by whichever thread needs them, several
/// types at once: threads that meet the corpus's resource types first, in different orders, on a
/// fresh validator find exactly what one thread finds alone.
final class ConcurrentFirstUseTests: XCTestCase {
    func testThreadsCompilingAtOnceFindWhatOneThreadFinds() throws {
        let pack = try SharedCorpus.definitionPack()
        var messages: [(name: String, root: Element, syntax: MessageFormat)] = []
        for folder in CorpusValidationTests.folders {
            for ext in ["xml", "json"] {
                for url in try SharedCorpus.files(folder, extension: ext) {
                    let (root, syntax) = try VT.read(try Data(contentsOf: url))
                    messages.append((url.lastPathComponent + " " + ext, root, syntax))
                }
            }
        }
        XCTAssertGreaterThanOrEqual(messages.count, 180)
        let serial = Validator(pack: pack)
        let expected = messages.map { m in serial.validate(m.root, syntax: m.syntax).map(\.description) }

        for round in 0..<3 {
            let shared = Validator(pack: pack)   // nothing compiled yet
            let threads = 4
            let found = ResultSlots(count: threads * messages.count)
            DispatchQueue.concurrentPerform(iterations: threads) { t in
                // Each thread starts at another place, so they compile different types at the same time.
                let start = (t * messages.count) / threads + round * 7
                for k in 0..<messages.count {
                    let i = (start + k) % messages.count
                    found.set(t * messages.count + i, shared.validate(messages[i].root, syntax: messages[i].syntax).map(\.description))
                }
            }
            for t in 0..<threads {
                for (i, m) in messages.enumerated() {
                    XCTAssertEqual(found.get(t * messages.count + i), expected[i], "round \(round), thread \(t): \(m.name)")
                }
            }
        }
    }
}

/// Slots that `concurrentPerform` iterations fill, each its own.
private final class ResultSlots: @unchecked Sendable {
    private var slots: [[String]?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: [String]) { lock.withLock { slots[i] = value } }
    func get(_ i: Int) -> [String]? { lock.withLock { slots[i] } }
}
