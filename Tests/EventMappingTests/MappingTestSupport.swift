import Foundation
import XCTest
import FHIRModel
import FHIRDefinitions
import FHIRConversion
import ChildHealthEvents
import MessageChecking
import EventMapping
import DCHTestSupport

/// What the mapping tests share: one engine over the shipped CSV mappings, a converter and a
/// checker (all layers and the event rules), made once.
enum MappingFixture {
    struct Parts {
        let engine: EventMappingEngine
        let converter: Converter
        let checker: MessageChecker
        let pack: DefinitionPack
        let events: EventCatalogue
    }

    private static let shared: Result<Parts, Error> = Result {
        let pack = try DefinitionPack.shipped()
        let events = try EventCatalogue.shipped()
        let converter = Converter(pack: pack)
        return Parts(engine: try EventMappingEngine(kind: "csv", pack: pack, events: events),
                     converter: converter,
                     checker: try MessageChecker(converter: converter, catalogue: events),
                     pack: pack, events: events)
    }

    static func parts() throws -> Parts { try shared.get() }

    /// The errors (and fatal issues) of a message under every layer and the event rules.
    static func errors(of message: Element, _ parts: Parts) throws -> [String] {
        let bytes = try parts.converter.write(message, format: .json, pretty: false).bytes
        let report = parts.checker.check(Data(bytes), name: "mapped")
        return report.issues.filter { $0.severity == .error || $0.severity == .fatal }.map(\.description)
    }

    /// A row as a source record under `header`.
    static func record(_ header: [String], _ cells: [String], row: Int = 2) -> CSVRowSource {
        CSVRowSource(header: header, columnIndex: CSVRowSource.index(header), cells: cells, rowNumber: row, file: "test.csv")
    }
}
