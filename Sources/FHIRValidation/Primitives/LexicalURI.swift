/// Where and why a value is not an RFC 3986 URI reference (found by ``Lexical/uriFault(_:)``).
struct URIFault: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        /// No character at all.
        case empty
        /// Whitespace (FHIR's uri pattern is `\S*`).
        case whitespace
        /// A character RFC 3986 (and RFC 3987, for IRIs) has no place for: controls, `<` `>` `"`
        /// `{` `}` `|` `\` `^` backtick, DEL, or `@` in a host.
        case character
        /// `[` or `]` outside an IP-literal host.
        case bracket
        /// `%` not followed by two hex digits.
        case percent
        /// `:` in the first segment of a reference whose start is no scheme (`1abc:x`, `:x`).
        case scheme
        /// A port that is not digits, or an empty one after ':'.
        case port
        /// An IP-literal host (`[…]`) that is empty, unclosed, holds other than IPv6/IPvFuture
        /// characters, or is followed by other than `:port`.
        case ipLiteral
        /// A second `#`: the fragment has begun and cannot hold `#`.
        case hash
    }
    let kind: Kind
    /// Byte offset of the offending character in the UTF-8 value.
    let offset: Int
}

/// The lexical rule of `uri`: an RFC 3986 URI reference (absolute, or relative; with optional
/// query and fragment), as the official schema's `xs:anyURI` check of libxml2 reads it, with
/// non-ASCII characters allowed as in RFC 3987 IRIs. One pass over the bytes, no allocation.
///
/// Stricter than libxml2 only where RFC 3986 and RFC 3987 both are: whitespace (FHIR's own
/// pattern `\S*`), and the characters XML Schema 1.0 lets through by escaping them as XLink does
/// (`<` `>` `"` `{` `}` `|` `\` `^` backtick, controls, DEL), `[` `]` in a fragment, and what
/// stands inside an IP-literal's brackets (libxml2 takes anything there). Like libxml2, and unlike
/// RFC 3986, it refuses an empty port after ':'.
extension Lexical {
    static func uri(_ s: Span<UInt8>) -> LexicalFailure? {
        uriFault(s) == nil ? nil : .syntax
    }

    /// Why `s` is not a URI reference, or nil when it is one.
    static func uriFault(_ s: Span<UInt8>) -> URIFault? {
        let n = s.count
        guard n > 0 else { return URIFault(kind: .empty, offset: 0) }
        let table = uriByteClasses
        let classes = table.span
        // scheme ":" makes it absolute; otherwise a ':' may not stand in the first segment.
        let scheme = schemeLength(s)
        var i = scheme.map { $0 + 1 } ?? 0
        var firstSegment = scheme == nil
        if i + 1 < n && s[i] == UInt8(ascii: "/") && s[i + 1] == UInt8(ascii: "/") {
            i += 2
            if let fault = authority(s, &i, classes) { return fault }
            firstSegment = false
        }
        // Path, then query (after '?'), then fragment (after '#').
        var inFragment = false
        while i < n {
            if !firstSegment {
                // Four bytes a step while none needs a look (no branch per byte).
                while i &+ 4 <= n && (classes[Int(s[i])] | classes[Int(s[i &+ 1])] | classes[Int(s[i &+ 2])]
                                      | classes[Int(s[i &+ 3])]) < URIByte.hash {
                    i &+= 4
                }
                if i == n { break }
            }
            let c = classes[Int(s[i])]
            if c <= URIByte.at { i += 1; continue }   // the usual byte: one load, one test
            switch c {
            case URIByte.colon:
                if firstSegment { return URIFault(kind: .scheme, offset: i) }
            case URIByte.slash:
                firstSegment = false
            case URIByte.hash:
                if inFragment { return URIFault(kind: .hash, offset: i) }
                inFragment = true
                firstSegment = false
            case URIByte.percent:
                guard isPercentEncoded(s, i) else { return URIFault(kind: .percent, offset: i) }
                i += 2
            default:
                return otherFault(c, i)
            }
            i += 1
        }
        return nil
    }

