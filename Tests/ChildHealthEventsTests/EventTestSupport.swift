import XCTest
import Foundation
import FHIRModel
import FHIRConversion
import ChildHealthEvents
import DCHTestSupport

/// The shipped catalogue and pack, a converter and the event rules, made once per test class.
struct EventFixture {
    let converter: Converter
    let rules: EventRules

    init() throws {
        let pack = try SharedCorpus.definitionPack()
        let url = SharedCorpus.schemas.appendingPathComponent(EventCatalogue.fileName)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw Prerequisite.missing("Schemas/events.json is absent; run scripts/regenerate-pack")
        }
        converter = Converter(pack: pack)
        rules = EventRules(catalogue: try EventCatalogue(data: data), pack: pack)
    }

    func tree(_ data: Data) throws -> Element { try converter.read(data).root }

    /// The event issues of a message, as "severity rule path" lines, information left out.
    func outcome(_ root: Element) -> [String] {
        rules.check(root, syntax: .xml).filter { $0.severity != .information }
            .map { "\($0.severity.rawValue) \($0.rule) \($0.path ?? "-")" }
    }
}
