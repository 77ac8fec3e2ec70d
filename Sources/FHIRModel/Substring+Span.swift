extension Substring {
    /// Whether `needle`'s UTF-8 bytes occur in this substring's: the same plain byte search as
    /// `String.containsBytes`, over the slice's own bytes only.
    @inlinable package func containsBytes(_ needle: String) -> Bool {
        ByteSearch.contains(utf8.span, needle.utf8.span)
    }
}
