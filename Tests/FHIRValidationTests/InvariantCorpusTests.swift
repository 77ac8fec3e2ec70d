import XCTest
import Foundation
import FHIRModel
import FHIRValidation
import DCHTestSupport

final class InvariantCorpusTests: XCTestCase {
    func testDump() throws {
        let validator = try VT.validator()
        for folder in CorpusValidationTests.folders {
            for ext in ["xml", "json"] {
                for url in try SharedCorpus.files(folder, extension: ext) {
                    let (root, _) = try VT.read(try Data(contentsOf: url))
                    for i in validator.invariants.validate(root) {
                        print("INV", url.lastPathComponent, i.severity, i.rule, i.path ?? "", i.message)
                    }
                }
            }
        }
    }
}
