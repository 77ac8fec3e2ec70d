/// Lexical rule of base64Binary (xs:base64Binary; the STU3 page's regex wrongly omits `/`).
extension Lexical {
    /// Quads of `[A-Za-z0-9+/]`, `=` only as padding of the last quad (`xx==`, `xxx=`); whitespace
    /// between characters is ignorable. At least one quad.
    static func base64Binary(_ s: Span<UInt8>) -> LexicalFailure? {
        var count = 0
        var padding = 0
        for k in s.indices {
            let b = s[k]
            if isSpace(b) { continue }
            if b == UInt8(ascii: "=") {
                padding += 1
                // Padding only in the 3rd and 4th place of a quad, at most two.
                if padding > 2 || count % 4 < 2 { return .syntax }
            } else {
                guard padding == 0, isBase64(b) else { return .syntax }
            }
            count += 1
        }
        return count == 0 || count % 4 != 0 ? .syntax : nil
    }

    @inline(__always) static func isBase64(_ b: UInt8) -> Bool {
        isDigit(b) || (b | 0x20 >= UInt8(ascii: "a") && b | 0x20 <= UInt8(ascii: "z"))
            || b == UInt8(ascii: "+") || b == UInt8(ascii: "/")
    }
}
