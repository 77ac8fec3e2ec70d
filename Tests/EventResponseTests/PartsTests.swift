import XCTest
import FHIRModel
@testable import EventResponse

/// The small parts: reading the incoming header, derived ids, Spine codes, timestamps.
final class PartsTests: XCTestCase {
    func header(id: String?, bundleID: String? = nil) -> Element {
        var headerChildren: [Element] = []
        if let id { headerChildren.append(Element(name: "id", value: id)) }
        headerChildren += [
            Element(name: "event", children: [Element(name: "system", value: "urn:s"), Element(name: "code", value: "E1")]),
            Element(name: "source", children: [Element(name: "name", value: "Sender"),
                                               Element(name: "endpoint", value: "urn:e")]),
        ]
        var bundle: [Element] = []
        if let bundleID { bundle.append(Element(name: "id", value: bundleID)) }
        bundle.append(Element(name: "entry", children: [
            Element(name: "resource", resourceType: "MessageHeader", children: headerChildren),
        ]))
        return Element(name: "Bundle", resourceType: "Bundle", children: bundle)
    }

    func testIncomingMessageReadsTheHeader() {
        let m = IncomingMessage(root: header(id: "h-1", bundleID: "b-1"))
        XCTAssertEqual(m.headerID, "h-1")
        XCTAssertEqual(m.bundleID, "b-1")
        XCTAssertEqual(m.sourceEndpoint, "urn:e")
        XCTAssertEqual(m.sourceName, "Sender")
        XCTAssertEqual(m.eventCode, "E1")
        XCTAssertEqual(m.eventSystem, "urn:s")
        XCTAssertEqual(m.messageID, "h-1")
    }

    func testMessageIDFallsBackToAValidBundleID() {
        XCTAssertEqual(IncomingMessage(root: header(id: nil, bundleID: "b-1")).messageID, "b-1")
        XCTAssertEqual(IncomingMessage(root: header(id: "not an id!", bundleID: "b-1")).messageID, "b-1")
        XCTAssertNil(IncomingMessage(root: header(id: String(repeating: "a", count: 65))).messageID)
        XCTAssertNil(IncomingMessage(root: nil).messageID)
    }

    func testDerivedIDsAreStableDistinctUUIDs() {
        let a = ResponseIDs(header: "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f")
        let b = ResponseIDs(header: "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f")
        let other = ResponseIDs(header: "00000000-0000-4000-8000-000000000000")
        XCTAssertEqual([a.bundle, a.task, a.outcome], [b.bundle, b.task, b.outcome])
        XCTAssertEqual(Set([a.header, a.bundle, a.task, a.outcome]).count, 4)
        XCTAssertNotEqual(a.task, other.task)
        for id in [a.bundle, a.task, a.outcome] {
            XCTAssertEqual(UUID(uuidString: id)?.uuidString.lowercased(), id)
        }
    }

    func testSpineCodes() {
        func code(_ type: IssueType, _ rule: String) -> String {
            RejectionOutcome.spineCode(for: Issue(.error, type, rule: rule, "m")).code
        }
        XCTAssertEqual(code(.structure, "xml.syntax"), "MESSAGE_NOT_WELL_FORMED")
        XCTAssertEqual(code(.structure, "json.duplicate-key"), "MESSAGE_NOT_WELL_FORMED")
        XCTAssertEqual(code(.structure, "xsd.invalid"), "INVALID_ELEMENT", "the schema check is not a reading failure")
        XCTAssertEqual(code(.structure, "format.unknown"), "MESSAGE_NOT_WELL_FORMED")
        XCTAssertEqual(code(.structure, "bundle.reference-unresolved"), "REFERENCE_NOT_FOUND")
        XCTAssertEqual(code(.codeInvalid, "terminology.required"), "INVALID_CODE_VALUE")
        XCTAssertEqual(code(.value, "value.date"), "INVALID_VALUE")
        XCTAssertEqual(code(.invariant, "invariant.dom-2"), "FHIR_CONSTRAINT_VIOLATION")
        XCTAssertEqual(code(.required, "profile.min"), "INVALID_ELEMENT")
        XCTAssertEqual(code(.processing, "other"), "INVALID_RESOURCE")
    }

    func testOutcomeValuesAreFHIRStrings() {
        let issue = RejectionOutcome.entry(Issue(.error, .value, rule: "r", "bad \u{1} char", path: nil))
        XCTAssertEqual(issue.descendant("details.text")?.value, "bad \u{FFFD} char")
        XCTAssertNil(issue.child("location"), "no path, no position: no location")
    }

    func testTimestampRule() {
        XCTAssertTrue(ResponseSettings.isTimestamp("2026-03-14T10:20:00+00:00"))
        XCTAssertTrue(ResponseSettings.isTimestamp("2026-03-14T10:20:00.123Z"))
        XCTAssertFalse(ResponseSettings.isTimestamp("2026-03-14"))
        XCTAssertFalse(ResponseSettings.isTimestamp("2026-03-14T10:20+00:00"))
        XCTAssertTrue(ResponseSettings.isTimestamp(ResponseSettings.now()))
    }
}
