import FHIRModel

/// String contents for the direct JSON->XML conversion: JSON-unescaped and XML-escaped in one pass,
/// straight from the input bytes, with the checks the tree path makes (valid UTF-8, no lone
/// surrogates, only characters XML 1.0 allows). Anything else is a ``DirectBail``.
enum DirectXMLText {
    /// Appends the content of string token `s` as an XML attribute value (escaping `& < > "` and
    /// TAB, LF, CR exactly as the tree writer does). An empty string bails (FHIR has none).
    @inline(__always)
    static func appendAttribute(_ input: [UInt8], _ s: JSONToken, to out: inout DirectXMLOutput) throws {
        guard s.length > 0 else { throw DirectBail() }
        let content = input.span.extracting(Int(s.start) ..< Int(s.start) + Int(s.length))
        if s.flags == 0 {
            appendPlainASCII(content, to: &out)
        } else {
            try appendDecoded(content, escapeForXML: true, to: &out)
        }
    }

    /// Appends the content of string token `s` decoded (see ``appendDecoded(_:escapeForXML:to:)``).
    @inline(__always)
    static func appendDecoded(_ input: [UInt8], _ s: JSONToken, escapeForXML: Bool,
                              to out: inout DirectXMLOutput) throws {
        try appendDecoded(input.span.extracting(Int(s.start) ..< Int(s.start) + Int(s.length)),
                          escapeForXML: escapeForXML, to: &out)
    }

    /// ASCII without escapes: only `&`, `<` and `>` can need escaping (a raw `"` or control character
    /// cannot be in a JSON string). Eight bytes at a time while none of them shows up.
    @inline(__always)
    static func appendPlainASCII(_ s: Span<UInt8>, to out: inout DirectXMLOutput) {
        let n = s.count
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var run = 0
        var i = 0
        while i < n {
            if i &+ 8 <= n {
                let w = ByteWord.load(s, at: i)
                let amp = w ^ (ones &* 0x26)
                let angle = (w | (ones &* 0x02)) ^ (ones &* 0x3E)  // `<` (0x3C) or `>` (0x3E)
                if (((amp &- ones) & ~amp) | ((angle &- ones) & ~angle)) & highs == 0 {
                    i &+= 8
                    continue
                }
            }
            let b = s[i]
            if b == 0x26 || b | 0x02 == 0x3E {
                out.append(s, run..<i)
                appendEscape(b, to: &out)
                run = i + 1
            }
            i &+= 1
        }
        out.append(s, run..<n)
    }

