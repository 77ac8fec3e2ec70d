import Foundation

/// Writes a zip archive one entry at a time, deflated, in memory that does not grow with the
/// entries, and resumable after a crash.
///
/// Each entry is deflated straight into a 1 MiB output buffer behind its local header, whose
/// checksum and sizes are filled in once the data is out; nothing of an entry stays in memory
/// after ``add(name:bytes:)-(_,Span<UInt8>)`` returns. No per-entry state is kept either: ``finish()`` rebuilds
/// the central directory from the local headers on disk, and writes zip64 records when the
/// archive holds more than 65,535 entries or passes 4 GiB.
///
/// Crash safety: ``checkpoint()`` syncs the file (`fsync`) and then returns how far it is
/// complete; save that value (after the sync, so it never claims bytes that are not on disk).
/// After a crash, ``init(resuming:from:compressionLevel:)`` cuts the file back to the checkpoint,
/// checks the entries before it, and goes on: the caller adds again what it added after the
/// checkpoint, and the finished archive holds each entry exactly once. Write to a temporary name
/// and rename once ``finish()`` returns, so that no reader sees a half-written archive.
public final class ZipOutputWriter {
    /// The archive's path.
    public var path: String { output.path }
    /// The entries added so far.
    public private(set) var entryCount: Int

    private let output: ZipFileOutput
    private let deflater: ZlibDeflater
    private let dosTime: UInt16, dosDate: UInt16
    private var finished = false
    /// The record being assembled, reused so that adding an entry allocates nothing.
    private var header = [UInt8]()

    /// Starts a new archive at `path` (replacing any file there), deflating at
    /// `compressionLevel` (1 fastest to 9 smallest; 6 is zip's default), stamping every entry
    /// with `date` (local time, to the two seconds MS-DOS dates hold).
    /// - Throws: ``ByteSourceError`` when the file cannot be created.
    public init(creating path: String, compressionLevel: Int = 6, date: Date = Date()) throws {
        output = try ZipFileOutput(path: path, truncatingTo: nil)
        deflater = ZlibDeflater(level: Int32(clamping: compressionLevel))
        (dosTime, dosDate) = Self.dosTimeAndDate(date)
        entryCount = 0
    }

    /// Reopens the archive at `path`, written by a writer that gave `checkpoint`: cuts off
    /// whatever follows the checkpoint (a torn entry, a half-written directory) and checks that
    /// the entries before it are the checkpoint's, complete.
    /// - Throws: ``ByteSourceError`` when the file is shorter than the checkpoint or its entries
    ///   are not the checkpoint's.
    public init(resuming path: String, from checkpoint: ZipCheckpoint, compressionLevel: Int = 6) throws {
        output = try ZipFileOutput(path: path, truncatingTo: checkpoint.nextEntryOffset)
        deflater = ZlibDeflater(level: Int32(clamping: compressionLevel))
        (dosTime, dosDate) = (checkpoint.dosTime, checkpoint.dosDate)
        let found = try ZipLocalHeaders(file: ZipArchiveFile(path: path), end: checkpoint.nextEntryOffset).forEach { _ in }
        guard found == checkpoint.entryCount else {
            throw ByteSourceError(operation: "resume", reason: "\(path) holds \(found) entries before byte \(checkpoint.nextEntryOffset), its checkpoint \(checkpoint.entryCount)")
        }
        entryCount = found
    }

