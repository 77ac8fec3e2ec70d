import FHIRDefinitions

/// How dch treats one numbered rule of an event page, decided from the rule's text.
public enum EventRuleTreatment: Sendable, Hashable {
    /// Checked by an existing rule of ours (the `event.` rule id and what it checks).
    case checked(rule: String, how: String)
    /// A mandatory data item checked as its own rule (`event.<page rule id>`).
    case mandatoryItem(DataItemRequirement)
    /// A mandatory data item we cannot check, and why.
    case mandatoryUnchecked(DataItemMapping, reason: String)
    /// "Required data items": sent when recorded, so never an error.
    case sendIfRecorded
    /// "Optional data items": never an error.
    case optional
    /// Prose a machine cannot check.
    case prose

    /// The class's short name, used in listings and counts.
    public var className: String {
        switch self {
        case .checked: return "checked"
        case .mandatoryItem: return "mandatory-checked"
        case .mandatoryUnchecked: return "mandatory-unchecked"
        case .sendIfRecorded: return "required-if-recorded"
        case .optional: return "optional"
        case .prose: return "prose"
        }
    }

    /// The `Issue.rule` this treatment reports under, when the rule is checked.
    public var reportingRule: String? {
        switch self {
        case .checked(let rule, _): return rule
        case .mandatoryItem(let requirement): return EventRuleID.pageRule(requirement.ruleID)
        default: return nil
        }
    }

    /// One line: how dch treats the rule.
    public var summary: String {
        switch self {
        case .checked(let rule, let how): return "checked as \(rule): \(how)"
        case .mandatoryItem(let r):
            return "checked as event.\(r.ruleID): a \(r.resourceType) claiming \(r.profile) must carry \(r.pathText) (not in delete messages)"
        case .mandatoryUnchecked(_, let reason): return "mandatory data item, not checkable: \(reason)"
        case .sendIfRecorded: return "not checkable: required data items are sent only when recorded (never an error)"
        case .optional: return "not checkable: optional data items (never an error)"
        case .prose: return "not checkable: prose (behaviour of senders or receivers, or a note on the sources)"
        }
    }
}

/// An event page rule with its treatment.
public struct ClassifiedEventRule: Sendable, Hashable {
    /// The rule as the catalogue holds it.
    public var rule: EventRule
    /// How dch treats it.
    public var treatment: EventRuleTreatment
}

/// Classifies the numbered rules of event pages from their text: which of them our checks cover,
/// which are mandatory data items (checked when the definitions resolve their path) and which are
/// not machine-checkable.
public struct EventRuleClassifier: Sendable {
    /// The definitions that resolve data-item paths.
    public let pack: DefinitionPack

    /// A classifier over a definition pack.
    public init(pack: DefinitionPack) { self.pack = pack }

    /// Every rule of an event, in page order.
    public func classify(_ event: EventDefinition) -> [ClassifiedEventRule] {
        event.rules.map { ClassifiedEventRule(rule: $0, treatment: treatment(of: $0, in: event)) }
    }

    /// The mandatory data items of an event that the definitions resolve, in page order.
    public func mandatoryDataItems(of event: EventDefinition) -> [DataItemRequirement] {
        classify(event).compactMap { rule in
            if case .mandatoryItem(let requirement) = rule.treatment { return requirement }
            return nil
        }
    }

    /// The treatment of one rule of an event.
    public func treatment(of rule: EventRule, in event: EventDefinition) -> EventRuleTreatment {
        let text = rule.text
        let header = event.family == .nems && !event.isLegacy ? EventRuleID.g3 : EventRuleID.g4
        if let mapping = DataItemMapping(ruleText: text) {
            switch DataItemResolver(pack: pack, event: event).resolve(mapping, ruleID: rule.id) {
            case .success(let requirement): return .mandatoryItem(requirement)
            case .failure(let why): return .mandatoryUnchecked(mapping, reason: why.reason)
            }
        }
        if text.hasPrefix("Required data items") { return .sendIfRecorded }
        if text.hasPrefix("Optional data items") { return .optional }
        if text.hasPrefix("MessageHeader.event = {") {
            return .checked(rule: EventRuleID.g5.rawValue, how: "event code and system recognised, display compared with the code system's")
        }
        if text.hasPrefix("Code exists only in corpus") {
            return .checked(rule: EventRuleID.g5.rawValue, how: "the legacy EMS code is recognised in its code system")
        }
        if text.hasPrefix("MessageHeader.focus references") || text.hasPrefix("focus references")
            || (text.hasPrefix("focus -> ") && event.focus != nil) {
            return .checked(rule: header.rawValue, how: "MessageHeader.focus resolves to the event's \(event.focus?.type ?? "resource") and its profile")
        }
        if text.contains("meta.lastUpdated 1..1") {
            return .checked(rule: EventRuleID.pageRule(rule.id), how: "MessageHeader.meta.lastUpdated present")
        }
        if Self.isEventTypeRule(text) {
            let allowed = event.allowedMessageEventTypes.map(\.rawValue).joined(separator: ", ")
            return .checked(rule: EventRuleID.g7.rawValue, how: "messageEventType limited to \(allowed)")
        }
        return .prose
    }

    /// Rules that state which of new/update/delete an event uses, and nothing more.
    static func isEventTypeRule(_ text: String) -> Bool {
        let starts = ["messageEventType: ", "new/update/delete all supported", "new = first share",
                      "Published only by Spine", "Spine-published only; messageEventType", "Spine-published only; Beta"]
        return starts.contains { text.hasPrefix($0) }
    }
}
