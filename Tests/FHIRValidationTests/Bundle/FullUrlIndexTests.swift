import XCTest
@testable import FHIRValidation

/// The Bundle fullUrl index of layer 4 against `Set<String>`, for small Bundles (its own hash
/// table) and large ones (a `Set`, so crafted collisions cannot make it quadratic).
final class FullUrlIndexTests: XCTestCase {
    /// URLs of every length from 0 to 70, plus ones differing only in their first, middle or last
    /// byte (the words the hash reads overlap at the end).
    private func urls() -> [String] {
        var urls = (0...70).map { n in String((0..<n).map { i in Character(UnicodeScalar(97 + (i * 7 + n) % 26)!) }) }
        let uuid = "urn:uuid:2f1c6a3e-8f0b-4b8e-9a43-0d6f2c5e7a19"
        for k in [0, 9, 20, 37, uuid.utf8.count - 1] {
            var bytes = Array(uuid.utf8)
            bytes[k] = bytes[k] == 0x30 ? 0x31 : 0x30
            urls.append(String(decoding: bytes, as: UTF8.self))
        }
        urls.append(uuid)
        urls.append("urn:uuid:é-\(uuid.dropFirst(12))")
        return urls
    }

    func testAgreesWithSetForSmallAndLargeBundles() {
        let base = urls()
        for copies in [1, 5] {   // 1: the hash table; 5 (> largeBundle entries): the Set
            let all = (0..<copies).flatMap { c in base.map { c == 0 ? $0 : "\($0)/\(c)" } }
            var index = FullUrlIndex(capacity: all.count + 1)
            var reference = Set<String>()
            for url in all {
                XCTAssertEqual(index.insert(url), reference.insert(url).inserted, url)
            }
            for url in all { XCTAssertFalse(index.insert(url), "repeat of \(url) not found") }
            for url in all { XCTAssertTrue(index.contains(url), url) }
            for url in base { XCTAssertFalse(index.contains(url + "x"), url + "x") }
            XCTAssertEqual(all.count > FullUrlIndex.largeBundle, copies == 5)
        }
    }

    func testGrowsPastItsInitialCapacity() {
        var index = FullUrlIndex(capacity: 2)
        let all = urls()
        for url in all { XCTAssertTrue(index.insert(url), url) }
        for url in all { XCTAssertTrue(index.contains(url), url) }
    }
}
