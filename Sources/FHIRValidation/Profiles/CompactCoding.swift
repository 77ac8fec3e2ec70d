import Foundation

/// Writes the compact binary form of ``PrecompiledProfiles``: unsigned LEB128 integers and
/// strings as indices into a table of the block's distinct strings (a profile repeats its paths'
/// prefixes, type codes and URLs many times).
struct CompactWriter {
    private(set) var body: [UInt8] = []
    private var stringIndex: [String: Int] = [:]
    private var strings: [String] = []

    mutating func int(_ value: Int) {
        precondition(value >= 0, "compact integers are unsigned")
        var v = UInt(value)
        while v >= 0x80 {
            body.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        body.append(UInt8(v))
    }

    mutating func byte(_ value: UInt8) { body.append(value) }

    mutating func string(_ value: String) {
        if let known = stringIndex[value] { return int(known) }
        stringIndex[value] = strings.count
        int(strings.count)
        strings.append(value)
    }

    /// Absent as 0, present as the string's index + 1.
    mutating func optionalString(_ value: String?) {
        guard let value else { return int(0) }
        if let known = stringIndex[value] { return int(known + 1) }
        stringIndex[value] = strings.count
        int(strings.count + 1)
        strings.append(value)
    }

    mutating func strings(_ values: [String]) {
        int(values.count)
        for v in values { string(v) }
    }

    /// The block: its string table (count, then each string's length and UTF-8 bytes), then the body.
    func block() -> [UInt8] {
        var table = CompactWriter()
        table.int(strings.count)
        for s in strings {
            table.int(s.utf8.count)
            table.body.append(contentsOf: s.utf8)
        }
        return table.body + body
    }
}

/// Reads what ``CompactWriter`` wrote. Malformed input throws instead of trapping: a damaged
/// pack file makes the caller compile from the records instead.
struct CompactReader {
    struct Malformed: Error {}

    private let bytes: [UInt8]
    private var at: Int
    private var table: [String] = []

    /// A reader over one block; its string table is read at once (a block is read whole).
    init(block: [UInt8]) throws {
        bytes = block
        at = 0
        let count = try int()
        table.reserveCapacity(count)
        for _ in 0..<count {
            let length = try int()
            guard length <= bytes.count - at else { throw Malformed() }
            table.append(String(decoding: bytes[at..<(at + length)], as: UTF8.self))
            at += length
        }
    }

    var isAtEnd: Bool { at == bytes.count }

    mutating func int() throws -> Int {
        var value = 0, shift = 0
        while true {
            guard at < bytes.count, shift < 63 else { throw Malformed() }
            let b = bytes[at]
            at += 1
            value |= Int(b & 0x7F) << shift
            if b < 0x80 { return value }
            shift += 7
        }
    }

    mutating func byte() throws -> UInt8 {
        guard at < bytes.count else { throw Malformed() }
        defer { at += 1 }
        return bytes[at]
    }

    mutating func string() throws -> String {
        let i = try int()
        guard i < table.count else { throw Malformed() }
        return table[i]
    }

    mutating func optionalString() throws -> String? {
        let i = try int()
        guard i > 0 else { return nil }
        guard i <= table.count else { throw Malformed() }
        return table[i - 1]
    }

    mutating func strings() throws -> [String] {
        let n = try int()
        guard n <= bytes.count - at else { throw Malformed() }
        var result: [String] = []
        result.reserveCapacity(n)
        for _ in 0..<n { result.append(try string()) }
        return result
    }
}
