import XCTest
import FHIRModel
@testable import FHIRValidation

/// Reference resolution inside a message: the same answers from the short scan of a small Bundle
/// and from the index a large one gets (the first entry of a repeated fullUrl wins in both).
final class MessageResourcesTests: XCTestCase {
    private func bundle(entries: Int) -> Element {
        var kids = [Element(name: "type", value: "message")]
        for n in 0..<entries {
            // Entry 1 repeats entry 0's fullUrl: the first keeps it.
            let url = "urn:uuid:00000000-0000-4000-8000-\(String(format: "%012d", n == 1 ? 0 : n))"
            kids.append(Element(name: "entry", children: [
                Element(name: "fullUrl", value: url),
                Element(name: "resource", resourceType: "Patient", children: [Element(name: "id", value: "p\(n)")]),
            ]))
        }
        return Element(name: "Bundle", resourceType: "Bundle", children: kids)
    }

    private func check(entries: Int) {
        var resources = MessageResources(root: bundle(entries: entries))
        XCTAssertEqual(resources.resources.count, entries + 1)
        for n in [0, 2, entries - 1] {
            let url = "urn:uuid:00000000-0000-4000-8000-\(String(format: "%012d", n))"
            XCTAssertEqual(resources.resolve(url, from: 0), n + 1, "entry \(n) of \(entries)")
        }
        XCTAssertNil(resources.resolve("urn:uuid:00000000-0000-4000-8000-999999999999", from: 0))
        XCTAssertEqual(resources.resolve("Patient/p3", from: 0), 4)
        XCTAssertEqual(resources.path(of: 3), "Bundle.entry[2].resource")
    }

    func testSmallBundleResolvesByScan() { check(entries: 10) }

    func testLargeBundleResolvesByIndex() { check(entries: 200) }
}
