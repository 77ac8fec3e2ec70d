import Foundation
import XCTest
import FHIRModel
import FHIRPath
import HL7v2
import EventMapping
import DCHTestSupport

/// The shipped HL7 v2 mappings on v2 messages we wrote (Samples/hl7v2): every event checked field
/// by field against the v2 message, and validated with zero errors (all layers, event rules).
final class HL7v2MappingTests: XCTestCase {
    private struct Parts {
        let mapper: HL7v2EventMapper
        let fhirpath: FHIRPathEngine
    }

    private static let shared: Result<Parts, Error> = Result {
        let parts = try MappingFixture.parts()
        let engine = try EventMappingEngine(kind: "hl7v2", pack: parts.pack, events: parts.events)
        return Parts(mapper: HL7v2EventMapper(engine: engine), fhirpath: FHIRPathEngine(pack: parts.pack))
    }

    static func sample(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: SharedCorpus.packageRoot.appendingPathComponent("Samples/hl7v2/\(name)")))
    }

    /// Maps every message of `bytes`.
    private func map(_ bytes: [UInt8]) throws -> [HL7v2MappingResult] {
        let parts = try Self.shared.get()
        let parsed = HL7v2Parser().parse(bytes)
        return parsed.messages.map { parts.mapper.map($0, input: "test.hl7") }
    }

    /// The texts FHIRPath finds in a message.
    private func values(_ expression: String, _ message: Element) throws -> [String] {
        let parts = try Self.shared.get()
        let environment = FHIRPathEnvironment(root: message, engine: parts.fhirpath)
        let compiled = try parts.fhirpath.compile(expression).get()
        return try parts.fhirpath.evaluate(compiled, on: environment.rootElement, in: environment).map { item in
            if case .element(let typed) = item, let v = typed.element.value { return v }
            if case .string(let s) = item { return s }
            return "\(item)"
        }
    }

    private func assertValid(_ result: HL7v2MappingResult, file: StaticString = #filePath, line: UInt = #line) throws {
        let parts = try MappingFixture.parts()
        for mapped in result.mapped {
            XCTAssertEqual(try MappingFixture.errors(of: mapped.message, parts), [], file: file, line: line)
        }
    }

    /// Maps the sample file `name`, checks that its first message maps to `event` without an
    /// error and that every message built validates, and returns that result.
    private func mapSample(_ name: String, to event: String,
                           file: StaticString = #filePath, line: UInt = #line) throws -> HL7v2MappingResult {
        let results = try map(try Self.sample(name))
        let result = try XCTUnwrap(results.first, "\(name) holds no message", file: file, line: line)
        XCTAssertEqual(result.errors.map(\.description), [], file: file, line: line)
        XCTAssertEqual(result.mapping?.eventCode, event, file: file, line: line)
        try assertValid(result, file: file, line: line)
        return result
    }

    private func patientIs(_ m: Element, nhs: String, family: String, given: String, birth: String, gender: String,
                           file: StaticString = #filePath, line: UInt = #line) throws {
        let p = "entry.resource.ofType(Patient).first()."
        XCTAssertEqual(try values(p + "identifier.where(system = 'https://fhir.nhs.uk/Id/nhs-number').value", m), [nhs], file: file, line: line)
        XCTAssertEqual(try values(p + "name.first().family", m), [family], file: file, line: line)
        XCTAssertEqual(try values(p + "name.first().given.first()", m), [given], file: file, line: line)
        XCTAssertEqual(try values(p + "birthDate", m), [birth], file: file, line: line)
        XCTAssertEqual(try values(p + "gender", m), [gender], file: file, line: line)
    }

    func testVXUGivesOneVaccinationEventPerRXA() throws {
        XCTAssertEqual(try map(try Self.sample("vxu-v04.hl7")).count, 1)
        let result = try mapSample("vxu-v04.hl7", to: "vaccinations-1")
        XCTAssertEqual(result.mapped.count, 2)
        let first = result.mapped[0].message, second = result.mapped[1].message
        // PID-5 `O\S\BRIEN`: the escaped component separator is a literal ^ in the name.
        try patientIs(first, nhs: "9990500002", family: "O^BRIEN", given: "Aoife", birth: "2023-03-11", gender: "female")
        let i = "entry.resource.ofType(Immunization)."
        XCTAssertEqual(try values(i + "identifier.value", first), ["IMM-778"])
        XCTAssertEqual(try values(i + "identifier.value", second), ["IMM-779"])
        XCTAssertEqual(try values(i + "date", first), ["2024-03-14T10:30:00+00:00"])          // RXA-3, GMT in March
        XCTAssertEqual(try values(i + "date", second), ["2023-07-14T14:00:00+00:00"])         // 15:00 BST in July
        XCTAssertEqual(try values(i + "vaccineCode.coding.code", first), ["34925411000001109"])
        XCTAssertEqual(try values(i + "vaccineCode.coding.system", first), ["http://snomed.info/sct"])
        XCTAssertEqual(try values(i + "vaccineCode.coding.display", first), ["Priorix vaccine powder and solvent"])
        XCTAssertEqual(try values(i + "extension('https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-VaccinationProcedure-1').value.coding.code", first), ["38598009"])
        XCTAssertEqual(try values(i + "lotNumber", first), ["A71CB882"])
        XCTAssertEqual(try values(i + "lotNumber", second), ["B22XY001"])
        XCTAssertEqual(try values(i + "expirationDate", first), ["2025-06-30"])
        XCTAssertEqual(try values(i + "doseQuantity.value", first), ["0.50"])
        XCTAssertEqual(try values(i + "doseQuantity.code", first), ["mL"])
        XCTAssertEqual(try values(i + "route.coding.code", first), ["78421000"])             // RXR-1 IM
        XCTAssertEqual(try values(i + "site.coding.code", first), ["368208006"])             // RXR-2 LA
        XCTAssertEqual(try values(i + "route.coding.code", second), [])                      // no RXR
        XCTAssertEqual(try values(i + "primarySource", first), ["true"])                     // RXA-9 00
        XCTAssertEqual(try values(i + "primarySource", second), ["false"])                   // RXA-9 01
        XCTAssertEqual(try values(i + "notGiven", first), ["false"])                         // RXA-20 CP
        let h = "entry.resource.ofType(MessageHeader)."
        XCTAssertEqual(try values(h + "extension.where(url.endsWith('MessageEventType-1')).value.coding.code", first), ["new"])
        XCTAssertEqual(try values(h + "extension.where(url.endsWith('MessageEventType-1')).value.coding.code", second), ["update"])
        XCTAssertEqual(try values(h + "responsible.resolve().identifier.value", first), ["Y99001"])
        XCTAssertEqual(try values(h + "responsible.resolve().name", first), ["RIVERSIDE HEALTH CENTRE"])
        XCTAssertEqual(try values(h + "source.contact.value", first), ["0113 496 0000"])
    }

    func testADTMessagesGiveTheDCHDemographicsBirthAndDischargeEvents() throws {
        let a28 = try mapSample("adt-a28.hl7", to: "CH001")
        let demographics = a28.mapped[0].message
        try patientIs(demographics, nhs: "9990500002", family: "O^BRIEN", given: "Aoife", birth: "2023-03-11", gender: "female")
        XCTAssertEqual(try values("entry.resource.ofType(Patient).address.postalCode", demographics), ["LS1 4AP"])
        XCTAssertEqual(try values("entry.resource.ofType(Patient).address.city", demographics), ["LEEDS"])
        XCTAssertEqual(try values("entry.resource.ofType(Encounter).identifier.value", demographics), ["8000002"])  // PID-3 MR

        let a01 = try mapSample("adt-a01-newborn.hl7", to: "CH005")
        let birth = a01.mapped[0].message
        try patientIs(birth, nhs: "9990500002", family: "SMITH", given: "Baby Girl", birth: "2024-03-15", gender: "female")
        XCTAssertEqual(try values("entry.resource.ofType(Patient).birthDate.extension('http://hl7.org/fhir/StructureDefinition/patient-birthTime').value", birth),
                       ["2024-03-15T03:42:00+00:00"])
        XCTAssertEqual(try values("entry.resource.ofType(Patient).multipleBirth", birth), ["2"])   // PID-25
        XCTAssertEqual(try values("entry.resource.ofType(Encounter).identifier.value", birth), ["SP-2024-0042"])
        XCTAssertEqual(try values("entry.resource.ofType(MessageHeader).responsible.resolve().identifier.value", birth), ["RGT01"])
        XCTAssertEqual(try values("entry.resource.ofType(MessageHeader).responsible.resolve().name", birth), ["ROSIE MATERNITY HOSPITAL"])

        let a03 = try mapSample("adt-a03-newborn.hl7", to: "CH009")
        XCTAssertEqual(try values("entry.resource.ofType(Encounter).identifier.value", a03.mapped[0].message), ["SP-2024-0042"])
    }

    func testORUGivesTheBloodSpotAndHearingEventsCodedFromTheOBXs() throws {
        let spot = try mapSample("oru-r01-blood-spot.hl7", to: "blood-spot-test-outcome-1")
        let s = spot.mapped[0].message
        try patientIs(s, nhs: "9990500002", family: "OKAFOR", given: "Amara", birth: "2024-03-01", gender: "female")
        XCTAssertEqual(try values("entry.resource.ofType(Procedure).where(code.coding.code = '314081000').outcome.coding.code", s), ["946431000000102"])
        XCTAssertEqual(try values("entry.resource.ofType(Procedure).where(code.coding.code = '171191008').outcome.coding.code", s), ["947511000000106"])
        XCTAssertEqual(try values("entry.resource.ofType(Procedure).where(code.coding.code = '314090007')", s), [])  // no SCD OBX
        XCTAssertEqual(try values("entry.resource.ofType(Encounter).identifier.value", s), ["BS-2024-0099"])
        XCTAssertEqual(try values("entry.resource.ofType(MessageHeader).responsible.resolve().identifier.value", s), ["RR801"])
        XCTAssertEqual(try values("entry.resource.ofType(MessageHeader).source.contact.value", s), ["0113 392 0000"])

        let hearing = try mapSample("oru-r01-hearing.hl7", to: "newborn-hearing-1")
        let h = hearing.mapped[0].message
        XCTAssertEqual(try values("entry.resource.ofType(Observation).where(code.coding.code = '276771000000107').value.coding.code", h), ["276781000000109"])
        XCTAssertEqual(try values("entry.resource.ofType(Procedure).where(code.coding.code = '446077009').outcome.coding.code", h),
                       ["1085501000000100", "1085491000000106"])                             // OBX-4 sub-IDs 1, 2
        XCTAssertEqual(try values("entry.resource.ofType(Procedure).where(code.coding.code = '413083006')", h), [])
    }

    func testDelimitersEscapesAndTerminatorsGoThroughTheMapper() throws {
        let text = String(decoding: try Self.sample("adt-a28.hl7"), as: UTF8.self)
        // Other encoding characters (# for ^, * for ~, ! for \, $ for &), CRLF, MLLP framing: the same event.
        let odd = text.replacingOccurrences(of: "MSH|^~\\&|", with: "MSH|#*!$|")
            .replacingOccurrences(of: "^", with: "#").replacingOccurrences(of: "~", with: "*")
            .replacingOccurrences(of: "\\S\\", with: "!S!").replacingOccurrences(of: "&", with: "$")
            .replacingOccurrences(of: "\r", with: "\r\n")
        let framed = [0x0B] + Array(odd.utf8) + [0x1C, 0x0D]
        let standard = try map(Array(text.utf8))[0].mapped[0].message
        let unusual = try map(framed)[0]
        XCTAssertEqual(unusual.errors.map(\.description), [])
        // O!S!BRIEN: the escaped component separator (# here) is read as a literal #.
        XCTAssertEqual(try values("entry.resource.ofType(Patient).name.family", unusual.mapped[0].message), ["O#BRIEN"])
        XCTAssertEqual(try values("entry.resource.ofType(Patient).identifier.value", unusual.mapped[0].message),
                       try values("entry.resource.ofType(Patient).identifier.value", standard))
        // A hex escape and a line break escape in a name.
        let hex = text.replacingOccurrences(of: "O\\S\\BRIEN^Aoife", with: "O\\X27\\BRIEN^Ao\\E\\ife")
        XCTAssertEqual(try values("entry.resource.ofType(Patient).name.family", try map(Array(hex.utf8))[0].mapped[0].message), ["O'BRIEN"])
        XCTAssertEqual(try values("entry.resource.ofType(Patient).name.given", try map(Array(hex.utf8))[0].mapped[0].message), ["Ao\\ife"])
    }

    func testAnUnmappableMessageIsAnErrorNamingWhereAndTheOthersMap() throws {
        let good = String(decoding: try Self.sample("adt-a28.hl7"), as: UTF8.self)
        let noNHS = good.replacingOccurrences(of: "~9990500002^^^NHS^NH", with: "").replacingOccurrences(of: "ADT0028", with: "ADT0029")
        let a02 = good.replacingOccurrences(of: "ADT^A28^ADT_A05", with: "ADT^A02^ADT_A02").replacingOccurrences(of: "ADT0028", with: "ADT0030")
        let results = try map(Array((good + noNHS + a02 + good.replacingOccurrences(of: "ADT0028", with: "ADT0031")).utf8))
        XCTAssertEqual(results.count, 4)
        XCTAssertEqual(results.map(\.mapped.count), [1, 0, 0, 1])
        XCTAssertEqual(results[1].errors.map(\.description),
                       ["test.hl7: message 2 (MSH-10 ADT0029): error: cannot build a CH001 message: no value for PID-3[5=NH].1 | PID-3[4.1=NHS].1 | PID-3[4.2=2.16.840.1.113883.2.1.4.1].1"])
        XCTAssertEqual(results[2].errors.map(\.description), ["test.hl7: message 3 (MSH-10 ADT0030): error: no HL7 v2 mapping for trigger event ADT^A02 (MSH-9.2 'A02')"])
        // The ACKs: AA, AE with ERR 101 at PID-3, AR with ERR 201 at MSH-9.2 (2.4: ERR-1 ELD).
        let acknowledger = HL7v2Acknowledger(time: Date(timeIntervalSince1970: 0))
        let acks = results.map { acknowledger.acknowledgement(of: $0.message, errors: $0.acknowledgementErrors) }
        XCTAssertEqual(acks.map { $0.value(at: "MSA-1") }, ["AA", "AE", "AR", "AA"])
        XCTAssertEqual(acks.map { $0.value(at: "MSA-2") }, ["ADT0028", "ADT0029", "ADT0030", "ADT0031"])
        XCTAssertEqual(acks[1].raw(at: "ERR-1").map(String.init), "PID^1^3^101&Required field missing&HL70357")
        XCTAssertEqual(acks[2].raw(at: "ERR-1").map(String.init), "MSH^1^9^201&Unsupported event code&HL70357")
        XCTAssertNil(acks[0].segment("ERR"))
    }

    func testReportListsEveryUnusedPosition() throws {
        let result = try map(try Self.sample("adt-a28.hl7"))[0]
        // Written in the fixture and read by no field of CH001.yaml: EVN-1, EVN-5 (operator), PID-1,
        // the CX.4/CX.5 of PID-3, PID-5.3, XAD.6/7 of PID-11, PD1-3 and PD1-4 (GP practice and GP).
        XCTAssertEqual(result.unusedPositions, [
            "MSH-9[1].3.1", "EVN-1[1].1.1", "EVN-2[1].1.1", "EVN-5[1].1.1", "EVN-5[1].2.1", "EVN-5[1].3.1", "PID-1[1].1.1",
            "PID-3[1].4.1", "PID-3[1].5.1", "PID-3[2].4.1", "PID-3[2].5.1", "PID-5[1].3.1", "PID-11[1].6.1", "PID-11[1].7.1",
            "PD1-3[1].1.1", "PD1-3[1].3.1", "PD1-4[1].1.1", "PD1-4[1].2.1", "PD1-4[1].3.1",
        ])
    }

    func testSelectorsAndV2Values() throws {
        var message = HL7v2Message()
        message.segments.append(HL7v2Segment("PID", fields: ["1", "", "633^^^R0A^MR~943 476 5919^^^NHS&2.16.840.1.113883.2.1.4.1&ISO"]))
        message.segments.append(HL7v2Segment("OBX", fields: ["1", "CE", "A^^L", "1", "X"]))
        message.segments.append(HL7v2Segment("OBX", fields: ["2", "CE", "A^^L", "2", "Y"]))
        XCTAssertEqual(HL7v2Selector("PID-3[5=NH].1 | PID-3[4.2=2.16.840.1.113883.2.1.4.1].1")?.resolve(in: message)?.value, "943 476 5919")
        XCTAssertEqual(HL7v2Selector("PID-3[4.2=2.16.840.1.113883.2.1.4.1].1")?.resolve(in: message)?.path.description, "PID-3[2].1")
        XCTAssertEqual(HL7v2Selector("OBX[3.1=A&4=2]-5")?.resolve(in: message)?.value, "Y")
        XCTAssertEqual(HL7v2Selector("OBX[3.1=A&4=2]-5")?.resolve(in: message)?.path.description, "OBX[2]-5")
        XCTAssertNil(HL7v2Selector("OBX[3.1=B]-5")?.resolve(in: message))
        XCTAssertNil(HL7v2Selector("pid-3"))
        // DTM (HL7V2.md §6, trap 6): precision kept; no offset = Europe/London (BST in summer).
        XCTAssertEqual(try ValueTransform.v2DateTime(zone: "Europe/London").apply("20240704", .importing), "2024-07-04")
        XCTAssertEqual(try ValueTransform.v2DateTime(zone: "Europe/London").apply("202407041530", .importing), "2024-07-04T15:30:00+01:00")
        XCTAssertEqual(try ValueTransform.v2DateTime(zone: "Europe/London").apply("20240104153012.25-0500", .importing), "2024-01-04T15:30:12.25-05:00")
        XCTAssertThrowsError(try ValueTransform.v2DateTime(zone: "UTC").apply("2024-07-04", .importing))
        // NM (trap 10): + and leading zeros dropped, trailing zeros kept.
        XCTAssertEqual(try ValueTransform.v2Number.apply("+01.20", .importing), "1.20")
        XCTAssertThrowsError(try ValueTransform.v2Number.apply(".5", .importing))
    }
}
