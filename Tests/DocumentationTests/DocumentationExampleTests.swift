import XCTest
import Foundation
import FHIRModel
import FHIRDefinitions
import FHIRConversion
import FHIRValidation
import ValidationReports
import ChildHealthEvents
import EventBuilder
import FHIRXML
import MessageChecking
import DCHTestSupport

// The code of the DocC articles (Sources/*/*.docc/*.md), run on the shipped samples. Each
// `docs:begin NAME` … `docs:end` region is one code listing of an article, character for character
// (indentation aside); `DocumentationListingTests` checks that every listing has its region here,
// so an article whose code no longer compiles or no longer does what it says fails the tests.

// docs:begin rule-set
/// A local rule beyond the profiles: every Patient of a message carries a birth date.
struct PatientBirthDateRule: MessageRuleSet {
    func check(_ root: Element, syntax: MessageFormat) -> [Issue] {
        guard root.resourceType == "Bundle" else { return [] }
        var issues: [Issue] = []
        for (index, entry) in root.children(named: "entry").enumerated() {
            guard let resource = entry.child("resource"), resource.resourceType == "Patient",
                  resource.child("birthDate") == nil else { continue }
            issues.append(Issue(.error, .required, rule: "local.patient-birth-date",
                                "a Patient in a message needs a birth date",
                                path: "Bundle.entry[\(index)].resource", position: resource.position))
        }
        return issues
    }
}
// docs:end

final class DocumentationExampleTests: XCTestCase {
    /// The bytes of a shipped sample message.
    private func sample(_ name: String) throws -> Data {
        try Data(contentsOf: SharedCorpus.packageRoot.appendingPathComponent("Samples").appendingPathComponent(name))
    }

    // MARK: FHIRConversion: Converting messages in process

