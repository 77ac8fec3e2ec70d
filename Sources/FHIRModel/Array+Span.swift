extension Array where Element == UInt8 {
    /// A byte array holding a copy of `bytes`.
    @inlinable
    package init(copying bytes: Span<UInt8>) {
        self.init()
        append(copying: bytes, bytes.indices)
    }

    /// Appends a copy of `bytes[range]`: the range is checked, then copied as one block (a loop
    /// over the span appended byte by byte, a per cent of an XML -> JSON conversion).
    @inlinable @inline(__always)
    package mutating func append(copying bytes: Span<UInt8>, _ range: Range<Int>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= bytes.count, "range outside the bytes")
        guard !range.isEmpty else { return }
        bytes.withUnsafeBufferPointer { append(contentsOf: UnsafeBufferPointer(rebasing: $0[range])) }
    }
}
