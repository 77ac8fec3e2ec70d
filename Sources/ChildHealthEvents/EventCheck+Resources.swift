import FHIRModel

extension EventCheck {
    /// The event page's resource table (rule `E-<code>`): how many of each type, their profiles,
    /// with the delete counts for delete messages (G8).
    mutating func checkResources(_ event: EventDefinition) {
        let rule = "E-" + event.eventCode
        let listed = event.entryResources
        guard !listed.isEmpty else { return }
        var byType: [String: [EventMessage.Entry]] = [:]
        for entry in message.entries.dropFirst() { byType[entry.type, default: []].append(entry) }
        let kind = eventType == .delete ? "a delete" : "a"
        var seen = Set<String>()
        for resource in listed where seen.insert(resource.type).inserted {
            let rows = listed.filter { $0.type == resource.type }
            let limits = rows.map { $0.cardinality(for: eventType) }
            let min = limits.map(\.min).reduce(0, +)
            let max = limits.map(\.max).reduce(0) { $0 > Int.max - $1 ? Int.max : $0 + $1 }
            let found = byType[resource.type] ?? []
            let allowed = EventResource.cardinalityText(min, max)
            // DCH pages state no cardinalities: what our digest inferred is reported, not enforced.
            let stated = rows.allSatisfy(\.cardinalityStated)
            let inferred = stated ? "" : " (cardinality inferred by our digest; the DCH pages state none)"
            if found.count < min {
                add(stated ? .error : .information, stated ? .required : .informational, rule, "\(kind) \(event.name) (\(event.eventCode)) message needs \(allowed) "
                    + "\(resource.type) (\(rows.map(\.name).joined(separator: ", "))); it has \(found.count)\(inferred)",
                    path: "Bundle.entry", at: message.root)
            } else if found.count > max {
                add(stated ? .error : .information, stated ? .structure : .informational, rule,
                    "\(kind) \(event.name) (\(event.eventCode)) message carries at most \(allowed) "
                    + "\(resource.type); it has \(found.count)\(inferred)", path: found[max].path, at: found[max].resource)
            }
            let profiles = Set(rows.map(\.profile))
            for entry in found where !entry.profiles.isEmpty && profiles.isDisjoint(with: entry.profiles) && entry.path != message.focus?.path {
                add(stated ? .warning : .information, stated ? .invalid : .informational, rule, "\(entry.type) claims \(entry.profiles.joined(separator: ", ")); \(event.name) "
                    + "uses \(profiles.sorted().joined(separator: " or "))", path: entry.path + ".meta.profile", at: entry.resource)
            }
        }
        for (type, found) in byType.sorted(by: { $0.key < $1.key }) where !seen.contains(type) {
            add(.information, .informational, rule, "\(type) is not among the resources of \(event.name) (\(event.eventCode))",
                path: found[0].path, at: found[0].resource)
        }
    }
}
