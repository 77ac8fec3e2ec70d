import XCTest
import Foundation
import FHIRModel
import FHIRConversion
import EventResponse
import DCHTestSupport

/// Responses built by the ``Responder`` for real messages, checked with the full validator.
final class ResponderTests: XCTestCase {
    let samples = ["nems-vaccination-new.xml", "dch-birth-weight.xml", "nems-vaccination-new.json"]

    func testSamplesAreAcceptedWithValidResponses() throws {
        for name in samples {
            let data = try RT.sample(name)
            let response = try RT.responder().respond(to: data, settings: RT.settings)
            XCTAssertEqual(response.verdict, .accepted, "\(name): \(response.errors)")
            XCTAssertEqual(response.inputFormat, name.hasSuffix(".json") ? .json : .xml)
            let incoming = try IncomingMessage(root: RT.tools().converter.read(data).root)
            let resources = RT.resources(response.bundle)
            XCTAssertEqual(resources.map { $0.resourceType }, ["MessageHeader", "Task"], name)
            let header = resources[0], task = resources[1]
            XCTAssertEqual(header.descendant("event.code")?.value, "EMS01")
            XCTAssertEqual(header.descendant("destination.endpoint")?.value, incoming.sourceEndpoint)
            XCTAssertNotNil(incoming.sourceEndpoint, name)
            XCTAssertEqual(header.descendant("source.endpoint")?.value, RT.settings.sourceEndpoint)
            XCTAssertEqual(header.descendant("responsible.reference")?.value,
                           "https://directory.spineservices.nhs.uk/STU3/Organization/X26")
            XCTAssertEqual(RT.input(task, code: "002")?.child("valueId")?.value, incoming.headerID)
            XCTAssertNotNil(incoming.headerID, name)
            XCTAssertEqual(task.descendant("reason.coding.code")?.value, "R00")
            XCTAssertEqual(RT.input(task, code: "001")?.descendant("valueCodeableConcept.coding.code")?.value, "001")
            XCTAssertNil(task.child("code"), "no action is asked of an accepted message")
            XCTAssertNil(RT.input(task, code: "003"))
            // The focus is the Task, by its fullUrl.
            let taskURL = response.bundle.children(named: "entry")[1].child("fullUrl")?.value
            XCTAssertEqual(header.descendant("focus.reference")?.value, taskURL)
            for format in MessageFormat.allCases {
                let errors = try RT.validateWritten(response.bundle, format: format).filter { $0.severity >= .error }
                XCTAssertEqual(errors, [], "\(name) as \(format)")
            }
        }
    }

    func testBrokenMessageIsRejectedWithItsErrors() throws {
        let response = try RT.responder().respond(to: RT.brokenSample(), settings: RT.settings)
        XCTAssertEqual(response.verdict, .rejected)
        XCTAssertEqual(Set(response.errors.map(\.rule)), ["struct.unknown-element", "value.instant"])
        let resources = RT.resources(response.bundle)
        XCTAssertEqual(resources.map { $0.resourceType }, ["MessageHeader", "Task", "OperationOutcome"])
        let task = resources[1], outcome = resources[2]
        XCTAssertEqual(task.descendant("reason.coding.code")?.value, "R10")
        XCTAssertEqual(task.descendant("code.coding.code")?.value, "A06")
        XCTAssertEqual(RT.input(task, code: "001")?.descendant("valueCodeableConcept.coding.code")?.value, "002")
        XCTAssertEqual(RT.input(task, code: "002")?.child("valueId")?.value, "4a0c2b8e-1d3f-4e5a-8b6c-7d8e9f0a1b2c")
        let firstLine = response.errors.compactMap { $0.position?.line }.first
        XCTAssertNotNil(firstLine)
        XCTAssertEqual(RT.input(task, code: "003")?.child("valuePositiveInt")?.value, firstLine.map(String.init))
        let issues = outcome.children(named: "issue")
        XCTAssertEqual(issues.count, response.errors.count)
        for (issue, error) in zip(issues, response.errors) {
            XCTAssertEqual(issue.child("severity")?.value, error.severity.rawValue)
            XCTAssertEqual(issue.child("code")?.value, error.type.rawValue)
            XCTAssertEqual(issue.child("diagnostics")?.value, error.rule)
            XCTAssertEqual(issue.descendant("details.text")?.value, error.message)
            XCTAssertEqual(issue.children(named: "location").first?.value, error.path)
            XCTAssertEqual(issue.descendant("details.coding.system")?.value,
                           "https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1")
        }
        let codes = issues.compactMap { $0.descendant("details.coding.code")?.value }
        XCTAssertEqual(Set(codes), ["INVALID_ELEMENT", "INVALID_VALUE"])
        for format in MessageFormat.allCases {
            let errors = try RT.validateWritten(response.bundle, format: format).filter { $0.severity >= .error }
            XCTAssertEqual(errors, [], "rejection as \(format)")
        }
    }

    func testUnreadableInputIsRejectedAsIncorrectFormat() throws {
        let response = try RT.responder().respond(to: Data("<Bundle xmlns=\"http://hl7.org/fhir\"><id value=".utf8),
                                                  settings: RT.settings)
        XCTAssertEqual(response.verdict, .rejected)
        XCTAssertFalse(response.errors.isEmpty)
        let resources = RT.resources(response.bundle)
        let header = resources[0], task = resources[1]
        XCTAssertEqual(task.descendant("reason.coding.code")?.value, "R08")
        XCTAssertEqual(RT.input(task, code: "002")?.child("valueId")?.value, "unknown")
        XCTAssertNil(header.child("destination"), "no source to answer to")
        XCTAssertEqual(resources[2].descendant("issue.details.coding.code")?.value, "MESSAGE_NOT_WELL_FORMED")
        let errors = try RT.validateWritten(response.bundle, format: .xml).filter { $0.severity >= .error }
        XCTAssertEqual(errors, [])
    }

    func testGivenIdAndTimestampMakeTheResponseReproducible() throws {
        let responder = try RT.responder()
        let converter = try RT.tools().converter
        let a = responder.respond(to: try RT.brokenSample(), settings: RT.settings)
        let b = responder.respond(to: try RT.brokenSample(), settings: RT.settings)
        XCTAssertEqual(try converter.write(a.bundle, format: .json).bytes, try converter.write(b.bundle, format: .json).bytes)
        let header = RT.resources(a.bundle)[0]
        XCTAssertEqual(header.child("id")?.value, RT.settings.id)
        XCTAssertEqual(header.child("timestamp")?.value, RT.settings.timestamp)
        XCTAssertEqual(RT.resources(a.bundle)[1].child("authoredOn")?.value, RT.settings.timestamp)
        // Without them: a fresh UUID and the current time, each run.
        var fresh = RT.settings
        fresh.id = nil
        fresh.timestamp = nil
        let c = responder.respond(to: try RT.sample("dch-birth-weight.xml"), settings: fresh)
        let d = responder.respond(to: try RT.sample("dch-birth-weight.xml"), settings: fresh)
        let ids = [c, d].map { RT.resources($0.bundle)[0].child("id")?.value ?? "" }
        XCTAssertNotEqual(ids[0], ids[1])
        XCTAssertTrue(ids.allSatisfy { UUID(uuidString: $0) != nil }, "\(ids)")
        let stamp = RT.resources(c.bundle)[0].child("timestamp")?.value ?? ""
        XCTAssertTrue(ResponseSettings.isTimestamp(stamp), stamp)
    }
}
