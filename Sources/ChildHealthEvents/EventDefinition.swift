import Foundation

/// The standard an event belongs to: Digital Child Health or the National Events Management Service
/// (which also holds the older EMS codes of the corpus).
public enum EventFamily: String, Sendable, Hashable, Codable, CaseIterable {
    /// Digital Child Health (the DCH event pages and the `DCH-ChildHealthEventType-1` codes CH001–CH035).
    case dch = "DCH"
    /// The National Events Management Service (the NEMS event pages, and the `EMS-EventType-1` codes).
    case nems = "NEMS"
}

/// What a message does to the event it carries: the code of the message-event-type extension.
public enum MessageEventType: String, Sendable, Hashable, Codable, CaseIterable {
    /// The first share of an event.
    case new
    /// A change to information already sent.
    case update
    /// The record no longer exists.
    case delete
}

/// The part a resource plays in an event message.
public enum EventResourceRole: String, Sendable, Hashable, Codable, CaseIterable {
    /// The Bundle itself.
    case bundle
    /// The MessageHeader, first entry.
    case header
    /// The resource `MessageHeader.focus` points to.
    case focus
    /// The patient the event is about.
    case subject
    /// Any other resource the event carries.
    case supporting
}

/// One resource an event carries, with its profile and how many of it a message holds.
public struct EventResource: Sendable, Hashable, Codable {
    /// The resource type, e.g. `Encounter`.
    public var type: String
    /// The profile's name as the event page gives it (e.g. `CareConnect-DCH-Encounter-1`).
    public var name: String
    /// The canonical URL of the profile.
    public var profile: String
    /// Least number of such resources in a `new` or `update` message.
    public var min: Int
    /// Most such resources (`Int.max` for `*`).
    public var max: Int
    /// The resource's part in the message.
    public var role: EventResourceRole
    /// Least number in a `delete` message, when the event page relaxes it.
    public var deleteMin: Int?
    /// Most in a `delete` message, when the event page gives it (`Int.max` for `*`).
    public var deleteMax: Int?
    /// True when the sources state the cardinality (NEMS pages, profiles); false when it
    /// was inferred from the page (DCH pages list profiles without cardinalities).
    public var cardinalityStated: Bool

    /// A resource entry of an event.
    public init(type: String, name: String, profile: String, min: Int, max: Int, role: EventResourceRole,
                deleteMin: Int? = nil, deleteMax: Int? = nil, cardinalityStated: Bool = true) {
        self.type = type; self.name = name; self.profile = profile; self.min = min; self.max = max
        self.role = role; self.deleteMin = deleteMin; self.deleteMax = deleteMax
        self.cardinalityStated = cardinalityStated
    }

    /// The cardinality that applies to a message of this event type.
    public func cardinality(for eventType: MessageEventType?) -> (min: Int, max: Int) {
        guard eventType == .delete else { return (min, max) }
        return (deleteMin ?? min, deleteMax ?? max)
    }

    /// `min..max` as FHIR writes it (`*` for no upper limit).
    public static func cardinalityText(_ min: Int, _ max: Int) -> String {
        "\(min)..\(max == Int.max ? "*" : String(max))"
    }

    private enum CodingKeys: String, CodingKey { case type, name, profile, min, max, role, deleteMin, deleteMax, cardinalityStated }

    // The shipped file writes maxima as FHIR does ("1", "*"), so it stays readable and diffable.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.decode(String.self, forKey: .type)
        name = try c.decode(String.self, forKey: .name)
        profile = try c.decode(String.self, forKey: .profile)
        min = try c.decode(Int.self, forKey: .min)
        max = try Self.decodeMax(c.decode(String.self, forKey: .max), c, .max)
        role = try c.decode(EventResourceRole.self, forKey: .role)
        deleteMin = try c.decodeIfPresent(Int.self, forKey: .deleteMin)
        deleteMax = try c.decodeIfPresent(String.self, forKey: .deleteMax).map { try Self.decodeMax($0, c, .deleteMax) }
        cardinalityStated = try c.decode(Bool.self, forKey: .cardinalityStated)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(type, forKey: .type)
        try c.encode(name, forKey: .name)
        try c.encode(profile, forKey: .profile)
        try c.encode(min, forKey: .min)
        try c.encode(Self.maxText(max), forKey: .max)
        try c.encode(role, forKey: .role)
        try c.encodeIfPresent(deleteMin, forKey: .deleteMin)
        try c.encodeIfPresent(deleteMax.map(Self.maxText), forKey: .deleteMax)
        try c.encode(cardinalityStated, forKey: .cardinalityStated)
    }

    static func maxText(_ max: Int) -> String { max == Int.max ? "*" : String(max) }

    static func parseMax(_ text: String) -> Int? { text == "*" ? Int.max : Int(text) }

    private static func decodeMax(_ text: String, _ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> Int {
        guard let value = parseMax(text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "not a maximum: '\(text)'")
        }
        return value
    }
}

