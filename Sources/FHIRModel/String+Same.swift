extension String {
    /// `==` that compares the UTF-8 lengths first. The walks compare element names, resource types
    /// and URLs that mostly differ, often in length; Swift's `==` tells such strings apart only in a
    /// runtime call, while the UTF-8 length of a native string is a field.
    @inlinable @inline(__always)
    package func isSame(as other: String) -> Bool {
        utf8.count == other.utf8.count && self == other
    }
}

extension Array where Element == String {
    /// `contains(_:)` comparing lengths first (``Swift/String/isSame(as:)``).
    @inlinable @inline(__always)
    package func containsSame(_ value: String) -> Bool {
        for k in indices where self[k].isSame(as: value) { return true }
        return false
    }
}
