import FHIRModel

/// One token of a FHIR Mapping Language text, with where it starts (and ends, for slicing embedded
/// FHIRPath out of the text).
struct FMLToken: Sendable {
    enum Kind: Sendable, Equatable {
        /// A plain identifier (`src`, `group`, `as`): keywords are identifiers, the parser decides.
        case identifier
        /// A `` `delimited` `` identifier: never a keyword.
        case delimited
        /// `'...'`: a FHIRPath string literal.
        case singleQuoted
        /// `"..."`: URLs, rule names, metadata values.
        case doubleQuoted
        /// `123`, `1.5`.
        case number
        /// `-> .. == != <= >= {}` or one punctuation character.
        case symbol
        /// `/// key = value`: a metadata line (text = the line after `///`).
        case metadata
        case end
    }
    var kind: Kind
    /// The identifier or symbol, or a string's content with escapes resolved.
    var text: String
    var position: SourcePosition
    /// UTF-8 offsets of the token in the source: [start, end).
    var start: Int
    var end: Int

    func isSymbol(_ s: String) -> Bool { kind == .symbol && text == s }
    func isWord(_ s: String) -> Bool { kind == .identifier && text == s }
    /// True for an identifier or a delimited identifier (element and variable names).
    var isName: Bool { kind == .identifier || kind == .delimited }
}

/// Splits FML source into tokens (FML and its embedded FHIRPath share one lexer, as in the
/// reference engine). Strings are lexed before comments, so `"…/*3to4"` is one string.
struct FMLLexer {
    private let bytes: [UInt8]
    private var i = 0
    private var line = 1
    private var lineStart = 0
    /// Lexical errors (unterminated strings and comments, stray characters), with positions.
    private(set) var issues: [Issue] = []

    init(_ text: String) { bytes = Array(text.utf8) }

    /// All tokens of `text` (ending with `.end`) and the lexical errors met.
    static func tokenize(_ text: String) -> (tokens: [FMLToken], issues: [Issue]) {
        var lexer = FMLLexer(text)
        var out: [FMLToken] = []
        while true {
            let t = lexer.next()
            out.append(t)
            if t.kind == .end { break }
        }
        return (out, lexer.issues)
    }

    private func peek(_ k: Int = 0) -> UInt8? { i + k < bytes.count ? bytes[i + k] : nil }
    private var here: SourcePosition { SourcePosition(line: line, column: i - lineStart + 1) }

    private mutating func advance() {
        if bytes[i] == UInt8(ascii: "\n") { line += 1; lineStart = i + 1 }
        i += 1
    }

    private mutating func error(_ message: String, at position: SourcePosition) {
        issues.append(Issue(.error, .structure, rule: FMLRule.syntax, message, position: position))
    }

