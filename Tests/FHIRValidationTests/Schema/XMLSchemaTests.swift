import XCTest
import Foundation
import Synchronization
import FHIRModel
import FHIRXML
import FHIRValidation
import DCHTestSupport

/// Layer 0: ``XMLSchemaValidator`` with the official STU3 `fhir-single.xsd` (from ../shared).
final class XMLSchemaTests: XCTestCase {
    /// A temporary folder holding fhir-single.xsd and the two schemas it imports, beside it.
    static func schemaFolder() throws -> URL {
        let shared = try SharedCorpus.require()
        let stu3 = shared.appendingPathComponent("fhir-stu3")
        let sources = [stu3.appendingPathComponent("xsd-3.0.1/fhir-single.xsd"),
                       stu3.appendingPathComponent("xsd-imports-from-fhir-1.8.0-build/xml.xsd"),
                       stu3.appendingPathComponent("xsd-imports-from-fhir-1.8.0-build/fhir-xhtml.xsd")]
        for s in sources where !FileManager.default.fileExists(atPath: s.path) {
            throw Prerequisite.missing("\(s.path) is absent from ../shared; XML Schema test skipped")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dch-xsd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for s in sources {
            try FileManager.default.copyItem(at: s, to: folder.appendingPathComponent(s.lastPathComponent))
        }
        return folder
    }

    private static var cached: (folder: URL, validator: XMLSchemaValidator)?
    private static let lock = NSLock()

    /// One compiled schema for the whole class (it is meant to be reused).
    private func schema() throws -> XMLSchemaValidator {
        Self.lock.lock()
        defer { Self.lock.unlock() }
        if let cached = Self.cached { return cached.validator }
        let folder = try Self.schemaFolder()
        let validator = try XMLSchemaValidator(schemaPath: folder.appendingPathComponent("fhir-single.xsd").path)
        Self.cached = (folder, validator)
        return validator
    }

    override class func tearDown() {
        if let folder = cached?.folder { try? FileManager.default.removeItem(at: folder) }
        cached = nil
        super.tearDown()
    }

    private var sample: String {
        get throws {
            try String(contentsOf: SharedCorpus.packageRoot.appendingPathComponent("Samples/nems-vaccination-new.xml"),
                       encoding: .utf8)
        }
    }

    private func validate(_ text: String) throws -> [Issue] {
        let xsd = try schema()
        return Array(text.utf8).withUnsafeBytes { xsd.validate($0) }
    }

    /// 1-based line of the first line containing `needle`.
    private func line(of needle: String, in text: String) -> Int? {
        text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(needle) }.map { $0 + 1 }
    }

    func testSamplesAreSchemaValid() throws {
        XCTAssertEqual(try validate(sample), [])
        let birth = try String(contentsOf: SharedCorpus.packageRoot.appendingPathComponent("Samples/dch-birth-weight.xml"),
                               encoding: .utf8)
        XCTAssertEqual(try validate(birth), [])
        // With a byte order mark too.
        XCTAssertEqual(try validate("\u{FEFF}" + sample), [])
    }

