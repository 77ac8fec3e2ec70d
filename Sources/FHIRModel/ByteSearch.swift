extension StringProtocol {
    /// Whether `needle`'s UTF-8 bytes occur in this string's: a plain byte search. The standard
    /// `contains`/`firstRange(of:)` go through Foundation or a generic searcher and cost many times
    /// more, which matters on per-element paths (a fullUrl, a reference, a URL).
    @inlinable package func containsBytes(_ needle: String) -> Bool {
        var needle = needle
        return needle.withUTF8 { n in
            if let found = utf8.withContiguousStorageIfAvailable({ h in ByteSearch.contains(h, n) }) { return found }
            return Array(utf8).withUnsafeBufferPointer { ByteSearch.contains($0, n) }
        }
    }
}

@usableFromInline enum ByteSearch {
    /// Naive search: the needles are short literals, so its worst case never matters.
    @inlinable static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = needle.first else { return true }
        guard haystack.count >= needle.count else { return false }
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
