import Foundation

/// The entries of a zip archive, listed from its central directory in archive order, each read
/// a chunk at a time straight from the archive (nothing is unpacked to disk).
///
/// The listing is read as it is walked, through one 64 KiB window, so an archive of a million
/// entries costs no more memory than one of ten. Folders are skipped; every other entry,
/// nested zips included, is given as it is. The archive must be a file (its directory is at its
/// end): a zip arriving on a pipe has to be saved first.
///
/// Why the entries are inflated here with zlib and not through ZIPFoundation's
/// `extract(_:consumer:)`: that call pushes chunks to a closure, so a pull-based reader would need
/// a thread per archive and a hand-off per chunk; its public `Entry` hides where an entry's data
/// starts; and it feeds zlib whole buffers read past the entry's own bytes. Reading the records
/// here keeps each entry a plain ``ByteSource`` on the caller's thread, bounded to its own bytes,
/// that a damaged entry fails with a reason while the rest of the archive still reads.
public final class ZipInput {
    /// The archive's path.
    public let path: String
    /// How many entries the central directory declares, folders included.
    public let declaredEntryCount: UInt64

    private let file: ZipArchiveFile
    private let window = ZipReadWindow()
    /// The next central record's offset, the directory's end, and the records still to read.
    private var cursor: UInt64
    private let directoryEnd: UInt64
    private var remaining: UInt64

    /// Opens the archive at `path` and finds its central directory (zip64 included).
    /// - Throws: ``ByteSourceError`` when the file cannot be read or is not a zip archive.
    public init(path: String) throws {
        file = try ZipArchiveFile(path: path)
        self.path = path
        let directory = try Self.findCentralDirectory(in: file)
        declaredEntryCount = directory.entryCount
        cursor = directory.offset
        directoryEnd = directory.offset + directory.size
        remaining = directory.entryCount
        guard directoryEnd <= file.size else {
            throw ZipArchiveFile.damaged("the central directory (bytes \(directory.offset)..<\(directoryEnd)) lies past the end of the file (\(file.size) bytes)")
        }
    }

    /// The next entry that is not a folder, in archive order; nil after the last.
    /// - Throws: ``ByteSourceError`` when the central directory is damaged (the entries before it
    ///   stay valid; none after it can be listed).
    public func nextEntry() throws -> ZipEntry? {
        while remaining > 0 {
            let entry = try readCentralRecord()
            remaining -= 1
            if !entry.path.hasSuffix("/") { return entry }
        }
        return nil
    }

    private func readCentralRecord() throws -> ZipEntry {
        let at = cursor
        var record = try window.bytes(ZipFormat.centralHeaderSize, at: at, in: file, before: directoryEnd, what: "the central directory")
        guard record.zipUInt32(at: 0) == ZipFormat.centralHeaderSignature else {
            throw ZipArchiveFile.damaged("no central directory record at byte \(at)")
        }
        let flags = record.zipUInt16(at: 8), method = record.zipUInt16(at: 10), crc = record.zipUInt32(at: 16)
        var compressedSize = UInt64(record.zipUInt32(at: 20)), size = UInt64(record.zipUInt32(at: 24))
        let nameLength = Int(record.zipUInt16(at: 28)), extraLength = Int(record.zipUInt16(at: 30))
        let commentLength = Int(record.zipUInt16(at: 32))
        var localHeaderOffset = UInt64(record.zipUInt32(at: 42))
        let recordSize = ZipFormat.centralHeaderSize + nameLength + extraLength + commentLength
        record = try window.bytes(recordSize, at: at, in: file, before: directoryEnd, what: "the central directory")
        let nameBytes = record[ZipFormat.centralHeaderSize ..< ZipFormat.centralHeaderSize + nameLength]
        let path = String(validating: nameBytes, as: UTF8.self)
            ?? String(nameBytes.map { Character(Unicode.Scalar($0)) }) // old zips: code page bytes, read as Latin-1
        // 64-bit values stand in the zip64 extra field, in this order, for each 32-bit field that is all ones.
        var extra = ZipFormat.centralHeaderSize + nameLength
        let extraEnd = extra + extraLength
        while extra + 4 <= extraEnd {
            let id = record.zipUInt16(at: extra), length = Int(record.zipUInt16(at: extra + 2))
            if id == ZipFormat.zip64ExtraID {
                var field = extra + 4
                let fieldEnd = min(field + length, extraEnd)
                size = Self.widened(size, from: record, at: &field, before: fieldEnd)
                compressedSize = Self.widened(compressedSize, from: record, at: &field, before: fieldEnd)
                localHeaderOffset = Self.widened(localHeaderOffset, from: record, at: &field, before: fieldEnd)
            }
            extra += 4 + length
        }
        cursor = at + UInt64(recordSize)
        return ZipEntry(path: path, compressedSize: compressedSize, uncompressedSize: size, crc32: crc,
                        method: method, flags: flags, localHeaderOffset: localHeaderOffset, archive: file)
    }

    /// `value`, or when it is all ones (a 32-bit field standing for more), the next 64-bit value
    /// of the zip64 extra field at `field`.
    private static func widened(_ value: UInt64, from record: ZipRecordBytes, at field: inout Int, before end: Int) -> UInt64 {
        guard value == 0xFFFF_FFFF, field + 8 <= end else { return value }
        defer { field += 8 }
        return record.zipUInt64(at: field)
    }

    /// Where the central directory is and how many records it holds: from the end record, or
    /// from the zip64 end record that the locator before it points to.
    private static func findCentralDirectory(in file: ZipArchiveFile) throws -> (offset: UInt64, size: UInt64, entryCount: UInt64) {
        // The end record is the last 22 bytes but for a comment of up to 65,535 bytes.
        let tailLength = Int(min(file.size, UInt64(ZipFormat.endSize + 0xFFFF)))
        let tailStart = file.size - UInt64(tailLength)
        let tail = try file.bytes(tailLength, at: tailStart, what: "the end of the archive")
        var end = tailLength - ZipFormat.endSize
        while end >= 0 {
            if tail.zipUInt32(at: end) == ZipFormat.endSignature,
               end + ZipFormat.endSize + Int(tail.zipUInt16(at: end + 20)) <= tailLength { break }
            end -= 1
        }
        guard end >= 0 else {
            throw ByteSourceError(operation: "unzip", reason: "not a zip archive: no end of central directory record (a truncated or damaged zip?)")
        }
        var result = (offset: UInt64(tail.zipUInt32(at: end + 16)), size: UInt64(tail.zipUInt32(at: end + 12)),
                      entryCount: UInt64(tail.zipUInt16(at: end + 10)))
        let locator = end - ZipFormat.zip64LocatorSize
        if locator >= 0, tail.zipUInt32(at: locator) == ZipFormat.zip64LocatorSignature {
            let zip64EndOffset = tail.zipUInt64(at: locator + 8)
            let record = try file.bytes(ZipFormat.zip64EndSize, at: zip64EndOffset, what: "the zip64 end record")
            guard record.zipUInt32(at: 0) == ZipFormat.zip64EndSignature else {
                throw ZipArchiveFile.damaged("no zip64 end record at byte \(zip64EndOffset)")
            }
            result = (offset: record.zipUInt64(at: 48), size: record.zipUInt64(at: 40), entryCount: record.zipUInt64(at: 32))
        }
        return result
    }
}
