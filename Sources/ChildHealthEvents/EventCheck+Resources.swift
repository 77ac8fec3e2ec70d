import FHIRModel

extension EventCheck {
    /// The event page's resource table (rule `E-<code>`): how many of each type, their profiles,
    /// with the delete counts for delete messages (G8).
    mutating func checkResources(_ plan: EventPlan) {
        let groups = plan.groups
        guard !groups.isEmpty else { return }
        let rule = plan.resourceRule
        let entries = message.entries
        // Each entry but the MessageHeader (wherever it stands: layer 4 reports it out of place), by
        // the group of its type (-1: a type the page does not list).
        let headerIndex = message.header?.index
        var groupOf = [Int](repeating: -1, count: entries.count)
        var counts = [Int](repeating: 0, count: groups.count)
        var unlisted = false
        for i in entries.indices where entries[i].index != headerIndex {
            let type = entries[i].type
            if let g = groups.firstIndex(where: { $0.type.isSame(as: type) }) {
                groupOf[i] = g
                counts[g] += 1
            } else {
                unlisted = true
            }
        }
        let kind = eventType == .delete ? "a delete" : "a"
        for g in groups.indices {
            let group = groups[g]
            let (min, max) = group.limits(eventType)
            let found = counts[g]
            // DCH pages state no cardinalities: what dch infers from the page's profile list is reported, not enforced.
            let stated = group.stated
            if found < min || found > max {
                let event = plan.event
                let allowed = EventResource.cardinalityText(min, max)
                let inferred = stated ? "" : " (cardinality inferred by dch from the page's profile list; the DCH pages state none)"
                if found < min {
                    add(stated ? .error : .information, stated ? .required : .informational, rule, "\(kind) \(event.name) (\(event.eventCode)) message needs \(allowed) "
                        + "\(group.type) (\(group.rowNames)); it has \(found)\(inferred)",
                        path: "Bundle.entry", at: message.root)
                } else {
                    let extra = entries.indices.filter { groupOf[$0] == g }[max]
                    add(stated ? .error : .information, stated ? .structure : .informational, rule,
                        "\(kind) \(event.name) (\(event.eventCode)) message carries at most \(allowed) "
                        + "\(group.type); it has \(found)\(inferred)", path: entries[extra].path, at: entries[extra].resource)
                }
            }
            guard found > 0 else { continue }
            for i in entries.indices where groupOf[i] == g {
                guard !entries[i].profiles.isEmpty, !entries[i].profiles.contains(where: { group.profiles.containsSame($0) }),
                      entries[i].index != focus?.index else { continue }
                let entry = entries[i], event = plan.event
                add(stated ? .warning : .information, stated ? .invalid : .informational, rule, "\(entry.type) claims \(entry.profiles.joined(separator: ", ")); \(event.name) "
                    + "uses \(group.profilesText)", path: entry.path + ".meta.profile", at: entry.resource)
            }
        }
        guard unlisted else { return }
        var firstOfType: [String: EventMessage.Entry] = [:]
        for i in entries.indices where entries[i].index != headerIndex && groupOf[i] < 0 && firstOfType[entries[i].type] == nil {
            firstOfType[entries[i].type] = entries[i]
        }
        let event = plan.event
        for (type, first) in firstOfType.sorted(by: { $0.key < $1.key }) {
            add(.information, .informational, rule, "\(type) is not among the resources of \(event.name) (\(event.eventCode))",
                path: first.path, at: first.resource)
        }
    }
}
