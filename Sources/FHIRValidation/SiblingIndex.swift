import FHIRModel

/// The index of each child among its same-named siblings (`given[1]`), counted in one pass over a
/// parent's children: consecutive runs are the norm (F6), and a name that comes back after others
/// is counted again from the start.
struct SiblingIndex {
    private var run = 0

    /// The index of `children[k]`; call it for k = 0, 1, 2… in order.
    mutating func next(_ k: Int, in children: [Element]) -> Int {
        children.withUnsafeBufferPointer { next(k, in: $0) }
    }

    /// As above, over children read in place.
    mutating func next(_ k: Int, in children: UnsafeBufferPointer<Element>) -> Int {
        let name = children[k].name
        if k > 0 && children[k - 1].name == name {
            run += 1
        } else {
            run = 0
            for j in 0..<k where children[j].name == name { run += 1 }
        }
        return run
    }
}
