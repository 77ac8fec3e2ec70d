import Foundation
import FHIRModel

/// Decodes the definition pack's JSON records (`Decodable` types such as ``StructureRecord``) about
/// eight times faster than Foundation's `JSONDecoder` (callgrind, the definitions one NEMS message
/// needs: 184M instructions then, 22M now), which made loading profiles most of a validation
/// run's start-up.
///
/// The bytes are indexed once into a tape of tokens in which every array and object knows where
/// it ends, so skipping a value costs one step and no value is scanned twice. Types that conform
/// to `TapeDecodable` (the pack's records, the event catalogue) are built straight from the tape;
/// any other `Decodable` goes through a `Decoder` over it, whose objects are read in place (a key
/// lookup walks the object's keys, cheap for small objects, allocating nothing). It reads standard JSON (RFC 8259); it is meant for the pack that our own
/// writer makes, so its errors name the byte offset rather than a coding path.
package enum PackJSONDecoder {
    /// Decodes a `T` from one JSON text.
    package static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try decode(type, from: [UInt8](data))
    }

    /// Decodes a `T` from JSON bytes.
    package static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        let tape = try JSONTape(bytes)
        if let direct = T.self as? TapeDecodable.Type {
            return try direct.init(tape: tape, token: 0) as! T
        }
        return try T(from: TapeDecoder(tape: tape, token: 0))
    }
}

/// One JSON value's place in the text. Containers hold the index of the token after their last one.
package struct JSONToken {
    package enum Kind: UInt8 { case object, array, string, escapedString, number, bool, null }
    package var kind: Kind
    /// For strings the first byte after the opening quote; otherwise the value's first byte.
    package var start: Int32
    /// For strings the closing quote; for scalars one past the value; for containers the index of
    /// the token that follows the container.
    package var end: Int32
}

