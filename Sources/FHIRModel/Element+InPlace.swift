/// Child lookups for walks that read a tree in place, copying no element (`child(_:)` copies the
/// one it returns: four reference counts).
extension Element {
    /// The position in ``children`` of the first child named `name`.
    @inlinable @inline(__always)
    public func indexOfChild(_ name: String) -> Int? {
        let kids = children.span
        for k in kids.indices where kids[k].name.isSame(as: name) { return k }
        return nil
    }

    /// Calls `body` with the first child named `name`, borrowed in place, and returns its result
    /// (nil when there is no such child).
    @inlinable @inline(__always)
    package func withChild<Result>(named name: String, _ body: (borrowing Element) throws -> Result) rethrows -> Result? {
        let kids = children.span
        for k in kids.indices where kids[k].name.isSame(as: name) { return try body(kids[k]) }
        return nil
    }

    /// The value of the first child named `name` (`child(name)?.value`), read in place.
    @inlinable @inline(__always)
    package func valueOfChild(named name: String) -> String? {
        let kids = children.span
        for k in kids.indices where kids[k].name.isSame(as: name) { return kids[k].value }
        return nil
    }
}
