import Foundation

/// How an input's first bytes say it is packed.
public enum InputPacking: Sendable, Equatable {
    /// Plain bytes: messages as they are.
    case plain
    /// A gzip stream (starts with 1F 8B): read it through ``GzipByteSource``.
    case gzip
    /// A zip archive (starts with `PK` 03 04, or `PK` 05 06 when empty): read it with ``ZipInput``.
    case zip

    /// The packing that `prefix`, an input's first bytes, announces (4 bytes decide; fewer can
    /// only be plain).
    public static func detect(_ prefix: some Collection<UInt8>) -> InputPacking {
        var bytes = prefix.prefix(4).makeIterator()
        guard let b0 = bytes.next(), let b1 = bytes.next() else { return .plain }
        if b0 == 0x1F, b1 == 0x8B { return .gzip }
        guard b0 == 0x50, b1 == 0x4B, let b2 = bytes.next(), let b3 = bytes.next() else { return .plain }
        return (b2, b3) == (3, 4) || (b2, b3) == (5, 6) ? .zip : .plain
    }
}

/// Helpers that choose how to read an input from its first bytes.
public enum ByteSources {
    /// `source` as plain bytes: inflated through ``GzipByteSource`` when it starts as gzip does
    /// (1F 8B), as it is otherwise. The bytes read to tell are read again, so nothing is lost;
    /// works on pipes and standard input (nothing is sought).
    /// - Throws: ``ByteSourceError`` when the first bytes cannot be read.
    public static func gunzippingIfNeeded(_ source: any ByteSource) throws -> any ByteSource {
        var head = PrefixedByteSource(source)
        try head.fillPrefix(atLeast: 2)
        return InputPacking.detect(head.prefix) == .gzip ? GzipByteSource(compressed: head) : head
    }
}

/// A source whose first bytes were read ahead (to tell what it holds) and are given again first.
public struct PrefixedByteSource: ByteSource {
    private var source: any ByteSource
    /// The bytes read ahead and not yet given out.
    public private(set) var prefix: [UInt8] = []
    private var ended = false

    /// `source`, nothing read ahead yet.
    public init(_ source: any ByteSource) {
        self.source = source
    }

    /// Reads ahead until ``prefix`` holds at least `count` bytes or the source ends (a pipe may
    /// give one byte at a time).
    /// - Throws: ``ByteSourceError`` when the source cannot be read.
    public mutating func fillPrefix(atLeast count: Int) throws {
        var chunk = [UInt8](repeating: 0, count: max(count, 512))
        while prefix.count < count, !ended {
            let n = try source.read(into: &chunk)
            if n == 0 { ended = true }
            prefix += chunk[0..<n]
        }
    }

    public mutating func read(into buffer: inout [UInt8]) throws -> Int {
        guard !prefix.isEmpty else { return ended ? 0 : try source.read(into: &buffer) }
        let count = min(buffer.count, prefix.count)
        buffer.replaceSubrange(0..<count, with: prefix[0..<count])
        prefix.removeFirst(count)
        return count
    }
}
