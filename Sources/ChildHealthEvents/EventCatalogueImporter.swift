import Foundation
import FHIRModel
import FHIRDefinitions

/// Turns an events digest into the compact catalogue shipped in `Schemas/events.json`: only the
/// fields dch uses, sorted by family and code, one event per line. The digest is a JSON transcript
/// of the event pages of the NEMS (Events-Management) and DCH (Digital-Child-Health-STU3) sites:
/// for each event its code, profiles, resource table and numbered rules. `dch pack build` reads it
/// at ``digestPath`` under its `--shared` folder, beside the official definitions.
///
/// Every code of the event code systems the digest uses is an event, page or not: the codes no
/// page describes (DCH `CH036`, `CH037`; most of the NEMS `EventType-1` codes) come from the
/// CodeSystems in the definition pack, as events of their system's family with only the Bundle
/// and MessageHeader rows and no page rules (``EventDefinition/hasPage`` false).
public enum EventCatalogueImporter {
    /// Where the digest lives under the `--shared` folder of `dch pack build`.
    public static let digestPath = "spec/events.json"

    /// The digest's events as catalogue definitions, sorted by family then code.
    public static func events(fromDigest data: Data) throws -> [EventDefinition] {
        let raw: [DigestEvent]
        do {
            raw = try JSONDecoder().decode([DigestEvent].self, from: data)
        } catch {
            throw IssuesError(Issue(.fatal, .processing, rule: EventRuleID.catalogueImport, "the events digest cannot be read: \(error)"))
        }
        return sorted(try raw.map { try $0.definition() })
    }

    /// The shipped file's bytes: a JSON array, one event per line with sorted keys.
    public static func render(_ events: [EventDefinition]) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let lines = try events.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        return Data(("[\n" + lines.joined(separator: ",\n") + "\n]\n").utf8)
    }

    /// Reads the digest under `sharedRoot`, adds the event codes of `pack`'s CodeSystems that no
    /// page describes, and returns the catalogue file's bytes.
    public static func catalogueFile(sharedRoot: URL, pack: DefinitionPack) throws -> Data {
        let url = sharedRoot.appendingPathComponent(digestPath)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw IssuesError(Issue(.fatal, .processing, rule: EventRuleID.catalogueImport, "\(url.path) cannot be read"))
        }
        let described = try events(fromDigest: data)
        let pageless = try pagelessEvents(besides: described) { system in try pack.codeSystem(url: system)?.concepts }
        return try render(resolvingDataItems(of: sorted(described + pageless), pack: pack))
    }

    /// The events with their mandatory data items resolved against `pack`
    /// (``EventDefinition/dataItems``), as every run would otherwise resolve them.
    public static func resolvingDataItems(of events: [EventDefinition], pack: DefinitionPack) -> [EventDefinition] {
        let classifier = EventRuleClassifier(pack: pack)
        return events.map { event in
            var event = event
            event.dataItems = classifier.mandatoryDataItems(of: event)
            return event
        }
    }

    /// The codes of the described events' code systems that no event describes, as events without a
    /// page. Each takes its family, profiles, extensions and routing from the first current (else
    /// any) described event of its system, and carries the Bundle and MessageHeader rows and the
    /// rows every described event of its system shares (`commonRows(of:)`): what the generic rules
    /// and the family's profiles ask of any event. A system `concepts` cannot find adds nothing.
    public static func pagelessEvents(besides described: [EventDefinition],
                                      concepts: (String) throws -> [CodeRecord]?) rethrows -> [EventDefinition] {
        var systems: [String] = []
        for event in described where !systems.contains(event.eventSystem) { systems.append(event.eventSystem) }
        var result: [EventDefinition] = []
        for system in systems {
            let ofSystem = described.filter { $0.eventSystem == system }
            guard let template = ofSystem.first(where: { !$0.isLegacy }) ?? ofSystem.first,
                  let codes = try concepts(system) else { continue }
            let known = Set(ofSystem.map(\.eventCode))
            for concept in codes where !known.contains(concept.code) {
                var event = template
                event.name = concept.display ?? concept.code
                event.eventCode = concept.code
                event.eventDisplay = concept.display
                event.allowedMessageEventTypes = MessageEventType.allCases
                event.resources = template.resources.filter { $0.role == .bundle || $0.role == .header }
                    + commonRows(of: ofSystem.filter { $0.isLegacy == template.isLegacy })
                event.hasPage = false
                event.rules = []
                result.append(event)
            }
        }
        return result
    }

    /// The entry rows (after Bundle and MessageHeader) whose resource type every one of `events`
    /// carries, at the least minimum and the greatest maximum among them, with the first event's
    /// role and profile (the DCH header fixes the focus as an Encounter on every page; every NEMS
    /// page carries the Patient).
    static func commonRows(of events: [EventDefinition]) -> [EventResource] {
        guard let first = events.first else { return [] }
        return first.entryResources.compactMap { row in
            var shared = row
            for event in events.dropFirst() {
                let same = event.entryResources.filter { $0.type == row.type }
                guard !same.isEmpty else { return nil }
                shared.min = Swift.min(shared.min, same.map(\.min).min() ?? 0)
                shared.max = Swift.max(shared.max, same.map(\.max).max() ?? 0)
            }
            shared.deleteMin = nil
            shared.deleteMax = nil
            return shared
        }
    }

    /// Family, then code.
    static func sorted(_ events: [EventDefinition]) -> [EventDefinition] {
        events.sorted { ($0.family.rawValue, $0.eventCode) < ($1.family.rawValue, $1.eventCode) }
    }
}

