import Foundation

/// The inflated bytes of a gzip stream (RFC 1952) read from another source, a chunk at a time.
///
/// Memory stays bounded whatever the sizes: one 64 KiB buffer of compressed bytes and zlib's
/// 32 KiB window; inflated bytes go straight into the caller's buffer. A stream of several
/// members (`cat a.gz b.gz`, or what `pigz` and `bgzip` write) reads as their contents one after
/// the other, as `gzip -d` does. A damaged or truncated stream ends in a ``ByteSourceError``
/// whose operation is `gunzip` and whose reason names the member and the compressed offset.
public final class GzipByteSource: ByteSource {
    private var compressed: any ByteSource
    private let inflater = ZlibInflater(windowBits: 15 + 16)
    private var input = [UInt8](repeating: 0, count: 1 << 16)
    private var inputStart = 0, inputEnd = 0
    /// Compressed bytes consumed so far, for the error messages.
    private var consumedTotal = 0
    /// The 1-based number of the member being inflated; 0 before the first.
    private var member = 0
    private var betweenMembers = true
    private var sourceEnded = false

    /// The inflated bytes of the gzip stream `compressed`.
    public init(compressed: any ByteSource) {
        self.compressed = compressed
    }

    public func read(into buffer: inout [UInt8]) throws -> Int {
        guard !buffer.isEmpty else { return 0 }
        while true {
            if inputStart == inputEnd {
                if !sourceEnded { try refill() }
                if inputStart == inputEnd {
                    // The end of the input: clean between members, truncated inside one.
                    guard betweenMembers, member > 0 else { throw truncated() }
                    return 0
                }
            }
            if betweenMembers {
                if member > 0 { inflater.reset() }
                member += 1
                betweenMembers = false
            }
            let step: ZlibInflater.Step
            do {
                // A local copy of the array (one retain): a span of a class's property cannot be taken.
                let compressedBytes = input
                step = try inflater.inflate(compressedBytes.span.extracting(inputStart..<inputEnd), into: &buffer)
            } catch let error as ZlibDataError {
                throw ByteSourceError(operation: "gunzip", reason:
                    "damaged gzip data in member \(member) near compressed byte \(consumedTotal): \(error.message)")
            }
            inputStart += step.consumed
            consumedTotal += step.consumed
            if step.streamEnded { betweenMembers = true }
            if step.produced > 0 { return step.produced }
        }
    }

    private func refill() throws {
        let count = try compressed.read(into: &input)
        inputStart = 0
        inputEnd = count
        if count == 0 { sourceEnded = true }
    }

    private func truncated() -> ByteSourceError {
        ByteSourceError(operation: "gunzip", reason: member == 0
            ? "empty input: not a gzip stream"
            : "truncated gzip stream: the input ends inside member \(member), after \(consumedTotal) compressed bytes")
    }
}
