import FHIRModel

extension EventCheck {
    /// The event page's mandatory data items (rules `E-<page>-<n>`): each must be in a resource of its
    /// profile. A message without any such resource is the resource table's business (`E-<code>`),
    /// and delete messages may carry the minimum payload, so neither is reported here.
    mutating func checkDataItems(_ requirements: [DataItemRequirement]) {
        guard eventType != .delete else { return }
        for requirement in requirements {
            let candidates = carriers(of: requirement)
            guard !candidates.isEmpty, !candidates.contains(where: { Self.carries($0.resource, requirement.steps) }) else { continue }
            let first = candidates[0]
            let path = first.path + "." + requirement.steps.map(\.segment).joined(separator: ".")
            add(.error, .required, requirement.ruleID, "mandatory data item '\(requirement.mapping.displayName)' is missing: "
                + "\(requirement.mapping.profileName).\(requirement.pathText) must always be sent (coded text when "
                + "nothing is known); \(first.type) \(first.path) has none", path: path, at: first.resource)
        }
    }

    /// The message's resources of the requirement's profile: those claiming it, else (when none
    /// claims it) those of its type that claim no profile while the event lists the profile for the type.
    func carriers(of requirement: DataItemRequirement) -> [EventMessage.Entry] {
        let entries = message.entries.dropFirst()
        let claiming = entries.filter { $0.profiles.contains(requirement.profile) }
        if !claiming.isEmpty { return claiming }
        let listed = event?.resources.contains { $0.type == requirement.resourceType && $0.profile == requirement.profile } ?? false
        guard listed else { return [] }
        return entries.filter { $0.type == requirement.resourceType && $0.profiles.isEmpty }
    }

    /// True when the steps lead to at least one element from this resource.
    static func carries(_ resource: Element, _ steps: [DataItemRequirement.Step]) -> Bool {
        var nodes = [resource]
        for step in steps {
            nodes = nodes.flatMap { node -> [Element] in
                switch step {
                case .child(let name):
                    return node.children(named: name)
                case .sliced(let name, _, let system):
                    return node.children(named: name).filter { $0.child("system")?.value == system }
                case .codingSliced(let name, _, let system):
                    return node.children(named: name).filter { c in c.children(named: "coding").contains { $0.child("system")?.value == system } }
                case .extensionSlice(_, let url):
                    return node.children(named: "extension").filter { $0.url == url }
                }
            }
            if nodes.isEmpty { return false }
        }
        return true
    }
}