/// One event of the digest, as written there (more fields than the catalogue keeps).
private struct DigestEvent: Decodable {
    var name: String
    var family: String
    var status: String?
    var eventCode: String
    var eventDisplay: String?
    var eventSystem: String
    var messageHeaderProfile: String
    var bundleProfile: String
    var messageEventTypeExtension: String
    var messageEventTypeSystem: String
    var allowedMessageEventTypes: [String]?
    var routingDemographicsExtension: String?
    var rules: [String]?
    var resources: [DigestResource]

    func definition() throws -> EventDefinition {
        guard let family = EventFamily(rawValue: family) else { throw problem("unknown family '\(family)'") }
        let types = try (allowedMessageEventTypes ?? MessageEventType.allCases.map(\.rawValue)).map { code in
            guard let type = MessageEventType(rawValue: code) else { throw problem("unknown message event type '\(code)'") }
            return type
        }
        return EventDefinition(
            name: name, family: family, eventCode: eventCode, eventDisplay: eventDisplay, eventSystem: eventSystem,
            messageHeaderProfile: messageHeaderProfile, bundleProfile: bundleProfile,
            messageEventTypeExtension: messageEventTypeExtension, messageEventTypeSystem: messageEventTypeSystem,
            allowedMessageEventTypes: types, resources: try resources.map { try $0.resource(problem) },
            routingDemographicsExtension: routingDemographicsExtension, isLegacy: status == "legacy-corpus-only",
            rules: try (rules ?? []).map(rule))
    }

    /// "E-xx-1: text" -> id and text.
    func rule(_ line: String) throws -> EventRule {
        guard let colon = line.range(of: ": ") else { throw problem("a rule without an id: '\(line.prefix(40))'") }
        return EventRule(id: String(line[..<colon.lowerBound]), text: String(line[colon.upperBound...]))
    }

    func problem(_ text: String) -> IssuesError {
        IssuesError(Issue(.fatal, .processing, rule: EventRuleID.catalogueImport, "event \(eventCode): \(text)"))
    }
}

private struct DigestResource: Decodable {
    var type: String
    var name: String
    var profile: String
    var min: Int
    var max: String
    var role: String
    var deleteMin: Int?
    var deleteMax: String?
    var cardinalityBasis: String?

    func resource(_ problem: (String) -> IssuesError) throws -> EventResource {
        guard let role = EventResourceRole(rawValue: role) else { throw problem("unknown role '\(role)'") }
        guard let max = EventResource.parseMax(max) else { throw problem("bad max '\(max)' of \(name)") }
        let deleteMax = try deleteMax.map { text -> Int in
            guard let value = EventResource.parseMax(text) else { throw problem("bad deleteMax '\(text)' of \(name)") }
            return value
        }
        return EventResource(type: type, name: name, profile: profile, min: min, max: max, role: role,
                             deleteMin: deleteMin, deleteMax: deleteMax, cardinalityStated: cardinalityBasis != "inferred")
    }
}