    /// Adds an entry named `name` (a relative path, `/` between folders) holding `bytes`.
    /// - Throws: ``ByteSourceError`` when the file cannot be written, the name is longer than
    ///   65,535 bytes, or the archive is finished.
    public func add(name: String, bytes: Span<UInt8>) throws {
        guard !finished else { throw ByteSourceError(operation: "zip", reason: "\(path) is finished: no entry can be added") }
        let nameLength = name.utf8.count
        guard nameLength <= 0xFFFF else { throw ByteSourceError(operation: "zip", reason: "an entry name is longer than 65,535 bytes") }
        // zip64 sizes when the data could reach 4 GiB (deflate adds at most ~0.03% and a few bytes).
        let zip64 = UInt64(bytes.count) >= 0xFF00_0000
        let headerOffset = output.offset
        header.removeAll(keepingCapacity: true)
        header.appendZip(ZipFormat.localHeaderSignature)
        header.appendZip(UInt16(zip64 ? 45 : 20))
        header.appendZip(ZipFormat.flagUTF8)
        header.appendZip(ZipFormat.methodDeflated)
        header.appendZip(dosTime)
        header.appendZip(dosDate)
        header.appendZip(zlibCRC32(0, bytes))
        header.appendZip(UInt64.max) // both sizes: patched once the data is out
        header.appendZip(UInt16(nameLength))
        header.appendZip(UInt16(zip64 ? 20 : 0))
        header.append(contentsOf: name.utf8)
        if zip64 {
            header.appendZip(ZipFormat.zip64ExtraID)
            header.appendZip(UInt16(16))
            header.appendZip(UInt64(bytes.count))
            header.appendZip(UInt64.max)
        }
        try output.append(header)
        let compressedSize = try deflate(bytes)
        header.removeAll(keepingCapacity: true)
        if zip64 {
            header.appendZip(compressedSize)
            try output.patch(header, at: headerOffset + UInt64(ZipFormat.localHeaderSize + nameLength + 12))
        } else {
            header.appendZip(UInt32(compressedSize))
            header.appendZip(UInt32(bytes.count))
            try output.patch(header, at: headerOffset + 18)
        }
        entryCount += 1
    }

    /// Adds an entry named `name` holding `bytes`, as the span form does.
    public func add(name: String, bytes: [UInt8]) throws {
        try add(name: name, bytes: bytes.span)
    }

    /// Adds an entry named `name` holding `data`, as the span form does.
    public func add(name: String, bytes data: Data) throws {
        try add(name: name, bytes: data.span)
    }

    /// Syncs the file and returns how far it is complete: save it to resume from after a crash.
    /// - Throws: ``ByteSourceError`` when the file cannot be written or synced.
    public func checkpoint() throws -> ZipCheckpoint {
        try output.sync()
        return ZipCheckpoint(entryCount: entryCount, nextEntryOffset: output.offset, dosTime: dosTime, dosDate: dosDate)
    }

    /// Writes the central directory (rebuilt from the local headers on disk) and the end records,
    /// and syncs the file. The archive is then complete; nothing more can be added.
    /// - Throws: ``ByteSourceError`` when the file cannot be written or read back.
    public func finish() throws {
        guard !finished else { return }
        try output.flush()
        let directoryOffset = output.offset
        let headers = ZipLocalHeaders(file: try ZipArchiveFile(path: path), end: directoryOffset)
        let count = try headers.forEach { local in
            header.removeAll(keepingCapacity: true)
            Self.appendCentralRecord(for: local, to: &header)
            try output.append(header)
        }
        let directorySize = output.offset - directoryOffset
        var end = [UInt8]() // the end records: zip64's when the counts or offsets need them
        if count >= 0xFFFF || directoryOffset >= 0xFFFF_FFFF || directorySize >= 0xFFFF_FFFF {
            let zip64EndOffset = output.offset
            end.appendZip(ZipFormat.zip64EndSignature)
            end.appendZip(UInt64(ZipFormat.zip64EndSize - 12)) // the size of what follows this field
            end.appendZip(UInt16(3 << 8 | 45))
            end.appendZip(UInt16(45))
            end.appendZip(UInt32(0)) // this disk; the directory's disk
            end.appendZip(UInt32(0))
            end.appendZip(UInt64(count))
            end.appendZip(UInt64(count))
            end.appendZip(directorySize)
            end.appendZip(directoryOffset)
            end.appendZip(ZipFormat.zip64LocatorSignature)
            end.appendZip(UInt32(0))
            end.appendZip(zip64EndOffset)
            end.appendZip(UInt32(1)) // disks
        }
        end.appendZip(ZipFormat.endSignature)
        end.appendZip(UInt16(0))
        end.appendZip(UInt16(0))
        end.appendZip(UInt16(min(count, 0xFFFF)))
        end.appendZip(UInt16(min(count, 0xFFFF)))
        end.appendZip(UInt32(min(directorySize, 0xFFFF_FFFF)))
        end.appendZip(UInt32(min(directoryOffset, 0xFFFF_FFFF)))
        end.appendZip(UInt16(0)) // comment length
        try output.append(end)
        try output.sync()
        finished = true
    }

