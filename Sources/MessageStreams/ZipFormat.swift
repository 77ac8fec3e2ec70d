/// The zip records both ``ZipInput`` and ``ZipOutputWriter`` use (PKWARE APPNOTE 6.3, sections
/// 4.3 and 4.5): their signatures, fixed sizes and the little-endian fields inside them.
enum ZipFormat {
    static let localHeaderSignature: UInt32 = 0x0403_4B50
    static let centralHeaderSignature: UInt32 = 0x0201_4B50
    static let endSignature: UInt32 = 0x0605_4B50
    static let zip64EndSignature: UInt32 = 0x0606_4B50
    static let zip64LocatorSignature: UInt32 = 0x0706_4B50

    static let localHeaderSize = 30
    static let centralHeaderSize = 46
    static let endSize = 22
    static let zip64EndSize = 56
    static let zip64LocatorSize = 20
    /// The extra field that holds the 64-bit sizes and offset.
    static let zip64ExtraID: UInt16 = 0x0001

    static let methodStored: UInt16 = 0
    static let methodDeflated: UInt16 = 8
    /// General-purpose flag bits: encrypted; sizes in a data descriptor after the data; UTF-8 names.
    static let flagEncrypted: UInt16 = 1 << 0
    static let flagDataDescriptor: UInt16 = 1 << 3
    static let flagUTF8: UInt16 = 1 << 11
}

/// Bytes indexed from 0 that zip fields are read from.
protocol ZipFieldBytes {
    subscript(offset: Int) -> UInt8 { get }
}

extension Array: ZipFieldBytes where Element == UInt8 {}

/// Little-endian fields read from bytes at a position.
extension ZipFieldBytes {
    func zipUInt16(at offset: Int) -> UInt16 {
        UInt16(self[offset]) | UInt16(self[offset + 1]) << 8
    }

    func zipUInt32(at offset: Int) -> UInt32 {
        UInt32(zipUInt16(at: offset)) | UInt32(zipUInt16(at: offset + 2)) << 16
    }

    func zipUInt64(at offset: Int) -> UInt64 {
        UInt64(zipUInt32(at: offset)) | UInt64(zipUInt32(at: offset + 4)) << 32
    }
}

/// Little-endian fields appended to bytes being written.
extension Array where Element == UInt8 {
    mutating func appendZip(_ value: UInt16) {
        append(UInt8(truncatingIfNeeded: value))
        append(UInt8(truncatingIfNeeded: value >> 8))
    }

    mutating func appendZip(_ value: UInt32) {
        appendZip(UInt16(truncatingIfNeeded: value))
        appendZip(UInt16(truncatingIfNeeded: value >> 16))
    }

    mutating func appendZip(_ value: UInt64) {
        appendZip(UInt32(truncatingIfNeeded: value))
        appendZip(UInt32(truncatingIfNeeded: value >> 32))
    }
}
