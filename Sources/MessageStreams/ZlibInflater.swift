import CDCHZlib

/// A zlib inflate stream at a fixed address (zlib's state points back at its `z_stream`, so the
/// stream must never move), ended when the inflater is freed. With ``ZlibDeflater``, the one place
/// where MessageStreams lends zlib pointers: the rest of the module hands it spans and arrays.
@safe final class ZlibInflater {
    /// What one ``inflate(_:into:)`` call did.
    struct Step {
        /// Input bytes consumed and output bytes produced.
        var consumed: Int, produced: Int
        /// True when the compressed stream (a gzip member, a zip entry) ended.
        var streamEnded: Bool
    }

    private let stream: UnsafeMutablePointer<z_stream>

    /// An inflater for `windowBits` (15 + 16: gzip; -15: raw deflate, as in zip).
    init(windowBits: Int32) {
        unsafe stream = .allocate(capacity: 1)
        unsafe stream.initialize(to: z_stream())
        // Fails only when memory is exhausted: nothing sensible is left to do then.
        precondition(unsafe dch_inflateInit2(stream, windowBits) == Z_OK, "zlib inflateInit2 failed")
    }

    deinit {
        unsafe inflateEnd(stream)
        unsafe stream.deallocate()
    }

    /// Makes the inflater ready for the next stream (the next gzip member), keeping its memory.
    func reset() {
        unsafe inflateReset(stream)
    }

    /// Inflates from `input` into the start of `output` as far as both allow (`output` keeps its
    /// length; ``Step/produced`` says how much of it is new).
    /// - Throws: the reason in words when the data is not valid (zlib's message).
    func inflate(_ input: Span<UInt8>, into output: inout [UInt8]) throws -> Step {
        // The pointers are lent for this call only, and cleared before the buffers go back.
        let result = unsafe input.withUnsafeBufferPointer { input in
            unsafe output.withUnsafeMutableBufferPointer { output in
                unsafe stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                unsafe stream.pointee.avail_in = uInt(input.count)
                unsafe stream.pointee.next_out = output.baseAddress
                unsafe stream.pointee.avail_out = uInt(output.count)
                let result = unsafe CDCHZlib.inflate(stream, Z_NO_FLUSH)
                unsafe stream.pointee.next_in = nil
                unsafe stream.pointee.next_out = nil
                return result
            }
        }
        let step = Step(consumed: input.count - Int(unsafe stream.pointee.avail_in),
                        produced: output.count - Int(unsafe stream.pointee.avail_out),
                        streamEnded: result == Z_STREAM_END)
        switch result {
        case Z_OK, Z_STREAM_END, Z_BUF_ERROR: // Z_BUF_ERROR: no progress possible yet, not an error
            return step
        default:
            let message = unsafe stream.pointee.msg.map { unsafe String(cString: $0) } ?? "zlib error \(result)"
            throw ZlibDataError(message: message)
        }
    }
}

/// Compressed data zlib rejected, with zlib's reason ("invalid distance too far back").
struct ZlibDataError: Error {
    let message: String
}

/// The CRC-32 that gzip and zip use, continued from `crc` over `bytes`.
func zlibCRC32(_ crc: UInt32, _ bytes: Span<UInt8>) -> UInt32 {
    guard !bytes.isEmpty else { return crc }
    return unsafe bytes.withUnsafeBufferPointer {
        UInt32(truncatingIfNeeded: unsafe crc32(uLong(crc), $0.baseAddress, uInt($0.count)))
    }
}
