import FHIRModel
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The bytes of a zip being written: appended through a 1 MiB buffer (a million small entries
/// cost a thousand `write` calls), with fields patched after the fact and the file synced on demand.
final class ZipFileOutput {
    let path: String
    private let descriptor: Int32
    /// The bytes not yet written: `buffer[0..<buffered]` (the array keeps its 1 MiB length).
    private var buffer = [UInt8](repeating: 0, count: 1 << 20)
    private var buffered = 0
    /// The file offset of the buffer's first byte: everything before it has been written.
    private var flushedOffset: UInt64

    /// The offset the next appended byte lands at.
    var offset: UInt64 { flushedOffset + UInt64(buffered) }

    /// Opens `path`: created empty, or (when `truncatingTo` is given) an existing file cut to that
    /// many bytes, which it must hold.
    init(path: String, truncatingTo length: UInt64?) throws {
        let flags = O_RDWR | O_CLOEXEC | (length == nil ? O_CREAT | O_TRUNC : 0)
        let fd: Int32
        do {
            fd = try POSIXFile.open(path, flags: flags, mode: 0o644)
        } catch {
            throw ByteSourceError(operation: "open", code: error.code)
        }
        descriptor = fd
        self.path = path
        flushedOffset = 0
        if let length {
            let info: stat
            do {
                info = try POSIXFile.status(of: fd)
            } catch {
                throw ByteSourceError(operation: "stat", code: error.code)
            }
            guard UInt64(info.st_size) >= length else {
                throw ByteSourceError(operation: "resume", reason: "\(path) holds \(info.st_size) bytes, fewer than the \(length) its checkpoint says are written")
            }
            guard ftruncate(fd, off_t(length)) == 0 else { throw ByteSourceError(operation: "truncate", code: errno) }
            flushedOffset = length
        }
    }

    deinit {
        close(descriptor)
    }

    func append(_ bytes: [UInt8]) throws {
        var from = 0
        while from < bytes.count {
            if buffered == buffer.count { try flush() }
            let count = min(bytes.count - from, buffer.count - buffered)
            buffer.replaceSubrange(buffered ..< buffered + count, with: bytes[from ..< from + count])
            buffered += count
            from += count
        }
    }

    /// Deflates `input` with `deflater` straight into the buffer's free tail (at least 64 KiB:
    /// flushed first when less is left); see ``ZlibDeflater/deflate(_:into:from:finish:)``.
    func appendDeflated(_ input: Span<UInt8>, by deflater: ZlibDeflater, finish: Bool) throws -> (consumed: Int, produced: Int, ended: Bool) {
        if buffer.count - buffered < 1 << 16 { try flush() }
        let step = deflater.deflate(input, into: &buffer, from: buffered, finish: finish)
        buffered += step.produced
        return step
    }

    /// Overwrites the bytes at `offset` (already appended) with `bytes`: in the buffer, or in the
    /// file for the part already flushed.
    func patch(_ bytes: [UInt8], at offset: UInt64) throws {
        // Offsets grow, so the part already flushed (if any) is a prefix.
        let inFile = offset < flushedOffset ? Int(min(UInt64(bytes.count), flushedOffset - offset)) : 0
        if inFile > 0 {
            try writeAll(bytes.span.extracting(0..<inFile), at: offset)
        }
        for i in inFile..<bytes.count {
            buffer[Int(offset + UInt64(i) - flushedOffset)] = bytes[i]
        }
    }

    /// Writes the buffer to the file.
    func flush() throws {
        do {
            // A local copy of the array (one retain, gone before the buffer is written to again):
            // a span of a class's property cannot be taken.
            let pending = buffer
            try writeAll(pending.span.extracting(0..<buffered), at: flushedOffset)
        }
        flushedOffset += UInt64(buffered)
        buffered = 0
    }

    /// Flushes and waits until the file's bytes are on the disk (`fsync`).
    func sync() throws {
        try flush()
        var result: Int32
        repeat { result = fsync(descriptor) } while result != 0 && errno == EINTR
        guard result == 0 else { throw ByteSourceError(operation: "fsync", code: errno) }
    }

    private func writeAll(_ bytes: Span<UInt8>, at offset: UInt64) throws {
        do {
            try POSIXFile.writeAll(descriptor, bytes, at: offset)
        } catch {
            throw ByteSourceError(operation: "write", code: error.code)
        }
    }
}
