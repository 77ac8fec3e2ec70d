import FHIRModel

/// `fixed[x]` and `pattern[x]` comparisons between an instance element and a definition's value
/// (read from the pack's XML fragment, so named `fixedUri`, `patternCodeableConcept`...).
enum ValueConformance {
    /// fixed: the same value and the same children, exactly (extensions and ids of the instance
    /// aside: they say nothing about the value).
    static func equals(_ instance: Element, _ fixed: Element) -> Bool {
        guard instance.value == fixed.value else { return false }
        let mine = instance.children, theirs = fixed.children
        var j = 0
        for k in mine.indices where mine[k].name != "extension" {
            guard j < theirs.count, mine[k].name == theirs[j].name, equals(mine[k], theirs[j]) else { return false }
            j += 1
        }
        return j == theirs.count
    }

    /// pattern: everything the pattern holds is in the instance; a repeating pattern element
    /// matches when some instance element of that name contains it.
    static func contains(_ instance: Element, _ pattern: Element) -> Bool {
        if let value = pattern.value, instance.value != value { return false }
        for p in pattern.children {
            guard instance.children.contains(where: { $0.name == p.name && contains($0, p) }) else { return false }
        }
        return true
    }

    /// The value as a person reads it: `'http://snomed.info/sct'`, or the fragment's children in short.
    static func describe(_ e: Element) -> String {
        if let value = e.value { return "'\(value)'" }
        return "{" + e.children.map { c in "\(c.name): \(describe(c))" }.joined(separator: ", ") + "}"
    }
}
