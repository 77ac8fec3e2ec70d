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
        report(top, [], root: root, into: &issues)
        var levels: [Level] = []
        levels.reserveCapacity(16)
        func push(_ element: UnsafePointer<Element>) {
            element.pointee.children.withUnsafeBufferPointer { children in
                if let first = children.baseAddress { levels.append(Level(children: first, count: children.count, next: 0)) }
            }
        }
        push(top)
        while let last = levels.indices.last {
            let k = levels[last].next
            guard k < levels[last].count else {
                levels.removeLast()
                continue
            }
            levels[last].next = k + 1
            let element = levels[last].children + k
            if element.pointee.value != nil {
                report(element, levels, root: root, into: &issues)
            }
            if !element.pointee.children.isEmpty { push(element) }
        }
    }

    /// Reports `element` when its value breaks the rule; `levels` lead to it from the root (each
    /// level's `next` is one past the child taken).
    private func report(_ element: UnsafePointer<Element>, _ levels: [Level], root: Element, into issues: inout [Issue]) {
        guard let value = element.pointee.value, Self.lacksZone(value) else { return }
        issues.append(Issue(.error, .value, rule: "event.G13", "'\(value)' has a time but no UTC offset: "
            + "write it with Z or ±hh:mm (e.g. \(value.prefix(19))+00:00)",
            path: path(root, levels.map { $0.next - 1 }), position: element.pointee.position))
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
