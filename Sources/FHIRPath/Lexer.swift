/// One lexical token of a FHIRPath expression, with the 1-based column it starts at.
struct Token: Equatable {
    enum Kind: Equatable {
        case identifier(String)          // plain or `backtick` name (delimited: escapes resolved)
        case delimitedIdentifier(String) // `…`: never a keyword
        case string(String)
        case number(String)              // lexeme: integer or decimal
        case dateTime(String)            // after the `@`
        case externalConstant(String)    // %name, %`name`, %"name", %'name'
        case special(String)             // $this, $index, $total
        case symbol(String)              // . [ ] ( ) , + - * / & | < > <= >= = ~ != !~ { }
        case end
    }
    let kind: Kind
    let column: Int
}

/// A parse error: what is wrong and where (1-based column in the expression).
public struct FHIRPathSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public let message: String
    /// 1-based column of the offending character.
    public let column: Int

    init(_ message: String, column: Int) {
        self.message = message
        self.column = column
    }

    /// `column 7: expected ')'`: the column, then what is wrong.
    public var description: String { "column \(column): \(message)" }
}

/// Splits an expression into tokens. Works on Unicode scalars so that columns count characters.
struct Lexer {
    private let chars: [Unicode.Scalar]
    private var i = 0

    init(_ text: String) { chars = Array(text.unicodeScalars) }

    static func tokens(_ text: String) throws -> [Token] {
        var lexer = Lexer(text)
        var out: [Token] = []
        while true {
            let t = try lexer.next()
            out.append(t)
            if t.kind == .end { return out }
        }
    }

    private func peek(_ k: Int = 0) -> Unicode.Scalar? { i + k < chars.count ? chars[i + k] : nil }

    private mutating func skipSpaceAndComments() throws {
        while let c = peek() {
            if c == " " || c == "\t" || c == "\n" || c == "\r" {
                i += 1
            } else if c == "/" && peek(1) == "/" {
                while let d = peek(), d != "\n" { i += 1 }
            } else if c == "/" && peek(1) == "*" {
                let start = i
                i += 2
                while i < chars.count && !(chars[i] == "*" && peek(1) == "/") { i += 1 }
                guard i < chars.count else { throw FHIRPathSyntaxError("unterminated comment", column: start + 1) }
                i += 2
            } else {
                return
            }
        }
    }

    mutating func next() throws -> Token {
        try skipSpaceAndComments()
        let start = i
        let column = start + 1
        guard let c = peek() else { return Token(kind: .end, column: column) }
        if isIdentifierStart(c) {
            while let d = peek(), isIdentifierPart(d) { i += 1 }
            return Token(kind: .identifier(text(start, i)), column: column)
        }
        if isDigit(c) { return Token(kind: .number(scanNumber()), column: column) }
        switch c {
        case "'":
            return Token(kind: .string(try scanQuoted("'")), column: column)
        case "`":
            return Token(kind: .delimitedIdentifier(try scanQuoted("`")), column: column)
        case "@":
            i += 1
            let s = i
            while let d = peek(), isDigit(d) || "-:.TZ+".unicodeScalars.contains(d) {
                // '+' / '-' belong to a zone only after a time; a '-' after a date is part of it.
                i += 1
            }
            guard i > s else { throw FHIRPathSyntaxError("a date/time literal is expected after '@'", column: column) }
            return Token(kind: .dateTime(text(s, i)), column: column)
        case "%":
            i += 1
            guard let d = peek() else { throw FHIRPathSyntaxError("a name is expected after '%'", column: column) }
            if d == "`" || d == "\"" || d == "'" {
                return Token(kind: .externalConstant(try scanQuoted(d)), column: column)
            }
            guard isIdentifierStart(d) else { throw FHIRPathSyntaxError("a name is expected after '%'", column: column) }
            let s = i
            while let e = peek(), isIdentifierPart(e) || e == "-" { i += 1 }
            return Token(kind: .externalConstant(text(s, i)), column: column)
        case "$":
            i += 1
            let s = i
            while let d = peek(), isIdentifierPart(d) { i += 1 }
            let name = text(s, i)
            guard ["this", "index", "total"].contains(name) else {
                throw FHIRPathSyntaxError("unknown special variable '$\(name)'", column: column)
            }
            return Token(kind: .special(name), column: column)
        default:
            break
        }
        i += 1
        let two = peek().map { String(c) + String($0) }
        if let two, ["<=", ">=", "!=", "!~"].contains(two) {
            i += 1
            return Token(kind: .symbol(two), column: column)
        }
        let one = String(c)
        guard ".[](),+-*/&|<>=~{}".contains(one) else {
            throw FHIRPathSyntaxError("unexpected character '\(one)'", column: column)
        }
        return Token(kind: .symbol(one), column: column)
    }

    private mutating func scanNumber() -> String {
        let s = i
        while let d = peek(), isDigit(d) { i += 1 }
        // A '.' makes a decimal only when a digit follows (`1.exists()` would be an invocation).
        if peek() == ".", let d = peek(1), isDigit(d) {
            i += 1
            while let d = peek(), isDigit(d) { i += 1 }
        }
        return text(s, i)
    }

    /// A quoted string or name with FHIRPath escapes (`\'`, `\"`, `` \` ``, `\\`, `\/`, `\f`, `\n`,
    /// `\r`, `\t`, `\uXXXX`).
    private mutating func scanQuoted(_ quote: Unicode.Scalar) throws -> String {
        let column = i + 1
        i += 1
        var out = String.UnicodeScalarView()
        while true {
            guard let c = peek() else { throw FHIRPathSyntaxError("unterminated \(quote) literal", column: column) }
            i += 1
            if c == quote { return String(out) }
            guard c == "\\" else { out.append(c); continue }
            guard let e = peek() else { throw FHIRPathSyntaxError("unterminated escape", column: i) }
            i += 1
            switch e {
            case "'", "\"", "`", "\\", "/": out.append(e)
            case "f": out.append("\u{0C}")
            case "n": out.append("\n")
            case "r": out.append("\r")
            case "t": out.append("\t")
            case "u":
                guard i + 4 <= chars.count, let v = UInt32(text(i, i + 4), radix: 16), let s = Unicode.Scalar(v) else {
                    throw FHIRPathSyntaxError("\\u needs four hexadecimal digits", column: i - 1)
                }
                out.append(s)
                i += 4
            default:
                throw FHIRPathSyntaxError("unknown escape '\\\(e)'", column: i - 1)
            }
        }
    }

    private func text(_ from: Int, _ to: Int) -> String {
        var s = String.UnicodeScalarView()
        s.append(contentsOf: chars[from..<to])
        return String(s)
    }

    private func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
    private func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
        (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_"
    }
    private func isIdentifierPart(_ c: Unicode.Scalar) -> Bool { isIdentifierStart(c) || isDigit(c) }
}
