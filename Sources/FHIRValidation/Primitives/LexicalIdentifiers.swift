/// Lexical rules of the identifier types: id, oid, uuid (uri: LexicalURI.swift).
extension Lexical {
    /// `[A-Za-z0-9\-\.]{1,64}`.
    static func id(_ s: Span<UInt8>) -> LexicalFailure? {
        guard !s.isEmpty else { return .syntax }
        guard s.count <= 64 else { return .tooLong }
        for k in s.indices {
            let b = s[k]
            let ok = isDigit(b) || (b | 0x20 >= UInt8(ascii: "a") && b | 0x20 <= UInt8(ascii: "z"))
                || b == UInt8(ascii: "-") || b == UInt8(ascii: ".")
            if !ok { return .syntax }
        }
        return nil
    }

    /// `urn:oid:(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*`.
    static func oid(_ s: Span<UInt8>) -> LexicalFailure? {
        let prefix = "urn:oid:"
        guard hasPrefix(s, prefix) else { return .syntax }
        var i = prefix.utf8.count
        while true {
            // One arc: 0, or digits not starting with 0.
            guard scanNatural(s, &i) else { return .syntax }
            if i == s.count { return nil }
            guard s[i] == UInt8(ascii: ".") else { return .syntax }
            i += 1
        }
    }

    /// `urn:uuid:` and 8-4-4-4-12 lower-case hex digits.
    static func uuid(_ s: Span<UInt8>) -> LexicalFailure? {
        let prefix = "urn:uuid:"
        let p = prefix.utf8.count
        guard s.count == p + 36, hasPrefix(s, prefix) else { return .syntax }
        for k in 0..<36 {
            let b = s[p + k]
            if k == 8 || k == 13 || k == 18 || k == 23 {
                if b != UInt8(ascii: "-") { return .syntax }
            } else if !(isDigit(b) || (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "f"))) {
                return .syntax
            }
        }
        return nil
    }

    static func hasPrefix(_ s: Span<UInt8>, _ literal: String) -> Bool {
        let l = literal.utf8.span
        let n = l.count
        guard s.count >= n else { return false }
        for i in 0..<n where s[i] != l[i] { return false }
        return true
    }
}
