import XCTest
import Foundation
import FHIRModel
import FHIRDefinitions
import DCHTestSupport
@testable import FHIRXML

/// Every XML file of the NHS corpus: it reads, and (with the definition pack) writes back to the same tree.
final class XMLCorpusTests: XCTestCase {
    /// Corpus files that are genuinely not well-formed XML (none found so far; see the report).
    static let notWellFormed: Set<String> = []

    static func corpusFiles() throws -> [URL] {
        try SharedCorpus.files("corpus/nhs-stu3-assets/Examples", extension: "xml")
            + SharedCorpus.files("corpus/nems-examples", extension: "xml")
    }

    func testEveryCorpusFileReads() throws {
        let files = try Self.corpusFiles()
        XCTAssertGreaterThan(files.count, 100)
        var failures: [String] = []
        var warnings: [String: Int] = [:]
        for url in files {
            let name = url.lastPathComponent
            do {
                let decoded = try FHIRXMLReader().read(contentsOf: url)
                for issue in decoded.issues { warnings[issue.rule, default: 0] += 1 }
                XCTAssertNotNil(decoded.root.resourceType, name)
                XCTAssertFalse(Self.notWellFormed.contains(name), "\(name) is listed as not well-formed but reads")
            } catch let error as IssuesError {
                if Self.notWellFormed.contains(name) {
                    XCTAssertTrue(error.issues.contains { $0.rule == "xml.syntax" && $0.position != nil }, "\(error)")
                } else {
                    failures.append(error.description)
                }
            }
        }
        XCTAssertEqual(failures, [], failures.joined(separator: "\n"))
        // T8: 25 of the 29 ITK-Response files carry xsi:schemaLocation (a warning each).
        XCTAssertEqual(warnings["xml.schema-location"], 25)
    }

    /// The four NHS Data Dictionary CodeSystems whose root lacks `xmlns="http://hl7.org/fhir"`.
    static let withoutNamespace: Set<String> = [
        "CodeSystem-NHSDataDictionary-BabyFirstFeedBreastMilkStatus-1.xml",
        "CodeSystem-NHSDataDictionary-BreastfeedingStatus-1.xml",
        "CodeSystem-NHSDataDictionary-NeonatalResuscitationMethod-1.xml",
        "CodeSystem-NHSDataDictionary-RelationshipToPersonForChildrenAndYoungPeople-1.xml",
    ]

    /// Every other XML file of the corpus (definitions: StructureDefinitions, ValueSets, CodeSystems, …) reads,
    /// and every narrative div the reader produces passes the writer's XHTML check.
    func testEveryDefinitionFileReads() throws {
        let root = try SharedCorpus.require().appendingPathComponent("corpus")
        var files: [URL] = []
        let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        while let url = walker?.nextObject() as? URL {
            if url.pathExtension == "xml" { files.append(url) }
        }
        XCTAssertGreaterThan(files.count, 1000)
        var failures: [String] = []
        var divs = 0
        for url in files {
            let name = url.lastPathComponent
            do {
                let decoded = try FHIRXMLReader().read(contentsOf: url)
                XCTAssertFalse(Self.withoutNamespace.contains(name), "\(name) was expected to fail")
                func visit(_ e: Element) {
                    if e.name == "div", let v = e.value {
                        divs += 1
                        XCTAssertEqual(XHTMLCheck.check(v), .ok, "\(name): \(v.prefix(80))")
                    }
                    e.children.forEach(visit)
                }
                visit(decoded.root)
            } catch let error as IssuesError {
                if Self.withoutNamespace.contains(name) {
                    XCTAssertEqual(error.issues.map(\.rule), ["xml.namespace"], name)
                    XCTAssertEqual(error.issues.first?.position, SourcePosition(line: 2, column: 1), name)
                    let lenient = try FHIRXMLReader(options: .init(lenientNamespaces: true)).read(contentsOf: url)
                    XCTAssertEqual(lenient.root.resourceType, "CodeSystem")
                    XCTAssertEqual(lenient.issues.map(\.severity), [.warning])
                } else {
                    failures.append(error.description)
                }
            }
        }
        XCTAssertEqual(failures, [], failures.joined(separator: "\n"))
        XCTAssertGreaterThan(divs, 150)
    }

    /// XML -> tree -> XML -> tree in document order (no definitions needed) gives the same tree, comments included.
    func testCorpusRoundTripInDocumentOrder() throws {
        for url in try Self.corpusFiles() where !Self.notWellFormed.contains(url.lastPathComponent) {
            let first = try FHIRXMLReader().read(contentsOf: url).root
            for options in [XMLWriteOptions(order: .document), XMLWriteOptions(pretty: false, order: .document)] {
                let out = try FHIRXMLWriter(pack: nil, options: options).write(first)
                let second = try FHIRXMLReader().read(out.bytes).root
                let diff = treeDifferences(first, second, comments: true)
                XCTAssertEqual(diff, [], "\(url.lastPathComponent): \(diff.prefix(5))")
            }
        }
    }

    /// With the definition pack: XML -> tree -> XML (definition order) -> tree gives the same tree.
    func testCorpusRoundTripInDefinitionOrder() throws {
        let pack = try SharedCorpus.definitionPack()
        var failures: [String] = []
        var reordered: [String] = []
        for url in try Self.corpusFiles() where !Self.notWellFormed.contains(url.lastPathComponent) {
            let name = url.lastPathComponent
            let first = try FHIRXMLReader().read(contentsOf: url).root
            let out: Encoded
            do {
                out = try FHIRXMLWriter(pack: pack).write(first)
            } catch let error as IssuesError {
                failures.append("\(name): \(error)")
                continue
            }
            let second = try FHIRXMLReader().read(out.bytes).root
            let diff = treeDifferences(first, second, comments: true)
            if !diff.isEmpty {
                // Only acceptable when the source was out of definition order: the same tree modulo order.
                let sortedDiff = treeDifferences(sortedByName(first), sortedByName(second), comments: true)
                if sortedDiff.isEmpty {
                    reordered.append(name)
                } else {
                    failures.append("\(name): \(sortedDiff.prefix(5))")
                }
            }
            // Writing the re-read tree again gives the same bytes (the order is now canonical).
            XCTAssertEqual(try FHIRXMLWriter(pack: pack).write(second).bytes, out.bytes, name)
        }
        XCTAssertEqual(failures, [], failures.joined(separator: "\n"))
        XCTAssertEqual(Set(reordered), Self.outOfOrder)
    }

    /// Corpus files whose elements are not in definition order, so that definition-order writing
    /// reorders them (the trees are then equal modulo order): PractitionerRole `code` before
    /// `organization` (2 files) and Communication `sender` before `sent`.
    static let outOfOrder: Set<String> = [
        "DCH-ProfessionalContact-Professional-Bundle-Example-1.xml",
        "DCH-ProfessionalContact-Team-Bundle-Example-1.xml",
        "PDS-Death-Notification-formal-ems-example.xml",
    ]
}
