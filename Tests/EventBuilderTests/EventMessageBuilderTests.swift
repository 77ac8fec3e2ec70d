import XCTest
import FHIRModel
import FHIRDefinitions
import ChildHealthEvents
import EventBuilder

/// The shape of built messages: header first, full URLs equal to ids, profiles, focus.
final class EventMessageBuilderTests: XCTestCase {
    func testMessageShapeForEveryEvent() throws {
        let pack = try DefinitionPack.shipped()
        let catalogue = try EventCatalogue.shipped()
        let generator = MessageGenerator(pack: pack, catalogue: catalogue)
        for event in catalogue.events {
            let bundle = try generator.message(event: event, seed: 2, index: 0)
            XCTAssertEqual(bundle.child("type")?.value, "message")
            XCTAssertEqual(bundle.descendant("meta.profile")?.value, event.bundleProfile)
            let entries = bundle.children(named: "entry")
            let resources = entries.compactMap { $0.child("resource") }
            XCTAssertEqual(resources.first?.resourceType, "MessageHeader", event.eventCode)
            let header = try XCTUnwrap(resources.first)
            XCTAssertEqual(header.descendant("event.code")?.value, event.eventCode)
            XCTAssertEqual(header.descendant("event.system")?.value, event.eventSystem)
            XCTAssertTrue(header.children(named: "extension").contains { $0.url == event.messageEventTypeExtension })
            XCTAssertEqual(header.children(named: "extension").contains { $0.url == event.routingDemographicsExtension },
                           event.routingDemographicsExtension != nil)
            var byURL: [String: Element] = [:]
            for entry in entries {
                let url = try XCTUnwrap(entry.child("fullUrl")?.value)
                let resource = try XCTUnwrap(entry.child("resource"))
                XCTAssertEqual(url, "urn:uuid:" + (resource.child("id")?.value ?? "?"))
                XCTAssertNotNil(resource.descendant("meta.profile"), "\(event.eventCode): \(resource.resourceType ?? "")")
                byURL[url] = resource
            }
            for required in event.entryResources where required.min > 0 {
                let have = resources.filter { $0.resourceType == required.type
                    && $0.children(named: "meta").flatMap { $0.children(named: "profile") }.contains { $0.value == required.profile } }
                XCTAssertGreaterThanOrEqual(have.count, required.min, "\(event.eventCode): \(required.name)")
            }
            if let focus = event.focus {
                let target = try XCTUnwrap(header.descendant("focus.reference")?.value)
                XCTAssertEqual(byURL[target]?.resourceType, focus.type, event.eventCode)
            }
        }
    }

    func testRefusesAMessageEventTypeTheEventDoesNotAllow() throws {
        let pack = try DefinitionPack.shipped()
        let event = try XCTUnwrap(EventCatalogue.shipped().event(named: "pds-birth-notification-1"))
        var random = SeededRandom(seed: 4)
        var input = SyntheticInputs.make(for: event, using: &random)
        input.messageEventType = .delete
        XCTAssertThrowsError(try EventMessageBuilder(pack: pack).build(event, input, using: &random)) { error in
            XCTAssertTrue("\(error)".contains("does not allow 'delete'"), "\(error)")
        }
    }
}
