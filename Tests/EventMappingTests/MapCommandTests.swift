import Foundation
import XCTest
import EventMapping
import DCHTestSupport

/// `dch map` as a user runs it: real processes, real files.
final class MapCommandTests: XCTestCase {
    private func corpus(_ name: String) throws -> String {
        try SharedCorpus.require().appendingPathComponent("corpus/nems-examples/\(name).xml").path
    }

    private func temporaryFolder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dch-map-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    func testDescribeListsEveryEventAndDraftWritesALoadableFile() throws {
        let parts = try MappingFixture.parts()
        let described = try DCHCommand.run(["map", "--describe", "csv"])
        XCTAssertEqual(described.status, 0, described.stderr)
        for event in parts.events.events {
            XCTAssertTrue(described.stdoutText.contains("\n\(event.eventCode) - ") || described.stdoutText.hasPrefix("\(event.eventCode) - "),
                          "--describe csv lacks \(event.eventCode)")
        }
        // A draft for one event: the APGAR score and the gestation go to Observations of their own profiles.
        let dir = try temporaryFolder()
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("csv"), withIntermediateDirectories: true)
        let draft = try DCHCommand.run(["map", "--draft", "csv", "--event", "CH005", "-o", dir.appendingPathComponent("csv/CH005.yaml").path])
        XCTAssertEqual(draft.status, 0, draft.stderr)
        let text = try String(contentsOf: dir.appendingPathComponent("csv/CH005.yaml"), encoding: .utf8)
        XCTAssertTrue(text.contains("Observation[apgar_score]: https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-DCH-APGARScore-Observation-1"), text)
        try FileManager.default.copyItem(at: try XCTUnwrap(MappingCatalogue.shippedFolder).appendingPathComponent("csv/_common.yaml"),
                                         to: dir.appendingPathComponent("csv/_common.yaml"))
        let loaded = try DCHCommand.run(["map", "--mappings", dir.path, "--describe", "csv"])
        XCTAssertEqual(loaded.status, 0, loaded.stderr)
        XCTAssertTrue(loaded.stdoutText.contains("apgar_score_1_minute"), loaded.stdoutText)
    }

    func testEventsToCSVWritesAHeaderAndRFC4180Rows() throws {
        let result = try DCHCommand.run(["map", "--from", "xml", "--to", "csv", try corpus("vaccinations-1-notgiven-new")])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdoutText.components(separatedBy: "\r\n")
        XCTAssertEqual(lines.count, 3)  // header, row, and the empty rest after the last CRLF
        XCTAssertTrue(lines[0].hasPrefix("event_code,event_name,message_event_type,message_version,message_sent,nhs_number,given_name,family_name,sex,birth_date,postcode,postcode_district,sender_ods"))
        XCTAssertTrue(lines[1].contains(",\"Second measles, mumps and rubella vaccination not done\","), lines[1])
        XCTAssertTrue(lines[1].hasPrefix("vaccinations-1,Vaccinations,new,"), lines[1])
    }

    func testCSVToEventsMapsGoodRowsAndNamesMissingColumns() throws {
        let csv = try DCHCommand.run(["map", "--from", "xml", "--to", "csv", try corpus("vaccinations-1-new")])
        XCTAssertEqual(csv.status, 0, csv.stderr)
        var lines = csv.stdoutText.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        let header = lines[0].components(separatedBy: ",")
        var broken = lines[1].components(separatedBy: ",")
        broken[header.firstIndex(of: "birth_date")!] = ""
        broken[header.firstIndex(of: "sender_phone")!] = ""
        lines.append(broken.joined(separator: ","))
        // An extra column no mapping reads: --report names it.
        lines = lines.enumerated().map { $0.offset == 0 ? $0.element + ",favourite_colour" : $0.element + ",blue" }
        let input = Data((lines.joined(separator: "\r\n") + "\r\n").utf8)
        let result = try DCHCommand.run(["map", "--from", "csv", "--to", "ndjson", "--report", "-"], stdin: input)
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("<stdin>: row 3: error: cannot build a vaccinations-1 message: no value for sender_phone, birth_date"), result.stderr)
        XCTAssertTrue(result.stderr.contains("<stdin>: row 2: unused columns: favourite_colour"), result.stderr)
        let messages = result.stdoutText.split(separator: "\n")
        XCTAssertEqual(messages.count, 1)
        let parts = try MappingFixture.parts()
        let message = try parts.converter.read(Data(messages[0].utf8)).root
        XCTAssertEqual(try MappingFixture.errors(of: message, parts), [])
        // The same rows give the same bytes on a second run.
        XCTAssertEqual(try DCHCommand.run(["map", "--from", "csv", "--to", "ndjson", "-"], stdin: input).stdout, result.stdout)
    }

    func testOneFilePerEventTypeInAFolder() throws {
        let dir = try temporaryFolder()
        let files = [try corpus("vaccinations-1-new"), try corpus("newborn-hearing-1-new"), try corpus("vaccinations-1-delete")]
        let mixed = try DCHCommand.run(["map", "--from", "xml", "--to", "csv"] + files)
        XCTAssertEqual(mixed.status, 1)
        XCTAssertTrue(mixed.stderr.contains("use -o DIR"), mixed.stderr)
        let result = try DCHCommand.run(["map", "--from", "xml", "--to", "csv", "-o", dir.path + "/"] + files)
        XCTAssertEqual(result.status, 0, result.stderr)
        let vaccinations = try String(contentsOf: dir.appendingPathComponent("vaccinations-1.csv"), encoding: .utf8)
        let hearing = try String(contentsOf: dir.appendingPathComponent("newborn-hearing-1.csv"), encoding: .utf8)
        XCTAssertEqual(vaccinations.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count, 3)
        XCTAssertEqual(hearing.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count, 2)
        XCTAssertTrue(hearing.hasPrefix("event_code,"))
        // And back: every row of both files becomes a message that validates.
        let out = dir.appendingPathComponent("back.ndjson").path
        let back = try DCHCommand.run(["map", "--from", "csv", "--to", "ndjson", "-o", out,
                                       dir.appendingPathComponent("vaccinations-1.csv").path, dir.appendingPathComponent("newborn-hearing-1.csv").path])
        XCTAssertEqual(back.status, 0, back.stderr)
        let validate = try DCHCommand.run(["validate", out])
        XCTAssertEqual(validate.status, 0, validate.stderr + validate.stdoutText)
        XCTAssertTrue(validate.stderr.contains("3 messages, 0 errors") || validate.stdoutText.contains("3 messages, 0 errors"),
                      validate.stderr + validate.stdoutText)
    }

    func testDescribeListsTheColumns() throws {
        let result = try DCHCommand.run(["map", "--describe", "csv"])
        XCTAssertEqual(result.status, 0, result.stderr)
        for expected in ["vaccinations-1 - Vaccinations (NEMS): csv/vaccinations-1", "  nhs_number", "-> patient.nhsNumber",
                         "pku_outcome_code", "weight_kg", "hearing_outcome_code"] {
            XCTAssertTrue(result.stdoutText.contains(expected), expected)
        }
    }

    /// An integrator's own mapping: local column names, UK dates and M/F codes, one mapping file.
    func testAnIntegratorsMappingFolder() throws {
        let dir = try temporaryFolder()
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("csv"), withIntermediateDirectories: true)
        try Data("""
            event: vaccinations-1
            description: A local immunisation extract.
            fields:
              - {source: Event, read: entry.resource.ofType(MessageHeader).event.code}
              - {source: NHS No, target: patient.nhsNumber, import: [digits]}
              - {source: Forename, target: patient.given}
              - {source: Surname, target: patient.family, import: [upper]}
              - {source: Sex, target: patient.gender, import: [{translate: {M: male, F: female}}]}
              - {source: DOB, target: patient.birth, import: [{date: dd/MM/yyyy}]}
              - {source: Practice, target: sender.odsCode}
              - {source: Practice name, target: sender.name}
              - {source: Phone, target: sender.phone}
              - {source: Ref, target: eventIdentifier}
              - {source: Given on, target: occurred, import: [{date: dd/MM/yyyy}]}
              - {source: Procedure, target: vaccination.procedureCode}
              - {source: Vaccine, target: "coding(Immunization[1].vaccineCode).code"}
            fixed:
              coding(Immunization[1].vaccineCode).system: http://snomed.info/sct
            """.utf8).write(to: dir.appendingPathComponent("csv/local-vaccinations.yaml"))
        let rows = """
            event_code,NHS No,Forename,Surname,Sex,DOB,Practice,Practice name,Phone,Ref,Given on,Procedure,Vaccine,Notes
            vaccinations-1,943 476 5919,Amira,Khan,F,07/03/2023,A83627,SILVERDALE FAMILY PRACTICE,0191 1231234,IMM-77,14/03/2024,170431005,34925411000001109,first dose

            """
        let result = try DCHCommand.run(["map", "--mappings", dir.path, "--from", "csv", "--to", "json", "--report"], stdin: Data(rows.utf8))
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("unused columns: event_code, Notes"), result.stderr)
        let parts = try MappingFixture.parts()
        let message = try parts.converter.read(result.stdout).root
        XCTAssertEqual(try MappingFixture.errors(of: message, parts), [])
        let row = try parts.engine.record(of: message, mapping: try XCTUnwrap(parts.engine.mapping(for: message)), location: "local")
        let columns = try XCTUnwrap(parts.engine.mapping(for: message)).columns
        let facts = Dictionary(uniqueKeysWithValues: zip(columns, row))
        XCTAssertEqual(facts["nhs_number"], "9434765919")
        XCTAssertEqual(facts["family_name"], "KHAN")
        XCTAssertEqual(facts["sex"], "female")
        XCTAssertEqual(facts["birth_date"], "2023-03-07")
        XCTAssertEqual(facts["event_date"], "2024-03-14")
        XCTAssertEqual(facts["vaccine_code"], "34925411000001109")
    }

    func testAFaultyMappingFileStopsTheRun() throws {
        let dir = try temporaryFolder()
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("csv"), withIntermediateDirectories: true)
        try Data("event: vaccinations-1\nfields:\n  - source: x\n    target: nowhere\n".utf8)
            .write(to: dir.appendingPathComponent("csv/bad.yaml"))
        let result = try DCHCommand.run(["map", "--mappings", dir.path, "--describe", "csv"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("csv/bad.yaml:4:13: error: fields[1].target: 'nowhere' is not a target"), result.stderr)
    }
}

