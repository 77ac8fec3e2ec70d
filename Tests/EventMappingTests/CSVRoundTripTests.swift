import Foundation
import XCTest
import FHIRModel
import EventBuilder
import EventMapping
import DCHTestSupport

/// Events -> CSV -> events: every corpus message and generated message of the mapped events keeps
/// every fact its columns carry, and every message built from a row validates with zero errors.
final class CSVRoundTripTests: XCTestCase {
    /// Maps a message to its row, the row back to a message, checks that message, maps it to a row
    /// again and compares the two rows column by column.
    private func roundTrip(_ original: Element, name: String, _ parts: MappingFixture.Parts,
                           file: StaticString = #filePath, line: UInt = #line) throws -> [String: String] {
        let engine = parts.engine
        let mapping = try XCTUnwrap(engine.mapping(for: original), "\(name): no mapping", file: file, line: line)
        let row = try engine.record(of: original, mapping: mapping, location: name)
        let mapped = try engine.message(from: MappingFixture.record(mapping.columns, row), mapping: mapping)
        XCTAssertEqual(try MappingFixture.errors(of: mapped.message, parts), [], "\(name): the mapped message has errors", file: file, line: line)
        XCTAssertEqual(mapped.unusedPositions, [], "\(name)", file: file, line: line)
        let again = try engine.record(of: mapped.message, mapping: mapping, location: name + " (mapped)")
        for (i, column) in mapping.columns.enumerated() {
            XCTAssertEqual(again[i], row[i], "\(name): column \(column) differs after the round trip", file: file, line: line)
        }
        return Dictionary(uniqueKeysWithValues: zip(mapping.columns, row))
    }

    private func corpusMessage(_ name: String, _ parts: MappingFixture.Parts) throws -> Element {
        let url = try SharedCorpus.require().appendingPathComponent("corpus/nems-examples/\(name).xml")
        return try parts.converter.read(Data(contentsOf: url)).root
    }

    func testCorpusMessagesKeepTheirFacts() throws {
        let parts = try MappingFixture.parts()
        for name in ["vaccinations-1-new", "vaccinations-1-delete", "vaccinations-1-notgiven-new",
                     "blood-spot-test-outcome-1-new", "newborn-hearing-1-new",
                     // A change is sent as a second 'new' (E-newborn-hearing-1-1).
                     "newborn-hearing-1-update"] {
            _ = try roundTrip(try corpusMessage(name, parts), name: name, parts)
        }
    }

    /// Facts read from the corpus files themselves (not from our output), as the columns hold them.
    func testCorpusRowsHoldTheMessagesFacts() throws {
        let parts = try MappingFixture.parts()
        let vaccination = try roundTrip(try corpusMessage("vaccinations-1-new", parts), name: "vaccinations-1-new", parts)
        XCTAssertEqual(vaccination["nhs_number"], "9912003888")
        XCTAssertEqual(vaccination["family_name"], "DAWKINS")
        XCTAssertEqual(vaccination["sender_ods"], "A83627")
        XCTAssertEqual(vaccination["vaccination_procedure_code"], "170433008")
        XCTAssertEqual(vaccination["vaccine_code"], "34925411000001109")
        XCTAssertEqual(vaccination["lot_number"], "CCJN12M")
        XCTAssertEqual(vaccination["site_code"], "91775009")
        XCTAssertEqual(vaccination["route_code"], "34206005")
        XCTAssertEqual(vaccination["dose_value"], "0.5")
        XCTAssertEqual(vaccination["dose_unit"], "ml")
        XCTAssertEqual(vaccination["event_date"], "2017-02-14")
        XCTAssertEqual(vaccination["postcode_district"], "DH1")

        let notGiven = try roundTrip(try corpusMessage("vaccinations-1-notgiven-new", parts), name: "notgiven", parts)
        XCTAssertEqual(notGiven["not_given"], "true")
        XCTAssertEqual(notGiven["reason_not_given_code"], "310376006")
        XCTAssertEqual(notGiven["vaccine_system"], "http://hl7.org/fhir/v3/NullFlavor")

        let bloodSpot = try roundTrip(try corpusMessage("blood-spot-test-outcome-1-new", parts), name: "blood spot", parts)
        // The corpus lists these outcomes for the PKU (314081000) and CF (171191008) procedures.
        XCTAssertEqual(bloodSpot["pku_outcome_code"], "946431000000102")
        XCTAssertEqual(bloodSpot["cf_outcome_code"], "947511000000106")

        let hearing = try roundTrip(try corpusMessage("newborn-hearing-1-new", parts), name: "hearing", parts)
        XCTAssertEqual(hearing["hearing_outcome_code"], "276781000000109")
        XCTAssertEqual(hearing["aabr_1_outcome_code"], "1085451000000103")
        XCTAssertEqual(hearing["aabr_2_outcome_code"], "1085431000000105")
        XCTAssertEqual(hearing["aoae_1_outcome_code"], "1085501000000100")
    }

