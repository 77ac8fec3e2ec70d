import Foundation

/// libc's `memchr` and `memcmp` over byte arrays: the one place where FHIRModel's byte scanners
/// lend their bytes to C. Both use the machine's word-at-a-time loops, several times faster than a
/// byte loop on the long scans they serve (the pack index's 350 KB of lines at every start).
package enum LibCByteScan {
    /// The index of the first `byte` in `bytes[from..<to]`, or `to` when there is none.
    @inlinable
    package static func firstIndex(of byte: UInt8, in bytes: [UInt8], from: Int, to: Int) -> Int {
        firstIndex(of: byte, in: bytes.span, from: from, to: to)
    }

    /// The index of the first `byte` in `bytes[from..<to]`, or `to` when there is none.
    @inlinable
    package static func firstIndex(of byte: UInt8, in bytes: Span<UInt8>, from: Int, to: Int) -> Int {
        precondition(from >= 0 && to <= bytes.count, "range outside the bytes")
        guard from < to else { return to }
        return bytes.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress, let found = memchr(base + from, Int32(byte), to - from) else { return to }
            return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }
    }

    /// Whether `bytes[a..<a+count]` and `bytes[b..<b+count]` are equal.
    @inlinable
    package static func equal(_ bytes: [UInt8], _ a: Int, _ b: Int, count: Int) -> Bool {
        precondition(a >= 0 && b >= 0 && count >= 0 && a + count <= bytes.count && b + count <= bytes.count,
                     "range outside the bytes")
        guard count > 0 else { return true }
        return bytes.withUnsafeBufferPointer { p in memcmp(p.baseAddress! + a, p.baseAddress! + b, count) == 0 }
    }
}