    /// Deflates `bytes` into the output; returns the compressed size.
    private func deflate(_ bytes: Span<UInt8>) throws -> UInt64 {
        deflater.reset()
        var consumed = 0, produced: UInt64 = 0
        while true {
            // zlib counts input in 32 bits: hand it 1 GiB at most at a time.
            let piece = min(bytes.count - consumed, 1 << 30)
            let isLast = consumed + piece == bytes.count
            let step = try output.appendDeflated(bytes.extracting(consumed ..< consumed + piece), by: deflater, finish: isLast)
            consumed += step.consumed
            produced += UInt64(step.produced)
            if step.ended { return produced }
        }
    }

    /// The central directory record of the entry whose local header is `header`.
    private static func appendCentralRecord(for header: ZipLocalHeaders.Header, to record: inout [UInt8]) {
        let raw = header.raw
        let sizesNeed64 = header.compressedSize >= 0xFFFF_FFFF || header.uncompressedSize >= 0xFFFF_FFFF
        let offsetNeeds64 = header.offset >= 0xFFFF_FFFF
        let extraLength = (sizesNeed64 ? 16 : 0) + (offsetNeeds64 ? 8 : 0)
        record.appendZip(ZipFormat.centralHeaderSignature)
        record.appendZip(UInt16(3 << 8 | 45)) // made by: Unix, zip 4.5
        record.append(contentsOf: raw[4 ..< 18]) // version needed, flags, method, time, date, CRC-32
        record.appendZip(sizesNeed64 ? UInt32.max : UInt32(header.compressedSize))
        record.appendZip(sizesNeed64 ? UInt32.max : UInt32(header.uncompressedSize))
        record.appendZip(UInt16(header.nameLength))
        record.appendZip(UInt16(extraLength == 0 ? 0 : 4 + extraLength))
        record.appendZip(UInt16(0)) // comment length, disk, internal attributes
        record.appendZip(UInt16(0))
        record.appendZip(UInt16(0))
        record.appendZip(UInt32(0o100644) << 16) // external attributes: a regular file, rw-r--r--
        record.appendZip(offsetNeeds64 ? UInt32.max : UInt32(header.offset))
        record.append(contentsOf: raw[ZipFormat.localHeaderSize ..< ZipFormat.localHeaderSize + header.nameLength])
        if extraLength > 0 {
            record.appendZip(ZipFormat.zip64ExtraID)
            record.appendZip(UInt16(extraLength))
            if sizesNeed64 {
                record.appendZip(header.uncompressedSize)
                record.appendZip(header.compressedSize)
            }
            if offsetNeeds64 { record.appendZip(header.offset) }
        }
    }

    /// `date` as MS-DOS packs it: 2-second time and a date from 1980.
    private static func dosTimeAndDate(_ date: Date) -> (UInt16, UInt16) {
        let parts = Calendar.current.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let year = min(max((parts.year ?? 1980) - 1980, 0), 127)
        let time = (parts.hour ?? 0) << 11 | (parts.minute ?? 0) << 5 | (parts.second ?? 0) / 2
        let day = year << 9 | (parts.month ?? 1) << 5 | (parts.day ?? 1)
        return (UInt16(time), UInt16(day))
    }
}
