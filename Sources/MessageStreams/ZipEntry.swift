import Foundation

/// One file in a zip archive, as its central directory lists it; ``open()`` reads its bytes.
public struct ZipEntry: Sendable {
    /// The entry's path inside the archive, e.g. `2024/03/message-17.xml`.
    public let path: String
    /// Its size as stored and once inflated, in bytes.
    public let compressedSize: UInt64, uncompressedSize: UInt64
    /// The CRC-32 its bytes must have (checked as they are read).
    public let crc32: UInt32
    let method: UInt16
    let flags: UInt16
    let localHeaderOffset: UInt64
    let archive: ZipArchiveFile

    /// Where a message of this entry came from, for diagnostics and quarantine sidecars:
    /// `zip entry 2024/03/message-17.xml`.
    public var sourceDescription: String { "zip entry \(path)" }

    /// True when the entry is deflated; false when stored as it is.
    public var isCompressed: Bool { method != ZipFormat.methodStored }

    /// A source of the entry's inflated bytes, read from the archive a chunk at a time. Sources of
    /// different entries (even of the same entry) are independent and may be read on any thread.
    public func open() -> ZipEntrySource {
        ZipEntrySource(entry: self)
    }
}

/// The bytes of one zip entry, inflated (deflate) or copied (stored) from the archive as they are
/// read, in bounded memory (one 64 KiB buffer and zlib's window), and checked at their end
/// against the CRC-32 and size the archive declares.
///
/// A damaged entry fails with a ``ByteSourceError`` (operation `unzip`) naming the entry: an
/// encrypted entry or an unknown method at the first read; damaged or short deflate data, a
/// wrong size or checksum when it shows.
public final class ZipEntrySource: ByteSource {
    private let entry: ZipEntry
    private var inflater: ZlibInflater?
    /// The compressed bytes read ahead (a deflated entry's, until its stream ends; else empty).
    private var input: [UInt8] = []
    private var inputStart = 0, inputEnd = 0
    /// The next compressed byte's offset in the archive (nil until the local header is read) and
    /// how many compressed bytes are left.
    private var dataOffset: UInt64?
    private var compressedLeft: UInt64
    private var produced: UInt64 = 0
    private var crc: UInt32 = 0
    private var ended = false

    init(entry: ZipEntry) {
        self.entry = entry
        compressedLeft = entry.compressedSize
    }

    public func read(into buffer: inout [UInt8]) throws -> Int {
        guard !ended, !buffer.isEmpty else { return 0 }
        if dataOffset == nil { try start() }
        let count = entry.method == ZipFormat.methodStored
            ? try readCompressed(into: &buffer, count: buffer.count) : try readDeflated(into: &buffer)
        produced += UInt64(count)
        crc = zlibCRC32(crc, buffer.span.extracting(0..<count))
        guard produced <= entry.uncompressedSize else { throw failure("holds more than the \(entry.uncompressedSize) bytes its directory record declares") }
        if count == 0 {
            ended = true
            guard produced == entry.uncompressedSize else {
                throw failure("holds \(produced) bytes, its directory record declares \(entry.uncompressedSize)")
            }
            guard crc == entry.crc32 else { throw failure("CRC-32 mismatch: the data is damaged") }
        }
        return count
    }

    /// Checks what can be checked before any data and finds where the data starts (after the
    /// local header, whose name and extra field lengths may differ from the central record's).
    private func start() throws {
        guard entry.flags & ZipFormat.flagEncrypted == 0 else { throw failure("is encrypted, which dch does not read") }
        guard entry.method == ZipFormat.methodStored || entry.method == ZipFormat.methodDeflated else {
            throw failure("uses compression method \(entry.method); only stored (0) and deflated (8) are read")
        }
        let header = try entry.archive.bytes(ZipFormat.localHeaderSize, at: entry.localHeaderOffset, what: "the local header of \(entry.sourceDescription)")
        let (signature, nameLength, extraLength) = (header.zipUInt32(at: 0), header.zipUInt16(at: 26), header.zipUInt16(at: 28))
        guard signature == ZipFormat.localHeaderSignature else {
            throw failure("has no local header at byte \(entry.localHeaderOffset)")
        }
        dataOffset = entry.localHeaderOffset + UInt64(ZipFormat.localHeaderSize) + UInt64(nameLength) + UInt64(extraLength)
        if entry.method == ZipFormat.methodDeflated {
            inflater = ZlibInflater(windowBits: -15)
            input = [UInt8](repeating: 0, count: 1 << 16)
        }
    }

    /// Up to `wanted` bytes of the entry's data as stored (a stored entry's very bytes), into the
    /// start of `buffer`.
    private func readCompressed(into buffer: inout [UInt8], count wanted: Int) throws -> Int {
        let count = Int(min(UInt64(wanted), compressedLeft))
        guard count > 0, let offset = dataOffset else { return 0 }
        let got = try entry.archive.read(into: &buffer, 0..<count, at: offset)
        guard got == count else { throw failure("is cut short: the archive ends inside its data") }
        dataOffset = offset + UInt64(got)
        compressedLeft -= UInt64(got)
        return got
    }

    private func readDeflated(into buffer: inout [UInt8]) throws -> Int {
        guard let inflater else { return 0 }
        while true {
            if inputStart == inputEnd {
                inputStart = 0
                let room = input.count
                inputEnd = try readCompressed(into: &input, count: room)
                guard inputEnd > 0 else {
                    // A stream without its end block whose bytes are all there (size and CRC-32
                    // checked next) reads, as zipfile and unzip read it; one that is short fails.
                    if produced == entry.uncompressedSize { return 0 }
                    throw failure("is cut short: its deflate data ends before the stream does")
                }
            }
            let step: ZlibInflater.Step
            do {
                // A local copy of the array (one retain): a span of a class's property cannot be taken.
                let compressedBytes = input
                step = try inflater.inflate(compressedBytes.span.extracting(inputStart..<inputEnd), into: &buffer)
            } catch let error as ZlibDataError {
                throw failure("has damaged deflate data: \(error.message)")
            }
            inputStart += step.consumed
            if step.streamEnded {
                // Done: the caller's next read returns 0 and checks the size and checksum.
                self.inflater = nil
                self.input = []
                return step.produced
            }
            if step.produced > 0 { return step.produced }
        }
    }

    private func failure(_ reason: String) -> ByteSourceError {
        ByteSourceError(operation: "unzip", reason: "\(entry.sourceDescription) (in \(entry.archive.path)) \(reason)")
    }
}
