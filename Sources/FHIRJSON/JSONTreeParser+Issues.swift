import FHIRModel

// Paths and issues of the parser.
extension JSONTreeParser {
    // MARK: - Issues

    func pathText(name: String? = nil, index: Int? = nil) -> String {
        var text = rootType ?? scanRootType() ?? "$root"
        for (k, step) in path.enumerated() {
            text += "."
            text += nameString(step.name)
            // An index without a name corrects the index of the array being read.
            let i = name == nil && k == path.count - 1 ? index ?? step.index : step.index
            if i >= 0 { text += "[\(i)]" }
        }
        if let name {
            text += "."
            text += name
            if let index { text += "[\(index)]" }
        }
        return text
    }

    /// Finds the root's `resourceType` for an error path when the reader has not reached it yet: a
    /// lenient scan of the root object's own property names.
    func scanRootType() -> String? {
        var i = 0
        var level = 0
        var inString = false
        var stringStart = 0
        while i < end {
            let b = p[i]
            if inString {
                if b == Byte.backslash {
                    i += 2
                    continue
                }
                if b == Byte.quote {
                    inString = false
                    if level == 1 && i - stringStart == 12
                        && String(decoding: p[stringStart ..< stringStart + 12], as: UTF8.self)
                        == "resourceType" {
                        var j = i + 1
                        while j < end && (p[j] == Byte.space || p[j] == Byte.newline || p[j] == Byte.tab
                                          || p[j] == Byte.carriageReturn) { j += 1 }
                        guard j < end && p[j] == Byte.colon else { i += 1; continue }
                        j += 1
                        while j < end && (p[j] == Byte.space || p[j] == Byte.newline || p[j] == Byte.tab
                                          || p[j] == Byte.carriageReturn) { j += 1 }
                        guard j < end && p[j] == Byte.quote else { return nil }
                        let s = j + 1
                        var e = s
                        while e < end && p[e] != Byte.quote && p[e] != Byte.backslash && p[e] >= 0x20 { e += 1 }
                        guard e < end && p[e] == Byte.quote, e > s else { return nil }
                        return JSONBytes.string(p, s..<e)
                    }
                }
            } else if b == Byte.quote {
                inString = true
                stringStart = i + 1
            } else if b == Byte.openBrace || b == Byte.openBracket {
                level += 1
            } else if b == Byte.closeBrace || b == Byte.closeBracket {
                level -= 1
                if level <= 0 { return nil }
            }
            i += 1
        }
        return nil
    }

    /// Records an error that does not stop reading (the tree is not returned when there is one).
    mutating func report(_ rule: JSONRule, _ message: String, at position: SourcePosition,
                                 name: String? = nil, index: Int? = nil) throws {
        errors.append(Issue(.error, .structure, rule: rule, message, path: pathText(name: name, index: index),
                            position: position))
        if errors.count >= options.maxErrors {
            throw IssuesError(errors + [Issue(.fatal, .tooCostly, rule: JSONRule.tooManyErrors,
                "too many errors (\(errors.count)); reading stopped", position: position)])
        }
    }

    mutating func warn(_ rule: JSONRule, _ message: String, at position: SourcePosition,
                               name: String? = nil, index: Int? = nil) {
        warnings.append(Issue(.warning, .structure, rule: rule, message, path: pathText(name: name, index: index),
                              position: position))
    }

    mutating func duplicate(_ key: String, at position: SourcePosition) throws {
        try report(JSONRule.duplicateKey, "the property '\(key)' occurs twice in one object", at: position,
                   name: key.hasPrefix("_") && key.count > 1 ? String(key.dropFirst()) : key)
    }

    /// A fatal error: reading stops. Carries the errors collected so far, then this one.
    func fatal(_ rule: JSONRule, _ message: String, at index: Int? = nil,
                       type: IssueType = .structure) -> IssuesError {
        let at = index.map { self.position(of: $0) } ?? here
        let issue = Issue(.fatal, rule == JSONRule.utf8 ? .invalid : type, rule: rule, message,
                          path: pathText(name: scalarName.map(nameString)), position: at)
        return IssuesError(errors + [issue])
    }

    func unexpected(_ expectation: String) -> IssuesError {
        if isCommentStart { return fatal(JSONRule.comment, "JSON has no comments") }
        if pos >= end { return fatal(JSONRule.syntax, "unexpected end of input: \(expectation)") }
        return fatal(JSONRule.syntax, "unexpected \(describe(at: pos)): \(expectation)")
    }

    func controlCharacter(at index: Int) -> IssuesError {
        fatal(JSONRule.syntax, "control character \(describeByte(p[index])) in a string must be escaped", at: index)
    }

    func describe(at index: Int) -> String {
        guard index < end else { return "end of input" }
        let b = p[index]
        if b >= 0x21 && b < 0x7F { return "character '\(Character(Unicode.Scalar(b)))'" }
        return "byte \(describeByte(b))"
    }

    func describeByte(_ b: UInt8) -> String {
        if b >= 0x21 && b < 0x7F { return String(Character(Unicode.Scalar(b))) }
        return "0x" + String(b, radix: 16, uppercase: true)
    }

    /// The error for a string whose bytes in `start..<stop` are not valid UTF-8, at the first bad byte.
    func invalidUTF8(in start: Int, _ stop: Int) -> IssuesError {
        let bad = JSONTreeParser.firstInvalidUTF8(p.span, from: start, to: stop)
        return fatal(JSONRule.utf8, "invalid UTF-8 (byte \(describeByte(p[bad])))", at: bad)
    }

    /// The index of the first byte that does not start or continue a valid UTF-8 sequence.
    static func firstInvalidUTF8(_ p: Span<UInt8>, from start: Int, to stop: Int) -> Int {
        JSONBytes.firstInvalidUTF8(p, from: start, to: stop) ?? max(start, stop - 1)
    }
}
