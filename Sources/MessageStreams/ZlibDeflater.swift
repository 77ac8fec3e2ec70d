import CDCHZlib

/// A raw deflate stream (as zip entries hold) at a fixed address, reset between entries so that
/// its 256 KiB of state is allocated once per writer, not once per entry.
@safe final class ZlibDeflater {
    private let stream: UnsafeMutablePointer<z_stream>

    /// A deflater at `level` (0 to 9; 6 is zlib's and zip's default).
    init(level: Int32) {
        unsafe stream = .allocate(capacity: 1)
        unsafe stream.initialize(to: z_stream())
        precondition(unsafe dch_deflateInit2(stream, level, -15) == Z_OK, "zlib deflateInit2 failed")
    }

    deinit {
        unsafe deflateEnd(stream)
        unsafe stream.deallocate()
    }

    /// Starts a new entry.
    func reset() {
        unsafe deflateReset(stream)
    }

    /// Compresses from `input` into `output[start...]`; `finish` when `input` holds the entry's
    /// last bytes. Returns the bytes consumed and produced, and whether the entry's stream is complete.
    func deflate(_ input: Span<UInt8>, into output: inout [UInt8], from start: Int, finish: Bool) -> (consumed: Int, produced: Int, ended: Bool) {
        precondition(start >= 0 && start <= output.count, "start outside the output")
        let room = output.count - start
        // The pointers are lent for this call only, and cleared before the buffers go back.
        let result = unsafe input.withUnsafeBufferPointer { input in
            unsafe output.withUnsafeMutableBufferPointer { output in
                unsafe stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                unsafe stream.pointee.avail_in = uInt(input.count)
                unsafe stream.pointee.next_out = output.baseAddress! + start
                unsafe stream.pointee.avail_out = uInt(room)
                let result = unsafe CDCHZlib.deflate(stream, finish ? Z_FINISH : Z_NO_FLUSH)
                unsafe stream.pointee.next_in = nil
                unsafe stream.pointee.next_out = nil
                return result
            }
        }
        // Z_OK or Z_BUF_ERROR (no room: the caller drains and calls again); anything else is a bug.
        precondition(result == Z_OK || result == Z_STREAM_END || result == Z_BUF_ERROR, "zlib deflate failed: \(result)")
        return (input.count - Int(unsafe stream.pointee.avail_in), room - Int(unsafe stream.pointee.avail_out), result == Z_STREAM_END)
    }
}
