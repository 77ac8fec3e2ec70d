import FHIRModel

/// A run of same-named children of one element, with their definition: what both writers emit as
/// one XML run or one JSON property.
public struct ChildGroup: Sendable {
    /// The definition of the group's elements.
    public let info: ChildInfo
    /// Indices into the parent's `Element.children`, in document order.
    public var indices: [Int]
}

extension TypeContext {
    /// Groups `element`'s children by name, in definition order (document order within a group).
    ///
    /// A child the definitions do not know is reported as an error naming it and its path, and left
    /// out of the groups; writers fail when any error was reported, so nothing is dropped silently.
    public func groups(of element: Element, path: ElementPath, issues: inout [Issue]) -> [ChildGroup] {
        let table = self.table
        var groups: [ChildGroup] = []
        groups.reserveCapacity(element.children.count)
        var slot: [String: Int] = [:]
        for (i, child) in element.children.enumerated() {
            if let g = slot[child.name] {
                groups[g].indices.append(i)
                continue
            }
            guard let info = table?[child.name] else {
                issues.append(Issue(.error, .structure, rule: "unknown-element",
                    "unknown element '\(child.name)': the definition of \(self.path) has no such element",
                    path: path.appending(child.name).text, position: child.position))
                continue
            }
            slot[child.name] = groups.count
            groups.append(ChildGroup(info: info, indices: [i]))
        }
        // Stable: groups of equal order (one choice element written twice) keep document order.
        if groups.count > 1 {
            var isSorted = true
            for k in 1..<groups.count where groups[k - 1].info.order > groups[k].info.order {
                isSorted = false
                break
            }
            if !isSorted {
                groups = groups.enumerated().sorted {
                    ($0.element.info.order, $0.offset) < ($1.element.info.order, $1.offset)
                }.map(\.element)
            }
        }
        return groups
    }
}