    /// The classes of ``uriByteClasses``.
    enum URIByte {
        /// Unreserved and sub-delims (RFC 3986), and every non-ASCII byte (RFC 3987 IRIs).
        static let plain: UInt8 = 0
        /// The classes below 4 are all a path, query or fragment allows past the first segment,
        /// so four bytes whose classes OR to less than 4 need no further look.
        static let at: UInt8 = 1, colon: UInt8 = 2
        /// `/` and `?`: both end the first segment (and an authority).
        static let slash: UInt8 = 3
        static let hash: UInt8 = 4, percent: UInt8 = 5, open: UInt8 = 6, close: UInt8 = 7
        static let whitespace: UInt8 = 8
        /// Controls, `< > " { } | \ ^` backtick, DEL: outside RFC 3986 and RFC 3987.
        static let other: UInt8 = 9
    }

    /// Each byte's ``URIByte`` class.
    static let uriByteClasses: [UInt8] = [
        9, 9, 9, 9, 9, 9, 9, 9, 9, 8, 8, 8, 8, 8, 9, 9,  // 00
        9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9,  // 10
        8, 0, 9, 4, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3,  // 20
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 9, 0, 9, 3,  // 30
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // 40
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 6, 9, 7, 9, 0,  // 50
        9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // 60
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 9, 9, 0, 9,  // 70
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // 80
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // 90
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // A0
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // B0
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // C0
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // D0
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // E0
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // F0
    ]

    /// `[ userinfo "@" ] host [ ":" port ]` from `i` (just after `//`) to the next `/`, `?`, `#`
    /// or the end, where `i` is left. One pass: every byte must be unreserved, sub-delims, %XX,
    /// non-ASCII or ':'; an '@' ends the userinfo (a second one is refused); the first ':' after
    /// it starts the port, checked for digits at the end.
    private static func authority(_ s: Span<UInt8>, _ i: inout Int, _ classes: Span<UInt8>) -> URIFault? {
        let n = s.count
        var hostStart = i, colon = -1, sawAt = false
        scan: while i < n {
            let c = classes[Int(s[i])]
            if c == URIByte.plain { i += 1; continue }
            switch c {
            case URIByte.slash, URIByte.hash:
                break scan
            case URIByte.percent:
                guard isPercentEncoded(s, i) else { return URIFault(kind: .percent, offset: i) }
                i += 3
            case URIByte.colon:
                if colon < 0 { colon = i }
                i += 1
            case URIByte.at:
                if sawAt { return URIFault(kind: .character, offset: i) }
                sawAt = true
                colon = -1
                i += 1
                hostStart = i
            case URIByte.open where i == hostStart:
                if let fault = ipLiteral(s, &i, classes) { return fault }
            default:
                return otherFault(c, i)
            }
        }
        if colon >= 0 {   // ":" port; RFC 3986 allows it empty, libxml2's xs:anyURI does not, nor do we
            guard colon + 1 < i else { return URIFault(kind: .port, offset: colon) }
            for k in colon + 1..<i where !isDigit(s[k]) { return URIFault(kind: .port, offset: k) }
        }
        return nil
    }

    /// An IP-literal host from the '[' at `i` to just past its ']', which must end the authority
    /// or precede ':': IPv6address / IPvFuture, i.e. ASCII unreserved, sub-delims, ':' and %XX
    /// (an RFC 6874 zone), at least one.
    private static func ipLiteral(_ s: Span<UInt8>, _ i: inout Int, _ classes: Span<UInt8>) -> URIFault? {
        let n = s.count, open = i
        i += 1
        while i < n && s[i] != UInt8(ascii: "]") {
            let c = classes[Int(s[i])]
            if (c == URIByte.plain && s[i] < 0x80) || c == URIByte.colon {
                i += 1
            } else if c == URIByte.percent {
                guard isPercentEncoded(s, i) else { return URIFault(kind: .percent, offset: i) }
                i += 3
            } else {
                // The authority ends before any ']': the literal is not closed.
                let ends = c == URIByte.slash || c == URIByte.hash
                return URIFault(kind: .ipLiteral, offset: ends ? open : i)
            }
        }
        guard i < n, i > open + 1 else { return URIFault(kind: .ipLiteral, offset: open) }
        i += 1
        if i == n { return nil }
        let c = classes[Int(s[i])]
        let follows = c == URIByte.colon || c == URIByte.slash || c == URIByte.hash
        return follows ? nil : URIFault(kind: .ipLiteral, offset: i)
    }

    /// The fault of a byte of class `c` that no part of a URI allows where it stands.
    private static func otherFault(_ c: UInt8, _ offset: Int) -> URIFault {
        switch c {
        case URIByte.whitespace: return URIFault(kind: .whitespace, offset: offset)
        case URIByte.open, URIByte.close: return URIFault(kind: .bracket, offset: offset)
        default: return URIFault(kind: .character, offset: offset)
        }
    }

