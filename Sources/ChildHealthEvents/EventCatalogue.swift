import Foundation
import FHIRModel
import FHIRDefinitions

/// The events of the DCH and NEMS standards, as shipped in `Schemas/events.json`.
public struct EventCatalogue: Sendable {
    /// The name of the catalogue file in the definition pack folder.
    public static let fileName = "events.json"

    /// Every event, in the shipped file's order (family, then code).
    public let events: [EventDefinition]
    private let byCode: [String: [Int]]

    /// A catalogue of these events.
    public init(events: [EventDefinition]) {
        self.events = events
        var byCode: [String: [Int]] = [:]
        for (i, event) in events.enumerated() { byCode[event.eventCode, default: []].append(i) }
        self.byCode = byCode
    }

    /// Reads a catalogue file written by ``EventCatalogueImporter``.
    public init(data: Data) throws {
        do {
            self.init(events: try PackJSONDecoder.decode([EventDefinition].self, from: data))
        } catch {
            throw IssuesError(Issue(.fatal, .processing, rule: EventRuleID.catalogue,
                                    "the event catalogue cannot be read: \(error); regenerate it with `dch pack build`"))
        }
    }

    /// The catalogue shipped beside the definition pack (`Schemas/events.json`, found the way
    /// `DefinitionPack.shipped()` finds the pack); read once.
    public static func shipped() throws -> EventCatalogue {
        try shippedCatalogue.get()
    }

    private static let shippedCatalogue: Result<EventCatalogue, Error> = Result {
        guard let dir = DefinitionPackLayout.locateShippedPack() else {
            throw IssuesError(Issue(.fatal, .processing, rule: EventRuleID.catalogue,
                DefinitionPackLayout.notFoundMessage))
        }
        let url = dir.appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw IssuesError(Issue(.fatal, .processing, rule: EventRuleID.catalogue,
                "the event catalogue \(url.path) is missing; regenerate it with `dch pack build`"))
        }
        return try EventCatalogue(data: data)
    }

    /// The event with this `MessageHeader.event` code; with a system, only an event of that system.
    public func event(code: String, system: String?) -> EventDefinition? {
        index(code: code, system: system).map { events[$0] }
    }

    /// The position in ``events`` of the event ``event(code:system:)`` finds.
    func index(code: String, system: String?) -> Int? {
        guard let indices = byCode[code] else { return nil }
        for i in indices where system == nil || events[i].eventSystem == system { return i }
        return nil
    }

    /// The event with this name (case-insensitive, spaces or hyphens alike) or code. A name shared by
    /// a DCH and a NEMS event (e.g. `Newborn Hearing`) finds the first in catalogue order (DCH);
    /// the code tells them apart.
    public func event(named query: String) -> EventDefinition? {
        if let event = event(code: query, system: nil) { return event }
        let key = Self.nameKey(query)
        return events.first { Self.nameKey($0.name) == key }
            ?? events.first { Self.nameKey($0.eventCode) == key }
    }

    /// The events that share a name, in catalogue order.
    public func events(named query: String) -> [EventDefinition] {
        let key = Self.nameKey(query)
        return events.filter { Self.nameKey($0.name) == key || Self.nameKey($0.eventCode) == key }
    }

    /// Every event-code system the catalogue knows.
    public var eventSystems: Set<String> { Set(events.map(\.eventSystem)) }

    /// Lower case, with spaces, hyphens, underscores and slashes removed.
    static func nameKey(_ s: String) -> String {
        String(s.lowercased().unicodeScalars.filter { !" -_/,".unicodeScalars.contains($0) }.map(Character.init))
    }
}
