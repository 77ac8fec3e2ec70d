import FHIRModel
import FHIRDefinitions
import FHIRValidation

/// The child-health event rules, applied by the validator to every message Bundle (plug them in
/// with `ValidationOptions.ruleSets` of FHIRValidation).
///
/// The rules come from the NHS sources: the NEMS "Generic Event Requirements" page and its event
/// pages (Events-Management), the DCH "Bundle Structure", "Event Header Design" and event pages
/// (Digital-Child-Health-STU3), and the DCH and EMS profiles of the NHS STU3 FHIR assets.
///
/// Rule ids: `event.G1` … `event.G19` for the generic rules (header, event coding, routing
/// demographics, NHS numbers, ODS codes, time zones…), `event.consistency` for dates that
/// contradict each other, `event.E-<event code>` for an event page's resource table (which
/// resources, which profiles, how many) and `event.E-<event code>-<n>` for one numbered rule of
/// that page. ``ruleDescriptions`` says what each id checks.
public struct EventRules: MessageRuleSet {
    /// The events known.
    public let catalogue: EventCatalogue
    /// Definitions, used to name the elements of paths (which elements repeat).
    public let pack: DefinitionPack
    /// What the checks need of each event, in the catalogue's order, worked out on first use.
    let plans: EventPlans
    /// Every event as `name (code)`, for the finding on an unknown event code.
    let knownEvents: String

    /// Event rules over a catalogue and a definition pack. What an event's checks need is worked
    /// out on its first message; mandatory data items come from the catalogue
    /// (``EventDefinition/dataItems``) or, when it lacks them, are resolved then too.
    public init(catalogue: EventCatalogue, pack: DefinitionPack) {
        self.catalogue = catalogue
        self.pack = pack
        knownEvents = catalogue.events.map { "\($0.name) (\($0.eventCode))" }.joined(separator: ", ")
        plans = EventPlans(events: catalogue.events, pack: pack)
    }

    /// The event rules' issues for one message; nothing for anything but a message Bundle.
    public func check(_ root: Element, syntax: MessageFormat) -> [Issue] {
        guard let message = EventMessage(root) else { return [] }
        var check = EventCheck(message: message, catalogue: catalogue, plans: plans, knownEvents: knownEvents)
        check.run()
        var issues = check.issues
        if !check.notApplicable { issues += DateTimeZoneRule(pack: pack).check(root) }
        return issues
    }

    /// The event a message carries, recognised from `MessageHeader.event` (code and system), or nil.
    public func event(of message: EventMessage) -> EventDefinition? {
        let coding = message.eventCoding
        return coding.code.flatMap { catalogue.event(code: $0, system: coding.system) }
    }

    /// What each rule id reported by these rules checks (``EventRuleID``'s message rules and families).
    public static var ruleDescriptions: [(id: String, text: String)] {
        let messageRules = EventRuleID.allCases.filter { $0 != .catalogue && $0 != .catalogueImport }
        return messageRules.map { ($0.rawValue, $0.summary) } + EventRuleID.families.map { ($0.id, $0.summary) }
    }
}
