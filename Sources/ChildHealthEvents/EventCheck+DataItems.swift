import FHIRModel

extension EventCheck {
    /// The event page's mandatory data items (rules `E-<page>-<n>`): each must be in a resource of its
    /// profile. A message without any such resource is the resource table's business (`E-<code>`),
    /// and delete messages may carry the minimum payload, so neither is reported here.
    mutating func checkDataItems(_ plan: EventPlan) {
        guard eventType != .delete else { return }
        for item in plan.dataItems {
            guard let first = firstCarrierLacking(item) else { continue }
            let requirement = item.requirement
            let entry = message.entries[first]
            add(.error, .required, EventRuleID.pageRule(requirement.ruleID), "mandatory data item '\(requirement.mapping.displayName)' is missing: "
                + "\(requirement.mapping.profileName).\(requirement.pathText) must always be sent (coded text when "
                + "nothing is known); \(entry.type) \(entry.path) has none", path: entry.path + item.pathSuffix, at: entry.resource)
        }
    }

    /// When no resource of the requirement's profile carries the item, the first such resource (its
    /// position in the entries); nil when one carries it or the message has none. The resources of
    /// the profile are those claiming it, else (when none claims it) those of its type that claim
    /// no profile while the event lists the profile for the type.
    func firstCarrierLacking(_ item: EventPlan.DataItem) -> Int? {
        let entries = message.entries
        var first: Int?
        for i in entries.indices.dropFirst() where entries[i].profiles.containsSame(item.profile) {
            if Self.carries(entries[i].resource, item.steps[...]) { return nil }
            if first == nil { first = i }
        }
        guard first == nil, item.listed else { return first }
        for i in entries.indices.dropFirst() where entries[i].profiles.isEmpty && entries[i].type.isSame(as: item.resourceType) {
            if Self.carries(entries[i].resource, item.steps[...]) { return nil }
            if first == nil { first = i }
        }
        return first
    }

    /// True when the steps lead to at least one element from this node (depth first, no copies of
    /// the levels).
    static func carries(_ node: Element, _ steps: ArraySlice<DataItemRequirement.Step>) -> Bool {
        guard let step = steps.first else { return true }
        let rest = steps.dropFirst()
        let children = node.children.span
        for k in children.indices where matches(children[k], step) && carries(children[k], rest) { return true }
        return false
    }

    /// True when a child is one the step leads to.
    static func matches(_ child: Element, _ step: DataItemRequirement.Step) -> Bool {
        switch step {
        case .child(let name):
            return child.name == name
        case .sliced(let name, _, let system):
            return child.name == name && child.valueOfChild(named: "system") == system
        case .codingSliced(let name, _, let system):
            guard child.name == name else { return false }
            let codings = child.children.span
            for k in codings.indices where codings[k].name == "coding" && codings[k].valueOfChild(named: "system") == system { return true }
            return false
        case .extensionSlice(_, let url):
            return child.name == "extension" && child.url == url
        }
    }
}