    /// The general case: JSON escapes decoded and UTF-8 checked; with `escapeForXML` the result is
    /// escaped as an attribute value, without it (a narrative `div`) it is appended as decoded.
    static func appendDecoded(_ s: Span<UInt8>, escapeForXML: Bool, to out: inout DirectXMLOutput) throws {
        let n = s.count
        var i = 0
        while i < n {
            let b = s[i]
            if b == 0x5C {
                guard i + 1 < n else { throw DirectBail() }
                let e = s[i + 1]
                i += 2
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): try appendScalar(UInt32(e), escapeForXML, &out)
                case UInt8(ascii: "n"): try appendScalar(0x0A, escapeForXML, &out)
                case UInt8(ascii: "r"): try appendScalar(0x0D, escapeForXML, &out)
                case UInt8(ascii: "t"): try appendScalar(0x09, escapeForXML, &out)
                case UInt8(ascii: "u"):
                    var scalar = try hex4(s, i, n)
                    i += 4
                    if scalar >= 0xD800 && scalar < 0xDC00 {
                        guard i + 1 < n, s[i] == 0x5C, s[i + 1] == UInt8(ascii: "u") else { throw DirectBail() }
                        let low = try hex4(s, i + 2, n)
                        guard low >= 0xDC00 && low < 0xE000 else { throw DirectBail() }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    } else if scalar >= 0xDC00 && scalar < 0xE000 {
                        throw DirectBail()
                    }
                    try appendScalar(scalar, escapeForXML, &out)
                default:
                    throw DirectBail()  // \b, \f (not XML characters) and invalid escapes
                }
            } else if escapeForXML && (b == 0x26 || b | 0x02 == 0x3E) {
                appendEscape(b, to: &out)
                i += 1
            } else {
                // A run of bytes copied as they are (UTF-8 sequences checked on the way).
                var j = i
                while j < n {
                    let c = s[j]
                    if c >= 0x80 {
                        j += try utf8SequenceLength(s, j, n)
                        continue
                    }
                    if c == 0x5C || (escapeForXML && (c == 0x26 || c | 0x02 == 0x3E)) { break }
                    j += 1
                }
                out.append(s, i..<j)
                i = j
            }
        }
    }

    /// The length of the valid UTF-8 sequence at `i` (the tree reader's rules: no overlong forms,
    /// surrogates or values above U+10FFFF), which must not be U+FFFE or U+FFFF (not XML characters).
    @inline(__always)
    private static func utf8SequenceLength(_ s: Span<UInt8>, _ i: Int, _ n: Int) throws -> Int {
        let b = s[i]
        var need = 0
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch b {
        case 0xC2...0xDF: need = 1
        case 0xE0: need = 2; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: need = 2
        case 0xED: need = 2; high = 0x9F
        case 0xF0: need = 3; low = 0x90
        case 0xF1...0xF3: need = 3
        case 0xF4: need = 3; high = 0x8F
        default: throw DirectBail()
        }
        guard i + need < n else { throw DirectBail() }
        let c = s[i + 1]
        guard c >= low && c <= high else { throw DirectBail() }
        for j in 2..<(need + 1) where s[i + j] < 0x80 || s[i + j] > 0xBF { throw DirectBail() }
        if b == 0xEF && c == 0xBF && (s[i + 2] == 0xBE || s[i + 2] == 0xBF) { throw DirectBail() }
        return need + 1
    }

    private static func hex4(_ s: Span<UInt8>, _ i: Int, _ n: Int) throws -> UInt32 {
        guard i + 4 <= n else { throw DirectBail() }
        var value: UInt32 = 0
        for j in 0..<4 {
            let c = s[i + j]
            let digit: UInt8
            switch c {
            case 0x30...0x39: digit = c - 0x30
            case 0x41...0x46: digit = c - 0x41 + 10
            case 0x61...0x66: digit = c - 0x61 + 10
            default: throw DirectBail()
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// One decoded character: C0 controls other than TAB, LF, CR and U+FFFE/U+FFFF bail (the tree
    /// writer refuses them); the rest is escaped (or not) and encoded as UTF-8.
    private static func appendScalar(_ scalar: UInt32, _ escapeForXML: Bool, _ out: inout DirectXMLOutput) throws {
        if scalar < 0x20 && scalar != 0x09 && scalar != 0x0A && scalar != 0x0D { throw DirectBail() }
        if scalar == 0xFFFE || scalar == 0xFFFF { throw DirectBail() }
        switch scalar {
        case 0..<0x80:
            let b = UInt8(scalar)
            if escapeForXML && (b == 0x26 || b == 0x3C || b == 0x3E || b == 0x22 || b < 0x20) {
                appendEscape(b, to: &out)
            } else {
                out.append(b)
            }
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (scalar >> 6)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (scalar >> 12)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (scalar >> 18)))
            out.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }

    /// The tree writer's attribute escapes (FHIRXML's `XMLEscaping.appendEscape`).
    @inline(__always)
    static func appendEscape(_ c: UInt8, to out: inout DirectXMLOutput) {
        switch c {
        case UInt8(ascii: "&"): out.appendStatic("&amp;")
        case UInt8(ascii: "<"): out.appendStatic("&lt;")
        case UInt8(ascii: ">"): out.appendStatic("&gt;")
        case UInt8(ascii: "\""): out.appendStatic("&quot;")
        case 0x09: out.appendStatic("&#9;")
        case 0x0A: out.appendStatic("&#xA;")
        case 0x0D: out.appendStatic("&#xD;")
        default: out.append(c)
        }
    }
}
