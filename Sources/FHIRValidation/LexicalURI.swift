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
    static func uri(_ s: UnsafeBufferPointer<UInt8>) -> LexicalFailure? {
        uriFault(s) == nil ? nil : .syntax
    }

    /// Why `s` is not a URI reference, or nil when it is one.
    static func uriFault(_ s: UnsafeBufferPointer<UInt8>) -> URIFault? {
        let n = s.count
        guard n > 0 else { return URIFault(kind: .empty, offset: 0) }
        // scheme ":" makes it absolute; otherwise a ':' may not stand in the first segment.
        let scheme = schemeLength(s)
        let absolute = scheme != nil
        var i = scheme.map { $0 + 1 } ?? 0
        var firstSegment = !absolute
        if i + 1 < n && s[i] == UInt8(ascii: "/") && s[i + 1] == UInt8(ascii: "/") {
            i += 2
            if let fault = authority(s, &i) { return fault }
            firstSegment = false
        }
        // Path, then query (after '?'), then fragment (after '#').
        var inFragment = false
        while i < n {
            let b = s[i]
            if b >= 0x80 || isPCharBase(b) || b == UInt8(ascii: "@") {
                i += 1
                continue
            }
            switch b {
            case UInt8(ascii: ":"):
                if firstSegment { return URIFault(kind: .scheme, offset: i) }
            case UInt8(ascii: "/"), UInt8(ascii: "?"):
                firstSegment = false
            case UInt8(ascii: "#"):
                if inFragment { return URIFault(kind: .hash, offset: i) }
                inFragment = true
                firstSegment = false
            case UInt8(ascii: "%"):
                guard isPercentEncoded(s, i) else { return URIFault(kind: .percent, offset: i) }
                i += 2
            default:
                return otherFault(b, i)
            }
            i += 1
        }
        return nil
    }

    /// The length of the scheme when `s` begins with `scheme ":"` (a letter, then letters, digits,
    /// '+', '-' or '.'), else nil: what makes a URI absolute.
    @inline(__always)
    static func schemeLength(_ s: UnsafeBufferPointer<UInt8>) -> Int? {
        var j = 0
        while j < s.count && isSchemeChar(s[j]) { j += 1 }
        return j > 0 && j < s.count && s[j] == UInt8(ascii: ":") && isAlpha(s[0]) ? j : nil
    }

    /// Whether `value` begins with a scheme and ':' (says nothing of the rest).
    static func hasScheme(_ value: String) -> Bool {
        var value = value
        return value.withUTF8 { schemeLength($0) != nil }
    }

    /// `[ userinfo "@" ] host [ ":" port ]` from `i` (just after `//`) to the next `/`, `?`, `#`
    /// or the end, where `i` is left.
    private static func authority(_ s: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> URIFault? {
        let n = s.count
        var end = i
        while end < n && s[end] != UInt8(ascii: "/") && s[end] != UInt8(ascii: "?") && s[end] != UInt8(ascii: "#") {
            end += 1
        }
        var k = i
        // userinfo, when an '@' follows: unreserved, sub-delims, ':' and %XX.
        if let at = (i..<end).first(where: { s[$0] == UInt8(ascii: "@") }) {
            while k < at {
                if let fault = hostCharacterFault(s, &k, colonAllowed: true) { return fault }
            }
            k = at + 1
        }
        if k < end && s[k] == UInt8(ascii: "[") {
            // IP-literal: IPv6address / IPvFuture, i.e. hex digits, '.', ':', 'v', unreserved and
            // sub-delims (%XX for an RFC 6874 zone).
            let open = k
            k += 1
            while k < end && s[k] != UInt8(ascii: "]") {
                guard s[k] < 0x80 else { return URIFault(kind: .ipLiteral, offset: k) }
                if let fault = hostCharacterFault(s, &k, colonAllowed: true) {
                    return fault.kind == .percent ? fault : URIFault(kind: .ipLiteral, offset: fault.offset)
                }
            }
            guard k < end, k > open + 1 else { return URIFault(kind: .ipLiteral, offset: open) }
            k += 1
            guard k == end || s[k] == UInt8(ascii: ":") else { return URIFault(kind: .ipLiteral, offset: k) }
        } else {
            // reg-name up to the port's ':'.
            while k < end && s[k] != UInt8(ascii: ":") {
                if let fault = hostCharacterFault(s, &k, colonAllowed: false) { return fault }
            }
        }
        if k < end {   // ":" port; RFC 3986 allows it empty, libxml2's xs:anyURI does not, nor do we
            k += 1
            guard k < end else { return URIFault(kind: .port, offset: k - 1) }
            while k < end {
                guard isDigit(s[k]) else { return URIFault(kind: .port, offset: k) }
                k += 1
            }
        }
        i = end
        return nil
    }

    /// One character of a userinfo, host or IP literal at `k` (advanced past it): unreserved,
    /// sub-delims, %XX, non-ASCII, and ':' where `colonAllowed`.
    @inline(__always)
    private static func hostCharacterFault(_ s: UnsafeBufferPointer<UInt8>, _ k: inout Int, colonAllowed: Bool) -> URIFault? {
        let b = s[k]
        if b >= 0x80 || isPCharBase(b) || (colonAllowed && b == UInt8(ascii: ":")) {
            k += 1
            return nil
        }
        if b == UInt8(ascii: "%") {
            guard isPercentEncoded(s, k) else { return URIFault(kind: .percent, offset: k) }
            k += 3
            return nil
        }
        return otherFault(b, k)
    }

    /// The fault of a character no part of a URI allows at this point.
    private static func otherFault(_ b: UInt8, _ offset: Int) -> URIFault {
        if isSpace(b) { return URIFault(kind: .whitespace, offset: offset) }
        if b == UInt8(ascii: "[") || b == UInt8(ascii: "]") { return URIFault(kind: .bracket, offset: offset) }
        return URIFault(kind: .character, offset: offset)
    }

    @inline(__always)
    private static func isPercentEncoded(_ s: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool {
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

    /// unreserved (`A-Z a-z 0-9 - . _ ~`) and sub-delims (`! $ & ' ( ) * + , ; =`).
    @inline(__always) static func isPCharBase(_ b: UInt8) -> Bool {
        inSet(b, 0x2BFF_7FD2_0000_0000, 0x47FF_FFFE_87FF_FFFE)
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
