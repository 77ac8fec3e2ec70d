/// Eight bytes read as one word, for hashing and comparing names a word at a time without an
/// unaligned pointer load.
enum WordBytes {
    /// `bytes[i ..< i + 8]` as a little-endian word (the value an unaligned load gives on the
    /// machines we build for; assembled byte by byte, which the optimiser folds into one load).
    @inline(__always)
    static func word(_ bytes: Span<UInt8>, at i: Int) -> UInt64 {
        let eight = bytes.extracting(i ..< i &+ 8)
        var w: UInt64 = 0
        for k in (0..<8).reversed() { w = w << 8 | UInt64(eight[k]) }
        return w
    }
}
