import FHIRModel
import FHIRDefinitions

/// G13: every dateTime or instant value with a time carries a UTC offset (`Z` or `±hh:mm`). Walks
/// the whole message once, keeping only the child positions of the way down; the path is rendered
/// (names, sibling indices, and the pack saying which elements repeat) only for a value that breaks
/// the rule.
struct DateTimeZoneRule {
    let pack: DefinitionPack

    func check(_ root: Element) -> [Issue] {
        var issues: [Issue] = []
        var trail = [Int](repeating: 0, count: 32)
        report(root, trail: trail, depth: 0, root: root, into: &issues)
        walk(root, depth: 0, trail: &trail, root: root, into: &issues)
        return issues
    }

    /// Visits every node of every message, so it reads the tree in place: passing `Element` values
    /// would copy (retain and release) each node's reference-counted fields. Each child is borrowed
    /// from its parent's children; `trail[..<depth]` are the child indices from the root down to
    /// `e`, for the path of a finding.
    private func walk(_ e: borrowing Element, depth: Int, trail: inout [Int], root: Element,
                      into issues: inout [Issue]) {
        if depth == trail.count { trail.append(contentsOf: repeatElement(0, count: depth)) }
        let kids = e.children.span
        for k in kids.indices {
            // Only a value of 16 bytes or more can be a date with a time: skip the rest unread.
            let long = (kids[k].value?.utf8.count ?? 0) >= 16
            let hasChildren = !kids[k].children.isEmpty
            guard long || hasChildren else { continue }
            trail[depth] = k
            if long { report(kids[k], trail: trail, depth: depth + 1, root: root, into: &issues) }
            if hasChildren { walk(kids[k], depth: depth + 1, trail: &trail, root: root, into: &issues) }
        }
    }

    /// Reports `element` when its value breaks the rule; `trail[..<depth]` are the child indices
    /// that lead to it from the root.
    private func report(_ element: borrowing Element, trail: [Int], depth: Int, root: Element,
                        into issues: inout [Issue]) {
        guard let value = element.value, Self.lacksZone(value) else { return }
        issues.append(Issue(.error, .value, rule: EventRuleID.g13, "'\(value)' has a time but no UTC offset: "
            + "write it with Z or ±hh:mm (e.g. \(value.prefix(19))+00:00)",
            path: path(root, Array(trail[..<depth])), position: element.position))
    }

    /// `Bundle.entry[2].resource.effectiveDateTime`: each step indexed when the definitions say it
    /// repeats (or, for an element they do not know, when its name occurs more than once).
    private func path(_ root: Element, _ steps: [Int]) -> String {
        var text = root.resourceType ?? root.name
        var element = root
        var context = root.resourceType.flatMap { try? pack.context(forType: $0) }
        for k in steps {
            let child = element.children[k]
            let siblings = element.children.lazy.filter { $0.name == child.name }
            let index = element.children[..<k].lazy.filter { $0.name == child.name }.count
            let info = context?.child(child.name)
            let repeats = info?.repeats ?? (siblings.count > 1)
            text += "." + child.name + (repeats ? "[\(index)]" : "")
            if child.isResource, let type = child.resourceType {
                context = try? pack.context(forType: type)
            } else if let info, let parent = context {
                context = (try? pack.context(of: info, in: parent)) ?? (try? pack.primitiveContext(info))
            } else {
                context = nil
            }
            element = child
        }
        return text
    }
    /// A date followed by a time (`YYYY-MM-DDThh:mm…`) with no `Z` and no `±hh:mm` at the end.
    static func lacksZone(_ value: String) -> Bool {
        // Most values are short or have no 'T' at offset 10: decided without copying the bytes.
        lacksZone(bytes: value.utf8.span)
    }

    private static func lacksZone(bytes b: Span<UInt8>) -> Bool {
        guard b.count >= 16, b[4] == 45, b[7] == 45, b[10] == 84 else { return false }
        for k in 0..<4 where b[k] < 48 || b[k] > 57 { return false }
        if b[b.count - 1] == 90 { return false }  // Z
        let sign = b[b.count - 6]
        if (sign == 43 || sign == 45) && b[b.count - 3] == 58 { return false }
        return true
    }
}
