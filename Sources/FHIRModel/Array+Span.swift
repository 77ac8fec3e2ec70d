extension Array where Element == UInt8 {
    /// A byte array holding a copy of `bytes` (the optimiser turns the loop into a block copy).
    @inlinable
    package init(copying bytes: Span<UInt8>) {
        self.init(capacity: bytes.count) { out in
            for i in bytes.indices { out.append(bytes[i]) }
        }
    }

    /// Appends a copy of `bytes[range]` (the optimiser turns the loop into a block copy).
    @inlinable @inline(__always)
    package mutating func append(copying bytes: Span<UInt8>, _ range: Range<Int>) {
        append(addingCapacity: range.count) { out in
            for i in range { out.append(bytes[i]) }
        }
    }
}