/// `dch map --from hl7v2` as a user runs it: real processes, the v2 samples, ACK files.
final class MapHL7v2CommandTests: XCTestCase {
    func testMapsAFeedWritesACKsAndNamesTheMessageItCannotMap() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dch-map-v2-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let samples = ["vxu-v04.hl7", "adt-a28.hl7", "adt-a01-newborn.hl7", "adt-a03-newborn.hl7", "oru-r01-blood-spot.hl7", "oru-r01-hearing.hl7"]
        var feed: [UInt8] = []
        for name in samples { feed += [0x0B] + (try HL7v2MappingTests.sample(name)) + [0x1C, 0x0D] }   // MLLP frames
        // An ADT^A01 of an adult (PV1-4 not N) among them: no mapping's conditions hold.
        let adult = String(decoding: try HL7v2MappingTests.sample("adt-a01-newborn.hl7"), as: UTF8.self)
            .replacingOccurrences(of: "|N|", with: "|R|").replacingOccurrences(of: "ADT0001", with: "ADT0099")
        feed += [0x0B] + Array(adult.utf8) + [0x1C, 0x0D]
        let out = dir.appendingPathComponent("events.ndjson").path
        let acks = dir.appendingPathComponent("acks").path + "/"
        let result = try DCHCommand.run(["map", "--from", "hl7v2", "--to", "ndjson", "--report", "--ack", acks, "-o", out, "-"], stdin: Data(feed))
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("<stdin>: message 7 (MSH-10 ADT0099): error: ADT^A01: no mapping's conditions hold; tried hl7v2/CH005 (MSH-9.1 ADT, MSH-9.2 A01/A04/A08, PV1-4 N)"), result.stderr)
        XCTAssertTrue(result.stderr.contains("<stdin>: message 2 (MSH-10 ADT0028): unused fields: MSH-9[1].3.1, EVN-1[1].1.1"), result.stderr)
        // 2 vaccinations + 5 others; every one validates with no error.
        let validate = try DCHCommand.run(["validate", out])
        XCTAssertEqual(validate.status, 0, validate.stderr + validate.stdoutText)
        XCTAssertTrue((validate.stderr + validate.stdoutText).contains("7 messages, 0 errors"), validate.stderr + validate.stdoutText)
        // One ACK per input message, named by MSH-10: AA for the mapped ones, AE with ERR for the adult.
        let names = try FileManager.default.contentsOfDirectory(atPath: acks).sorted()
        XCTAssertEqual(names, ["ACK-ADT0001.hl7", "ACK-ADT0003.hl7", "ACK-ADT0028.hl7", "ACK-ADT0099.hl7", "ACK-ORU0101.hl7", "ACK-ORU0201.hl7", "ACK-VXU0001.hl7"])
        let reject = String(decoding: try Data(contentsOf: URL(fileURLWithPath: acks + "ACK-ADT0099.hl7")), as: UTF8.self).split(separator: "\r")
        XCTAssertEqual(reject.count, 3)
        XCTAssertTrue(reject[0].hasPrefix("MSH|^~\\&|CHIS|Y99001|PAS|RX1|"), String(reject[0]))
        XCTAssertTrue(reject[0].hasSuffix("||ACK^A01^ACK|ACKADT0099|P|2.5.1"), String(reject[0]))
        XCTAssertEqual(reject[1], "MSA|AE|ADT0099")
        XCTAssertTrue(reject[2].hasPrefix("ERR||MSH^1^9^1|207^Application error^HL70357|E||||ADT\\S\\A01: no mapping"), String(reject[2]))
        let accept = String(decoding: try Data(contentsOf: URL(fileURLWithPath: acks + "ACK-VXU0001.hl7")), as: UTF8.self).split(separator: "\r")
        XCTAssertEqual(accept.count, 2)
        XCTAssertEqual(accept[1], "MSA|AA|VXU0001")
    }
}
