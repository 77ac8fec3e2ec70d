// Transitional: the unsafe-pointer lookups kept while their callers move to `Span` (issue 18).
// Removed when no caller is left.
extension ChildTable {
    @inline(__always)
    package subscript(utf8 name: UnsafeBufferPointer<UInt8>) -> ChildInfo? {
        self[utf8: Span(_unsafeElements: name)]
    }

    @inline(__always)
    package func unretainedChild(utf8 name: UnsafeBufferPointer<UInt8>) -> Unmanaged<ChildInfo>? {
        self[utf8: Span(_unsafeElements: name)].map(Unmanaged.passUnretained)
    }
}

extension NameHash {
    @inlinable @inline(__always)
    package static func fnv1a(bytes: UnsafeBufferPointer<UInt8>) -> Int {
        fnv1a(bytes: Span(_unsafeElements: bytes))
    }
}
