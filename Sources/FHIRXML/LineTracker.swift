import FHIRModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Line and column of byte offsets, counted lazily as the parser moves through the document.
struct LineTracker {
    let bytes: UnsafeBufferPointer<UInt8>
    private var offset = 0
    private var line = 1
    private var lineStart = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// The 1-based line and byte column of `target`; cheap for offsets at or after the previous one.
    mutating func position(at target: Int) -> SourcePosition {
        let t = min(max(target, 0), bytes.count)
        guard let base = bytes.baseAddress else { return SourcePosition(line: 1, column: 1) }
        if t >= offset {
            var i = offset
            while i < t {
                guard let hit = memchr(base + i, 0x0A, t - i) else { break }
                let at = UnsafeRawPointer(hit).assumingMemoryBound(to: UInt8.self) - base
                line += 1
                lineStart = at + 1
                i = at + 1
            }
        } else if t < lineStart {
            var i = offset
            while i > t {
                i -= 1
                if base[i] == 0x0A { line -= 1 }
            }
            var s = t
            while s > 0 && base[s - 1] != 0x0A { s -= 1 }
            lineStart = s
        }
        offset = t
        return SourcePosition(line: line, column: t - lineStart + 1)
    }
}
