import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The bytes of a zip being written: appended through a 1 MiB buffer (a million small entries
/// cost a thousand `write` calls), with fields patched after the fact and the file synced on demand.
final class ZipFileOutput {
    let path: String
    private let descriptor: Int32
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
    private var buffered = 0
    /// The file offset of the buffer's first byte: everything before it has been written.
    private var flushedOffset: UInt64

    /// The offset the next appended byte lands at.
    var offset: UInt64 { flushedOffset + UInt64(buffered) }

    /// Opens `path`: created empty, or (when `truncatingTo` is given) an existing file cut to that
    /// many bytes, which it must hold.
    init(path: String, truncatingTo length: UInt64?) throws {
        let flags = O_RDWR | O_CLOEXEC | (length == nil ? O_CREAT | O_TRUNC : 0)
        var fd: Int32
        repeat { fd = open(path, flags, 0o644) } while fd < 0 && errno == EINTR
        guard fd >= 0 else { throw ByteSourceError(operation: "open", code: errno) }
        descriptor = fd
        self.path = path
        flushedOffset = 0
        if let length {
            var info = stat()
            guard fstat(fd, &info) == 0 else { throw ByteSourceError(operation: "stat", code: errno) }
            guard UInt64(info.st_size) >= length else {
                throw ByteSourceError(operation: "resume", reason: "\(path) holds \(info.st_size) bytes, fewer than the \(length) its checkpoint says are written")
            }
            guard ftruncate(fd, off_t(length)) == 0 else { throw ByteSourceError(operation: "truncate", code: errno) }
            flushedOffset = length
        }
    }

    deinit {
        buffer.deallocate()
        close(descriptor)
    }

    func append(_ bytes: UnsafeRawBufferPointer) throws {
        var from = 0
        while from < bytes.count {
            if buffered == buffer.count { try flush() }
            let count = min(bytes.count - from, buffer.count - buffered)
            (buffer.baseAddress! + buffered).copyMemory(from: bytes.baseAddress! + from, byteCount: count)
            buffered += count
            from += count
        }
    }

    func append(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try append($0) }
    }

    /// The buffer's free tail, at least 64 KiB (flushing first when less is left), for a producer
    /// that writes in place; it then calls ``commit(_:)`` with the count written.
    func freeSpace() throws -> UnsafeMutableRawBufferPointer {
        if buffer.count - buffered < 1 << 16 { try flush() }
        return UnsafeMutableRawBufferPointer(rebasing: buffer[buffered...])
    }

    func commit(_ count: Int) {
        buffered += count
    }

    /// Overwrites the bytes at `offset` (already appended) with `bytes`: in the buffer, or in the
    /// file for the part already flushed.
    func patch(_ bytes: [UInt8], at offset: UInt64) throws {
        // Offsets grow, so the part already flushed (if any) is a prefix.
        let inFile = offset < flushedOffset ? Int(min(UInt64(bytes.count), flushedOffset - offset)) : 0
        if inFile > 0 {
            try bytes.withUnsafeBytes { try writeAll(UnsafeRawBufferPointer(rebasing: $0[0..<inFile]), at: offset) }
        }
        for i in inFile..<bytes.count {
            buffer[Int(offset + UInt64(i) - flushedOffset)] = bytes[i]
        }
    }

    /// Writes the buffer to the file.
    func flush() throws {
        try writeAll(UnsafeRawBufferPointer(rebasing: buffer[0..<buffered]), at: flushedOffset)
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

    private func writeAll(_ bytes: UnsafeRawBufferPointer, at offset: UInt64) throws {
        var done = 0
        while done < bytes.count {
            let n = pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw ByteSourceError(operation: "write", code: errno)
            }
            done += n
        }
    }
}
