import Foundation
import XCTest
import FHIRModel
import EventBuilder
import ChildHealthEvents
import EventMapping
import DCHTestSupport

/// Every event of the catalogue has a CSV mapping, and its messages go events -> CSV -> events ->
/// CSV unchanged: generated messages (two seeds) and every corpus message of the event, unless the
/// event or the corpus file is on a pinned, justified exception list below.
final class CSVEveryEventTests: XCTestCase {
    /// Events whose rows cannot build a message, with the columns the error names and why.
    static let rowsDoNotBuild: [String: (missing: [String], why: String)] = {
        let legacy = "a legacy EMS message: header and Task only, no Patient and no routing demographics, so no row says who the event is about"
        let patient = ["nhs_number", "given_name", "family_name", "sex", "birth_date"]
        return ["EMS01": (patient, legacy), "FM002": (patient, legacy), "PDS001": (patient, legacy),
                "PDS002": (patient, legacy), "PDS003": (patient, legacy), "PDS004": (patient, legacy)]
    }()

    /// Corpus files whose rows lack what a message needs (the example leaves it out), with the
    /// columns the error names.
    /// Most DCH examples give their Encounter no identifier (`event_id`); the legacy EMS examples
    /// name no responsible organisation (`sender_ods`); the delete examples repeat only the header
    /// and the focus.
    static let corpusRowsDoNotBuild: [String: [String]] = [
        "BirthNotificationWithMother": ["event_id", "event_date", "sex", "sender_name"],
        "PDS-Change-Of-Address-ems-example": ["sender_ods", "sender_name"],
        "PDS-Death-Notification-formal-ems-example": ["birth_date"],
        "PDS-Record-Change": ["sex", "sender_ods", "sender_name"],
        "blood-spot-test-outcome-1-delete": ["event_date", "given_name", "family_name", "sex", "birth_date"],
        "newborn-hearing-1-delete": ["event_date", "sex"],
        "DCH-AdditionalDemographics-Bundle-Example-1": ["event_id"],
        "DCH-AdmissionDetails-Bundle-Example-1": ["event_id"],
        "DCH-AllergiesAndAdverseReactions-Bundle-Example-1": ["event_id"],
        "DCH-AssessmentScales-Bundle-Example-1": ["event_id"],
        "DCH-BirthDetails-Bundle-Example-1": ["event_id"],
        "DCH-BloodSpotCardReceived-Bundle-Example-1": ["event_id"],
        "DCH-BloodSpotSampleTaken-Bundle-Example-1": ["event_id"],
        "DCH-BloodSpotTestOutcome-Bundle-Example-1": ["event_id"],
        "DCH-ClinicalRiskFactors-Bundle-Example-1": ["event_id"],
        "DCH-DevelopmentalSkills-Bundle-Example-1": ["event_id"],
        "DCH-DischargeDetails-Bundle-Example-1": ["event_id"],
        "DCH-EarlyYearsProgress-Bundle-Example-1": ["event_id"],
        "DCH-EducationalHistory-Bundle-Example-1": ["event_id"],
        "DCH-ExaminationFindings-Bundle-Example-1": ["event_id"],
        "DCH-FamilyHistory-Bundle-Example-1": ["event_id"],
        "DCH-IndividualRequirements-Bundle-Example-1": ["event_id"],
        "DCH-InformationandAdviceGiven-Bundle-Example-1": ["event_id"],
        "DCH-Medication-Bundle-Example-1": ["event_id", "given_name"],
        "DCH-MedicationAdministration-Bundle-Example-1": ["event_id"],
        "DCH-MedicationStatement-Bundle-Example-1-": ["event_id"],
        "DCH-Observation-Bundle-Example-1": ["event_id"],
        "DCH-ParentGuardianorPersonalComment-Bundle-Example-1": ["event_id"],
        "DCH-PhysicalExamination-Bundle-Example-1": ["event_id"],
        "DCH-PlanandRequestedActions-Bundle-Example-1": ["event_id"],
        "DCH-ProblemList-Bundle-Example-1": ["sender_ods"],
        "DCH-ProfessionalContact-Professional-Bundle-Example-1": ["event_id"],
        "DCH-ProfessionalContact-Team-Bundle-Example-1": ["event_id"],
        "DCH-SocialContext-Bundle-Example-1": ["event_id"],
        "DCH-Vaccination-Bundle-Example-1": ["event_id"],
        "EMS-FailsafeAlert-Bundle-Example-1": ["sender_ods", "sender_name"],
        "EMS-FailsafeAlert-Bundle-Example-2": ["sender_ods", "sender_name"],
        "EMS-FailsafeAlert-Bundle-Example-3": ["sender_ods", "sender_name"],
        "EMS-FailsafeAlert-Bundle-Example-4": ["sender_ods", "sender_name"],
        "EMS-FailsafeAlert-Bundle-Example-5": ["sender_ods", "sender_name"],
        "EMS-FailsafeAlert-Bundle-Example-6": ["sender_ods", "sender_name"],
        "EMS-FailsafeAlertNullify-Bundle-Example-1": ["sender_ods"],
        "EMS-PDS-BirthNotification-Bundle-Example-1": ["sex", "sender_ods", "sender_name"],
        "EMS-PDS-ChangeOfAddress-Bundle-Example-1": ["sender_ods", "sender_name"],
        "EMS-PDS-ChangeOfGP-Bundle-Example-1": ["sender_ods", "sender_name"],
        "EMS-PDS-PersonDeath-Bundle-Example-1a": ["birth_date", "sender_ods", "sender_name"],
        "EMS-PDS-PersonDeath-Bundle-Example-1b": ["birth_date", "sender_ods", "sender_name"],
        "EMS-PDS-PersonDeath-Bundle-Example-1c": ["birth_date", "sender_ods", "sender_name"],
        "Event-MessageHeader-Bundle-Example-1": ["sender_phone", "sex"],
    ]