    /// Skips white space and comments; returns a metadata token when a `///` line is met.
    private mutating func skipTrivia() -> FMLToken? {
        while let c = peek() {
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D {
                advance()
            } else if c == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "/") {
                let start = i, position = here
                if peek(2) == UInt8(ascii: "/") {
                    // `/// key = value`: a header metadata line.
                    i += 3
                    let textStart = i
                    while let d = peek(), d != 0x0A { i += 1 }
                    var text = String(decoding: bytes[textStart..<i], as: UTF8.self)
                    if text.hasSuffix("\r") { text.removeLast() }
                    return FMLToken(kind: .metadata, text: text, position: position, start: start, end: i)
                }
                while let d = peek(), d != 0x0A { i += 1 }
            } else if c == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "*") {
                let position = here
                i += 2
                var closed = false
                while i < bytes.count {
                    if bytes[i] == UInt8(ascii: "*"), peek(1) == UInt8(ascii: "/") { i += 2; closed = true; break }
                    advance()
                }
                if !closed { error("unterminated comment", at: position) }
            } else {
                return nil
            }
        }
        return nil
    }

    mutating func next() -> FMLToken {
        if let metadata = skipTrivia() { return metadata }
        let position = here, start = i
        guard let c = peek() else { return FMLToken(kind: .end, text: "", position: position, start: i, end: i) }
        func token(_ kind: FMLToken.Kind, _ text: String) -> FMLToken {
            FMLToken(kind: kind, text: text, position: position, start: start, end: i)
        }
        if isLetter(c) || c == UInt8(ascii: "_") || c == UInt8(ascii: "$") || c == UInt8(ascii: "%") {
            // `$this` and `%var` are FHIRPath tokens; lexed as names so embedded FHIRPath slices whole.
            i += 1
            while let d = peek(), isLetter(d) || isDigit(d) || d == UInt8(ascii: "_") { i += 1 }
            return token(.identifier, String(decoding: bytes[start..<i], as: UTF8.self))
        }
        if isDigit(c) {
            while let d = peek(), isDigit(d) { i += 1 }
            if peek() == UInt8(ascii: "."), let d = peek(1), isDigit(d) {
                i += 1
                while let d = peek(), isDigit(d) { i += 1 }
            }
            return token(.number, String(decoding: bytes[start..<i], as: UTF8.self))
        }
        if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") || c == UInt8(ascii: "`") {
            let kind: FMLToken.Kind = c == UInt8(ascii: "'") ? .singleQuoted : c == UInt8(ascii: "\"") ? .doubleQuoted : .delimited
            // `"""markdown"""` in header values.
            if c == UInt8(ascii: "\""), peek(1) == c, peek(2) == c {
                i += 3
                let contentStart = i
                while i < bytes.count, !(bytes[i] == c && peek(1) == c && peek(2) == c) { advance() }
                let content = String(decoding: bytes[contentStart..<min(i, bytes.count)], as: UTF8.self)
                if i < bytes.count { i += 3 } else { error("unterminated \"\"\" string", at: position) }
                return token(.doubleQuoted, content)
            }
            i += 1
            var content: [UInt8] = []
            var closed = false
            while let d = peek() {
                if d == c { i += 1; closed = true; break }
                if d == 0x0A { break }
                if d == UInt8(ascii: "\\"), let e = peek(1) {
                    i += 2
                    switch e {
                    case UInt8(ascii: "t"): content.append(0x09)
                    case UInt8(ascii: "r"): content.append(0x0D)
                    case UInt8(ascii: "n"): content.append(0x0A)
                    case UInt8(ascii: "f"): content.append(0x0C)
                    case UInt8(ascii: "u"):
                        let hex = i + 4 <= bytes.count ? String(decoding: bytes[i..<i + 4], as: UTF8.self) : ""
                        if let v = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(v) {
                            content.append(contentsOf: Array(String(Character(scalar)).utf8))
                            i += 4
                        } else {
                            error("bad \\u escape", at: here)
                        }
                    default: content.append(e)
                    }
                    continue
                }
                content.append(d)
                i += 1
            }
            if !closed { error("unterminated string", at: position) }
            return token(kind, String(decoding: content, as: UTF8.self))
        }
        let two = peek(1).map { String(decoding: [c, $0], as: UTF8.self) }
        if let two, ["->", "..", "==", "!=", "<=", ">=", "{}"].contains(two) {
            i += 2
            return token(.symbol, two)
        }
        if "(){}[].,;:=<>+-*/|&!~@#".utf8.contains(c) {
            i += 1
            return token(.symbol, String(UnicodeScalar(c)))
        }
        // Any other byte (a UTF-8 sequence included) is an error; skip the whole character.
        i += 1
        while let d = peek(), d & 0xC0 == 0x80 { i += 1 }
        error("unexpected character '\(String(decoding: bytes[start..<i], as: UTF8.self))'", at: position)
        return next()
    }

    /// The source between two UTF-8 offsets (embedded FHIRPath).
    static func slice(_ text: String, _ start: Int, _ end: Int) -> String {
        let u = text.utf8
        return String(decoding: Array(u)[start..<end], as: UTF8.self)
    }

    private func isLetter(_ c: UInt8) -> Bool { (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) }
    private func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
}

/// The rule ids of the mapping issues.
public enum FMLRule {
    /// A syntax error in an FML text.
    public static let syntax = "fml.syntax"
    /// A name that does not resolve: an unknown group, variable, alias or ConceptMap.
    public static let reference = "fml.reference"
    /// A StructureMap resource that cannot be read as a map.
    public static let structureMap = "fml.structure-map"
    /// An error while running a map (a failed `check`, an unknown type, a transform error).
    public static let execution = "fml.execution"
}
