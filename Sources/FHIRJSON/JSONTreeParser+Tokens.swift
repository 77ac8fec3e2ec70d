import FHIRModel

// Property names, scalars, skipping, whitespace and positions: the tokenizer half of the parser.
extension JSONTreeParser {
    // MARK: - Keys

    /// Reads a property name and classifies it. `name` is the element name (without `_` for `_name`).
    mutating func parseKey(role: ObjectRole) throws -> (KeyKind, String, NameRef, Bool) {
        let quotePosition = pos
        pos += 1
        let start = pos
        var i = pos
        while true {
            i = scanPlain(from: i)
            guard i < end else { throw fatal(JSONRule.syntax, "unterminated string", at: quotePosition) }
            let b = p[i]
            if b == Byte.quote { break }
            if b == Byte.backslash {
                // Rare: an escaped key. Decode, then classify the decoded bytes.
                pos = quotePosition
                let key = try parseString()
                let utf8 = Array(key.utf8)
                let (kind, name, isExtension) = try classify(utf8, 0..<utf8.count, role: role, decoded: key,
                                                             source: start)
                escapedNames.append(name)
                return (kind, name, NameRef(offset: -escapedNames.count, length: name.utf8.count), isExtension)
            }
            if b < 0x20 { throw controlCharacter(at: i) }
            i += 1
        }
        pos = i + 1
        let (kind, name, isExtension) = try classify(p, start..<i, role: role, decoded: nil, source: start)
        let skip = kind == .meta ? 1 : 0
        return (kind, name, NameRef(offset: start + skip, length: i - start - skip), isExtension)
    }

    /// Classifies the key `bytes[range]` (the input's, or an escaped key's decoded bytes).
    func classify(_ bytes: [UInt8], _ range: Range<Int>, role: ObjectRole, decoded: String?,
                          source: Int) throws -> (KeyKind, String, Bool) {
        let k = bytes.span.extracting(range)
        let n = k.count
        func equals(_ literal: String) -> Bool {
            let l = literal.utf8.span
            guard l.count == n else { return false }
            var j = 0
            while j < n {
                if k[j] != l[j] { return false }
                j += 1
            }
            return true
        }
        func makeName(_ from: Int) throws -> String {
            if let decoded { return from == 0 ? decoded : String(decoded.utf8.dropFirst(from))! }
            if let name = JSONBytes.string(bytes, (range.lowerBound + from)..<range.upperBound) { return name }
            throw invalidUTF8(in: source, source + n)
        }
        switch n {
        case 3 where role == .extensionItem && equals("url"):
            return (.url, "url", false)
        case 9 where equals("extension"):
            return (.member, "extension", true)
        case 12 where equals("resourceType"):
            return (.resourceType, "resourceType", false)
        case 13 where equals("fhir_comments"):
            return (.fhirComments, "fhir_comments", false)
        case 17 where equals("modifierExtension"):
            return (.member, "modifierExtension", true)
        default:
            break
        }
        if n > 1 && k[0] == Byte.underscore { return (.meta, try makeName(1), false) }
        return (.member, try makeName(0), false)
    }

    // MARK: - Scalars

    mutating func parseScalar() throws -> (String, ValueKind) {
        let b = byte(at: pos)
        if b == Byte.quote { return (try parseString(), .string) }
        if b == 0x74 /* t */ {
            try parseLiteral("true")
            return ("true", .boolean)
        }
        if b == 0x66 /* f */ {
            try parseLiteral("false")
            return ("false", .boolean)
        }
        return (try parseNumber(), .number)
    }

    mutating func parseLiteral(_ literal: String) throws {
        let l = literal.utf8.span
        let n = l.count
        var j = 0
        while j < n {
            if byte(at: pos + j) != l[j] {
                pos += j
                throw unexpected("expected '\(literal)'")
            }
            j += 1
        }
        pos += n
    }

