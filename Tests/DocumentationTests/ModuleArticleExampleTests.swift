import XCTest
import Foundation
import FHIRModel
import FHIRDefinitions
import FHIRXML
import FHIRJSON
import FHIRPath
import MessageChecking
import EventResponse
import FHIRValidation
import FHIRConversion
import DCHTestSupport

// The code of the articles of FHIRXML, FHIRJSON, FHIRDefinitions, FHIRPath and EventResponse, run
// on the shipped samples and the shipped pack (regions as in DocumentationExampleTests.swift). The
// expected values come from the sample files' text, the official definitions in ../shared and the
// FHIR and FHIRPath specifications, read here without our readers where that is possible.

final class ModuleArticleExampleTests: XCTestCase {
    /// The bytes of a shipped sample message.
    private func sample(_ name: String) throws -> Data {
        try Data(contentsOf: SharedCorpus.packageRoot.appendingPathComponent("Samples").appendingPathComponent(name))
    }

    /// A JSON text parsed by Foundation's parser: the oracle the FHIR JSON output is compared with.
    private func foundationJSON(_ bytes: [UInt8]) throws -> NSObject {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) as? NSObject)
    }

    // MARK: FHIRXML: Reading and writing FHIR XML

    func testReadingAndWritingXML() throws {
        let xmlData = try sample("dch-birth-weight.xml")
        let xmlText = String(decoding: xmlData, as: UTF8.self)

        // docs:begin xml-read
        let reader = FHIRXMLReader()                          // strict: FHIR namespace, no DOCTYPE, 256 levels
        let decoded = try reader.read(xmlData)
        let patient = decoded.root.children(named: "entry")[1].child("resource")!
        print(patient.resourceType ?? "-", patient.child("birthDate")?.value ?? "-")   // Patient 2026-01-08
        // docs:end
        XCTAssertEqual(decoded.format, .xml)
        XCTAssertEqual(decoded.issues, [])
        XCTAssertEqual(patient.resourceType, "Patient")
        XCTAssertTrue(xmlText.contains(#"<birthDate value="\#(patient.child("birthDate")?.value ?? "?")">"#))
        XCTAssertEqual(patient.child("birthDate")?.value, "2026-01-08")
        // The comment before the root is the root's, and positions are the `<` of each element.
        XCTAssertTrue(decoded.root.comments.first?.contains("Synthetic sample authored for dch") == true)
        XCTAssertEqual(decoded.root.position, SourcePosition(line: 5, column: 1))

        // docs:begin xml-write
        let pack = try DefinitionPack.shipped()               // element order comes from the definitions
        let writer = FHIRXMLWriter(pack: pack, options: XMLWriteOptions(pretty: false, declaration: false))
        let encoded = try writer.write(decoded.root)          // Encoded: UTF-8 bytes and warnings
        let xml = String(decoding: encoded.bytes, as: UTF8.self)
        // docs:end
        XCTAssertEqual(encoded.issues, [])
        XCTAssertTrue(xml.hasPrefix("<!--"), "the root's comment comes first")
        XCTAssertTrue(xml.contains(#"<Bundle xmlns="http://hl7.org/fhir"><id value="c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f"/><meta>"#))
        XCTAssertFalse(xml.hasPrefix("<?xml"))
        // Written and read again: the same tree, comments included.
        XCTAssertEqual(treeDifferences(try reader.read(Data(encoded.bytes)).root, decoded.root, comments: true), [])
        // And the same message as the JSON sample, read by the other reader.
        XCTAssertEqual(treeDifferences(decoded.root, try FHIRJSONReader().read(try sample("dch-birth-weight.json")).root), [])

        // docs:begin xml-errors
        let hostile = Data(#"<!DOCTYPE Patient [<!ENTITY x "y">]><Patient xmlns="http://hl7.org/fhir"/>"#.utf8)
        do {
            _ = try reader.read(hostile)
        } catch let error as IssuesError {
            print(error.issues.map(\.rule))                   // ["xml.doctype"]
        }
        // docs:end
        XCTAssertThrowsError(try reader.read(hostile)) { error in
            XCTAssertEqual((error as? IssuesError)?.issues.map(\.rule), ["xml.doctype"])
        }
        XCTAssertThrowsError(try reader.read(Data(#"<Patient xmlns="http://example.org"/>"#.utf8))) { error in
            XCTAssertEqual((error as? IssuesError)?.issues.first?.rule, "xml.namespace")
        }

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dch-docs-xsd-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let xsdPath = try SharedCorpus.officialXMLSchema(copiedInto: folder)
        // docs:begin xml-schema
        let schema = try XMLSchemaValidator(schemaPath: xsdPath)    // fhir-single.xsd, xml.xsd and fhir-xhtml.xsd beside it
        let sampleIssues = schema.validate(xmlData)                  // []: the sample is schema-valid
        let girl = Data(#"<Patient xmlns="http://hl7.org/fhir"><gender value="girl"/></Patient>"#.utf8)
        for issue in schema.validate(girl) {
            print(issue.rule, issue.path ?? "-", issue.message)      // xsd.invalid Patient.gender …
        }
        // docs:end
        XCTAssertEqual(sampleIssues, [])
        // fhir-single.xsd restricts gender to the AdministrativeGender-list enumeration.
        let girlIssues = schema.validate(girl)
        XCTAssertEqual(girlIssues.map(\.rule), ["xsd.invalid"])
        XCTAssertEqual(girlIssues.first?.path, "Patient.gender")
        XCTAssertEqual(girlIssues.first?.severity, .error)
        XCTAssertEqual(girlIssues.first?.position?.line, 1)
        XCTAssertTrue(girlIssues.first?.message.contains("girl") == true, "\(girlIssues)")
    }

    // MARK: FHIRJSON: Reading and writing FHIR JSON

    func testReadingAndWritingJSON() throws {
        let jsonData = try sample("dch-birth-weight.json")

        // docs:begin json-read
        let reader = FHIRJSONReader()                         // 256 levels, 256 MiB, up to 100 errors
        let decoded = try reader.read(jsonData)
        let resources = decoded.root.children(named: "entry").compactMap { $0.child("resource") }
        let weight = resources.first { $0.resourceType == "Observation" }?.descendant("valueQuantity.value")
        print(weight?.value ?? "-", weight?.valueKind ?? .unspecified)   // 3.450 number: the lexeme as written
        // docs:end
        XCTAssertEqual(decoded.format, .json)
        XCTAssertEqual(weight?.value, "3.450")
        XCTAssertTrue(String(decoding: jsonData, as: UTF8.self).contains(#""value": 3.450,"#))
        XCTAssertEqual(weight?.valueKind, .number)

        // docs:begin json-write
        let pack = try DefinitionPack.shipped()               // arrays, JSON kinds and property order
        let writer = FHIRJSONWriter(pack: pack, options: JSONWriteOptions(pretty: false))
        let json = try writer.write(decoded.root)             // Encoded: UTF-8 bytes and warnings
        let patient = resources.first { $0.resourceType == "Patient" }!
        let name = try writer.write(patient.child("name")!, in: pack.context(forType: "HumanName")!)
        print(String(decoding: name.bytes, as: UTF8.self))    // {"use":"official","family":"NOWAK","given":["Leo"]}
        // docs:end
        XCTAssertEqual(json.issues, [])
        // Foundation's parser sees the same document in the sample and in what was written.
        XCTAssertEqual(try foundationJSON(json.bytes), try foundationJSON(Array(jsonData)))
        XCTAssertEqual(String(decoding: name.bytes, as: UTF8.self), #"{"use":"official","family":"NOWAK","given":["Leo"]}"#)
        let sampleObject = try XCTUnwrap(try foundationJSON(Array(jsonData)) as? [String: Any])
        let sampleEntries = try XCTUnwrap(sampleObject["entry"] as? [[String: Any]])
        let samplePatient = try XCTUnwrap(sampleEntries.compactMap { $0["resource"] as? [String: Any] }
            .first { $0["resourceType"] as? String == "Patient" })
        XCTAssertEqual((samplePatient["name"] as? [NSObject])?.first, try foundationJSON(name.bytes))

        // docs:begin json-errors
        let strict = FHIRJSONReader(options: JSONReadOptions(maxDepth: 32))
        do {
            _ = try strict.read(Data(#"{"resourceType": "Patient", "active": true, "active": false}"#.utf8))
        } catch let error as IssuesError {
            for issue in error.issues {
                print(issue.rule, issue.position.map { "\($0.line):\($0.column)" } ?? "-")   // json.duplicate-key 1:45
            }
        }
        // docs:end
        XCTAssertThrowsError(try strict.read(Data(#"{"resourceType": "Patient", "active": true, "active": false}"#.utf8))) { error in
            let issues = (error as? IssuesError)?.issues ?? []
            XCTAssertEqual(issues.map(\.rule), ["json.duplicate-key"])
            // The second "active" starts at column 45 (counted by hand).
            XCTAssertEqual(issues.first?.position, SourcePosition(line: 1, column: 45))
        }
        let deep = String(repeating: #"{"extension": ["#, count: 40)
        XCTAssertThrowsError(try strict.read(Data((#"{"resourceType": "Patient", "extension": ["# + deep).utf8))) { error in
            XCTAssertEqual((error as? IssuesError)?.issues.first?.rule, "json.too-deep")
        }
    }

    // MARK: FHIRDefinitions: Walking a profile

    func testWalkingAProfile() throws {
        // docs:begin definitions-open
        let pack = try DefinitionPack.shipped()               // or DefinitionPack(directory:) for another pack
        let patientURL = "https://fhir.hl7.org.uk/STU3/StructureDefinition/CareConnect-Patient-1"
        let profile = try pack.structure(url: patientURL)!    // StructureRecord: the snapshot, compacted
        print(profile.type, profile.derivation ?? "-", profile.baseDefinition ?? "-")
        // Patient constraint http://hl7.org/fhir/StructureDefinition/Patient
        // docs:end
        XCTAssertEqual(profile.type, "Patient")
        XCTAssertEqual(profile.derivation, "constraint")
        XCTAssertEqual(profile.baseDefinition, "http://hl7.org/fhir/StructureDefinition/Patient")

        // docs:begin definitions-walk
        let tree = SnapshotTree(profile)!
        var outline: [String] = []
        func walk(_ node: SnapshotNode, depth: Int) {
            let slice = node.sliceName.map { ":" + $0 } ?? ""
            let types = node.typeCodes.joined(separator: "|")
            outline.append(String(repeating: "  ", count: depth)
                           + "\(node.step)\(slice) \(node.record.min)..\(node.record.max) \(types)")
            for slice in node.slices { walk(slice, depth: depth + 1) }
            for child in node.children { walk(child, depth: depth + 1) }
        }
        walk(tree.root, depth: 0)                             // Patient 0..* / identifier 0..* Identifier / …
        let identifier = tree.root.children.first { $0.step == "identifier" }!
        let nhsNumber = identifier.slices.first { $0.sliceName == "nhsNumber" }!
        let system = nhsNumber.children.first { $0.matches("system") }!
        print(identifier.record.slicing?.rules ?? "-", system.record.fixed?.value ?? "-")
        // openAtEnd https://fhir.nhs.uk/Id/nhs-number
        // docs:end
        // The published profile (../shared) says the same, read as text.
        let careConnectPatient = "careconnect-stu3/StructureDefinitions/CareConnect-Patient-1.xml"
        let officialSystem = try officialSnapshotElement(id: "Patient.identifier:nhsNumber.system", file: careConnectPatient)
        XCTAssertTrue(hasTag(officialSystem, "fixedUri", "https://fhir.nhs.uk/Id/nhs-number"), officialSystem)
        XCTAssertEqual(system.record.fixed?.value, "https://fhir.nhs.uk/Id/nhs-number")
        XCTAssertEqual(system.record.fixed?.name, "fixedUri")
        XCTAssertTrue(hasTag(try officialSnapshotElement(id: "Patient.identifier", file: careConnectPatient), "rules", "openAtEnd"))
        XCTAssertEqual(identifier.record.slicing?.rules, "openAtEnd")
        XCTAssertEqual(identifier.record.slicing?.discriminators, [DiscriminatorRecord(type: "value", path: "system")])
        XCTAssertTrue(hasTag(try officialSnapshotElement(id: "Patient.identifier:nhsNumber", file: careConnectPatient), "max", "1"))
        XCTAssertEqual(nhsNumber.record.max, "1")
        XCTAssertEqual(outline.first, "Patient 0..* ")
        XCTAssertTrue(outline.contains("  identifier 0..* Identifier"), "\(outline.prefix(20))")
        XCTAssertTrue(outline.contains("    identifier:nhsNumber 0..1 Identifier"), "\(outline.prefix(40))")
        // Every snapshot element but re-slices is in the tree once.
        XCTAssertEqual(outline.count, profile.elements.count)

        // docs:begin definitions-types
        let observation = try pack.context(forType: "Observation")!   // where Observation's children are defined
        let value = observation.child("valueQuantity")!                // one ChildInfo per type of value[x]
        print(value.typeCode, value.isChoice, value.repeats, value.definitionPath)   // Quantity true false Observation.value[x]
        let gender = try pack.codeSystem(url: "http://hl7.org/fhir/administrative-gender")!
        print(gender.concepts?.map(\.code) ?? [])                     // ["male", "female", "other", "unknown"]
        // docs:end
        // FHIR STU3 Observation: value[x] 0..1, one of its types Quantity; AdministrativeGender's four codes.
        XCTAssertEqual(value.typeCode, "Quantity")
        XCTAssertTrue(value.isChoice)
        XCTAssertFalse(value.repeats)
        XCTAssertEqual(value.definitionPath, "Observation.value[x]")
        XCTAssertNil(observation.child("value"), "a choice is known only by its typed names")
        XCTAssertEqual(gender.concepts?.map(\.code), ["male", "female", "other", "unknown"])
    }

    // MARK: FHIRPath: Evaluating FHIRPath on a message

    func testEvaluatingFHIRPath() throws {
        let bundle = try FHIRXMLReader().read(try sample("dch-birth-weight.xml")).root

        // docs:begin fhirpath-evaluate
        let engine = FHIRPathEngine(pack: try DefinitionPack.shipped())   // share it: it caches what it compiles
        let expression = try engine.compile("Bundle.entry.resource.ofType(Observation).value").get()
        let result = try engine.evaluate(expression, onResource: bundle)  // FHIRPathCollection
        for item in FHIRPathResultRenderer(engine: engine).render(result) {
            print(item.line)   // Quantity {"value":3.450,"unit":"kg","system":"http://unitsofmeasure.org","code":"kg"}
        }
        // docs:end
        let items = FHIRPathResultRenderer(engine: engine).render(result)
        XCTAssertEqual(items.map(\.type), ["Quantity"])
        XCTAssertEqual(items.first?.json, #"{"value":3.450,"unit":"kg","system":"http://unitsofmeasure.org","code":"kg"}"#)
        // The JSON sample holds the same object.
        let jsonSample = String(decoding: try sample("dch-birth-weight.json"), as: UTF8.self)
        XCTAssertTrue(jsonSample.contains(#""valueQuantity": {"# + "\n" + #"          "value": 3.450,"#))

        // docs:begin fhirpath-boolean
        let environment = FHIRPathEnvironment(root: bundle, engine: engine)   // one per message: resolve() searches it
        let patient = bundle.children(named: "entry").compactMap { $0.child("resource") }
            .first { $0.resourceType == "Patient" }!
        let focus = engine.typedResource(patient)                             // typed by its resourceType
        environment.resource = focus                                          // %resource
        let born2026 = try engine.compile("gender = 'male' and birthDate >= @2026-01-01").get()
        let afterNoon = try engine.compile("birthDate > @2026-01-08T12:00:00Z").get()
        print(try engine.evaluateBoolean(born2026, on: focus, in: environment) as Any)   // Optional(true)
        print(try engine.evaluateBoolean(afterNoon, on: focus, in: environment) as Any)  // nil: a day and an hour
        // docs:end
        XCTAssertEqual(try engine.evaluateBoolean(born2026, on: focus, in: environment), true)
        // FHIRPath: values of different precision that agree as far as both go compare as empty.
        XCTAssertNil(try engine.evaluateBoolean(afterNoon, on: focus, in: environment))
        XCTAssertEqual(try engine.evaluateBoolean(try engine.compile("birthDate < @2026-01-08").get(), on: focus, in: environment), false)

        // docs:begin fhirpath-errors
        if case .failure(let error) = engine.compile("name.given.first(") {
            print(error)                                      // column 18: …
        }
        let memberOf = try engine.compile("gender.memberOf('http://hl7.org/fhir/ValueSet/administrative-gender')").get()
        print(memberOf.unsupportedReason ?? "-")              // memberOf() needs terminology expansion, …
        do {
            _ = try engine.evaluate(memberOf, on: focus, in: environment)
        } catch let error as FHIRPathEvaluationError {
            print(error.message)                              // the same reason: nothing is guessed
        }
        // docs:end
        guard case .failure(let syntax) = engine.compile("name.given.first(") else { return XCTFail("a syntax error") }
        XCTAssertEqual(syntax.column, 18, "\(syntax)")
        XCTAssertNotNil(memberOf.unsupportedReason)
        XCTAssertThrowsError(try engine.evaluate(memberOf, on: focus, in: environment)) { error in
            XCTAssertEqual((error as? FHIRPathEvaluationError)?.message, memberOf.unsupportedReason)
        }
    }

    // MARK: EventResponse: Answering event messages

    func testAnsweringEventMessages() throws {
        let xmlData = try sample("nems-vaccination-new.xml")
        let sampleText = String(decoding: xmlData, as: UTF8.self)
        // The header's timestamp without its time: an `instant` must have one.
        let brokenData = Data(sampleText.replacingOccurrences(of: #"<timestamp value="2026-03-14T10:15:00+00:00"/>"#,
                                                              with: #"<timestamp value="2026-03-14"/>"#).utf8)
        XCTAssertNotEqual(brokenData, xmlData)

        // docs:begin respond-accept
        let responder = Responder(checker: try MessageChecker())     // every layer and the event rules
        let settings = ResponseSettings(sourceEndpoint: "urn:nhs:addressing:asid:999000000009", odsCode: "X26",
                                        id: "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f", timestamp: "2026-03-14T10:20:00+00:00")
        let response = responder.respond(to: xmlData, name: "message.xml", settings: settings)
        print(response.verdict, response.errors.count)               // accepted 0
        let reply = try responder.checker.converter.write(response.bundle, format: response.inputFormat ?? .xml)
        // docs:end
        XCTAssertEqual(response.verdict, .accepted)
        XCTAssertEqual(response.inputFormat, .xml)
        let accepted = resources(of: response.bundle)
        XCTAssertEqual(accepted.map(\.resourceType), ["MessageHeader", "Task"])
        XCTAssertEqual(accepted[0].descendant("event.code")?.value, "EMS01")
        XCTAssertEqual(accepted[1].descendant("reason.coding.code")?.value, "R00")   // Spine: message success
        XCTAssertEqual(try errorsOfWritten(reply.bytes), [], "the acknowledgement conforms to the EMS profiles")

        // docs:begin respond-reject
        let rejection = responder.respond(to: brokenData, name: "message.xml", settings: settings)
        for error in rejection.errors { print(error) }               // message.xml:53:9: error: … [value.instant]
        let answer = rejection.bundle.children(named: "entry").compactMap { $0.child("resource") }
        print(rejection.verdict, answer.map { $0.resourceType ?? "-" })   // rejected ["MessageHeader", "Task", "OperationOutcome"]
        // docs:end
        XCTAssertEqual(rejection.verdict, .rejected)
        XCTAssertEqual(rejection.errors.map(\.rule), ["value.instant"])
        let timestampLine = sampleText.split(separator: "\n", omittingEmptySubsequences: false)
            .firstIndex { $0.contains("<timestamp value=") }.map { Int32($0 + 1) }
        XCTAssertEqual(rejection.errors.first?.position?.line, timestampLine)
        XCTAssertEqual(answer.map(\.resourceType), ["MessageHeader", "Task", "OperationOutcome"])
        XCTAssertEqual(answer[1].descendant("reason.coding.code")?.value, "R10")       // Spine: event does not conform
        XCTAssertEqual(answer[2].descendant("issue.details.coding.code")?.value, "INVALID_VALUE")
        let written = try responder.checker.converter.write(rejection.bundle, format: .json)
        XCTAssertEqual(try errorsOfWritten(written.bytes), [], "the rejection conforms to the EMS profiles")

        let decoded = try responder.checker.converter.read(xmlData)
        // docs:begin respond-builder
        let incoming = IncomingMessage(root: decoded.root)           // header id, source endpoint, event
        let builder = ResponseBuilder(settings: settings)
        let acknowledgement = builder.response(to: incoming, errors: [], id: settings.id!, timestamp: settings.timestamp!)
        // docs:end
        XCTAssertEqual(acknowledgement, response.bundle, "the Responder builds exactly this")
        XCTAssertTrue(sampleText.contains(#"<endpoint value="\#(incoming.sourceEndpoint ?? "?")"/>"#))
        XCTAssertEqual(accepted[0].descendant("destination.endpoint")?.value, incoming.sourceEndpoint)
        XCTAssertEqual(incoming.eventCode, "vaccinations-1")
    }

    // MARK: helpers

    /// The resources of a Bundle's entries.
    private func resources(of bundle: Element) -> [Element] {
        bundle.children(named: "entry").compactMap { $0.child("resource") }
    }

    /// The errors every layer finds in a written message.
    private func errorsOfWritten(_ bytes: [UInt8]) throws -> [Issue] {
        let converter = try Converter()
        let decoded = try converter.read(Data(bytes))
        return Validator(pack: converter.pack).validate(decoded.root, syntax: decoded.format).filter { $0.severity >= .error }
    }

    /// True when `xml` holds `<name value="value"/>` (with or without a space before `/>`).
    private func hasTag(_ xml: String, _ name: String, _ value: String) -> Bool {
        xml.range(of: "<\(name) value=\"\(value)\"\\s*/>", options: .regularExpression) != nil
    }

    /// The text of the first `<element id="…">` of an official StructureDefinition in ../shared/corpus
    /// (the snapshot comes before the differential in STU3 XML), up to its `</element>`.
    private func officialSnapshotElement(id: String, file: String) throws -> String {
        let url = try SharedCorpus.require().appendingPathComponent("corpus").appendingPathComponent(file)
        let text = try String(contentsOf: url, encoding: .utf8)
        let start = try XCTUnwrap(text.range(of: #"<element id="\#(id)">"#), "\(id) in \(file)")
        let end = try XCTUnwrap(text.range(of: "</element>", range: start.upperBound..<text.endIndex))
        return String(text[start.lowerBound..<end.upperBound])
    }
}
