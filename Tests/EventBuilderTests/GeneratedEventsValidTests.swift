import XCTest
import FHIRModel
import FHIRDefinitions
import FHIRConversion
import FHIRValidation
import ChildHealthEvents
import EventBuilder
import DCHTestSupport

/// Every event of the catalogue can be generated, and what is generated is valid: each message,
/// written as XML and read back, has no error under every layer of the validator and the event rules
/// (EMS01 included: its profile's contradictory fixed systems are a warning, profile.binding-conflict).
final class GeneratedEventsValidTests: XCTestCase {
    static let pack = try? DefinitionPack.shipped()

    func testEveryEventGeneratesValidMessages() throws {
        let pack = try XCTUnwrap(Self.pack)
        let catalogue = try EventCatalogue.shipped()
        let converter = Converter(pack: pack)
        let validator = Validator(pack: pack, options: ValidationOptions(ruleSets: [EventRules(catalogue: catalogue, pack: pack)]))
        let generator = MessageGenerator(pack: pack, catalogue: catalogue)
        var failures: [String] = []
        for event in catalogue.events {
            for index in 0..<3 {
                let message = try generator.message(event: event, seed: 42, index: index)
                let xml = try converter.write(message, format: .xml).bytes
                let decoded = try converter.read(Data(xml))
                let errors = (decoded.issues + validator.validate(decoded.root, syntax: .xml)).filter { $0.severity >= .error }
                for e in errors.prefix(8) {
                    failures.append("\(event.eventCode) #\(index): [\(e.rule)] \(e.message) (\(e.path ?? ""))")
                }
            }
        }
        XCTAssert(failures.isEmpty, "\(failures.count) errors:\n" + failures.joined(separator: "\n"))
    }
}