    /// Reads a number token and returns it verbatim (RFC 8259 grammar).
    mutating func parseNumber() throws -> String {
        let start = pos
        if byte(at: pos) == Byte.minus { pos += 1 }
        var b = byte(at: pos)
        guard b >= Byte.zero && b <= Byte.nine else { throw unexpected("expected a digit in a number") }
        if b == Byte.zero {
            pos += 1
            b = byte(at: pos)
            if b >= Byte.zero && b <= Byte.nine {
                throw fatal(JSONRule.syntax, "a number must not have leading zeros", at: start)
            }
        } else {
            repeat {
                pos += 1
                b = byte(at: pos)
            } while b >= Byte.zero && b <= Byte.nine
        }
        if b == Byte.dot {
            pos += 1
            b = byte(at: pos)
            guard b >= Byte.zero && b <= Byte.nine else { throw unexpected("expected a digit after '.' in a number") }
            repeat {
                pos += 1
                b = byte(at: pos)
            } while b >= Byte.zero && b <= Byte.nine
        }
        if b == 0x65 || b == 0x45 /* e E */ {
            pos += 1
            b = byte(at: pos)
            if b == Byte.plus || b == Byte.minus {
                pos += 1
                b = byte(at: pos)
            }
            guard b >= Byte.zero && b <= Byte.nine else { throw unexpected("expected a digit in a number's exponent") }
            repeat {
                pos += 1
                b = byte(at: pos)
            } while b >= Byte.zero && b <= Byte.nine
        }
        return String(decoding: p[start..<pos], as: UTF8.self)
    }

    @inline(__always)
    func scanPlain(from index: Int) -> Int {
        JSONBytes.plainEnd(p.span, from: index, end: end)
    }

    /// Reads a string token (at its opening quote) and returns its content, unescaped.
    mutating func parseString() throws -> String {
        let quotePosition = pos
        let start = pos + 1
        var i = start
        while true {
            i = scanPlain(from: i)
            guard i < end else { throw fatal(JSONRule.syntax, "unterminated string", at: quotePosition) }
            let b = p[i]
            if b == Byte.quote {
                pos = i + 1
                return try makeString(start, i)
            }
            if b == Byte.backslash { return try parseEscapedString(start: start, escape: i, quotePosition: quotePosition) }
            if b < 0x20 { throw controlCharacter(at: i) }
            i += 1
        }
    }

    @inline(__always)
    func makeString(_ start: Int, _ stop: Int) throws -> String {
        if let s = JSONBytes.string(p, start..<stop) { return s }
        throw invalidUTF8(in: start, stop)
    }

