/// A small, independent JSON parser used as the test oracle: it keeps numbers as written (so
/// `1.50` and `1.5` differ) and object members in order. Deliberately not the code under test.
///
/// It is strict to RFC 8259, so that a test fails when our writer emits anything a conforming
/// reader could refuse or read differently: only the literals `true`, `false` and `null`; the
/// number grammar exactly (no leading zero, no `+`, no `.5`, no `1.`, a digit after `e`); no
/// control character (U+0000-U+001F) inside a string; only the escapes `\" \\ \/ \b \f \n \r \t`
/// and `\uXXXX`, with surrogates only in pairs; well-formed UTF-8; no byte-order mark; and no
/// duplicate key in an object (RFC 8259 §4: names SHOULD be unique; FHIR requires it).
public indirect enum JSONValue: Equatable, CustomStringConvertible {
    case object([(String, JSONValue)])
    case array([JSONValue])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case let (.object(x), .object(y)):
            guard x.count == y.count else { return false }
            let ym = Dictionary(y, uniquingKeysWith: { first, _ in first })
            return x.allSatisfy { ym[$0.0] == $0.1 }
        case let (.array(x), .array(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.number(x), .number(y)): return x == y
        case let (.bool(x), .bool(y)): return x == y
        case (.null, .null): return true
        default: return false
        }
    }

    public var description: String {
        switch self {
        case let .object(m): return "{" + m.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
        case let .array(a): return "[" + a.map(\.description).joined(separator: ",") + "]"
        case let .string(s): return "\"\(s)\""
        case let .number(n): return n
        case let .bool(b): return b ? "true" : "false"
        case .null: return "null"
        }
    }

    public subscript(key: String) -> JSONValue? {
        if case let .object(m) = self { return m.first { $0.0 == key }?.1 }
        return nil
    }

    /// Why and where a text is not strict RFC 8259 JSON.
    public struct ParseError: Error, CustomStringConvertible {
        /// The byte offset of the offending byte.
        public var offset: Int
        /// What is wrong, e.g. `duplicate key "a"` or `leading zero in a number`.
        public var reason: String
        public var description: String { "JSON oracle: \(reason) at byte \(offset)" }
    }

    /// Parses one JSON text (surrounding whitespace allowed, nothing else).
    public static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        var p = Parser(bytes: bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { throw ParseError(offset: 0, reason: "byte-order mark") }
        let v = try p.value(depth: 0)
        p.skipWhitespace()
        guard p.i == bytes.count else { throw p.fail("data after the JSON value") }
        return v
    }

    private struct Parser {
        let bytes: [UInt8]
        var i = 0

        /// Deeper nesting than any FHIR message: refused rather than overflowing the stack.
        static let maximumDepth = 512

        func fail(_ reason: String) -> ParseError { ParseError(offset: i, reason: reason) }

        var current: UInt8? { i < bytes.count ? bytes[i] : nil }

        mutating func skipWhitespace() {
            while let b = current, b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { i += 1 }
        }

        mutating func expect(_ byte: UInt8, _ what: String) throws {
            guard current == byte else { throw fail(current == nil ? "end of input, expected \(what)" : "expected \(what)") }
            i += 1
        }

        mutating func value(depth: Int) throws -> JSONValue {
            skipWhitespace()
            guard let b = current else { throw fail("end of input, expected a value") }
            switch b {
            case UInt8(ascii: "{"): return try object(depth: depth + 1)
            case UInt8(ascii: "["): return try array(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try string().text)
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
            default: throw fail("unexpected byte 0x\(String(b, radix: 16)), expected a value")
            }
        }

        mutating func object(depth: Int) throws -> JSONValue {
            guard depth <= Self.maximumDepth else { throw fail("nesting deeper than \(Self.maximumDepth)") }
            i += 1
            var members: [(String, JSONValue)] = []
            // Keys compared as code points (Swift's String equality would merge canonically
            // equivalent keys, which JSON keeps apart).
            var seen = Set<[UInt8]>()
            skipWhitespace()
            if current == UInt8(ascii: "}") { i += 1; return .object(members) }
            while true {
                skipWhitespace()
                guard current == UInt8(ascii: "\"") else { throw fail("expected a string key") }
                let keyStart = i
                let key = try string()
                guard seen.insert(key.bytes).inserted else {
                    throw ParseError(offset: keyStart, reason: "duplicate key \"\(key.text)\"")
                }
                skipWhitespace()
                try expect(UInt8(ascii: ":"), "':'")
                members.append((key.text, try value(depth: depth)))
                skipWhitespace()
                if current == UInt8(ascii: ",") { i += 1; continue }
                try expect(UInt8(ascii: "}"), "',' or '}'")
                return .object(members)
            }
        }

        mutating func array(depth: Int) throws -> JSONValue {
            guard depth <= Self.maximumDepth else { throw fail("nesting deeper than \(Self.maximumDepth)") }
            i += 1
            var items: [JSONValue] = []
            skipWhitespace()
            if current == UInt8(ascii: "]") { i += 1; return .array(items) }
            while true {
                items.append(try value(depth: depth))
                skipWhitespace()
                if current == UInt8(ascii: ",") { i += 1; continue }
                try expect(UInt8(ascii: "]"), "',' or ']'")
                return .array(items)
            }
        }

        /// Exactly `word` (a prefix such as `tru` or a longer run such as `nullx` fails here or
        /// at the next token).
        mutating func literal(_ word: StaticString) throws {
            let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
            guard i + expected.count <= bytes.count, bytes[i..<(i + expected.count)].elementsEqual(expected) else {
                throw fail("not the literal \(word)")
            }
            i += expected.count
            if let b = current, Self.isLetterOrDigit(b) { throw fail("letters after the literal \(word)") }
        }

        static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
        static func isLetterOrDigit(_ b: UInt8) -> Bool {
            isDigit(b) || (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z")
        }

        /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, kept as written.
        mutating func number() throws -> String {
            let start = i
            if current == UInt8(ascii: "-") { i += 1 }
            guard let first = current, Self.isDigit(first) else { throw fail("a digit must start a number") }
            i += 1
            if first == UInt8(ascii: "0"), let b = current, Self.isDigit(b) { throw fail("leading zero in a number") }
            if first != UInt8(ascii: "0") { try digits(atLeastOne: false) }
            if current == UInt8(ascii: ".") {
                i += 1
                try digits(atLeastOne: true, "a digit after '.'")
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                i += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { i += 1 }
                try digits(atLeastOne: true, "a digit in the exponent")
            }
            if let b = current, Self.isLetterOrDigit(b) || b == UInt8(ascii: ".") || b == UInt8(ascii: "+") || b == UInt8(ascii: "-") {
                throw fail("unexpected byte after a number")
            }
            return String(decoding: bytes[start..<i], as: UTF8.self)
        }

        mutating func digits(atLeastOne: Bool, _ what: String = "") throws {
            let start = i
            while let b = current, Self.isDigit(b) { i += 1 }
            if atLeastOne, i == start { throw fail("expected \(what)") }
        }

        /// A string's decoded UTF-8 bytes and text.
        mutating func string() throws -> (bytes: [UInt8], text: String) {
            i += 1
            var out: [UInt8] = []
            while true {
                guard let b = current else { throw fail("unterminated string") }
                switch b {
                case UInt8(ascii: "\""):
                    i += 1
                    return (out, String(decoding: out, as: UTF8.self))
                case UInt8(ascii: "\\"):
                    try escape(into: &out)
                case 0x00..<0x20:
                    throw fail("control character U+\(hex4Text(UInt32(b))) in a string")
                case 0x00..<0x80:
                    out.append(b)
                    i += 1
                default:
                    try utf8Sequence(into: &out)
                }
            }
        }

        mutating func escape(into out: inout [UInt8]) throws {
            i += 1
            guard let b = current else { throw fail("unterminated escape") }
            i += 1
            switch b {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(b)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var code = try hex4()
                if (0xDC00..<0xE000).contains(code) { throw fail("low surrogate \\u\(hex4Text(code)) without a high one") }
                if (0xD800..<0xDC00).contains(code) {
                    guard current == UInt8(ascii: "\\"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "u") else {
                        throw fail("high surrogate \\u\(hex4Text(code)) not followed by a low one")
                    }
                    i += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else {
                        throw fail("high surrogate \\u\(hex4Text(code)) followed by \\u\(hex4Text(low))")
                    }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                out.append(contentsOf: Array(String(Character(Unicode.Scalar(code)!)).utf8))
            default:
                i -= 1
                throw fail("invalid escape \\\(Character(Unicode.Scalar(b)))")
            }
        }

        mutating func hex4() throws -> UInt32 {
            var code: UInt32 = 0
            for _ in 0..<4 {
                guard let b = current, let digit = Self.hexValue(b) else { throw fail("\\u needs four hex digits") }
                code = code << 4 | digit
                i += 1
            }
            return code
        }

        static func hexValue(_ b: UInt8) -> UInt32? {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(b - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(b - UInt8(ascii: "A") + 10)
            default: return nil
            }
        }

        /// One well-formed multi-byte UTF-8 sequence (RFC 3629: no overlong form, no surrogate,
        /// nothing above U+10FFFF).
        mutating func utf8Sequence(into out: inout [UInt8]) throws {
            let lead = bytes[i]
            let length: Int, lowest: UInt32
            switch lead {
            case 0xC2...0xDF: length = 2; lowest = 0x80
            case 0xE0...0xEF: length = 3; lowest = 0x800
            case 0xF0...0xF4: length = 4; lowest = 0x10000
            default: throw fail("invalid UTF-8 lead byte 0x\(String(lead, radix: 16))")
            }
            guard i + length <= bytes.count else { throw fail("truncated UTF-8 sequence") }
            var scalar = UInt32(lead) & (0xFF >> (length + 1))
            for k in 1..<length {
                let b = bytes[i + k]
                guard b & 0xC0 == 0x80 else { throw fail("invalid UTF-8 continuation byte") }
                scalar = scalar << 6 | UInt32(b & 0x3F)
            }
            guard scalar >= lowest, scalar <= 0x10FFFF, !(0xD800..<0xE000).contains(scalar) else {
                throw fail("invalid UTF-8 sequence (overlong, surrogate or beyond U+10FFFF)")
            }
            out.append(contentsOf: bytes[i..<(i + length)])
            i += length
        }
    }
}

/// Four upper-case hex digits.
private func hex4Text(_ value: UInt32) -> String {
    let hex = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 4 - hex.count)) + hex
}

/// Lists the differences between two JSON values, as `path: what` lines (empty when equal).
public func jsonDifferences(_ a: JSONValue, _ b: JSONValue, path: String = "$") -> [String] {
    switch (a, b) {
    case let (.object(x), .object(y)):
        var out: [String] = []
        let ym = Dictionary(y, uniquingKeysWith: { f, _ in f })
        let xm = Dictionary(x, uniquingKeysWith: { f, _ in f })
        for (k, v) in x {
            if let w = ym[k] { out += jsonDifferences(v, w, path: path + "." + k) } else { out.append("\(path).\(k): only in first") }
        }
        for (k, _) in y where xm[k] == nil { out.append("\(path).\(k): only in second") }
        return out
    case let (.array(x), .array(y)):
        guard x.count == y.count else { return ["\(path): array of \(x.count) vs \(y.count)"] }
        return zip(x, y).enumerated().flatMap { jsonDifferences($1.0, $1.1, path: "\(path)[\($0)]") }
    default:
        return a == b ? [] : ["\(path): \(a) vs \(b)"]
    }
}
