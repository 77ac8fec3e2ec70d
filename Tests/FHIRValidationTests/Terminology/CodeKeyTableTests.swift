import XCTest
@testable import FHIRValidation

/// The code-system key table against `Dictionary`: every key found at its index, near misses not.
final class CodeKeyTableTests: XCTestCase {
    func testAgreesWithDictionary() {
        var keys = (0..<300).map { "code-\($0)" } + ["", "a", "A", "12345678", "123456789", "1234567890123456",
            "12345678901234567", "urn:oid:2.16.840.1.113883.5.25", "é", "ée", "2.16.840.1.113883.5.25"]
        keys += (0..<40).map { String(repeating: "x", count: $0 + 1) }
        let table = CodeKeyTable(keys)
        var byKey: [String: Int] = [:]
        for (i, key) in keys.enumerated() { byKey[key] = i }
        for key in keys { XCTAssertEqual(table.index(of: key), byKey[key], key) }
        let misses = keys.map { $0 + "!" } + keys.map { "!" + $0 } + keys.map { String($0.dropLast()) + "?" }
        for key in misses { XCTAssertEqual(table.index(of: key), byKey[key], key) }
        XCTAssertNil(CodeKeyTable([]).index(of: "a"))
    }
}