/// One rule of an event page, with a stable id (e.g. `E-vaccinations-1-2`: the second rule of the
/// NEMS vaccinations-1 page).
public struct EventRule: Sendable, Hashable, Codable {
    /// The rule's id; findings against it have the `Issue.rule` `event.<id>`.
    public var id: String
    /// The rule in words.
    public var text: String

    /// A rule with its id and text.
    public init(id: String, text: String) { self.id = id; self.text = text }
}

/// One event of the DCH or NEMS standards: how its message is coded and what it carries.
public struct EventDefinition: Sendable, Hashable, Codable {
    /// The event's name, e.g. `Vaccinations`.
    public var name: String
    /// DCH or NEMS.
    public var family: EventFamily
    /// `MessageHeader.event.code`, e.g. `vaccinations-1` or `CH015`.
    public var eventCode: String
    /// `MessageHeader.event.display` where the sources fix one.
    public var eventDisplay: String?
    /// `MessageHeader.event.system`.
    public var eventSystem: String
    /// The MessageHeader profile of this event's messages.
    public var messageHeaderProfile: String
    /// The Bundle profile of this event's messages.
    public var bundleProfile: String
    /// The URL of the message-event-type extension on the MessageHeader.
    public var messageEventTypeExtension: String
    /// The code system of the message-event-type codes.
    public var messageEventTypeSystem: String
    /// Which of new/update/delete the event allows (all three when the sources say nothing).
    public var allowedMessageEventTypes: [MessageEventType]
    /// The resources the event's messages carry, Bundle and MessageHeader first.
    public var resources: [EventResource]
    /// The routing-demographics extension URL (NEMS events), nil when the event has none.
    public var routingDemographicsExtension: String?
    /// True for the EMS codes that exist only in the corpus's older assets.
    public var isLegacy: Bool
    /// False for a code of an event code system that no event page describes (e.g. DCH `CH036`
    /// Medication Administration): its messages get the generic rules and what their profiles say.
    public var hasPage: Bool
    /// The event page's rules.
    public var rules: [EventRule]
    /// The page's mandatory data items as the definition pack resolves them, worked out by
    /// `dch pack build` (``EventCatalogueImporter``) so that no run classifies the page's rules
    /// again; nil in a catalogue made without a pack, whose items are then resolved on first use.
    public var dataItems: [DataItemRequirement]?

    /// An event definition.
    public init(name: String, family: EventFamily, eventCode: String, eventDisplay: String?, eventSystem: String,
                messageHeaderProfile: String, bundleProfile: String, messageEventTypeExtension: String,
                messageEventTypeSystem: String, allowedMessageEventTypes: [MessageEventType], resources: [EventResource],
                routingDemographicsExtension: String?, isLegacy: Bool = false, hasPage: Bool = true, rules: [EventRule]) {
        self.name = name; self.family = family; self.eventCode = eventCode; self.eventDisplay = eventDisplay
        self.eventSystem = eventSystem; self.messageHeaderProfile = messageHeaderProfile
        self.bundleProfile = bundleProfile; self.messageEventTypeExtension = messageEventTypeExtension
        self.messageEventTypeSystem = messageEventTypeSystem; self.allowedMessageEventTypes = allowedMessageEventTypes
        self.resources = resources; self.routingDemographicsExtension = routingDemographicsExtension
        self.isLegacy = isLegacy; self.hasPage = hasPage; self.rules = rules
    }

    /// The resource `MessageHeader.focus` points to, when the event names one.
    public var focus: EventResource? { resources.first { $0.role == .focus } }

    /// The patient resource of the event, when it carries one.
    public var subject: EventResource? { resources.first { $0.role == .subject } }

    /// The resources a message carries in entries after the MessageHeader.
    public var entryResources: [EventResource] { resources.filter { $0.role != .bundle && $0.role != .header } }
}
