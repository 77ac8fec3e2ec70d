import XCTest
import DCHTestSupport
@testable import FHIRValidation

final class RawDebugTests: XCTestCase {
    func testDebug() throws {
        let f = try MutationCatalogueTests.fixture()
        let t = f.targets.first { $0.name.hasSuffix(ProcessInfo.processInfo.environment["DBG_MSG"]!) }!
        let needle = ProcessInfo.processInfo.environment["DBG_PATH"]!
        print("EVENT", t.isEventMessage, t.entries.map { "\($0.fullUrl ?? "-") \($0.type ?? "-")" })
        for s in t.sites where s.path.hasPrefix(needle) {
            print("S", s.path, s.typeCode ?? "-", s.isPrimitive, s.element.value ?? "", s.def?.path ?? "-")
        }
    }
}
