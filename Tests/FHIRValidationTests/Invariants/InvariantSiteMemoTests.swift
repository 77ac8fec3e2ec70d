import XCTest
@testable import FHIRValidation

/// The per-message site table: every site recorded is found again under its key, across growth.
final class InvariantSiteMemoTests: XCTestCase {
    func testSitesAreFoundAgainAfterTheTableGrows() {
        var memo = InvariantSiteMemo()
        let sites = (0..<300).map { _ in InvariantSite(type: nil, constraints: []) }
        let keys = (0..<300).map { _ in NSObject() }   // kept alive: their addresses are the keys
        for (site, key) in zip(sites, keys) {
            XCTAssertNil(memo[ObjectIdentifier(key)])
            memo.insert(site, for: ObjectIdentifier(key))
        }
        for (site, key) in zip(sites, keys) {
            XCTAssertTrue(memo[ObjectIdentifier(key)] === site)
        }
        XCTAssertNil(memo[ObjectIdentifier(NSObject())])
    }
}
