/// A window over an archive's records, read 64 KiB at a time, so that walking a million records
/// (the central directory; the local headers when the writer rebuilds the directory) costs a few
/// hundred reads and one buffer.
final class ZipReadWindow {
    private var storage = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 8)
    private var start: UInt64 = 0, filled = 0

    deinit {
        storage.deallocate()
    }

    /// `count` bytes at `offset`, which must end by `limit`; valid until the next call.
    /// - Throws: ``ByteSourceError`` naming `what` (the records' region) when they do not.
    func bytes(_ count: Int, at offset: UInt64, in file: ZipArchiveFile, before limit: UInt64, what: String) throws -> UnsafeRawBufferPointer {
        guard offset + UInt64(count) <= limit else {
            throw ZipArchiveFile.damaged("a record at byte \(offset) runs past the end of \(what) (byte \(limit))")
        }
        if offset < start || offset + UInt64(count) > start + UInt64(filled) {
            if count > storage.count {
                storage.deallocate()
                storage = .allocate(byteCount: count, alignment: 8)
            }
            let length = Int(min(UInt64(storage.count), limit - offset))
            filled = try file.read(into: UnsafeMutableRawBufferPointer(rebasing: storage[0..<length]), at: offset)
            start = offset
            guard filled >= count else {
                throw ZipArchiveFile.damaged("\(what) at byte \(offset) runs past the end of the file")
            }
        }
        let from = Int(offset - start)
        return UnsafeRawBufferPointer(rebasing: storage[from ..< from + count])
    }
}
