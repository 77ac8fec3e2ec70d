import FHIRModel

/// The index of each child among its same-named siblings (`given[1]`), counted in one pass over a
/// parent's children: consecutive runs are the norm (F6), and a name that comes back after others
/// is counted again from the start.
struct SiblingIndex {
    private var run = 0
    private var last = -1

    /// The index of `children[k]`; call it with increasing k (children skipped are counted again).
    mutating func next(_ k: Int, in children: [Element]) -> Int {
        let name = children[k].name
        defer { last = k }
        if k > 0 && last == k - 1 && children[k - 1].name == name {
            run += 1
        } else {
            run = 0
            for j in 0..<k where children[j].name == name { run += 1 }
        }
        return run
    }
}
