/// A window over an archive's records, read 64 KiB at a time, so that walking a million records
/// (the central directory; the local headers when the writer rebuilds the directory) costs a few
/// hundred reads and one buffer.
final class ZipReadWindow {
    private var storage = [UInt8](repeating: 0, count: 1 << 16)
    private var start: UInt64 = 0, filled = 0

    /// `count` bytes at `offset`, which must end by `limit`. The record shares the window's buffer
    /// until the next read replaces it (then the record keeps its own copy).
    /// - Throws: ``ByteSourceError`` naming `what` (the records' region) when they do not.
    func bytes(_ count: Int, at offset: UInt64, in file: ZipArchiveFile, before limit: UInt64, what: String) throws -> ZipRecordBytes {
        guard offset + UInt64(count) <= limit else {
            throw ZipArchiveFile.damaged("a record at byte \(offset) runs past the end of \(what) (byte \(limit))")
        }
        if offset < start || offset + UInt64(count) > start + UInt64(filled) {
            if count > storage.count { storage = [UInt8](repeating: 0, count: count) }
            let length = Int(min(UInt64(storage.count), limit - offset))
            filled = try file.read(into: &storage, 0..<length, at: offset)
            start = offset
            guard filled >= count else {
                throw ZipArchiveFile.damaged("\(what) at byte \(offset) runs past the end of the file")
            }
        }
        let from = Int(offset - start)
        return ZipRecordBytes(bytes: storage[from ..< from + count])
    }
}

/// One record's bytes from a ``ZipReadWindow``, indexed from 0.
struct ZipRecordBytes: ZipFieldBytes {
    let bytes: ArraySlice<UInt8>

    var count: Int { bytes.count }

    subscript(offset: Int) -> UInt8 { bytes[bytes.startIndex + offset] }

    /// The bytes in `range` (from 0).
    subscript(range: Range<Int>) -> ArraySlice<UInt8> {
        bytes[(bytes.startIndex + range.lowerBound) ..< (bytes.startIndex + range.upperBound)]
    }
}
