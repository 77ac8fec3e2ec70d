/// Lexical rules of boolean and the number types.
enum Lexical {}

extension Lexical {
    static let digit0 = UInt8(ascii: "0"), digit9 = UInt8(ascii: "9")

    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= digit0 && b <= digit9 }

    /// Consumes `0|[1-9][0-9]*` at `i` (an unsigned integer without leading zeros); false when no
    /// digit stands there.
    @inline(__always) static func scanNatural(_ s: Span<UInt8>, _ i: inout Int) -> Bool {
        guard i < s.count, isDigit(s[i]) else { return false }
        if s[i] == digit0 {
            i += 1
        } else {
            while i < s.count && isDigit(s[i]) { i += 1 }
        }
        return true
    }

    /// `true|false` only (xs:boolean's `1`/`0` are not FHIR).
    static func boolean(_ s: Span<UInt8>) -> LexicalFailure? {
        return equals(s, "true") || equals(s, "false") ? nil : .syntax
    }

    /// `-?(0|[1-9][0-9]*)` between `min` and 2147483647 (min 0: unsignedInt, 1: positiveInt; their
    /// patterns have no sign, and `0` is out of positiveInt's range).
    static func integer(_ s: Span<UInt8>, min: Int) -> LexicalFailure? {
        var i = 0
        let negative = !s.isEmpty && s[0] == UInt8(ascii: "-")
        if negative {
            if min >= 0 { return .syntax }
            i = 1
        }
        guard i < s.count, isDigit(s[i]) else { return .syntax }
        if s[i] == digit0 && s.count > i + 1 { return .syntax }
        var magnitude = 0
        while i < s.count {
            guard isDigit(s[i]) else { return .syntax }
            // Stop accumulating past the range (any further digits still have to be digits).
            if magnitude <= 2_147_483_648 { magnitude = magnitude * 10 + Int(s[i] - digit0) }
            i += 1
        }
        let value = negative ? -magnitude : magnitude
        if min == 1 && value == 0 { return .syntax }
        return value < min || value > 2_147_483_647 ? .range : nil
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?`: no exponent, `+` or leading zeros.
    static func decimal(_ s: Span<UInt8>) -> LexicalFailure? {
        var i = 0
        if !s.isEmpty && s[0] == UInt8(ascii: "-") { i = 1 }
        guard scanNatural(s, &i) else { return .syntax }
        if i == s.count { return nil }
        guard s[i] == UInt8(ascii: ".") else { return .syntax }
        i += 1
        guard i < s.count else { return .syntax }
        while i < s.count {
            guard isDigit(s[i]) else { return .syntax }
            i += 1
        }
        return nil
    }

    /// Byte equality with a literal.
    static func equals(_ s: Span<UInt8>, _ literal: String) -> Bool {
        let l = literal.utf8.span
        guard s.count == l.count else { return false }
        for i in 0..<s.count where s[i] != l[i] { return false }
        return true
    }
}
