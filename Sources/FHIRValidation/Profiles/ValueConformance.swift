import FHIRModel

/// `fixed[x]` and `pattern[x]` comparisons between an instance element and a definition's value
/// (the pack's `FixedValue` tree, so named `fixedUri`, `patternCodeableConcept`...).
///
/// Elements are compared in place, through pointers into their parents' children (the trees are
/// not changed while they are compared): passing each child as a value would copy it.
enum ValueConformance {
    /// fixed: the same value and the same children, exactly (extensions and ids of the instance
    /// aside: they say nothing about the value).
    static func equals(_ instance: Element, _ fixed: Element) -> Bool {
        withUnsafePointer(to: instance) { i in withUnsafePointer(to: fixed) { equals(i, $0) } }
    }

    /// As above, in place.
    static func equals(_ instance: UnsafePointer<Element>, _ fixed: UnsafePointer<Element>) -> Bool {
        guard instance.pointee.value == fixed.pointee.value else { return false }
        return instance.pointee.children.withUnsafeBufferPointer { mine in
            fixed.pointee.children.withUnsafeBufferPointer { theirs in
                var j = 0
                for k in mine.indices where !isExtension(mine[k].name) {
                    guard j < theirs.count, mine[k].name.isSame(as: theirs[j].name),
                          equals(mine.baseAddress! + k, theirs.baseAddress! + j) else { return false }
                    j += 1
                }
                return j == theirs.count
            }
        }
    }

    /// pattern: everything the pattern holds is in the instance; a repeating pattern element
    /// matches when some instance element of that name contains it.
    static func contains(_ instance: Element, _ pattern: Element) -> Bool {
        withUnsafePointer(to: instance) { i in withUnsafePointer(to: pattern) { contains(i, $0) } }
    }

    /// As above, in place.
    static func contains(_ instance: UnsafePointer<Element>, _ pattern: UnsafePointer<Element>) -> Bool {
        if let value = pattern.pointee.value, instance.pointee.value != value { return false }
        return instance.pointee.children.withUnsafeBufferPointer { mine in
            pattern.pointee.children.withUnsafeBufferPointer { theirs in
                for p in theirs.indices {
                    let part = theirs.baseAddress! + p
                    guard mine.indices.contains(where: { mine[$0].name.isSame(as: part.pointee.name) && contains(mine.baseAddress! + $0, part) })
                    else { return false }
                }
                return true
            }
        }
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
