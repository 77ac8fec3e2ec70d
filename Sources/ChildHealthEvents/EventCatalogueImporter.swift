import Foundation
import FHIRModel

/// Turns the events digest (`../shared/spec/events.json`) into the compact catalogue shipped in
/// `Schemas/events.json`: only the fields dch uses, sorted by family and code, one event per line.
public enum EventCatalogueImporter {
    /// Where the digest lives under the shared folder.
    public static let digestPath = "spec/events.json"

    /// The digest's events as catalogue definitions, sorted by family then code.
    public static func events(fromDigest data: Data) throws -> [EventDefinition] {
        let raw: [DigestEvent]
        do {
            raw = try JSONDecoder().decode([DigestEvent].self, from: data)
        } catch {
            throw IssuesError(Issue(.fatal, .processing, rule: "events.import", "the events digest cannot be read: \(error)"))
        }
        return try raw.map { try $0.definition() }
            .sorted { ($0.family.rawValue, $0.eventCode) < ($1.family.rawValue, $1.eventCode) }
    }

    /// The shipped file's bytes: a JSON array, one event per line with sorted keys.
    public static func render(_ events: [EventDefinition]) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let lines = try events.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        return Data(("[\n" + lines.joined(separator: ",\n") + "\n]\n").utf8)
    }

    /// Reads the digest under `sharedRoot` and returns the catalogue file's bytes.
    public static func catalogueFile(sharedRoot: URL) throws -> Data {
        let url = sharedRoot.appendingPathComponent(digestPath)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw IssuesError(Issue(.fatal, .processing, rule: "events.import", "\(url.path) cannot be read"))
        }
        return try render(events(fromDigest: data))
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
        IssuesError(Issue(.fatal, .processing, rule: "events.import", "event \(eventCode): \(text)"))
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
