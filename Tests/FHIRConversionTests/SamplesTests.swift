import XCTest
import Foundation
import FHIRModel
import FHIRDefinitions
import FHIRConversion
import DCHTestSupport

/// The shipped samples: each message exists as XML and JSON, and the two are the same message.
final class SamplesTests: XCTestCase {
    func testEverySampleHasMatchingXMLAndJSON() throws {
        let converter = Converter(pack: try DefinitionPack(directory: SharedCorpus.schemas))
        let folder = SharedCorpus.packageRoot.appendingPathComponent("Samples")
        let xmls = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "xml" }
        XCTAssertGreaterThanOrEqual(xmls.count, 2)
        for xml in xmls {
            let json = xml.deletingPathExtension().appendingPathExtension("json")
            let fromXML = try converter.read(Data(contentsOf: xml)).root
            let fromJSON = try converter.read(Data(contentsOf: json)).root
            XCTAssertEqual(treeDifferences(fromXML, fromJSON, comments: true), [], "\(json.lastPathComponent) and its XML differ")
            XCTAssertEqual(fromXML.resourceType, "Bundle")
        }
    }
}
