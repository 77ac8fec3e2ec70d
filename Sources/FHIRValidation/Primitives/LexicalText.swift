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
    static func string(_ s: UnsafeBufferPointer<UInt8>) -> LexicalFailure? {
        if hasVerticalTabOrFormFeed(s) { return .syntax }
        if s.count > maxStringLength {
            // Count characters (scalars) only when the byte count could exceed the limit.
            var scalars = 0
            for b in s where b & 0xC0 != 0x80 { scalars += 1 }
            if scalars > maxStringLength { return .tooLong }
        }
        return nil
    }

    /// Whether a vertical tab (0x0B) or form feed (0x0C) occurs: eight bytes at a time (a word has
    /// a byte equal to `c` exactly when `w ^ c…c` has a zero byte, which the borrow test finds),
    /// then the last few one by one.
    static func hasVerticalTabOrFormFeed(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = s.baseAddress else { return false }
        let raw = UnsafeRawPointer(base)
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        var i = 0
        while i + 8 <= s.count {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let vt = w ^ (ones &* 0x0B), ff = w ^ (ones &* 0x0C)
            if ((vt &- ones) & ~vt | (ff &- ones) & ~ff) & highs != 0 { return true }
            i += 8
        }
        while i < s.count {
            if s[i] == 0x0B || s[i] == 0x0C { return true }
            i += 1
        }
        return false
    }

    /// `[^\s]+([\s]?[^\s]+)*`: no leading or trailing whitespace, no two whitespace in a row.
    static func code(_ s: UnsafeBufferPointer<UInt8>) -> LexicalFailure? {
        guard let first = s.first, let last = s.last, !isSpace(first), !isSpace(last) else { return .syntax }
        var previousSpace = false
        for b in s {
            let space = isSpace(b)
            if space && previousSpace { return .syntax }
            previousSpace = space
        }
        return nil
    }

    /// What a string's edges hold: the whitespace warnings of the FHIR STU3 datatypes page (edge spaces are kept byte-exact
    /// but are almost always a sender's mistake).
    enum Edges { case clean, whitespaceOnly, edgeWhitespace }

    static func edges(_ s: UnsafeBufferPointer<UInt8>) -> Edges {
        guard let first = s.first, let last = s.last else { return .clean }
        if !isSpace(first) && !isSpace(last) { return .clean }
        for b in s where !isSpace(b) { return .edgeWhitespace }
        return .whitespaceOnly
    }
}
