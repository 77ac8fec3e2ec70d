/// The XML being written by the direct conversion: one malloc'd buffer, sized up front from the
/// input and doubled when it runs out. Appending is a bounds check and a copy, without the
/// uniqueness checks and generic paths of `[UInt8].append`, which the writer pays for every
/// attribute, name and bracket it writes.
///
/// A plain struct that does not free itself (a class would cost a retain per use): its owner calls
/// ``finish()`` or ``free()`` exactly once.
struct DirectXMLOutput {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    /// Makes room for `n` more bytes (rarely: the initial size covers typical FHIR XML).
    @inline(__always)
    mutating func reserve(_ n: Int) {
        if count &+ n > capacity { grow(count + n) }
    }

    @inline(never)
    private mutating func grow(_ needed: Int) {
        var size = capacity * 2
        while size < needed { size *= 2 }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
        bigger.update(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity = size
    }

    @inline(__always)
    mutating func append(_ b: UInt8) {
        reserve(1)
        base[count] = b
        count &+= 1
    }

    @inline(__always)
    mutating func append(_ s: UnsafePointer<UInt8>, count n: Int) {
        reserve(n)
        (base + count).update(from: s, count: n)
        count &+= n
    }

    @inline(__always)
    mutating func append(contentsOf b: UnsafeBufferPointer<UInt8>) {
        if let s = b.baseAddress { append(s, count: b.count) }
    }

    @inline(__always)
    mutating func appendStatic(_ s: StaticString) {
        append(s.utf8Start, count: s.utf8CodeUnitCount)
    }

    /// Lends `body` the bytes written from `start` on; the buffer must not escape `body` (the
    /// next append may move it).
    @inline(__always)
    func withWritten<R>(from start: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: base + start, count: count - start))
    }

    /// Forgets the bytes from `n` on.
    @inline(__always)
    mutating func truncate(to n: Int) {
        count = n
    }

    /// The result as an array; frees the buffer.
    mutating func finish() -> [UInt8] {
        let bytes = [UInt8](UnsafeBufferPointer(start: base, count: count))
        free()
        return bytes
    }

    mutating func free() {
        base.deallocate()
        count = 0
        capacity = 0
    }
}
