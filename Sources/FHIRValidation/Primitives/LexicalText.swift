import FHIRModel

/// Lexical rules of the text types: string, markdown, code.
extension Lexical {
    /// The largest string the STU3 definitions allow (`maxLength` of string), in characters.
    static let maxStringLength = 1_048_576

    /// Whitespace as the definitions' regexes mean it (Java `\s`: space, tab, LF, VT, FF, CR).
    @inline(__always) static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || (b >= 0x09 && b <= 0x0D)
    }

    /// `[ \r\n\t\S]+` up to 1048576 characters: vertical tab and form feed are the only characters
    /// the pattern excludes. Emptiness is reported apart (`value.empty`), whitespace as a warning.
    static func string(_ s: Span<UInt8>) -> LexicalFailure? {
        if hasVerticalTabOrFormFeed(s) { return .syntax }
        if s.count > maxStringLength {
            // Count characters (scalars) only when the byte count could exceed the limit.
            var scalars = 0
            for k in s.indices where s[k] & 0xC0 != 0x80 { scalars += 1 }
            if scalars > maxStringLength { return .tooLong }
        }
        return nil
    }

    /// Whether a vertical tab (0x0B) or form feed (0x0C) occurs: eight bytes at a time (a word has
    /// a byte equal to `c` exactly when `w ^ c…c` has a zero byte, which the borrow test finds),
    /// then the last few one by one.
    static func hasVerticalTabOrFormFeed(_ s: Span<UInt8>) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        var i = 0
        let n = s.count
        while i &+ 8 <= n {
            let w = ByteWord.load(s, at: i)
            let vt = w ^ (ones &* 0x0B), ff = w ^ (ones &* 0x0C)
            if ((vt &- ones) & ~vt | (ff &- ones) & ~ff) & highs != 0 { return true }
            i &+= 8
        }
        while i < n {
            if (s[i] &- 0x0B) < 2 { return true }
            i &+= 1
        }
        return false
    }

    /// `[^\s]+([\s]?[^\s]+)*`: no leading or trailing whitespace, no two whitespace in a row.
    static func code(_ s: Span<UInt8>) -> LexicalFailure? {
        guard !s.isEmpty, !isSpace(s[0]), !isSpace(s[s.count - 1]) else { return .syntax }
        var previousSpace = false
        for k in s.indices {
            let space = isSpace(s[k])
            if space && previousSpace { return .syntax }
            previousSpace = space
        }
        return nil
    }

    /// What a string's edges hold: the whitespace warnings of the FHIR STU3 datatypes page (edge spaces are kept byte-exact
    /// but are almost always a sender's mistake).
    enum Edges { case clean, whitespaceOnly, edgeWhitespace }

    static func edges(_ s: Span<UInt8>) -> Edges {
        guard !s.isEmpty else { return .clean }
        if !isSpace(s[0]) && !isSpace(s[s.count - 1]) { return .clean }
        for k in s.indices where !isSpace(s[k]) { return .edgeWhitespace }
        return .whitespaceOnly
    }
}
