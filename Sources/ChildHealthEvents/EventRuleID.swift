import FHIRModel

/// The rule ids of layer 6, the DCH/NEMS event rules: the generic rules (`event.G5`) and two
/// families made per event (``resources(ofEvent:)``, ``pageRule(_:)``).
public enum EventRuleID: String, RuleRegistry {
    /// NEMS MessageHeader (Event-MessageHeader-1): id, source.contact, responsible Organization, focus of the event's type.
    case g3 = "event.G3"
    /// DCH/EMS MessageHeader: id, timestamp, source.endpoint, responsible Organization, focus of the event's type.
    case g4 = "event.G4"
    /// MessageHeader.event: a known event code of the DCH, NEMS or EMS event code systems, with its display.
    case g5 = "event.G5"
    /// The messageEventType extension (any of its three URL forms) with new, update or delete.
    case g6 = "event.G6"
    /// The messageEventType the event allows (e.g. screening events never use update).
    case g7 = "event.G7"
    /// MessageHeader.meta.lastUpdated for NEMS events, meta.versionId an integer, Patient.meta.versionId for PDS events.
    case g9 = "event.G9"
    /// Routing demographics (NEMS): present, NHS number, name and birth date-time, matching the Patient.
    case g10 = "event.G10"
    /// NHS numbers: system https://fhir.nhs.uk/Id/nhs-number, 10 digits, modulus 11 check digit.
    case g11 = "event.G11"
    /// ODS codes: system ods-organization-code or ods-site-code, plausible format; responsible is an Organization.
    case g12 = "event.G12"
    /// A dateTime or instant with a time carries a UTC offset.
    case g13 = "event.G13"
    /// Dates of one message that contradict each other (a death before the birth, an event before the birth…).
    case consistency = "event.consistency"
    /// The event catalogue of the definition pack cannot be read (no fault of the message).
    case catalogue = "events.catalogue"
    /// Importing the event catalogue from the spec digest failed.
    case catalogueImport = "events.import"

    /// The layer these rules belong to.
    public static let layer = RuleLayer.events

    /// What the rule checks, in one line (listings, SARIF rule descriptions).
    public var summary: String {
        switch self {
        case .g3: return "NEMS MessageHeader (Event-MessageHeader-1): id, source.contact, responsible Organization, focus of the event's type"
        case .g4: return "DCH/EMS MessageHeader: id, timestamp, source.endpoint, responsible Organization, focus of the event's type"
        case .g5: return "MessageHeader.event: a known event code of the DCH, NEMS or EMS event code systems (every code of them, page or "
            + "not), with the code system's or the event page's display; other message families are noted as out of scope"
        case .g6: return "the messageEventType extension (any of its three URL forms, reported as information) with new, update or delete"
        case .g7: return "the messageEventType the event allows (e.g. screening events never use update)"
        case .g9: return "MessageHeader.meta.lastUpdated for NEMS events, meta.versionId an integer, Patient.meta.versionId for PDS events"
        case .g10: return "routing demographics (NEMS): present, NHS number, name and birth date-time, matching the Patient "
            + "(birth date and time at the precision both give)"
        case .g11: return "NHS numbers: system https://fhir.nhs.uk/Id/nhs-number, 10 digits, modulus 11 check digit"
        case .g12: return "ODS codes: system ods-organization-code or ods-site-code, plausible format; responsible is an Organization"
        case .g13: return "a dateTime or instant with a time carries a UTC offset"
        case .consistency: return "dates of one message that contradict each other: a patient-birthTime on another day than birthDate, "
            + "a death before the birth, the event's clinical dates (encounter, observation, vaccination, procedure, specimen…) before the birth"
        case .catalogue: return "the event catalogue of the definition pack cannot be read (no fault of the message)"
        case .catalogueImport: return "importing the event catalogue from the spec digest failed"
        }
    }

    /// What every event rule id starts with.
    public static let prefix = "event."

    /// The id of an event's resource rule (`event.E-<event code>`): its resources' types, counts and profiles.
    public static func resources(ofEvent eventCode: String) -> String { prefix + "E-" + eventCode }

    /// The id of a numbered rule of an event page (`event.E-<page>-<n>`), from its page id (`E-xx-1`).
    public static func pageRule(_ pageRuleID: String) -> String { prefix + pageRuleID }

    /// The families of ids made at run time, each with its pattern.
    public static var families: [RuleDescription] {
        [RuleDescription(id: "event.E-<code>", layer: layer,
                         summary: "the event page's resources: types, counts (delete counts for delete messages) and profiles",
                         familyPrefix: prefix + "E-"),
         RuleDescription(id: "event.E-<page>-<n>", layer: layer,
                         summary: "a numbered rule of an event page: a mandatory data item (in a resource of its profile; "
                             + "`dch events --rules` lists them) or MessageHeader.meta.lastUpdated",
                         familyPrefix: prefix + "E-")]
    }
}
