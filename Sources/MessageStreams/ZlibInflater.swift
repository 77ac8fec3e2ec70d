import CDCHZlib

/// A zlib inflate stream at a fixed address (zlib's state points back at its `z_stream`, so the
/// stream must never move), ended when the inflater is freed.
final class ZlibInflater {
    /// What one ``inflate(input:output:)`` call did.
    struct Step {
        /// Input bytes consumed and output bytes produced.
        var consumed: Int, produced: Int
        /// True when the compressed stream (a gzip member, a zip entry) ended.
        var streamEnded: Bool
    }

    private let stream: UnsafeMutablePointer<z_stream>

    /// An inflater for `windowBits` (15 + 16: gzip; -15: raw deflate, as in zip).
    init(windowBits: Int32) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // Fails only when memory is exhausted: nothing sensible is left to do then.
        precondition(dch_inflateInit2(stream, windowBits) == Z_OK, "zlib inflateInit2 failed")
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    /// Makes the inflater ready for the next stream (the next gzip member), keeping its memory.
    func reset() {
        inflateReset(stream)
    }

    /// Inflates from `input` into `output` as far as both allow.
    /// - Throws: the reason in words when the data is not valid (zlib's message).
    func inflate(input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer) throws -> Step {
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(input.count)
        stream.pointee.next_out = output.baseAddress?.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(output.count)
        let result = CDCHZlib.inflate(stream, Z_NO_FLUSH)
        let step = Step(consumed: input.count - Int(stream.pointee.avail_in),
                        produced: output.count - Int(stream.pointee.avail_out),
                        streamEnded: result == Z_STREAM_END)
        stream.pointee.next_in = nil
        stream.pointee.next_out = nil
        switch result {
        case Z_OK, Z_STREAM_END, Z_BUF_ERROR: // Z_BUF_ERROR: no progress possible yet, not an error
            return step
        default:
            let message = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(result)"
            throw ZlibDataError(message: message)
        }
    }
}

/// Compressed data zlib rejected, with zlib's reason ("invalid distance too far back").
struct ZlibDataError: Error {
    let message: String
}

/// The CRC-32 that gzip and zip use, continued from `crc` over `bytes`.
func zlibCRC32(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
    guard let base = bytes.baseAddress, !bytes.isEmpty else { return crc }
    return UInt32(truncatingIfNeeded: crc32(uLong(crc), base.assumingMemoryBound(to: Bytef.self), uInt(bytes.count)))
}
