import FHIRModel
import Foundation

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
        do {
            size = UInt64(try POSIXFile.status(of: file.descriptor).st_size)
        } catch {
            throw ByteSourceError(operation: "stat", code: error.code)
        }
        self.path = path
    }

    /// Reads `buffer[range]` from the file at `offset`: how many bytes came, fewer than
    /// `range.count` only at the end of the file.
    func read(into buffer: inout [UInt8], _ range: Range<Int>, at offset: UInt64) throws -> Int {
        do {
            return try POSIXFile.read(descriptor, into: &buffer, range, at: offset)
        } catch {
            throw ByteSourceError(operation: "read", code: error.code)
        }
    }

    /// Exactly `count` bytes at `offset`.
    /// - Throws: ``ByteSourceError`` naming `what` when the file ends first.
    func bytes(_ count: Int, at offset: UInt64, what: String) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let got = try read(into: &bytes, 0..<count, at: offset)
        guard got == count else { throw ZipArchiveFile.damaged("\(what) at byte \(offset) runs past the end of the file") }
        return bytes
    }

    /// The error for an archive whose structure is not what a zip's must be.
    static func damaged(_ reason: String) -> ByteSourceError {
        ByteSourceError(operation: "unzip", reason: "damaged zip archive: \(reason)")
    }
}
