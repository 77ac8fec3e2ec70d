import FHIRModel

/// Pass 1 of the direct JSON->XML conversion: the input's JSON tokens in one flat array.
///
/// The tokenizer checks the RFC 8259 grammar (strings only as far as finding their end: escapes and
/// UTF-8 are checked when a string is written) and gives up (nil) on anything it does not accept,
/// so that the caller can fall back to the tree reader, which reports the problem properly.
struct JSONToken {
    enum Kind: UInt8 {
        case object, array, string, number, trueLiteral, falseLiteral, null
    }

    /// String flags: the content has a `\` escape.
    static let escaped: UInt8 = 1
    /// String flags: the content has a byte above 0x7F.
    static let nonASCII: UInt8 = 2

    var kind: Kind
    /// For strings: ``escaped`` and ``nonASCII``; 0 for other tokens.
    var flags: UInt8 = 0
    /// Byte offset of a string's content (after its quote), of a number or literal, or of `{` / `[`.
    var start: UInt32
    /// Bytes of a string's content (quotes excluded) or of a number or literal; for an object or an
    /// array the number of members or items.
    var length: UInt32 = 0
    /// Index of the token just after this value (after all of a container's descendants).
    var next: UInt32 = 0
}

struct JSONTokenizer {
    /// Deeper nesting is left to the tree reader (its limit, 256 by default, must never be reached
    /// here): at most this, and below the reader's limit when it is lower.
    static let maxDepth = 200

    private let p: [UInt8]
    private let end: Int
    private var pos = 0
    private var depth = 0
    /// Deeper containers, or arrays of more items, make the tokenizer give up (the tree reader
    /// then reports the limit it meets).
    private let depthLimit: Int
    private let itemLimit: UInt32
    /// The tokens, reserved up front from the input's size.
    private var tokens: [JSONToken] = []
    private var count: Int { tokens.count }

    private init(_ p: [UInt8], limits: ReadLimits) {
        self.p = p
        end = p.count
        depthLimit = min(Self.maxDepth, limits.maxDepth - 1)
        itemLimit = UInt32(clamping: max(limits.maxEntries - 1, 0))
        // A guess from typical FHIR JSON (about one token per 8 bytes); the buffer grows if needed.
        tokens.reserveCapacity(p.count / 8 + 16)
    }

    /// The tokens of one JSON document whose top level is an object, or nil when the tokenizer
    /// does not accept the input (a syntax error, a byte order mark, too deep, too large).
    static func tokenize(_ p: [UInt8], limits: ReadLimits = ReadLimits()) -> [JSONToken]? {
        guard p.count < Int(UInt32.max), p.count <= limits.maxBytes else { return nil }
        var t = JSONTokenizer(p, limits: limits)
        t.skipWhitespace()
        var ok = t.pos < t.end && p[t.pos] == UInt8(ascii: "{") && t.value()
        t.skipWhitespace()
        ok = ok && t.pos == t.end
        guard ok else { return nil }
        return t.tokens
    }

    @inline(__always)
    private mutating func append(_ token: JSONToken) {
        tokens.append(token)
    }

    @inline(__always)
    private var byte: UInt8 { pos < end ? p[pos] : 0 }

    @inline(__always)
    private mutating func skipWhitespace() {
        while pos < end {
            let b = p[pos]
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
            pos += 1
        }
    }

    private mutating func value() -> Bool {
        switch byte {
        case UInt8(ascii: "{"): return container(close: UInt8(ascii: "}"), kind: .object)
        case UInt8(ascii: "["): return container(close: UInt8(ascii: "]"), kind: .array)
        case UInt8(ascii: "\""): return string()
        case UInt8(ascii: "t"): return literal("true", .trueLiteral)
        case UInt8(ascii: "f"): return literal("false", .falseLiteral)
        case UInt8(ascii: "n"): return literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number()
        default: return false
        }
    }

