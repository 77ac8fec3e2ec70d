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
        for b in s where b == 0x0B || b == 0x0C { return .syntax }
        if s.count > maxStringLength {
            // Count characters (scalars) only when the byte count could exceed the limit.
            var scalars = 0
            for b in s where b & 0xC0 != 0x80 { scalars += 1 }
            if scalars > maxStringLength { return .tooLong }
        }
        return nil
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

    /// What a string's edges hold: the warnings of FORMATS.md F12/T5 (edge spaces are kept byte-exact
    /// but are almost always a sender's mistake).
    enum Edges { case clean, whitespaceOnly, edgeWhitespace }

    static func edges(_ s: UnsafeBufferPointer<UInt8>) -> Edges {
        guard let first = s.first, let last = s.last else { return .clean }
        if !isSpace(first) && !isSpace(last) { return .clean }
        for b in s where !isSpace(b) { return .edgeWhitespace }
        return .whitespaceOnly
    }
}
