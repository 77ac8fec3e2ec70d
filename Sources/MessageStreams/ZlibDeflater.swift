import CDCHZlib

/// A raw deflate stream (as zip entries hold) at a fixed address, reset between entries so that
/// its 256 KiB of state is allocated once per writer, not once per entry.
final class ZlibDeflater {
    private let stream: UnsafeMutablePointer<z_stream>

    /// A deflater at `level` (0 to 9; 6 is zlib's and zip's default).
    init(level: Int32) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        precondition(dch_deflateInit2(stream, level, -15) == Z_OK, "zlib deflateInit2 failed")
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
    }

    /// Starts a new entry.
    func reset() {
        deflateReset(stream)
    }

    /// Compresses from `input` into `output`; `finish` when `input` holds the entry's last bytes.
    /// Returns the bytes consumed and produced, and whether the entry's stream is complete.
    func deflate(input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer, finish: Bool) -> (consumed: Int, produced: Int, ended: Bool) {
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(input.count)
        stream.pointee.next_out = output.baseAddress?.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(output.count)
        let result = CDCHZlib.deflate(stream, finish ? Z_FINISH : Z_NO_FLUSH)
        // Z_OK or Z_BUF_ERROR (no room: the caller drains and calls again); anything else is a bug.
        precondition(result == Z_OK || result == Z_STREAM_END || result == Z_BUF_ERROR, "zlib deflate failed: \(result)")
        defer {
            stream.pointee.next_in = nil
            stream.pointee.next_out = nil
        }
        return (input.count - Int(stream.pointee.avail_in), output.count - Int(stream.pointee.avail_out), result == Z_STREAM_END)
    }
}
