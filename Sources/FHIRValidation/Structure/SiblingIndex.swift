import FHIRModel

/// The index of a child among its same-named siblings (`given[1]`): the number of earlier siblings
/// with its name. Consecutive runs are the norm (FHIR STU3 XML format: repeating elements are consecutive siblings): asked for k right after k - 1 of the same
/// name, it counts on from there; otherwise (a run's first element, a name that comes back after
/// others, or children skipped in between) it counts the earlier siblings. A walk can then ask only
/// for the children whose index it uses.
struct SiblingIndex {
    /// The child asked about last, and its index.
    private var last = -1
    private var run = 0

    /// The index of `parent.children[k]`, read in place.
    mutating func next(_ k: Int, of parent: borrowing Element) -> Int {
        let children = parent.children.span
        let name = children[k].name
        if k > 0 && last == k - 1 && children[k - 1].name.isSame(as: name) {
            run += 1
        } else {
            run = 0
            for j in 0..<k where children[j].name.isSame(as: name) { run += 1 }
        }
        last = k
        return run
    }
}
