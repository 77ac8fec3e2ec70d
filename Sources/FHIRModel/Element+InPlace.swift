/// Child lookups for walks that read a tree in place, copying no element (`child(_:)` copies the
/// one it returns: four reference counts).
extension Element {
    /// The position in ``children`` of the first child named `name`.
    @inlinable @inline(__always)
    public func indexOfChild(_ name: String) -> Int? {
        children.withUnsafeBufferPointer { kids in
            for k in kids.indices where kids[k].name.isSame(as: name) { return k }
            return nil
        }
    }

    /// The first child named `name` of the element at `e`, as a pointer into its children: valid
    /// while the tree is not changed (as while it is validated).
    @inlinable @inline(__always)
    public static func child(named name: String, of e: UnsafePointer<Element>) -> UnsafePointer<Element>? {
        e.pointee.children.withUnsafeBufferPointer { kids in
            for k in kids.indices where kids[k].name.isSame(as: name) { return kids.baseAddress! + k }
            return nil
        }
    }
}
