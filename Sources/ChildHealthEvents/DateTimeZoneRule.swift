import FHIRModel
import FHIRDefinitions

/// G13: every dateTime or instant value with a time carries a UTC offset (`Z` or `±hh:mm`). Walks
/// the whole message once; the pack names which elements repeat, for the paths.
struct DateTimeZoneRule {
    let pack: DefinitionPack

    func check(_ root: Element) -> [Issue] {
        var issues: [Issue] = []
        let context = root.resourceType.flatMap { try? pack.context(forType: $0) }
        walk(root, path: root.resourceType ?? root.name, context: context, into: &issues)
        return issues
    }

    private func walk(_ element: Element, path: String, context: TypeContext?, into issues: inout [Issue]) {
        if let value = element.value, Self.lacksZone(value) {
            issues.append(Issue(.error, .value, rule: "event.G13", "'\(value)' has a time but no UTC offset: "
                + "write it with Z or ±hh:mm (e.g. \(value.prefix(19))+00:00)", path: path, position: element.position))
        }
        var counts: [String: Int] = [:]
        for child in element.children {
            let index = counts[child.name, default: 0]
            counts[child.name] = index + 1
            let info = context?.child(child.name)
            let repeats = info?.repeats ?? (element.children(named: child.name).count > 1)
            let childPath = path + "." + child.name + (repeats ? "[\(index)]" : "")
            var childContext: TypeContext?
            if child.isResource, let type = child.resourceType {
                childContext = try? pack.context(forType: type)
            } else if let info {
                childContext = (try? pack.context(of: info, in: context!)) ?? (try? pack.primitiveContext(info))
            }
            walk(child, path: childPath, context: childContext, into: &issues)
        }
    }

    /// A date followed by a time (`YYYY-MM-DDThh:mm…`) with no `Z` and no `±hh:mm` at the end.
    static func lacksZone(_ value: String) -> Bool {
        let b = Array(value.utf8)
        guard b.count >= 16, b[4] == 45, b[7] == 45, b[10] == 84,
              b[0..<4].allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return false }
        if b.last == 90 { return false }  // Z
        if b.count >= 6 {
            let tail = b[(b.count - 6)...]
            let sign = tail[tail.startIndex]
            if (sign == 43 || sign == 45) && tail[tail.startIndex + 3] == 58 { return false }
        }
        return true
    }
}