    /// An object (`"key": value` members, the key a string token) or an array, with its count and end.
    private mutating func container(close: UInt8, kind: JSONToken.Kind) -> Bool {
        depth += 1
        guard depth <= depthLimit else { return false }
        let index = count
        append(JSONToken(kind: kind, start: UInt32(pos)))
        pos += 1
        skipWhitespace()
        var members: UInt32 = 0
        if byte == close {
            pos += 1
        } else {
            while true {
                if kind == .object {
                    guard byte == UInt8(ascii: "\""), string() else { return false }
                    skipWhitespace()
                    guard byte == UInt8(ascii: ":") else { return false }
                    pos += 1
                    skipWhitespace()
                }
                guard value() else { return false }
                members += 1
                if kind == .array && members > itemLimit { return false }
                skipWhitespace()
                let b = byte
                pos += 1
                if b == UInt8(ascii: ",") {
                    skipWhitespace()
                    continue
                }
                if b == close { break }
                return false
            }
        }
        tokens[index].length = members
        tokens[index].next = UInt32(self.count)
        depth -= 1
        return true
    }

    /// A string: finds its closing quote eight bytes at a time, noting escapes and non-ASCII bytes.
    /// Control characters are a syntax error.
    ///
    /// Each word is tested for a `"`, a `\\` or a byte below 0x20 at once (the classic "has a zero
    /// byte" test on the word XORed with each); the lowest flagged byte is exact (a false flag can
    /// only come from a borrow out of a lower flagged byte), so the first special byte's position is
    /// its trailing zero count, without going back over the word a byte at a time. Most strings are
    /// keys and short values that end within their first or second word.
    private mutating func string() -> Bool {
        let start = pos + 1
        guard let (i, flags) = stringEnd(from: start) else { return false }
        append(JSONToken(kind: .string, flags: flags, start: UInt32(start), length: UInt32(i - start),
                         next: UInt32(count + 1)))
        pos = i + 1
        return true
    }

    /// The index of the closing quote of the string whose content starts at `start`, and its flags;
    /// nil for a control character or an unterminated string.
    @inline(__always)
    private func stringEnd(from start: Int) -> (Int, UInt8)? {
        let p = self.p.span
        var i = start
        var flags: UInt8 = 0
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while true {
            if i &+ 8 <= end {
                let w = ByteWord.load(p, at: i)
                let q = w ^ (ones &* 0x22)
                let s = w ^ (ones &* 0x5C)
                let special = (((q &- ones) & ~q) | ((s &- ones) & ~s) | ((w &- ones &* 0x20) & ~w)) & highs
                if special == 0 {
                    if w & highs != 0 { flags |= JSONToken.nonASCII }
                    i &+= 8
                    continue
                }
                // Little-endian: byte k of the word is bits 8k..8k+7; only bytes before the special
                // one belong to the string for the non-ASCII test.
                let bit = special.trailingZeroBitCount
                if w & highs & ((1 &<< bit) &- 1) != 0 { flags |= JSONToken.nonASCII }
                i &+= bit >> 3
            } else {
                // The last few bytes of the input: one at a time.
                guard i < end else { return nil }
                let b = p[i]
                if b >= 0x80 { flags |= JSONToken.nonASCII }
                if b >= 0x20 && b != 0x22 && b != 0x5C {
                    i &+= 1
                    continue
                }
            }
            let b = p[i]
            if b == 0x22 { break }
            guard b == 0x5C else { return nil }  // a control character
            flags |= JSONToken.escaped
            i &+= 2  // the escaped byte cannot end the string; escapes are checked when written
        }
        return (i, flags)
    }

    private mutating func literal(_ text: String, _ kind: JSONToken.Kind) -> Bool {
        let l = text.utf8.span
        let n = l.count
        guard pos + n <= end else { return false }
        for j in 0..<n where p[pos + j] != l[j] { return false }
        append(JSONToken(kind: kind, start: UInt32(pos), length: UInt32(n), next: UInt32(count + 1)))
        pos += n
        return true
    }

    /// A number (RFC 8259 grammar), kept as its lexeme.
    private mutating func number() -> Bool {
        let start = pos
        func digits() -> Bool {
            guard byte >= 0x30 && byte <= 0x39 else { return false }
            while byte >= 0x30 && byte <= 0x39 { pos += 1 }
            return true
        }
        if byte == UInt8(ascii: "-") { pos += 1 }
        if byte == UInt8(ascii: "0") {
            pos += 1
            if byte >= 0x30 && byte <= 0x39 { return false }
        } else if !digits() {
            return false
        }
        if byte == UInt8(ascii: ".") {
            pos += 1
            guard digits() else { return false }
        }
        if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            pos += 1
            if byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") { pos += 1 }
            guard digits() else { return false }
        }
        append(JSONToken(kind: .number, start: UInt32(start), length: UInt32(pos - start),
                         next: UInt32(count + 1)))
        return true
    }
}