    func testEveryCatalogueEventHasAMapping() throws {
        let parts = try MappingFixture.parts()
        for event in parts.events.events {
            let mapping = parts.engine.mappings.mapping(eventCode: event.eventCode, system: event.eventSystem)
            XCTAssertNotNil(mapping, "\(event.eventCode) has no CSV mapping")
            guard let mapping else { continue }
            XCTAssertEqual(Array(mapping.columns.prefix(2)), ["event_code", "event_name"], event.eventCode)
            XCTAssertTrue(mapping.columns.contains("event_date"), event.eventCode)
            XCTAssertTrue(mapping.fields.allSatisfy { !$0.description.isEmpty }, "\(event.eventCode): a column without a description")
        }
    }

    func testGeneratedMessagesOfEveryEventRoundTrip() throws {
        let parts = try MappingFixture.parts()
        let generator = MessageGenerator(pack: parts.pack, catalogue: parts.events)
        var built: Set<String> = []
        for event in parts.events.events {
            for (seed, index) in [(UInt64(7), 0), (7, 1), (41, 2)] {
                let message = try generator.message(event: event, seed: seed, index: index)
                if try check(message, name: "\(event.eventCode) seed \(seed) #\(index)", parts, expectedMissing: Self.rowsDoNotBuild[event.eventCode]?.missing) {
                    built.insert(event.eventCode)
                }
            }
        }
        // The exception list holds no event that now builds.
        XCTAssertEqual(built.intersection(Self.rowsDoNotBuild.keys), [], "events on the exception list that now build: remove them")
    }

