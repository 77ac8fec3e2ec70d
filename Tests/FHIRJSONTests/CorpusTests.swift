import Foundation
import XCTest
import FHIRModel
import FHIRDefinitions
import DCHTestSupport
@testable import FHIRJSON

/// The NHS example messages (`../shared/corpus/nhs-stu3-assets/Examples/*.json`) and the official
/// FHIR STU3 definition files.
final class CorpusTests: XCTestCase {
    static let examples = "corpus/nhs-stu3-assets/Examples"

    /// The JSON files of the NHS examples, or a skip.
    static func corpusJSONFiles() throws -> [URL] {
        let files = try SharedCorpus.files(examples, extension: "json")
        guard !files.isEmpty else { throw Prerequisite.missing("no JSON examples in ../shared/\(examples)") }
        return files
    }

    func testEveryExampleReads() throws {
        var count = 0
        for url in try Self.corpusJSONFiles() {
            let data = try Data(contentsOf: url)
            do {
                let decoded = try FHIRJSONReader().read(data)
                XCTAssertNotNil(decoded.root.resourceType, url.lastPathComponent)
                XCTAssertTrue(decoded.issues.isEmpty, "\(url.lastPathComponent): \(decoded.issues)")
                count += 1
            } catch {
                XCTFail("\(url.lastPathComponent): \(error)")
            }
        }
        XCTAssertGreaterThanOrEqual(count, 50)
    }

    func testOfficialDefinitionFilesRead() throws {
        let core = try SharedCorpus.require().appendingPathComponent("fhir-stu3/hl7.fhir.core-3.0.1")
        let folder = core.appendingPathComponent("StructureDefinition")
        var urls = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
        urls.append(core.appendingPathComponent("Bundle-types.json"))
        XCTAssertGreaterThan(urls.count, 100)
        for url in urls {
            let decoded = try FHIRJSONReader().read(Data(contentsOf: url))
            XCTAssertTrue(decoded.issues.isEmpty, "\(url.lastPathComponent): \(decoded.issues)")
            if url.lastPathComponent == "StructureDefinition-Patient.json" {
                XCTAssertEqual(decoded.root.child("url")?.value, "http://hl7.org/fhir/StructureDefinition/Patient")
                let first = try XCTUnwrap(decoded.root.child("snapshot")?.child("element"))
                XCTAssertEqual(first.id, "Patient", "an ElementDefinition's id is Element.id")
                XCTAssertEqual(first.child("path")?.value, "Patient")
            }
        }
    }

    func testCorpusTrapsAreKept() throws {
        let dir = try SharedCorpus.require().appendingPathComponent(Self.examples)
        // T4: numbers as strings.
        let birth = try read(dir.appendingPathComponent("DCH-BirthDetails-Bundle-Example-1.json"))
        let multiple = try XCTUnwrap(find(birth) { $0.name == "multipleBirthInteger" })
        XCTAssertEqual(multiple.value, "1")
        XCTAssertEqual(multiple.valueKind, .string)
        // T5: edge spaces kept.
        XCTAssertNotNil(find(birth) { $0.name == "code" && $0.value == " 169922007" })
        // T6: empty values kept.
        let exam = try read(dir.appendingPathComponent("DCH-PhysicalExamination-Bundle-Example-1.json"))
        XCTAssertNotNil(find(exam) { $0.name == "system" && $0.value == "" })
        // Comments on the root and on a primitive.
        let list = try read(dir.appendingPathComponent("CareConnect-RARecord-List-1-example.json"))
        XCTAssertEqual(list.comments, [" CareConnect-RARecord-List-1 example "])
        XCTAssertEqual(list.child("entry")?.descendant("item.reference")?.comments.count, 1)
        // T9: escaped line breaks.
        let allergies = try read(dir.appendingPathComponent("DCH-AllergiesAndAdverseReactions-Bundle-Example-1.json"))
        XCTAssertNotNil(find(allergies) { $0.name == "text" && ($0.value ?? "").contains("\r\n") })
    }