    mutating func parseEscapedString(start: Int, escape: Int, quotePosition: Int) throws -> String {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: p[start..<escape])
        var i = escape
        while true {
            guard i < end else { throw fatal(JSONRule.syntax, "unterminated string", at: quotePosition) }
            let b = p[i]
            if b == Byte.quote {
                pos = i + 1
                let decoded = JSONBytes.string(scratch, 0..<scratch.count)
                if let s = decoded { return s }
                throw invalidUTF8(in: start, i)
            }
            if b == Byte.backslash {
                let e = byte(at: i + 1)
                switch e {
                case Byte.quote, Byte.backslash, Byte.slash: scratch.append(e)
                case 0x62 /* b */: scratch.append(0x08)
                case 0x66 /* f */: scratch.append(0x0C)
                case 0x6E /* n */: scratch.append(0x0A)
                case 0x72 /* r */: scratch.append(0x0D)
                case 0x74 /* t */: scratch.append(0x09)
                case 0x75 /* u */:
                    var scalar = try hex4(at: i + 2)
                    var length = 6
                    if scalar >= 0xD800 && scalar < 0xDC00 {
                        guard byte(at: i + 6) == Byte.backslash, byte(at: i + 7) == 0x75,
                              let low = try? hex4(at: i + 8), low >= 0xDC00 && low < 0xE000 else {
                            throw fatal(JSONRule.utf8, "the escape \\u\(hex(scalar)) is a lone high surrogate", at: i)
                        }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        length = 12
                    } else if scalar >= 0xDC00 && scalar < 0xE000 {
                        throw fatal(JSONRule.utf8, "the escape \\u\(hex(scalar)) is a lone low surrogate", at: i)
                    }
                    appendUTF8(scalar)
                    i += length
                    continue
                default:
                    if i + 1 >= end { throw fatal(JSONRule.syntax, "unterminated string", at: quotePosition) }
                    throw fatal(JSONRule.syntax, "invalid escape '\\\(describeByte(e))' in a string", at: i)
                }
                i += 2
                continue
            }
            if b < 0x20 { throw controlCharacter(at: i) }
            let runStart = i
            i = scanPlain(from: i + 1)
            while i < end {
                let c = p[i]
                if c == Byte.quote || c == Byte.backslash || c < 0x20 { break }
                i += 1
            }
            scratch.append(contentsOf: p[runStart..<i])
        }
    }

    func hex4(at index: Int) throws -> UInt32 {
        var value: UInt32 = 0
        for j in 0..<4 {
            let c = byte(at: index + j)
            let digit: UInt32
            switch c {
            case 0x30...0x39: digit = UInt32(c - 0x30)
            case 0x41...0x46: digit = UInt32(c - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(c - 0x61 + 10)
            default:
                throw fatal(JSONRule.syntax, "a \\u escape needs four hexadecimal digits", at: index - 2)
            }
            value = value << 4 | digit
        }
        return value
    }

    func hex(_ v: UInt32) -> String {
        let s = String(v, radix: 16, uppercase: false)
        return String(repeating: "0", count: max(0, 4 - s.count)) + s
    }

    mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | (scalar >> 6)))
            scratch.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | (scalar >> 12)))
            scratch.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            scratch.append(UInt8(0xF0 | (scalar >> 18)))
            scratch.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            scratch.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }

    // MARK: - Skipping (after an error that does not stop reading)

    mutating func skipValue() throws {
        let b = byte(at: pos)
        if isScalarStart(b) {
            _ = try parseScalar()
        } else if b == 0x6E /* n */ {
            try parseLiteral("null")
        } else if b == Byte.openBrace || b == Byte.openBracket {
            let close = b == Byte.openBrace ? Byte.closeBrace : Byte.closeBracket
            try enter()
            pos += 1
            skipWhitespace()
            if byte(at: pos) == close {
                pos += 1
            } else {
                while true {
                    if close == Byte.closeBrace {
                        guard byte(at: pos) == Byte.quote else {
                            throw unexpected("expected a property name (a string in double quotes)")
                        }
                        _ = try parseString()
                        skipWhitespace()
                        guard byte(at: pos) == Byte.colon else { throw unexpected("expected ':' after a property name") }
                        pos += 1
                        skipWhitespace()
                    }
                    try skipValue()
                    if try !anotherItem(before: close) { break }
                }
            }
            depth -= 1
        } else {
            throw unexpected("expected a value")
        }
    }

    // MARK: - Whitespace, positions, depth

    @inline(__always)
    func byte(at index: Int) -> UInt8 {
        index < end ? p[index] : 0
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while pos < end {
            let b = p[pos]
            if b == Byte.space || b == Byte.tab || b == Byte.carriageReturn {
                pos += 1
            } else if b == Byte.newline {
                pos += 1
                line += 1
                lineStart = pos
                // Indentation: skip runs of spaces eight at a time.
                pos = skipEightSpaces(from: pos)
            } else {
                return
            }
        }
    }

    /// The index after the runs of eight spaces that start at `index`.
    @inline(__always)
    func skipEightSpaces(from index: Int) -> Int {
        let bytes = p.span
        var i = index
        while i &+ 8 <= end && ByteWord.load(bytes, at: i) == 0x2020_2020_2020_2020 { i &+= 8 }
        return i
    }

    var here: SourcePosition { SourcePosition(line: line, column: pos - lineStart + 1) }

    /// The position of a byte on the current line (strings and numbers never span lines).
    func position(of index: Int) -> SourcePosition {
        SourcePosition(line: line, column: index - lineStart + 1)
    }

    @inline(__always)
    /// After an object member or array item: consumes `,` (true: another follows) or the closing
    /// `}` / `]` (false: the container ended); anything else is a syntax error.
    mutating func anotherItem(before close: UInt8) throws -> Bool {
        skipWhitespace()
        let c = byte(at: pos)
        if c == Byte.comma {
            pos += 1
            skipWhitespace()
            return true
        }
        if c == close {
            pos += 1
            return false
        }
        throw unexpected(close == Byte.closeBrace ? "expected ',' or '}' after a property value"
                                                  : "expected ',' or ']' in an array")
    }

    mutating func enter() throws {
        depth += 1
        if depth > options.maxDepth {
            throw fatal(JSONRule.tooDeep, "objects and arrays nest deeper than the limit of \(options.maxDepth)",
                        type: .tooCostly)
        }
    }

    var isCommentStart: Bool {
        byte(at: pos) == Byte.slash && (byte(at: pos + 1) == Byte.slash || byte(at: pos + 1) == 0x2A)
    }
}
