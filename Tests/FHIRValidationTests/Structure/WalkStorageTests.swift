import XCTest
@testable import FHIRValidation
import FHIRModel

/// The safe storage of the walks: name tables against `Dictionary`, the word reads (FHIRModel's ByteWord) against their
/// arithmetic definition, the integer frames and the place memos against what they promise.
final class WalkStorageTests: XCTestCase {
    /// Names of every length up to 40, names sharing their first and last eight bytes (the hash
    /// reads only those), and non-ASCII ones.
    static let names: [String] = {
        var names = (0...40).map { String(repeating: "a", count: $0) }
        names += ["id", "url", "extension", "modifierExtension", "valueCodeableConcept", "valueQuantity", "ü", "naïve-name"]
        for middle in ["", "x", "xy", "xyz", "0123456789"] { names.append("abcdefgh" + middle + "stuvwxyz") }
        names.append("abcdefghXstuvwxyz")   // one middle byte apart from "abcdefghxstuvwxyz"
        return names
    }()

    func testNameTableAnswersAsADictionary() {
        var byName: [String: Int] = [:]
        for (i, name) in Self.names.enumerated() where i % 2 == 0 { byName[name] = i }
        let table = NameTable(byName)
        for name in Self.names + ["", "abcdefgh_stuvwxyz", "abcdefghxyzstuvwxyz", "extensio", "Extension"] {
            XCTAssertEqual(table[name], byName[name], name)
            XCTAssertEqual(table[utf8: name.utf8.span], byName[name], name)
        }
        XCTAssertNil(NameTable<Int>()["id"])
        XCTAssertNil(NameTable<Int>([:])["id"])
    }

    func testWordIsTheLittleEndianNumberOfEightBytes() {
        let bytes: [UInt8] = [0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0xFF, 0x00]
        for start in 0...2 {
            var expected: UInt64 = 0
            for k in 0..<8 { expected += UInt64(bytes[start + k]) << UInt64(8 * k) }
            XCTAssertEqual(ByteWord.load(bytes.span, at: start), expected)
        }
        XCTAssertEqual(ByteWord.load(bytes.span, at: 0), 0xEFCD_AB89_6745_2301)
    }

    func testIntStackFramesStayPutAndStartFresh() {
        var stack = IntStack()
        let outer = stack.push(3)
        XCTAssertEqual(stack.increment(outer + 1), 1)
        XCTAssertEqual(stack.increment(outer + 1), 2)
        // A deeper frame, large enough to grow the storage, leaves the outer one as it was.
        let inner = stack.push(1_000, filledWith: -1)
        XCTAssertEqual(inner, outer + 3)
        XCTAssertEqual(stack[inner + 999], -1)
        stack[inner] = 7
        XCTAssertEqual([stack[outer], stack[outer + 1], stack[outer + 2]], [0, 2, 0])
        stack.pop(to: inner)
        XCTAssertEqual(stack.top, 3)
        // Pushed again over used integers: zeros, not what the popped frame left.
        let again = stack.push(2)
        XCTAssertEqual([stack[again], stack[again + 1]], [0, 0])
    }

    func testPlaceMemoMatchesResourceAndWholeTrail() {
        var memo = ElementPlaceMemo<String>()
        XCTAssertTrue(memo.isEmpty)
        let a = ElementPlace(resource: 0, trail: [3, 1, 4])
        memo.append("first", at: a)
        memo.append("other resource", at: ElementPlace(resource: 1, trail: [3, 1, 4]))
        memo.append("prefix", at: ElementPlace(resource: 0, trail: [3, 1]))
        memo.append("second", at: a)
        XCTAssertEqual(memo.count, 4)
        XCTAssertEqual(memo.last(at: a), "second")
        XCTAssertEqual(memo.last(at: ElementPlace(resource: 0, trail: [3, 1])), "prefix")
        XCTAssertNil(memo.last(at: ElementPlace(resource: 0, trail: [3, 1, 5])))
        XCTAssertNil(memo.last(at: ElementPlace(resource: ElementPlace.detached, trail: [3, 1, 4])))
        XCTAssertTrue(memo.contains(at: a) { $0 == "first" })
        XCTAssertFalse(memo.contains(at: a) { $0 == "prefix" })
        memo.removeAll()
        XCTAssertTrue(memo.isEmpty)
        XCTAssertNil(memo.last(at: a))
    }
}
