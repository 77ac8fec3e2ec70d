import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A zip archive's file, open for reading at any offset (`pread`: no shared position), so that
/// the listing and every entry read from it independently, on any thread.
final class ZipArchiveFile: @unchecked Sendable {
    let path: String
    let size: UInt64
    /// The open file (closed with it).
    private let file: FileByteSource
    private var descriptor: Int32 { file.descriptor }

    init(path: String) throws {
        file = try FileByteSource(path: path)
        var info = stat()
        guard fstat(file.descriptor, &info) == 0 else { throw ByteSourceError(operation: "stat", code: errno) }
        self.path = path
        size = UInt64(info.st_size)
    }

    /// Reads up to `buffer.count` bytes at `offset`; fewer only at the end of the file.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws -> Int {
        var done = 0
        while done < buffer.count {
            let n = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                throw ByteSourceError(operation: "read", code: errno)
            }
            done += n
        }
        return done
    }

    /// Exactly `count` bytes at `offset`.
    /// - Throws: ``ByteSourceError`` naming `what` when the file ends first.
    func bytes(_ count: Int, at offset: UInt64, what: String) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let got = try bytes.withUnsafeMutableBytes { try read(into: $0, at: offset) }
        guard got == count else { throw ZipArchiveFile.damaged("\(what) at byte \(offset) runs past the end of the file") }
        return bytes
    }

    /// The error for an archive whose structure is not what a zip's must be.
    static func damaged(_ reason: String) -> ByteSourceError {
        ByteSourceError(operation: "unzip", reason: "damaged zip archive: \(reason)")
    }
}
