import XCTest
import Foundation
import FHIRModel
import FHIRValidation
import DCHTestSupport

/// A rough figure of layer-1 speed on the DCH bundles (printed; debug builds are far slower than
/// release, so nothing is asserted but that repeated validation gives the same issues).
final class ThroughputTests: XCTestCase {
    func testThroughputOnDCHBundles() throws {
        let files = try SharedCorpus.files("corpus/nhs-stu3-assets/Examples", extension: "xml")
            .filter { $0.lastPathComponent.hasPrefix("DCH-") }
        XCTAssertFalse(files.isEmpty)
        let messages = try files.map { try VT.read(try Data(contentsOf: $0)) }
        let validator = try VT.validator()
        let first = messages.map { validator.validate($0.0, syntax: $0.1) }
        let rounds = 20
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<rounds {
            for (k, m) in messages.enumerated() {
                XCTAssertEqual(validator.validate(m.0, syntax: m.1).count, first[k].count)
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let bytes = try files.reduce(0) { $0 + (try Data(contentsOf: $1)).count }
        print("layer 1: \(Int(Double(rounds * messages.count) / seconds)) messages/s "
              + "(\(messages.count) DCH bundles, mean \(bytes / messages.count) bytes)")
    }
}
