extension String {
    /// Whether `needle`'s UTF-8 bytes occur in this string's: a plain byte search. The standard
    /// `contains`/`firstRange(of:)` go through Foundation or a generic searcher and cost many times
    /// more, which matters on per-element paths (a fullUrl, a reference, a URL).
    @inlinable package func containsBytes(_ needle: String) -> Bool {
        ByteSearch.contains(utf8.span, needle.utf8.span)
    }
}

extension Substring {
    /// Whether `needle`'s UTF-8 bytes occur in this substring's (see `String.containsBytes`).
    @inlinable package func containsBytes(_ needle: String) -> Bool {
        ByteSearch.contains(utf8.span, needle.utf8.span)
    }
}

@usableFromInline enum ByteSearch {
    /// Naive search: the needles are short literals, so its worst case never matters.
    @inlinable static func contains(_ haystack: Span<UInt8>, _ needle: Span<UInt8>) -> Bool {
        guard !needle.isEmpty else { return true }
        guard haystack.count >= needle.count else { return false }
        let first = needle[0]
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first {
                var k = 1
                while k < needle.count && haystack[i + k] == needle[k] { k += 1 }
                if k == needle.count { return true }
            }
            i += 1
        }
        return false
    }
}
