/// Eight bytes read as one little-endian word, for scanners that test eight bytes at a time.
package enum ByteWord {
    /// The eight bytes of `bytes` at `offset..<offset + 8` as a little-endian `UInt64`.
    ///
    /// The range is checked, then the word is one unaligned load: assembled byte by byte from the
    /// span, the optimiser kept eight checked loads, and the XML reader's newline search and the
    /// JSON scanners spent several per cent of a conversion there.
    @inlinable @inline(__always)
    package static func load(_ bytes: Span<UInt8>, at offset: Int) -> UInt64 {
        precondition(offset >= 0 && offset &+ 8 <= bytes.count, "word outside the bytes")
        let word = bytes.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress!).loadUnaligned(fromByteOffset: offset, as: UInt64.self) }
        return UInt64(littleEndian: word)
    }
}