    func testInvalidGenderCodeHasLineColumnAndPath() throws {
        let original = try sample
        let range = try XCTUnwrap(original.range(of: #"<gender value=""#))
        let end = try XCTUnwrap(original[range.upperBound...].firstIndex(of: "\""))
        let text = original.replacingCharacters(in: range.lowerBound...end, with: #"<gender value="femalex""#)
        let issues = try validate(text)
        XCTAssertFalse(issues.isEmpty)
        let issue = try XCTUnwrap(issues.first)
        XCTAssertEqual(issue.rule, "xsd.invalid")
        XCTAssertEqual(issue.severity, .error)
        XCTAssertEqual(issue.type, .structure)
        XCTAssertTrue(issue.message.contains("femalex"), issue.message)
        XCTAssertFalse(issue.message.hasSuffix("\n"))
        XCTAssertFalse(issue.message.contains("{http://hl7.org/fhir}"), issue.message)
        let expectedLine = try XCTUnwrap(line(of: "femalex", in: text))
        XCTAssertEqual(issue.position?.line, Int32(expectedLine))
        let lineText = text.split(separator: "\n", omittingEmptySubsequences: false)[expectedLine - 1]
        let column = lineText.utf8.distance(from: lineText.startIndex, to: try XCTUnwrap(lineText.firstIndex(of: "<"))) + 1
        XCTAssertEqual(issue.position?.column, Int32(column))
        XCTAssertEqual(issue.path.map { $0.hasPrefix("Bundle.entry[") && $0.hasSuffix("].resource.gender") }, true,
                       issue.path ?? "nil")
        XCTAssertTrue(issues.allSatisfy { $0.rule == "xsd.invalid" }, "\(issues)")
    }

    func testUnknownElementOnOneLine() throws {
        let text = #"<Patient xmlns="http://hl7.org/fhir"><id value="a"/><name><family value="X"/></name>"#
            + #"<name><family value="Y"/><nickname value="Z"/></name></Patient>"#
        let issues = try validate(text)
        XCTAssertEqual(issues.count, 1, "\(issues)")
        XCTAssertEqual(issues.first?.rule, "xsd.invalid")
        XCTAssertEqual(issues.first?.path, "Patient.name[1].nickname")
        let column = text.utf8.count - text.split(separator: "<nickname", maxSplits: 1)[1].utf8.count - "<nickname".utf8.count + 1
        XCTAssertEqual(issues.first?.position, SourcePosition(line: 1, column: column))
    }

    func testNarrativeAndCommentsDoNotShiftPositions() throws {
        let text = """
            <Patient xmlns="http://hl7.org/fhir">
              <!-- <gender value="x"/> -->
              <text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml"><p>a<b>b</b></p></div></text>
              <gender value="x"/>
            </Patient>
            """
        let issues = try validate(text)
        XCTAssertEqual(issues.map(\.position), [SourcePosition(line: 4, column: 3)], "\(issues)")
        XCTAssertEqual(issues.map(\.path), ["Patient.gender"])
    }

    func testBadXHTMLIsPathedToDiv() throws {
        let text = """
            <Patient xmlns="http://hl7.org/fhir">
              <text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml"><p><script>x</script></p></div></text>
            </Patient>
            """
        let issues = try validate(text)
        XCTAssertFalse(issues.isEmpty)
        XCTAssertEqual(issues.first?.path, "Patient.text.div", "\(issues)")
        XCTAssertEqual(issues.first?.position?.line, 2)
    }

    func testDoctypeAndMalformedDocumentsAreNotChecked() throws {
        let doctype = try validate(#"<!DOCTYPE Patient [<!ENTITY x "y">]><Patient xmlns="http://hl7.org/fhir"/>"#)
        XCTAssertEqual(doctype.map(\.severity), [.fatal])
        XCTAssertEqual(doctype.first?.type, .security)
        let broken = try validate(#"<Patient xmlns="http://hl7.org/fhir"><id value="a"></Patient>"#)
        XCTAssertFalse(broken.isEmpty)
        XCTAssertTrue(broken.allSatisfy { $0.severity == .fatal && $0.rule == "xsd.invalid" }, "\(broken)")
        XCTAssertEqual(try validate(""), [Issue(.fatal, .structure, rule: "xsd.invalid",
                                                 "the document is empty or too large to check against the XML Schema")])
    }

    func testMissingSchemaThrowsLoadIssue() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-\(UUID().uuidString).xsd").path
        XCTAssertThrowsError(try XMLSchemaValidator(schemaPath: path)) { error in
            let issues = (error as? IssuesError)?.issues ?? []
            XCTAssertEqual(issues.map(\.rule), ["xsd.load"])
            XCTAssertEqual(issues.first?.file, path)
        }
    }

    func testSchemaWithoutItsImportsThrowsLoadIssues() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dch-xsd-alone-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let shared = try SharedCorpus.require()
        let xsd = folder.appendingPathComponent("fhir-single.xsd")
        try FileManager.default.copyItem(at: shared.appendingPathComponent("fhir-stu3/xsd-3.0.1/fhir-single.xsd"), to: xsd)
        XCTAssertThrowsError(try XMLSchemaValidator(schemaPath: xsd.path)) { error in
            let issues = (error as? IssuesError)?.issues ?? []
            XCTAssertTrue(issues.allSatisfy { $0.rule == "xsd.load" }, "\(issues)")
            XCTAssertTrue(issues.contains { $0.severity == .fatal })
            XCTAssertTrue(issues.contains { $0.message.contains("xml.xsd") }, "\(issues)")
        }
        // Not XML at all.
        let notXML = folder.appendingPathComponent("bad.xsd")
        try Data("not a schema".utf8).write(to: notXML)
        XCTAssertThrowsError(try XMLSchemaValidator(schemaPath: notXML.path)) { error in
            XCTAssertEqual((error as? IssuesError)?.issues.contains { $0.rule == "xsd.load" && $0.severity == .fatal }, true)
        }
    }

    func testOneSchemaIsSharedByThreads() throws {
        let xsd = try schema()
        let valid = Array(try sample.utf8)
        let invalid = Array(try sample.replacingOccurrences(of: "<gender value=\"", with: "<gender value=\"x").utf8)
        let counts = Mutex([Int](repeating: 0, count: 32))
        DispatchQueue.concurrentPerform(iterations: 32) { i in
            let count = xsd.validate(Data(i % 2 == 0 ? valid : invalid)).count
            counts.withLock { $0[i] = count }
        }
        let results = counts.withLock { $0 }
        for i in 0..<32 {
            if i % 2 == 0 { XCTAssertEqual(results[i], 0) } else { XCTAssertGreaterThan(results[i], 0) }
        }
    }
}
