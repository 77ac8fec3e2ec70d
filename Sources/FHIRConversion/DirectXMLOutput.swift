import FHIRModel

/// The XML being written by the direct conversion: one byte array, sized up front from the input
/// (typical FHIR XML then never makes it grow) and kept for the whole conversion.
struct DirectXMLOutput {
    private var bytes: [UInt8] = []

    init(capacity: Int) {
        bytes.reserveCapacity(max(capacity, 64))
    }

    /// The number of bytes written.
    var count: Int { bytes.count }

    @inline(__always)
    mutating func append(_ b: UInt8) {
        bytes.append(b)
    }

    /// Appends `source[range]`.
    @inline(__always)
    mutating func append(_ source: Span<UInt8>, _ range: Range<Int>) {
        bytes.append(copying: source, range)
    }

    /// Appends `source[range]`.
    @inline(__always)
    mutating func append(_ source: [UInt8], _ range: Range<Int>) {
        // Through the span: a slice (`source[range]`) would retain and release the array.
        bytes.append(copying: source.span, range)
    }

    /// Appends the UTF-8 of `s` (markup literals, element names from the definitions), copied
    /// from its contiguous storage, which is much cheaper than iterating `s.utf8`.
    @inline(__always)
    mutating func appendStatic(_ s: String) {
        let utf8 = s.utf8.span
        bytes.append(copying: utf8, 0..<utf8.count)
    }

    /// Lends `body` the bytes written from `start` on.
    @inline(__always)
    func withWritten<R>(from start: Int, _ body: (Span<UInt8>) throws -> R) rethrows -> R {
        try body(bytes.span.extracting(start...))
    }

    /// Forgets the bytes from `n` on.
    @inline(__always)
    mutating func truncate(to n: Int) {
        bytes.removeSubrange(n...)
    }

    /// The result.
    mutating func finish() -> [UInt8] {
        let result = bytes
        bytes = []
        return result
    }

    /// Drops what was written (after the conversion gave up).
    mutating func free() {
        bytes = []
    }
}