    func testCorpusMessagesOfEveryEventRoundTrip() throws {
        let parts = try MappingFixture.parts()
        let root = try SharedCorpus.require().appendingPathComponent("corpus")
        var files: [URL] = []
        for folder in ["nems-examples", "nhs-stu3-assets/Examples"] {
            let dir = root.appendingPathComponent(folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() where name.hasSuffix(".xml") {
                files.append(dir.appendingPathComponent(name))
            }
        }
        var checked = 0
        for url in files {
            let message = try parts.converter.read(Data(contentsOf: url)).root
            // Event messages of the catalogue only (not the ITK responses).
            guard message.resourceType == "Bundle", let coding = EventMappingEngine.eventCoding(of: message),
                  parts.events.event(code: coding.code, system: coding.system) != nil else { continue }
            let name = url.deletingPathExtension().lastPathComponent
            let expected = Self.corpusRowsDoNotBuild[name]
            let builtRow = try check(message, name: name, parts, expectedMissing: expected)
            if expected != nil { XCTAssertFalse(builtRow, "\(name) is on the corpus exception list but now builds: remove it") }
            checked += 1
        }
        XCTAssertGreaterThanOrEqual(checked, 40, "corpus event messages checked")
    }

    /// Maps `message` to its row; checks every cell against the message itself; then either builds
    /// the row back (zero errors, same row again) and returns true, or expects the named error.
    @discardableResult
    private func check(_ message: Element, name: String, _ parts: MappingFixture.Parts, expectedMissing: [String]?,
                       file: StaticString = #filePath, line: UInt = #line) throws -> Bool {
        let engine = parts.engine
        guard let mapping = engine.mapping(for: message) else {
            XCTFail("\(name): no mapping", file: file, line: line)
            return false
        }
        let row = try engine.record(of: message, mapping: mapping, location: name)
        assertCellsAreInTheMessage(row, mapping.columns, message, name: name, file: file, line: line)
        let mapped: MappedMessage
        do {
            mapped = try engine.message(from: MappingFixture.record(mapping.columns, row), mapping: mapping)
        } catch let error as MappingError {
            XCTAssertNotNil(expectedMissing, "\(name): \(error)", file: file, line: line)
            if let expectedMissing { XCTAssertEqual(error.missingFields, expectedMissing, "\(name): \(error)", file: file, line: line) }
            return false
        }
        XCTAssertEqual(try MappingFixture.errors(of: mapped.message, parts), [], "\(name): the mapped message has errors", file: file, line: line)
        let again = try engine.record(of: mapped.message, mapping: mapping, location: name + " (mapped)")
        for (i, column) in mapping.columns.enumerated() where again[i] != row[i] {
            XCTFail("\(name): column \(column) is '\(again[i])' after the round trip, was '\(row[i])'", file: file, line: line)
        }
        return true
    }

    /// Every non-empty cell is a value of the message, found by walking its element tree (not by
    /// the mapping's expressions): equal to a primitive's value, or its start (a date of a
    /// dateTime, a postcode's district); `message_sent` is the header's time to the minute, in UTC.
    private func assertCellsAreInTheMessage(_ row: [String], _ columns: [String], _ message: Element, name: String,
                                            file: StaticString, line: UInt) {
        var values: [String] = []
        func walk(_ e: Element) {
            if let v = e.value { values.append(v) }
            if let u = e.url { values.append(u) }
            e.children.forEach(walk)
        }
        walk(message)
        let exact = Set(values)
        for (cell, column) in zip(row, columns) where !cell.isEmpty && column != "message_sent" {
            for part in cell.split(separator: "|").map(String.init)
            where !exact.contains(part) && !values.contains(where: { $0.hasPrefix(part) && part.count >= 2 }) {
                XCTFail("\(name): column \(column) '\(part)' is no value of the message", file: file, line: line)
            }
        }
        if let i = columns.firstIndex(of: "message_sent"), !row[i].isEmpty {
            XCTAssertTrue(values.contains { $0.count >= 16 && $0.hasPrefix(String(row[i].prefix(4))) }, "\(name): message_sent", file: file, line: line)
        }
    }
}