    /// Corpus messages whose rows lack what a message needs: a clear error naming the columns.
    func testCorpusMessagesWithoutEnoughFactsAreNamedErrors() throws {
        let parts = try MappingFixture.parts()
        let cases: [(String, [String])] = [
            // Delete messages that repeat only the header and the focus Encounter (allowed by the pages).
            ("blood-spot-test-outcome-1-delete", ["event_date", "given_name", "family_name", "sex", "birth_date"]),
            ("newborn-hearing-1-delete", ["event_date", "sex"]),
        ]
        for (name, missing) in cases {
            let message = try corpusMessage(name, parts)
            let mapping = try XCTUnwrap(parts.engine.mapping(for: message))
            let row = try parts.engine.record(of: message, mapping: mapping, location: name)
            XCTAssertThrowsError(try parts.engine.message(from: MappingFixture.record(mapping.columns, row), mapping: mapping)) { error in
                let failure = error as? MappingError
                XCTAssertEqual(failure?.missingFields, missing, name)
                XCTAssertEqual(failure?.location, "test.csv: row 2")
            }
        }
        // newborn-hearing-1 never uses 'update' (E-newborn-hearing-1-1): the builder refuses a row that asks for it.
        let message = try corpusMessage("newborn-hearing-1-new", parts)
        let mapping = try XCTUnwrap(parts.engine.mapping(for: message))
        var row = try parts.engine.record(of: message, mapping: mapping, location: "new")
        row[mapping.columns.firstIndex(of: "message_event_type")!] = "update"
        XCTAssertThrowsError(try parts.engine.message(from: MappingFixture.record(mapping.columns, row), mapping: mapping)) { error in
            XCTAssertTrue("\(error)".contains("does not allow 'update'"), "\(error)")
        }
    }

    func testGeneratedMessagesKeepTheirFacts() throws {
        let parts = try MappingFixture.parts()
        let generator = MessageGenerator(pack: parts.pack, catalogue: parts.events)
        // The four hand-written mappings, 12 messages each (CSVEveryEventTests samples every event).
        for code in ["vaccinations-1", "blood-spot-test-outcome-1", "newborn-hearing-1", "CH018"] {
            let event = try XCTUnwrap(parts.events.event(code: code, system: nil))
            for index in 0..<12 {
                let message = try generator.message(event: event, seed: 15, index: index)
                _ = try roundTrip(message, name: "\(code) #\(index)", parts)
            }
        }
    }

    /// The same row gives the same message, byte for byte (ids derived from the row).
    func testMappingIsDeterministic() throws {
        let parts = try MappingFixture.parts()
        let message = try corpusMessage("vaccinations-1-new", parts)
        let mapping = try XCTUnwrap(parts.engine.mapping(for: message))
        let row = try parts.engine.record(of: message, mapping: mapping, location: "x")
        let a = try parts.engine.message(from: MappingFixture.record(mapping.columns, row), mapping: mapping).message
        let b = try parts.engine.message(from: MappingFixture.record(mapping.columns, row), mapping: mapping).message
        XCTAssertEqual(try parts.converter.write(a, format: .json).bytes, try parts.converter.write(b, format: .json).bytes)
        var changed = row
        changed[mapping.columns.firstIndex(of: "lot_number")!] = "OTHER1"
        let c = try parts.engine.message(from: MappingFixture.record(mapping.columns, changed), mapping: mapping).message
        XCTAssertNotEqual(a.children.first { $0.name == "id" }?.value, c.children.first { $0.name == "id" }?.value)
    }
}