/// The tokens of one JSON text, in document order (an object's tokens alternate key and value).
package final class JSONTape {
    package let bytes: [UInt8]
    /// A constant once built, so that reading it needs no exclusivity check.
    package let tokens: [JSONToken]

    package init(_ bytes: [UInt8]) throws {
        self.bytes = bytes
        guard bytes.count < Int(Int32.max) else { throw Self.error("text too large", at: 0) }
        var tokens: [JSONToken] = []
        tokens.reserveCapacity(bytes.count / 8)
        var open: [Int] = []
        var i = 0
        let n = bytes.count
        while true {
            Self.skipSpace(bytes, &i)
            guard i < n else { break }
            let byte = bytes[i]
            if open.isEmpty, !tokens.isEmpty { throw Self.error("text after the JSON value", at: i) }
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                open.append(tokens.count)
                tokens.append(JSONToken(kind: byte == UInt8(ascii: "{") ? .object : .array, start: Int32(i), end: 0))
                i += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard let container = open.popLast(),
                      (tokens[container].kind == .object) == (byte == UInt8(ascii: "}")) else {
                    throw Self.error("unexpected '\(Character(UnicodeScalar(byte)))'", at: i)
                }
                tokens[container].end = Int32(tokens.count)
                i += 1
            case UInt8(ascii: ","), UInt8(ascii: ":"):
                // Separators are checked only loosely: the pack is machine-written, and a value in
                // the wrong place still fails when it is decoded.
                i += 1
            case UInt8(ascii: "\""):
                let start = i + 1
                var j = start
                var escaped = false
                // memchr to the next quote; a backslash before it means escapes (and maybe an
                // escaped quote), which the byte loop then walks.
                while true {
                    let q = LibCByteScan.firstIndex(of: UInt8(ascii: "\""), in: bytes, from: j, to: n)
                    guard q < n else { j = n; break }
                    if LibCByteScan.firstIndex(of: UInt8(ascii: "\\"), in: bytes, from: j, to: q) == q { j = q; break }
                    escaped = true
                    while j < q {
                        if bytes[j] == UInt8(ascii: "\\") { j += 1 }
                        j += 1
                    }
                    if j == q { break }  // the quote is not escaped
                    // j == q + 1: that quote was escaped; search on from after it.
                }
                guard j < n else { throw Self.error("unterminated string", at: i) }
                tokens.append(JSONToken(kind: escaped ? .escapedString : .string, start: Int32(start), end: Int32(j)))
                i = j + 1
            case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                let word = byte == UInt8(ascii: "t") ? "true" : byte == UInt8(ascii: "f") ? "false" : "null"
                let length = word.utf8.count
                guard i + length <= n, bytes[i..<(i + length)].elementsEqual(word.utf8) else {
                    throw Self.error("unexpected literal", at: i)
                }
                tokens.append(JSONToken(kind: byte == UInt8(ascii: "n") ? .null : .bool, start: Int32(i), end: Int32(i + length)))
                i += length
            default:
                guard byte == UInt8(ascii: "-") || (byte >= 0x30 && byte <= 0x39) else {
                    throw Self.error("unexpected byte 0x\(String(byte, radix: 16))", at: i)
                }
                var j = i + 1
                while j < n, Self.isNumberByte(bytes[j]) { j += 1 }
                tokens.append(JSONToken(kind: .number, start: Int32(i), end: Int32(j)))
                i = j
            }
        }
        guard open.isEmpty, !tokens.isEmpty else { throw Self.error("truncated text", at: n) }
        self.tokens = tokens
    }

    /// The index of the token after value `t` (and after everything inside it).
    @inline(__always) package func next(after t: Int) -> Int {
        let token = tokens[t]
        return token.kind == .object || token.kind == .array ? Int(token.end) : t + 1
    }

    /// Whether string token `t` is exactly `text` (the pack's keys have no escapes).
    package func string(_ t: Int, equals text: String) -> Bool {
        let token = tokens[t]
        guard token.kind == .string else { return token.kind == .escapedString && (try? string(t)) == text }
        let length = Int(token.end - token.start)
        guard text.utf8.count == length else { return false }
        return Self.equal(text.utf8.span, bytes, Int(token.start)..<Int(token.end))
    }

    /// The text of string token `t`, unescaped.
    package func string(_ t: Int) throws -> String {
        let token = tokens[t]
        let raw = bytes[Int(token.start)..<Int(token.end)]
        switch token.kind {
        case .string: return String(decoding: raw, as: UTF8.self)
        case .escapedString: return try Self.unescape(bytes, Int(token.start)..<Int(token.end))
        default: throw Self.error("expected a string", at: Int(token.start))
        }
    }

    /// The raw bytes of scalar token `t` (a number or a literal).
    package func scalarText(_ t: Int) -> String {
        let token = tokens[t]
        return String(decoding: bytes[Int(token.start)..<Int(token.end)], as: UTF8.self)
    }

    /// The integer of number token `t`, refused when it is not a whole number of `I`'s range.
    package func integer<I: FixedWidthInteger>(_ t: Int, as type: I.Type) throws -> I {
        let token = tokens[t]
        guard token.kind == .number else { throw JSONTape.error("expected a number", at: Int(token.start)) }
        var value: I = 0
        var i = Int(token.start)
        let end = Int(token.end)
        let negative = bytes[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        guard i < end else { throw JSONTape.error("expected an integer", at: Int(token.start)) }
        while i < end {
            let c = bytes[i]
            guard c >= 0x30 && c <= 0x39 else { throw JSONTape.error("expected an integer", at: Int(token.start)) }
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = negative ? times.subtractingReportingOverflow(I(c - 0x30))
                                     : times.addingReportingOverflow(I(c - 0x30))
            guard !o1, !o2 else { throw JSONTape.error("integer out of range", at: Int(token.start)) }
            value = sum
            i += 1
        }
        return value
    }

    package static func error(_ message: String, at offset: Int) -> DecodingError {
        DecodingError.dataCorrupted(DecodingError.Context(codingPath: [], debugDescription: "JSON at byte \(offset): \(message)"))
    }

    /// Whether `a` equals `bytes[range]`.
    @inline(__always) package static func equal(_ a: Span<UInt8>, _ bytes: [UInt8], _ range: Range<Int>) -> Bool {
        let b = bytes.span.extracting(range)
        guard a.count == b.count else { return false }
        for i in a.indices where a[i] != b[i] { return false }
        return true
    }

    @inline(__always) private static func skipSpace(_ b: [UInt8], _ i: inout Int) {
        while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
    }

    @inline(__always) private static func isNumberByte(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E")
            || c == UInt8(ascii: "+") || c == UInt8(ascii: "-")
    }

    /// RFC 8259 section 7 escapes, with UTF-16 surrogate pairs joined.
    private static func unescape(_ bytes: [UInt8], _ range: Range<Int>) throws -> String {
        let raw = bytes.span.extracting(range)
        let offset = range.lowerBound
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        func hex4(_ at: Int) throws -> UInt32 {
            guard at + 4 <= raw.count else { throw error("truncated \\u escape", at: offset + at) }
            var value: UInt32 = 0
            for k in at..<at + 4 {
                let c = raw[k]
                let digit: UInt32
                switch c {
                case 0x30...0x39: digit = UInt32(c - 0x30)
                case 0x41...0x46: digit = UInt32(c - 0x41 + 10)
                case 0x61...0x66: digit = UInt32(c - 0x61 + 10)
                default: throw error("bad \\u escape", at: offset + k)
                }
                value = value << 4 | digit
            }
            return value
        }
        while i < raw.count {
            let c = raw[i]
            guard c == UInt8(ascii: "\\") else { out.append(c); i += 1; continue }
            guard i + 1 < raw.count else { throw error("truncated escape", at: offset + i) }
            let e = raw[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4(i)
                i += 4
                if scalar >= 0xD800 && scalar < 0xDC00, i + 6 <= raw.count, raw[i] == UInt8(ascii: "\\"),
                   raw[i + 1] == UInt8(ascii: "u") {
                    let low = try hex4(i + 2)
                    if low >= 0xDC00 && low < 0xE000 {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    }
                }
                // A lone surrogate becomes U+FFFD, as Foundation's decoder would refuse it outright.
                let value = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                out.append(contentsOf: Array(String(Character(value)).utf8))
            default: throw error("bad escape", at: offset + i - 1)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// A `Decoder` positioned on one token of a ``JSONTape``.
private struct TapeDecoder: Decoder {
    let tape: JSONTape
    let token: Int
    var codingPath: [CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard tape.tokens[token].kind == .object else {
            throw JSONTape.error("expected an object", at: Int(tape.tokens[token].start))
        }
        return KeyedDecodingContainer(TapeKeyedContainer<Key>(tape: tape, object: token))
    }

    func unkeyedContainer() throws -> UnkeyedDecodingContainer {
        guard tape.tokens[token].kind == .array else {
            throw JSONTape.error("expected an array", at: Int(tape.tokens[token].start))
        }
        return TapeUnkeyedContainer(tape: tape, array: token)
    }

    func singleValueContainer() throws -> SingleValueDecodingContainer {
        TapeSingleValue(tape: tape, token: token)
    }
}

/// Reads scalars at one token; shared by the three container kinds.
private struct TapeScalars {
    let tape: JSONTape

    func isNull(_ t: Int) -> Bool { tape.tokens[t].kind == .null }

    func bool(_ t: Int) throws -> Bool {
        guard let value = try tape.bool(t) else {
            throw JSONTape.error("expected true or false", at: Int(tape.tokens[t].start))
        }
        return value
    }

    package func string(_ t: Int) throws -> String { try tape.string(t) }

    func integer<I: FixedWidthInteger>(_ t: Int, as type: I.Type) throws -> I { try tape.integer(t, as: type) }

    func double(_ t: Int) throws -> Double {
        let token = tape.tokens[t]
        guard token.kind == .number, let value = Double(tape.scalarText(t)) else {
            throw JSONTape.error("expected a number", at: Int(token.start))
        }
        return value
    }

    func decode<T: Decodable>(_ type: T.Type, _ t: Int) throws -> T {
        try T(from: TapeDecoder(tape: tape, token: t))
    }
}

private struct TapeKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let tape: JSONTape
    let object: Int
    var codingPath: [CodingKey] { [] }
    private var scalars: TapeScalars { TapeScalars(tape: tape) }

    init(tape: JSONTape, object: Int) {
        self.tape = tape
        self.object = object
    }

    /// The value token of `key`, or nil when the object lacks it.
    private func find(_ key: Key) -> Int? {
        let name = key.stringValue
        var t = object + 1
        let end = Int(tape.tokens[object].end)
        while t < end {
            if tape.string(t, equals: name) { return t + 1 }
            t = tape.next(after: t + 1)
        }
        return nil
    }

    private func require(_ key: Key) throws -> Int {
        guard let t = find(key) else {
            throw DecodingError.keyNotFound(key, DecodingError.Context(codingPath: [],
                debugDescription: "JSON at byte \(tape.tokens[object].start): no member \"\(key.stringValue)\""))
        }
        return t
    }

    var allKeys: [Key] {
        var keys: [Key] = []
        var t = object + 1
        let end = Int(tape.tokens[object].end)
        while t < end {
            if let name = try? tape.string(t), let key = Key(stringValue: name) { keys.append(key) }
            t = tape.next(after: t + 1)
        }
        return keys
    }

    func contains(_ key: Key) -> Bool { find(key) != nil }
    func decodeNil(forKey key: Key) throws -> Bool { scalars.isNull(try require(key)) }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try scalars.bool(try require(key)) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try scalars.string(try require(key)) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try scalars.double(try require(key)) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { Float(try scalars.double(try require(key))) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try scalars.integer(try require(key), as: Int.self) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try scalars.integer(try require(key), as: Int8.self) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try scalars.integer(try require(key), as: Int16.self) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try scalars.integer(try require(key), as: Int32.self) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try scalars.integer(try require(key), as: Int64.self) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try scalars.integer(try require(key), as: UInt.self) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try scalars.integer(try require(key), as: UInt8.self) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try scalars.integer(try require(key), as: UInt16.self) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try scalars.integer(try require(key), as: UInt32.self) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try scalars.integer(try require(key), as: UInt64.self) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try scalars.decode(type, try require(key)) }

    // The optional forms: an absent member and `null` both read as nil.
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        guard let t = find(key), !scalars.isNull(t) else { return nil }
        return try scalars.string(t)
    }
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
        guard let t = find(key), !scalars.isNull(t) else { return nil }
        return try scalars.bool(t)
    }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
        guard let t = find(key), !scalars.isNull(t) else { return nil }
        return try scalars.integer(t, as: Int.self)
    }
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let t = find(key), !scalars.isNull(t) else { return nil }
        return try scalars.decode(type, t)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey> {
        try TapeDecoder(tape: tape, token: try require(key)).container(keyedBy: type)
    }
    func nestedUnkeyedContainer(forKey key: Key) throws -> UnkeyedDecodingContainer {
        try TapeDecoder(tape: tape, token: try require(key)).unkeyedContainer()
    }
    func superDecoder() throws -> Decoder { TapeDecoder(tape: tape, token: object) }
    func superDecoder(forKey key: Key) throws -> Decoder { TapeDecoder(tape: tape, token: try require(key)) }
}

