import FHIRModel

/// `fixed[x]` and `pattern[x]` comparisons between an instance element and a definition's value
/// (the pack's `FixedValue` tree, so named `fixedUri`, `patternCodeableConcept`...).
///
/// Elements are compared in place, borrowed from their parents' children (the trees are not
/// changed while they are compared): passing each child as a value would copy it.
enum ValueConformance {
    /// fixed: the same value and the same children, exactly (extensions and ids of the instance
    /// aside: they say nothing about the value).
    static func equals(_ instance: borrowing Element, _ fixed: borrowing Element) -> Bool {
        guard instance.value == fixed.value else { return false }
        let mine = instance.children.span, theirs = fixed.children.span
        var j = 0
        for k in mine.indices where !isExtension(mine[k].name) {
            guard j < theirs.count, mine[k].name.isSame(as: theirs[j].name), equals(mine[k], theirs[j]) else { return false }
            j += 1
        }
        return j == theirs.count
    }

    /// pattern: everything the pattern holds is in the instance; a repeating pattern element
    /// matches when some instance element of that name contains it.
    static func contains(_ instance: borrowing Element, _ pattern: borrowing Element) -> Bool {
        if let value = pattern.value, instance.value != value { return false }
        let theirs = pattern.children.span
        for p in theirs.indices where !containsPart(of: instance, theirs[p]) { return false }
        return true
    }

    /// Whether some child of `instance` has the name of `part` and contains it.
    private static func containsPart(of instance: borrowing Element, _ part: borrowing Element) -> Bool {
        let mine = instance.children.span
        for k in mine.indices where mine[k].name.isSame(as: part.name) && contains(mine[k], part) { return true }
        return false
    }

    /// The value as a person reads it: `'http://snomed.info/sct'`, or the value's children in short.
    static func describe(_ e: Element) -> String {
        if let value = e.value { return "'\(value)'" }
        return "{" + e.children.map { c in "\(c.name): \(describe(c))" }.joined(separator: ", ") + "}"
    }

    private static func isExtension(_ name: String) -> Bool {
        name.utf8.count == 9 && name == "extension"
    }
}
