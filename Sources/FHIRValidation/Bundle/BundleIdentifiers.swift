import FHIRModel

/// Layer 4, `bundle.identifier-duplicate` (warning): one business identifier (`identifier.system`
/// + `identifier.value`) on two different resources of the same type in one message Bundle.
/// Receivers link records across messages by it, so two Patients (or two Immunizations…) sharing
/// one would be merged. The same resource twice (the same fullUrl, or the same type and id) is not
/// two resources; resources of different types may share an identifier. The entries' own
/// resources are compared (contained resources have no identity of their own).
extension BundleRules {
    /// One identifier with system and value.
    private struct Held {
        let entry: Int
        /// Its index among the resource's `identifier` children.
        let index: Int
        let position: SourcePosition
        let type: String
        let system: String
        let value: String
    }

    /// Pairs compared one by one up to this many identifiers (messages hold tens); past it, a
    /// dictionary keeps a hostile Bundle linear.
    private static let pairwiseLimit = 64

    mutating func checkIdentifiers(_ entries: [Entry], _ bundle: borrowing Element, _ bundlePath: String) {
        var held: [Held] = []
        for entry in entries {
            guard let type = entry.resourceType, type != "Bundle" else { continue }
            Self.withResource(of: entry, in: bundle) { resource in
                let kids = resource.children.span
                var index = 0
                for k in kids.indices where kids[k].name.isSame(as: "identifier") {
                    if let system = kids[k].valueOfChild(named: "system"), !system.isEmpty,
                       let value = kids[k].valueOfChild(named: "value"), !value.isEmpty {
                        held.append(Held(entry: entry.index, index: index, position: kids[k].position,
                                         type: type, system: system, value: value))
                    }
                    index += 1
                }
            }
        }
        guard held.count > 1 else { return }
        if held.count <= Self.pairwiseLimit {
            for later in 1..<held.count {
                for first in 0..<later where Self.sameIdentifier(held[first], held[later]) {
                    if reportDuplicate(held[first], held[later], entries, bundlePath) { break }
                }
            }
        } else {
            var firsts: [String: [Int]] = [:]
            for later in held.indices {
                let h = held[later]
                let key = h.type + "\u{0}" + h.system + "\u{0}" + h.value
                for first in firsts[key, default: []] where reportDuplicate(held[first], h, entries, bundlePath) { break }
                firsts[key, default: []].append(later)
            }
        }
    }

    private static func sameIdentifier(_ a: Held, _ b: Held) -> Bool {
        a.value.isSame(as: b.value) && a.system.isSame(as: b.system) && a.type.isSame(as: b.type)
    }

    /// Reports `later` against `first` unless both stand on one resource; true when reported.
    private mutating func reportDuplicate(_ first: Held, _ later: Held, _ entries: [Entry], _ bundlePath: String) -> Bool {
        let a = entries[first.entry], b = entries[later.entry]
        if first.entry == later.entry { return false }
        if let u = a.url, let v = b.url, u.isSame(as: v) { return false }
        if let u = a.resourceID, let v = b.resourceID, u.isSame(as: v) { return false }
        let firstPath = identifierPath(first, bundlePath)
        add(.warning, .duplicate, BundleRule.identifierDuplicate,
            "identifier \(later.system)|\(later.value) is also on \(firstPath), another \(later.type) "
            + "(\(describe(a)) vs. \(describe(b))): two resources of one type must not share a business identifier, "
            + "since records are linked across messages by it",
            later.position, identifierPath(later, bundlePath))
        return true
    }

    private func describe(_ entry: Entry) -> String {
        if let url = entry.url { return "fullUrl \(url)" }
        if let id = entry.resourceID { return "id \(id)" }
        return "entry \(entry.index)"
    }

    /// `Bundle.entry[2].resource.identifier[0]` (no index where the resource allows one identifier).
    private func identifierPath(_ h: Held, _ bundlePath: String) -> String {
        let repeats = (try? cache.resource(named: h.type)).flatMap { lookup -> Bool? in
            if case let .found(node) = lookup { return node.children["identifier"]?.info.repeats }
            return nil
        } ?? true
        return "\(bundlePath).entry[\(h.entry)].resource.identifier" + (repeats ? "[\(h.index)]" : "")
    }
}