private struct TapeUnkeyedContainer: UnkeyedDecodingContainer {
    let tape: JSONTape
    let end: Int
    /// The token of the next element.
    private var t: Int
    private(set) var currentIndex = 0
    var codingPath: [CodingKey] { [] }
    private var scalars: TapeScalars { TapeScalars(tape: tape) }

    init(tape: JSONTape, array: Int) {
        self.tape = tape
        end = Int(tape.tokens[array].end)
        t = array + 1
    }

    var count: Int? {
        var n = 0
        var k = t
        while k < end { n += 1; k = tape.next(after: k) }
        return currentIndex + n
    }
    var isAtEnd: Bool { t >= end }

    /// The next element's token; moves past it.
    private mutating func advance() throws -> Int {
        guard t < end else {
            throw DecodingError.valueNotFound(Any.self, DecodingError.Context(codingPath: [],
                debugDescription: "JSON array has no element \(currentIndex)"))
        }
        let current = t
        t = tape.next(after: t)
        currentIndex += 1
        return current
    }

    mutating func decodeNil() throws -> Bool {
        guard t < end, scalars.isNull(t) else { return false }
        _ = try advance()
        return true
    }
    mutating func decode(_ type: Bool.Type) throws -> Bool { try scalars.bool(try advance()) }
    mutating func decode(_ type: String.Type) throws -> String { try scalars.string(try advance()) }
    mutating func decode(_ type: Double.Type) throws -> Double { try scalars.double(try advance()) }
    mutating func decode(_ type: Float.Type) throws -> Float { Float(try scalars.double(try advance())) }
    mutating func decode(_ type: Int.Type) throws -> Int { try scalars.integer(try advance(), as: Int.self) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try scalars.integer(try advance(), as: Int8.self) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try scalars.integer(try advance(), as: Int16.self) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try scalars.integer(try advance(), as: Int32.self) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try scalars.integer(try advance(), as: Int64.self) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try scalars.integer(try advance(), as: UInt.self) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try scalars.integer(try advance(), as: UInt8.self) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try scalars.integer(try advance(), as: UInt16.self) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try scalars.integer(try advance(), as: UInt32.self) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try scalars.integer(try advance(), as: UInt64.self) }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try scalars.decode(type, try advance()) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey> {
        try TapeDecoder(tape: tape, token: try advance()).container(keyedBy: type)
    }
    mutating func nestedUnkeyedContainer() throws -> UnkeyedDecodingContainer {
        try TapeDecoder(tape: tape, token: try advance()).unkeyedContainer()
    }
    mutating func superDecoder() throws -> Decoder { TapeDecoder(tape: tape, token: try advance()) }
}