    /// The length of the scheme when `s` begins with `scheme ":"` (a letter, then letters, digits,
    /// '+', '-' or '.'), else nil: what makes a URI absolute.
    @inline(__always)
    static func schemeLength(_ s: Span<UInt8>) -> Int? {
        guard !s.isEmpty, isAlpha(s[0]) else { return nil }
        var j = 1
        while j < s.count && isSchemeChar(s[j]) { j += 1 }
        return j < s.count && s[j] == UInt8(ascii: ":") ? j : nil
    }

    /// Whether `s` from byte `start` to its end is a UUID: 8-4-4-4-12 hex digits, either case.
    static func isUUID(_ s: Span<UInt8>, from start: Int) -> Bool {
        guard s.count - start == 36 else { return false }
        for k in 0..<36 {
            let b = s[start + k]
            if k == 8 || k == 13 || k == 18 || k == 23 {
                if b != UInt8(ascii: "-") { return false }
            } else if !isHexDigit(b) {
                return false
            }
        }
        return true
    }

    /// Whether `value` begins with a scheme and ':' (says nothing of the rest).
    static func hasScheme(_ value: String) -> Bool {
        schemeLength(value.utf8.span) != nil
    }

    @inline(__always)
    private static func isPercentEncoded(_ s: Span<UInt8>, _ i: Int) -> Bool {
        i + 2 < s.count && isHexDigit(s[i + 1]) && isHexDigit(s[i + 2])
    }

    @inline(__always) static func isHexDigit(_ b: UInt8) -> Bool {
        isDigit(b) || (b | 0x20 >= UInt8(ascii: "a") && b | 0x20 <= UInt8(ascii: "f"))
    }

    @inline(__always) static func isAlpha(_ b: UInt8) -> Bool {
        b | 0x20 >= UInt8(ascii: "a") && b | 0x20 <= UInt8(ascii: "z")
    }

    /// ASCII in a 128-bit set given as two words (bits 0-63, 64-127): no table to load.
    @inline(__always)
    private static func inSet(_ b: UInt8, _ low: UInt64, _ high: UInt64) -> Bool {
        b < 64 ? (low >> UInt64(b)) & 1 != 0 : b < 128 && (high >> UInt64(b &- 64)) & 1 != 0
    }

    /// `A-Z a-z 0-9 + - .`
    @inline(__always) static func isSchemeChar(_ b: UInt8) -> Bool {
        inSet(b, 0x03FF_6800_0000_0000, 0x07FF_FFFE_07FF_FFFE)
    }
}

extension URIFault {
    /// What is wrong, in words, for a message about `value` (its UTF-8 form is what `offset` counts).
    func explanation(in value: String) -> String {
        let utf8 = Array(value.utf8)
        guard offset < utf8.count else { return "it is empty" }
        // The character's position counted in characters (scalars), 1-based.
        let position = utf8[..<offset].reduce(1) { $1 & 0xC0 == 0x80 ? $0 : $0 + 1 }
        let byte = utf8[offset]
        let shown = byte >= 0x20 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'"
            : "U+\(String(byte, radix: 16, uppercase: true).leftPadded(to: 4))"
        let escape = "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
        let at = "\(shown) at character \(position)"
        switch kind {
        case .empty: return "it is empty"
        case .whitespace: return "\(at) is whitespace, which a uri cannot hold (percent-encode a space as %20)"
        case .character: return "\(at) is not allowed in a URI (RFC 3986): percent-encode it as \(escape)"
        case .bracket: return "\(at) is allowed only around an IP-literal host such as http://[::1]/: percent-encode it as \(escape)"
        case .percent: return "\(at) must begin a percent-escape of two hex digits (%41); write a literal '%' as %25"
        case .scheme: return "\(at) stands in the first segment, but what precedes it is no scheme (a letter, then letters, digits, '+', '-' or '.')"
        case .port: return byte == UInt8(ascii: ":") ? "\(at) must be followed by a port of digits" : "\(at) is in the port, which must be digits"
        case .ipLiteral: return "\(at) breaks the IP-literal host (an IPv6 address or IPvFuture in '[' ']', then only ':' and a port)"
        case .hash: return "\(at) is a second '#': the fragment cannot hold one (percent-encode it as %23)"
        }
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
