import XCTest
import FHIRModel

final class ByteSearchTests: XCTestCase {
    func testFindsNeedlesAnywhereAndOnlyWhole() {
        let url = "http://example.org/fhir/Patient/1/_history/2"
        XCTAssertTrue(url.containsBytes("/_history/"))
        XCTAssertTrue(url.containsBytes("http"))
        XCTAssertTrue(url.containsBytes("/2"))
        XCTAssertFalse(url.containsBytes("/_history/3"))
        XCTAssertFalse("/_histor".containsBytes("/_history/"))
        XCTAssertTrue("abc".containsBytes(""))
        XCTAssertFalse("".containsBytes("a"))
        // Repeated prefixes must not make the search skip a real match.
        XCTAssertTrue("aaab".containsBytes("aab"))
    }

    func testMatchesUTF8BytesOfNonASCIIAndSubstrings() {
        XCTAssertTrue("Zoë Smith".containsBytes("ë S"))
        XCTAssertFalse("Zoe Smith".containsBytes("ë"))
        let slice = "xx/_history/yy".dropFirst(3)
        XCTAssertFalse(slice.containsBytes("/_history/"))
        XCTAssertTrue(slice.containsBytes("_history/"))
    }
}