    func testConvertingInProcess() throws {
        let xmlData = try sample("dch-birth-weight.xml")
        let jsonData = try sample("dch-birth-weight.json")

        // docs:begin convert-read
        let converter = try Converter()                      // the shipped definition pack
        let decoded = try converter.read(xmlData)            // format detected from the content
        let bundle: Element = decoded.root                   // the lossless element tree
        let entries = bundle.children(named: "entry")
        print(decoded.format, bundle.resourceType ?? "-", entries.count)
        // docs:end
        XCTAssertEqual(decoded.format, .xml)
        XCTAssertEqual(bundle.resourceType, "Bundle")
        XCTAssertEqual(entries.count, 9)

        // docs:begin convert-write
        let json = try converter.write(bundle, format: .json)     // Encoded: bytes and warnings
        let text = String(decoding: json.bytes, as: UTF8.self)
        for warning in json.issues { print(warning) }
        // docs:end
        XCTAssertTrue(text.hasPrefix("{"))
        XCTAssertEqual(json.issues, [])
        // The XML sample written as JSON is the JSON sample's tree.
        XCTAssertEqual(treeDifferences(try converter.read(json.bytes.data).root, try converter.read(jsonData).root,
                                       comments: true), [])

        // docs:begin convert-one-step
        let xml = try converter.convert(jsonData, to: .xml, pretty: false)
        let compact = try converter.convert(xmlData, from: .xml, to: .json, pretty: false)
        // docs:end
        XCTAssertEqual(MessageFormat.detect(xml.bytes), .xml)
        XCTAssertEqual(MessageFormat.detect(compact.bytes), .json)
        XCTAssertFalse(compact.bytes.contains(UInt8(ascii: "\n")))

        // docs:begin convert-errors
        do {
            _ = try converter.convert(Data("not a message".utf8))
        } catch let error as IssuesError {
            for issue in error.issues {
                print(issue.rule, issue)   // format.unknown <input>:1:1: error: input is neither XML nor JSON …
            }
        }
        // docs:end
        XCTAssertThrowsError(try converter.convert(Data("not a message".utf8))) { error in
            XCTAssertEqual((error as? IssuesError)?.issues.map(\.rule), ["format.unknown"])
        }
        XCTAssertThrowsError(try converter.read(Data(#"{"resourceType": "Patient", "id": "a", "id": "b"}"#.utf8))) { error in
            XCTAssertEqual((error as? IssuesError)?.issues.first?.rule, "json.duplicate-key")
        }
    }

    // MARK: MessageChecking: Checking messages as dch validate does

    func testCheckingMessagesAsTheCommandLineDoes() throws {
        let xmlData = try sample("nems-vaccination-new.xml")
        let lines = try ["nems-vaccination-new.json", "dch-birth-weight.json"].map { name in
            String(decoding: try JSONSerialization.data(withJSONObject: JSONSerialization.jsonObject(with: sample(name))), as: UTF8.self)
        }
        let ndjsonData = Data(lines.joined(separator: "\n").utf8)

        // docs:begin check-one
        let checker = try MessageChecker()                    // every layer and the event rules
        let report = checker.check(xmlData, name: "message.xml")
        for issue in report.issues where issue.severity >= .error { print(issue) }
        let valid = report.errorCount == 0
        // docs:end
        XCTAssertTrue(valid)
        XCTAssertTrue(report.issues.allSatisfy { $0.file == "message.xml" && $0.messageIndex == 0 })
        XCTAssertTrue(report.issues.contains { $0.rule == "event.G5" }, "the event rules ran")

        // docs:begin check-ndjson
        let reports = checker.checkInput(ndjsonData, name: "messages.ndjson")   // one report per line
        let run = ValidationRun(messages: reports)
        let text = try TextReportWriter().write(run)                          // as `dch validate` prints it
        // docs:end
        XCTAssertEqual(reports.map(\.index), [0, 1])
        XCTAssertTrue(reports[1].issues.allSatisfy { $0.position?.line == 2 }, "line 2's findings are on line 2")
        XCTAssertTrue(String(decoding: text, as: UTF8.self).hasSuffix("2 messages, 0 errors, 0 warnings, \(run.informationCount) information\n"))

        let xsdPath = try officialSchema()
        // docs:begin check-options
        let schema = try XMLSchemaValidator(schemaPath: xsdPath)   // e.g. the official fhir-single.xsd
        let strict = try MessageChecker(options: CheckOptions(
            profiles: ["https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-DCH-Patient-1"],
            schema: schema))
        let strictReport = strict.check(xmlData, name: "message.xml")
        // docs:end
        XCTAssertFalse(strictReport.issues.contains { $0.rule.hasPrefix("xsd.") && $0.severity >= .error }, "\(strictReport.issues)")
        XCTAssertThrowsError(try MessageChecker(options: CheckOptions(profiles: ["https://example.org/no-such-profile"]))) { error in
            XCTAssertEqual((error as? IssuesError)?.issues.map(\.rule), ["profile.unknown"])
        }
    }

    // MARK: FHIRValidation: Validating messages in process

    func testValidatingInProcess() throws {
        let converter = try Converter()
        let decoded = try converter.read(try sample("nems-vaccination-new.xml"))

        // docs:begin validate-layers
        let pack = try DefinitionPack.shipped()
        let validator = Validator(pack: pack)                 // layers 1–5, every check on
        let issues = validator.validate(decoded.root, syntax: decoded.format)
        let errors = issues.filter { $0.severity >= .error }
        // docs:end
        XCTAssertEqual(errors, [])
        XCTAssertTrue(issues.allSatisfy { $0.rule.hasPrefix("terminology.") }, "\(issues)")

        // docs:begin validate-events
        let events = EventRules(catalogue: try EventCatalogue.shipped(), pack: pack)
        let withEvents = Validator(pack: pack, options: ValidationOptions(ruleSets: [events]))
        let all = withEvents.validate(decoded.root, syntax: decoded.format)
        // docs:end
        XCTAssertEqual(all.filter { $0.severity >= .warning }, [])
        XCTAssertTrue(all.contains { $0.rule == "event.G5" }, "the event display note")

        // docs:begin validate-options
        var options = ValidationOptions()
        options.checkTerminology = false                      // no layer 3
        options.checkInvariants = false                       // no layer 5
        options.profiles = ["https://fhir.hl7.org.uk/STU3/StructureDefinition/CareConnect-Patient-1"]
        let quick = Validator(pack: pack, options: options)
        let unknown = try quick.unknownProfiles(options.profiles)   // [] when the pack holds them all
        let quickIssues = quick.validate(decoded.root, syntax: decoded.format)
        // docs:end
        XCTAssertEqual(unknown, [])
        XCTAssertFalse(quickIssues.contains { $0.rule.hasPrefix("terminology.") || $0.rule.hasPrefix("invariant.") })

        // docs:begin validate-layer-prefix
        let byLayer = Dictionary(grouping: issues) { $0.rule.prefix { $0 != "." } }
        let profileFindings = byLayer["profile", default: []]
        // docs:end
        XCTAssertEqual(profileFindings, [])
        XCTAssertEqual(Set(byLayer.keys), ["terminology"])
    }

    /// Breaking the sample shows the layers at work: each finding under its layer's rule prefix.
    func testEveryLayerReportsUnderItsPrefix() throws {
        let converter = try Converter()
        let pack = converter.pack
        let broken = Data(#"{"resourceType": "Patient", "birthDate": "2019-02-30", "gender": "girl", "colour": "red"}"#.utf8)
        let decoded = try converter.read(broken)
        let rules = Set(Validator(pack: pack).validate(decoded.root, syntax: decoded.format).map(\.rule))
        XCTAssertTrue(rules.contains("value.date"), "\(rules)")
        XCTAssertTrue(rules.contains("struct.unknown-element"), "\(rules)")
        XCTAssertTrue(rules.contains { $0.hasPrefix("terminology.") }, "\(rules)")
    }

    // MARK: FHIRValidation: Writing a rule set

    func testWritingARuleSet() throws {
        let converter = try Converter()
        var decoded = try converter.read(try sample("nems-vaccination-new.json"))
        let pack = converter.pack

        // docs:begin rule-set-plug-in
        let events = EventRules(catalogue: try EventCatalogue.shipped(), pack: pack)
        let options = ValidationOptions(ruleSets: [events, PatientBirthDateRule()])
        let validator = Validator(pack: pack, options: options)
        let local = validator.validate(decoded.root, syntax: decoded.format).filter { $0.rule.hasPrefix("local.") }
        // docs:end
        XCTAssertEqual(local, [])

        // Without the birth date the local rule reports the Patient entry (and profile rules
        // may report more: those are the layers').
        let patientEntry = try XCTUnwrap(decoded.root.children.firstIndex {
            $0.name == "entry" && $0.child("resource")?.resourceType == "Patient"
        })
        let resourceIndex = try XCTUnwrap(decoded.root.children[patientEntry].children.firstIndex { $0.name == "resource" })
        decoded.root.children[patientEntry].children[resourceIndex].children.removeAll { $0.name == "birthDate" }
        let found = validator.validate(decoded.root, syntax: decoded.format).filter { $0.rule.hasPrefix("local.") }
        let entryNumber = decoded.root.children[..<patientEntry].filter { $0.name == "entry" }.count
        XCTAssertEqual(found.map(\.rule), ["local.patient-birth-date"])
        XCTAssertEqual(found.first?.path, "Bundle.entry[\(entryNumber)].resource")
        XCTAssertEqual(found.first?.position?.isKnown, true)
    }

    // MARK: ValidationReports: Reading a report

    func testReadingAReport() throws {
        let converter = try Converter()
        let validator = Validator(pack: converter.pack)

        // docs:begin report-issues
        let patient = Data(#"{"resourceType": "Patient", "birthDate": "2019-02-30"}"#.utf8)
        let decoded = try converter.read(patient)
        let issues = validator.validate(decoded.root, syntax: decoded.format)
        for issue in issues {
            let place = issue.position.map { "\($0.line):\($0.column)" } ?? "-"
            print(issue.severity, issue.type.rawValue, issue.rule, issue.path ?? "-", place)
            print("  " + issue.message)
        }
        // docs:end
        // FHIR's date type: "2019-02-30" matches its regex but is no day of the calendar.
        let issue = try XCTUnwrap(issues.first { $0.rule == "value.date" })
        XCTAssertEqual(issue.severity, .error)
        XCTAssertEqual(issue.type, .value)
        XCTAssertEqual(issue.path, "Patient.birthDate")
        XCTAssertEqual(issue.position, SourcePosition(line: 1, column: 29))

        // docs:begin report-run
        let run = ValidationRun(messages: [
            MessageReport(file: "patient.json", resourceType: "Patient", issues: issues),
        ])
        print(run.summary)                        // 1 message, 1 error, 0 warnings, 0 information
        let failed = run.fails(.error)            // true: `dch validate` would exit 1
        let text = try TextReportWriter().write(run)
        let settings = ReportSettings(converter: converter, toolVersion: "1.0")
        let sarif = try ReportFormat.sarif.writer(settings).write(run)
        // docs:end
        XCTAssertEqual(run.summary, "1 message, 1 error, 0 warnings, 0 information")
        XCTAssertTrue(failed)
        XCTAssertTrue(String(decoding: text, as: UTF8.self)
            .contains("patient.json:1:29: error: [value.date]"), String(decoding: text, as: UTF8.self))
        let sarifJSON = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(sarif)) as? [String: Any])
        XCTAssertEqual(sarifJSON["version"] as? String, "2.1.0")

        // docs:begin report-outcome
        let outcome = OutcomeReportWriter(converter: converter, format: .xml)
        let xml = String(decoding: try outcome.write(run), as: UTF8.self)   // an STU3 OperationOutcome
        // docs:end
        // The OperationOutcome is itself a valid FHIR resource.
        let outcomeTree = try converter.read(Data(xml.utf8))
        XCTAssertEqual(outcomeTree.root.resourceType, "OperationOutcome")
        XCTAssertEqual(validator.validate(outcomeTree.root, syntax: outcomeTree.format).filter { $0.severity >= .error }, [])
    }

    // MARK: EventBuilder: Building and generating event messages

    func testBuildingEventMessages() throws {
        // docs:begin build-typed
        let pack = try DefinitionPack.shipped()
        let catalogue = try EventCatalogue.shipped()
        let event = catalogue.event(named: "CH018")!         // Measurements (DCH)
        let birth = FHIRTime(year: 2024, month: 3, day: 1, hour: 8, minute: 30)
        let leeds = PostalAddress(line: "1 Example Street", city: "Leeds", postalCode: "LS1 4AP")
        let input = EventMessageInput(
            patient: PatientDetails(nhsNumber: "9990000018", given: "Ada", family: "EXAMPLE",
                                    gender: "female", birth: birth, address: leeds),
            sender: OrganisationDetails(odsCode: "Y12345", name: "Example Health Centre", address: leeds,
                                        phone: "0113 496 0000", asid: "999000000001"),
            practitioner: PractitionerDetails(sdsUserId: "999000000002", given: "Sam", family: "EXAMPLE"),
            occurred: birth.adding(days: 56), sent: birth.adding(days: 56, minutes: 45),
            measurements: [Measurement(kind: .weight, value: "5.20"), Measurement(kind: .length, value: "57.5")],
            eventIdentifier: "EV-000000001")
        var random = SeededRandom(seed: 1)                   // the message's UUIDs come from here
        let message = try EventMessageBuilder(pack: pack).build(event, input, using: &random)
        // docs:end
        XCTAssertTrue(NHSNumber.isValid("9990000018"))
        XCTAssertEqual(message.resourceType, "Bundle")
        XCTAssertEqual(message.descendant("entry.resource.event.code")?.value, "CH018")
        XCTAssertNoErrors(message, pack: pack, catalogue: catalogue)

        // docs:begin build-generate
        let generator = MessageGenerator(pack: pack, catalogue: catalogue)
        let messages = try (0..<3).map { try generator.message(event: event, seed: 42, index: $0) }
        let again = try generator.message(event: event, seed: 42, index: 2)   // == messages[2]
        let xml = try Converter(pack: pack).write(messages[0], format: .xml)
        // docs:end
        XCTAssertEqual(again, messages[2])
        XCTAssertEqual(MessageFormat.detect(xml.bytes), .xml)
        for generated in messages { XCTAssertNoErrors(generated, pack: pack, catalogue: catalogue) }

        // docs:begin build-synthetic
        var state = SeededRandom(seed: 7)
        var synthetic = SyntheticInputs.make(for: event, using: &state)
        synthetic.patient.given = "Grace"
        synthetic.measurements = [Measurement(kind: .headCircumference, value: "38.0")]
        let edited = try EventMessageBuilder(pack: pack).build(event, synthetic, using: &state)
        // docs:end
        XCTAssertNoErrors(edited, pack: pack, catalogue: catalogue)
        XCTAssertTrue(NHSNumber.isValid(synthetic.patient.nhsNumber))

        // docs:begin build-defects
        var broken = edited
        let defects = DefectInjector.inject(2, into: &broken, using: &state)
        for defect in defects { print(defect.rule, defect.path, defect.description) }
        // docs:end
        // Each defect is found by the validator under its rule at its path.
        let found = errors(in: broken, pack: pack, catalogue: catalogue)
        XCTAssertEqual(defects.count, 2)
        for defect in defects {
            XCTAssertTrue(found.contains { $0.rule == defect.rule && $0.path == defect.path }, "\(defect) not in \(found)")
        }
    }

    // MARK: ChildHealthEvents: Checking event messages

    func testCheckingEventMessages() throws {
        let converter = try Converter()
        let decoded = try converter.read(try sample("nems-vaccination-new.xml"))

        // docs:begin events-recognise
        let catalogue = try EventCatalogue.shipped()
        let rules = EventRules(catalogue: catalogue, pack: converter.pack)
        if let message = EventMessage(decoded.root), let event = rules.event(of: message) {
            print(event.name, event.eventCode, event.family)     // Vaccinations vaccinations-1 nems
            let summary = MessageSummary(message, catalogue: catalogue)
            print(summary.nhsNumber ?? "-", summary.resources.map(\.type))
        }
        // docs:end
        let message = try XCTUnwrap(EventMessage(decoded.root))
        let event = try XCTUnwrap(rules.event(of: message))
        XCTAssertEqual(event.eventCode, "vaccinations-1")
        XCTAssertEqual(event.family, .nems)
        XCTAssertEqual(MessageSummary(message, catalogue: catalogue).resources.first?.type, "MessageHeader")

        // docs:begin events-identifiers
        let valid = NHSNumber.isValid("9990000018")           // modulus 11 check digit
        let shown = NHSNumber.masked("9990000018")            // for logs: not the whole number
        let plausible = ODSCode.isPlausible("Y12345", system: ODSCode.organizationSystem)
        // docs:end
        XCTAssertTrue(valid)
        XCTAssertFalse(NHSNumber.isValid("9990000017"))
        XCTAssertNotEqual(shown, "9990000018")
        XCTAssertTrue(plausible)
    }

    // MARK: helpers

    /// The official fhir-single.xsd with the two schemas it imports beside it, in a temporary folder.
    private func officialSchema() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dch-docs-xsd-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return try SharedCorpus.officialXMLSchema(copiedInto: folder)
    }

    private func fullValidator(_ pack: DefinitionPack, _ catalogue: EventCatalogue) -> Validator {
        Validator(pack: pack, options: ValidationOptions(ruleSets: [EventRules(catalogue: catalogue, pack: pack)]))
    }

    /// Asserts that the full validator (layers and event rules) finds no error in `message` written
    /// as XML and read back, as a receiver would see it.
    private func XCTAssertNoErrors(_ message: Element, pack: DefinitionPack, catalogue: EventCatalogue,
                                   file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(errors(in: message, pack: pack, catalogue: catalogue).filter { $0.severity >= .error }, [],
                       file: file, line: line)
    }

    /// Every issue of `message` written as XML and read back.
    private func errors(in message: Element, pack: DefinitionPack, catalogue: EventCatalogue) -> [Issue] {
        do {
            let converter = Converter(pack: pack)
            let decoded = try converter.read(Data(converter.write(message, format: .xml).bytes))
            return decoded.issues + fullValidator(pack, catalogue).validate(decoded.root, syntax: .xml)
        } catch let error as IssuesError {
            return error.issues
        } catch {
            return [Issue(.fatal, .processing, rule: "test.unexpected", "\(error)")]
        }
    }
}

private extension Array where Element == UInt8 {
    var data: Data { Data(self) }
}
