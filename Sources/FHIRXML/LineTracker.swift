import FHIRModel

/// Line and column of byte offsets, counted lazily as the parser moves through the document.
struct LineTracker {
    private var offset = 0
    private var line = 1
    private var lineStart = 0

    /// The 1-based line and byte column of `target` in `bytes` (the same document at every call);
    /// cheap for offsets at or after the previous one.
    mutating func position(at target: Int, in bytes: Span<UInt8>) -> SourcePosition {
        let t = min(max(target, 0), bytes.count)
        if t >= offset {
            var i = offset
            while let at = Self.firstNewline(in: bytes, from: i, before: t) {
                line += 1
                lineStart = at + 1
                i = at + 1
            }
        } else if t < lineStart {
            var i = offset
            while i > t {
                i -= 1
                if bytes[i] == 0x0A { line -= 1 }
            }
            var s = t
            while s > 0 && bytes[s - 1] != 0x0A { s -= 1 }
            lineStart = s
        }
        offset = t
        return SourcePosition(line: line, column: t - lineStart + 1)
    }

    /// The offset of the first LF in `bytes[start..<end]` (libc's memchr); nil when there is none.
    @inline(__always)
    static func firstNewline(in bytes: Span<UInt8>, from start: Int, before end: Int) -> Int? {
        let found = LibCByteScan.firstIndex(of: 0x0A, in: bytes, from: start, to: end)
        return found < end ? found : nil
    }
}
