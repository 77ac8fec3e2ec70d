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
        withUnsafePointer(to: root) { walk($0, root: root, into: &issues) }
        return issues
    }

    /// One level of the walk: a children array read in place and the next child to visit.
    private struct Level {
        var children: UnsafePointer<Element>
        var count: Int
        var next: Int
    }

    /// Visits every node of every message, so it reads the tree in place, depth first with its own
    /// stack of levels: passing `Element` values would copy (retain and release) each node's
    /// reference-counted fields, and a recursive walk pays a closure and an array access per node.
    /// The children pointers stay valid for the walk: `root` is borrowed, so no array can change.
    private func walk(_ top: UnsafePointer<Element>, root: Element, into issues: inout [Issue]) {
        report(top, levels: nil, depth: 0, root: root, into: &issues)
        var capacity = 16
        var levels = UnsafeMutablePointer<Level>.allocate(capacity: capacity)
        defer { levels.deallocate() }
        var depth = 0
        var node = top
        while true {
            // Descend into `node`'s children, if any.
            let (first, count) = node.pointee.children.withUnsafeBufferPointer { ($0.baseAddress, $0.count) }
            if let first {
                if depth == capacity {
                    let bigger = UnsafeMutablePointer<Level>.allocate(capacity: capacity * 2)
                    bigger.moveInitialize(from: levels, count: depth)
                    levels.deallocate()
                    levels = bigger
                    capacity *= 2
                }
                (levels + depth).initialize(to: Level(children: first, count: count, next: 0))
                depth += 1
            }
            // The next unvisited child, climbing out of finished levels.
            while depth > 0 && levels[depth - 1].next == levels[depth - 1].count { depth -= 1 }
            if depth == 0 { return }
            node = levels[depth - 1].children + levels[depth - 1].next
            levels[depth - 1].next += 1
            // Only a value of 16 bytes or more can be a date with a time: skip the rest unread.
            if let n = node.pointee.value?.utf8.count, n >= 16 {
                report(node, levels: levels, depth: depth, root: root, into: &issues)
            }
        }
    }

    /// Reports `element` when its value breaks the rule; the first `depth` levels lead to it from
    /// the root (each level's `next` is one past the child taken).
    private func report(_ element: UnsafePointer<Element>, levels: UnsafeMutablePointer<Level>?, depth: Int,
                        root: Element, into issues: inout [Issue]) {
        guard let value = element.pointee.value, Self.lacksZone(value) else { return }
        let steps = (0..<depth).map { levels![$0].next - 1 }
        issues.append(Issue(.error, .value, rule: "event.G13", "'\(value)' has a time but no UTC offset: "
            + "write it with Z or ±hh:mm (e.g. \(value.prefix(19))+00:00)",
            path: path(root, steps), position: element.pointee.position))
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
        if let answer = value.utf8.withContiguousStorageIfAvailable({ lacksZone(bytes: $0) }) { return answer }
        return Array(value.utf8).withUnsafeBufferPointer { lacksZone(bytes: $0) }
    }

    private static func lacksZone(bytes b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard b.count >= 16, b[4] == 45, b[7] == 45, b[10] == 84,
              b[0..<4].allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return false }
        if b[b.count - 1] == 90 { return false }  // Z
        let sign = b[b.count - 6]
        if (sign == 43 || sign == 45) && b[b.count - 3] == 58 { return false }
        return true
    }
}