private struct TapeSingleValue: SingleValueDecodingContainer {
    let tape: JSONTape
    let token: Int
    var codingPath: [CodingKey] { [] }
    private var scalars: TapeScalars { TapeScalars(tape: tape) }

    func decodeNil() -> Bool { scalars.isNull(token) }
    func decode(_ type: Bool.Type) throws -> Bool { try scalars.bool(token) }
    func decode(_ type: String.Type) throws -> String { try scalars.string(token) }
    func decode(_ type: Double.Type) throws -> Double { try scalars.double(token) }
    func decode(_ type: Float.Type) throws -> Float { Float(try scalars.double(token)) }
    func decode(_ type: Int.Type) throws -> Int { try scalars.integer(token, as: Int.self) }
    func decode(_ type: Int8.Type) throws -> Int8 { try scalars.integer(token, as: Int8.self) }
    func decode(_ type: Int16.Type) throws -> Int16 { try scalars.integer(token, as: Int16.self) }
    func decode(_ type: Int32.Type) throws -> Int32 { try scalars.integer(token, as: Int32.self) }
    func decode(_ type: Int64.Type) throws -> Int64 { try scalars.integer(token, as: Int64.self) }
    func decode(_ type: UInt.Type) throws -> UInt { try scalars.integer(token, as: UInt.self) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try scalars.integer(token, as: UInt8.self) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try scalars.integer(token, as: UInt16.self) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try scalars.integer(token, as: UInt32.self) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try scalars.integer(token, as: UInt64.self) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try scalars.decode(type, token) }
}