    /// JSON -> tree -> JSON -> tree is the identity, and the JSON written says what the original
    /// says (compared by an independent JSON parser, property order aside). The only change allowed
    /// is T4: a string in a number field whose text is a JSON number is written as that number.
    func testCorpusRoundTripWithThePack() throws {
        let pack = try SharedCorpus.definitionPack()
        let files = try Self.corpusJSONFiles()
        // Examples that are not valid STU3: the writer must refuse them with exactly these errors.
        let invalid: [String: [String]] = [
            // `practitionerRole` is a DSTU2 element of Practitioner (STU3 has a PractitionerRole resource).
            "Audit-Practitioner-Example-1b.json": ["unknown-element Practitioner.practitionerRole"],
        ]
        var converted = 0
        for url in files {
            let name = url.lastPathComponent
            let original = try Data(contentsOf: url)
            let first = try FHIRJSONReader().read(original).root
            if let expected = invalid[name] {
                XCTAssertThrowsError(try FHIRJSONWriter(pack: pack).write(first), name) { error in
                    let issues = (error as? IssuesError)?.issues ?? []
                    XCTAssertEqual(issues.map { "\($0.rule) \($0.path ?? "")" }, expected, name)
                }
                converted += 1
                continue
            }
            for pretty in [true, false] {
                let written: Encoded
                do {
                    written = try FHIRJSONWriter(pack: pack, options: JSONWriteOptions(pretty: pretty)).write(first)
                } catch {
                    XCTFail("\(name): \(error)")
                    break
                }
                XCTAssertEqual(written.issues.filter { $0.severity >= .error }, [], name)
                let second = try FHIRJSONReader().read(written.bytes).root
                let differences = treeDifferences(sortedByName(first), sortedByName(second), comments: true)
                XCTAssertEqual(differences, [], name)
                XCTAssertEqual(kindChanges(first, second).filter { !$0.hasSuffix("string -> number") }, [], name)
                // Writing the tree read back gives the same bytes.
                let again = try FHIRJSONWriter(pack: pack, options: JSONWriteOptions(pretty: pretty)).write(second)
                XCTAssertEqual(again.bytes, written.bytes, name)
                if pretty {
                    let a = try JSONValue.parse(Array(original))
                    let b = try JSONValue.parse(written.bytes)
                    let jsonDiffs = jsonDifferences(a, b)
                    XCTAssertEqual(jsonDiffs.filter { !isT4($0) }, [], name)
                    // T4: six valueQuantity.value strings and multipleBirthInteger, in one file only.
                    XCTAssertEqual(jsonDiffs.filter(isT4).count, name == "DCH-BirthDetails-Bundle-Example-1.json" ? 7 : 0,
                                   name)
                }
            }
            converted += 1
        }
        XCTAssertEqual(converted, files.count)
    }

    // MARK: - Helpers

    func read(_ url: URL) throws -> Element {
        try FHIRJSONReader().read(Data(contentsOf: url)).root
    }

    func find(_ e: Element, _ predicate: (Element) -> Bool) -> Element? {
        if predicate(e) { return e }
        for c in e.children { if let f = find(c, predicate) { return f } }
        return nil
    }

    /// Where the value kinds of two trees of the same shape differ: `path: a -> b`.
    func kindChanges(_ a: Element, _ b: Element, path: String = "") -> [String] {
        let here = path.isEmpty ? a.name : path
        var out: [String] = []
        if a.valueKind != b.valueKind { out.append("\(here): \(a.valueKind) -> \(b.valueKind)") }
        let x = sortedByName(a).children, y = sortedByName(b).children
        for (i, (c, d)) in zip(x, y).enumerated() { out += kindChanges(c, d, path: "\(here).\(c.name)#\(i)") }
        return out
    }

    /// A difference of the independent JSON parser that is the T4 fix: `"1"` written as `1`.
    func isT4(_ difference: String) -> Bool {
        difference.contains("\"") && difference.range(of: #"\"(-?[0-9.]+)\" vs \1\b"#, options: .regularExpression) != nil
    }
}
