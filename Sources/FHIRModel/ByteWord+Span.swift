/// Eight bytes read as one little-endian word, for scanners that test eight bytes at a time.
package enum ByteWord {
    /// The eight bytes of `bytes` at `offset..<offset + 8` as a little-endian `UInt64` (what an
    /// unaligned load gives on the machines we build for; the optimiser emits that one load).
    @inlinable @inline(__always)
    package static func load(_ bytes: Span<UInt8>, at offset: Int) -> UInt64 {
        let eight = bytes.extracting(offset ..< offset &+ 8)
        var word: UInt64 = 0
        for k in 0..<8 { word |= UInt64(eight[k]) &<< UInt64(8 &* k) }
        return word
    }
}
