/// Walks the local headers of a zip written by ``ZipOutputWriter`` (no data descriptors: every
/// header holds its entry's sizes), from the first byte to `end`, which must be an entry's end.
/// What both finishing (the central directory is rebuilt from them) and resuming (a checkpoint is
/// checked against them) read.
struct ZipLocalHeaders {
    /// One entry's local header: its offset, the raw header (fixed part, name, extra field),
    /// and its sizes (widened from the zip64 extra field where they need it).
    struct Header {
        var offset: UInt64
        var raw: ZipRecordBytes
        var compressedSize: UInt64, uncompressedSize: UInt64
        var nameLength: Int { Int(raw.zipUInt16(at: 26)) }
    }

    let file: ZipArchiveFile
    let end: UInt64
    private let window = ZipReadWindow()

    init(file: ZipArchiveFile, end: UInt64) {
        self.file = file
        self.end = end
    }

    /// Calls `body` with each header in file order; returns how many there were.
    /// - Throws: ``ByteSourceError`` when a header is missing or the last entry does not end at `end`.
    @discardableResult
    func forEach(_ body: (Header) throws -> Void) throws -> Int {
        var offset: UInt64 = 0, count = 0
        let what = "the entries written"
        while offset < end {
            let fixed = try window.bytes(ZipFormat.localHeaderSize, at: offset, in: file, before: end, what: what)
            guard fixed.zipUInt32(at: 0) == ZipFormat.localHeaderSignature,
                  fixed.zipUInt16(at: 6) & ZipFormat.flagDataDescriptor == 0 else {
                throw ZipArchiveFile.damaged("no local header of a complete entry at byte \(offset)")
            }
            let headerSize = ZipFormat.localHeaderSize + Int(fixed.zipUInt16(at: 26)) + Int(fixed.zipUInt16(at: 28))
            let raw = try window.bytes(headerSize, at: offset, in: file, before: end, what: what)
            var compressed = UInt64(raw.zipUInt32(at: 18)), size = UInt64(raw.zipUInt32(at: 22))
            if compressed == 0xFFFF_FFFF || size == 0xFFFF_FFFF {
                // The writer's zip64 extra field: the first in the field, sizes in this order.
                let extra = ZipFormat.localHeaderSize + Int(raw.zipUInt16(at: 26))
                guard headerSize >= extra + 20, raw.zipUInt16(at: extra) == ZipFormat.zip64ExtraID else {
                    throw ZipArchiveFile.damaged("the entry at byte \(offset) lacks its zip64 sizes")
                }
                size = raw.zipUInt64(at: extra + 4)
                compressed = raw.zipUInt64(at: extra + 12)
            }
            try body(Header(offset: offset, raw: raw, compressedSize: compressed, uncompressedSize: size))
            offset += UInt64(headerSize) + compressed
            count += 1
        }
        guard offset == end else { throw ZipArchiveFile.damaged("the last entry runs past byte \(end)") }
        return count
    }
}
