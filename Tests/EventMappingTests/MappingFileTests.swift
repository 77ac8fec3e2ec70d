import Foundation
import XCTest
import FHIRPath
import EventMapping
import DCHTestSupport

/// Mapping files load and are checked: a fault names file, line:column and key.
final class MappingFileTests: XCTestCase {
    func testShippedMappingsLoadAndMapBack() throws {
        let parts = try MappingFixture.parts()
        // One file per catalogue event (CSVEveryEventTests checks them event by event).
        XCTAssertEqual(Set(parts.engine.mappings.eventCodes), Set(parts.events.events.map(\.eventCode)))
        for mapping in parts.engine.mappings.mappings {
            XCTAssertEqual(mapping.missingInputs, [], mapping.name)
            // The common columns come first, in the same order, in every event's file.
            XCTAssertEqual(Array(mapping.columns.prefix(4)), ["event_code", "event_name", "message_event_type", "message_version"])
            XCTAssertTrue(mapping.fields.allSatisfy { $0.read != nil }, mapping.name)
        }
    }

    /// Writes `files` into a mappings folder (`csv/NAME`) and loads it.
    private func load(_ files: [String: String]) throws -> MappingCatalogue {
        let parts = try MappingFixture.parts()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("dch-mappings-\(UUID().uuidString)")
        let dir = root.appendingPathComponent("csv")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: root) }
        for (name, text) in files { try Data(text.utf8).write(to: dir.appendingPathComponent(name)) }
        return try MappingCatalogue(kind: "csv", folder: root, fhirpath: FHIRPathEngine(pack: parts.pack), events: parts.events)
    }

    private func assertFault(_ text: String, line: Int, column: Int, key: String, says: String,
                             file: StaticString = #filePath, sourceLine: UInt = #line) throws {
        XCTAssertThrowsError(try load(["bad.yaml": text]), file: file, line: sourceLine) { error in
            guard let fault = error as? MappingFileError else { return XCTFail("\(error)", file: file, line: sourceLine) }
            XCTAssertTrue(fault.position.file.hasSuffix("csv/bad.yaml"), fault.description, file: file, line: sourceLine)
            XCTAssertEqual(fault.position.line, line, fault.description, file: file, line: sourceLine)
            XCTAssertEqual(fault.position.column, column, fault.description, file: file, line: sourceLine)
            XCTAssertEqual(fault.key, key, fault.description, file: file, line: sourceLine)
            XCTAssertTrue(fault.message.contains(says), fault.description, file: file, line: sourceLine)
        }
    }

    func testFaultsNameFileLineColumnAndKey() throws {
        try assertFault("""
            event: vaccinations-1
            fields:
              - source: nhs
                target: patient.nhsNumbr
            """, line: 4, column: 13, key: "fields[1].target", says: "is not a target")
        try assertFault("""
            event: vaccinations-1
            fields:
              - source: nhs
                read: entry.resource.ofType(Patient
            """, line: 4, column: 11, key: "fields[1].read", says: "FHIRPath")
        try assertFault("""
            event: vaccinations-1
            colour: blue
            """, line: 2, column: 1, key: "colour", says: "unknown key")
        try assertFault("""
            event: no-such-event
            """, line: 1, column: 8, key: "event", says: "not an event of the catalogue")
        try assertFault("""
            event: vaccinations-1
            fields:
              - source: d
                import: [{date: "dd/MM"}]
            """, line: 4, column: 21, key: "fields[1].import.date", says: "yyyy")
        try assertFault("""
            event: vaccinations-1
            fields:
              - source: x
                import: [shout]
            """, line: 4, column: 14, key: "fields[1].import", says: "not a transform")
        try assertFault("event: [unclosed", line: 2, column: 1, key: "", says: "not valid YAML")
    }

    func testAMappingWithoutTheBuildersInputsMapsOutOnly() throws {
        let catalogue = try load(["out.yaml": """
            event: vaccinations-1
            fields:
              - source: nhs_number
                target: patient.nhsNumber
                read: entry.resource.ofType(Patient).identifier.value
            """])
        let mapping = try XCTUnwrap(catalogue.mapping(eventCode: "vaccinations-1", system: nil))
        XCTAssertTrue(mapping.missingInputs.contains("patient.birth"))
        XCTAssertTrue(mapping.missingInputs.contains("eventIdentifier"))
        XCTAssertFalse(mapping.missingInputs.contains("patient.nhsNumber"))
    }
}
