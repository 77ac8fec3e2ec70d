import FHIRModel
import FHIRDefinitions

/// The value checks of a primitive element: emptiness, JSON kind, lexical rule, whitespace.
extension StructureWalker {
    mutating func checkPrimitive(_ value: String, _ type: PrimitiveType, _ def: ChildDef, _ c: borrowing Element) {
        let kind = c.valueKind
        if syntax == .json, kind != .unspecified, case let .primitive(expected) = def.info.content,
           !Self.matches(kind, expected) {
            report(.error, .structure, PrimitiveRule.jsonKind,
                   "'\(c.name)' (\(def.info.typeCode)) must be a JSON \(expected.rawValue), not a \(Self.describe(kind))",
                   at: c)
        }
        if value.isEmpty {
            report(.error, .value, PrimitiveRule.empty, "'\(c.name)' has an empty value: remove it or give a value",
                   at: c)
            return
        }
        checkLexical(value, type, element: c, attribute: nil)
    }

    /// The type's lexical rule, then the whitespace warnings of string types (FHIR STU3 datatypes: leading and trailing whitespace in strings is discouraged, codes admit none): of the
    /// element's value, or of its `attribute` (`id`, `url`), whose step the path then ends with.
    mutating func checkLexical(_ value: String, _ type: PrimitiveType, element c: borrowing Element,
                               attribute: String?) {
        let bytes = value.utf8.span
        let failure = type.check(utf8: bytes)
        let edges = failure == nil && (type == .string || type == .markdown) ? Lexical.edges(bytes) : .clean
        if let failure {
            report(.error, .value, type.rule, Self.message(value, type, failure), at: c,
                   path: path.text(appending: attribute))
            return
        }
        switch edges {
        case .clean:
            break
        case .whitespaceOnly:
            report(.warning, .value, PrimitiveRule.whitespace,
                   "the \(type.rawValue) \(Self.quote(value)) holds only whitespace", at: c,
                   path: path.text(appending: attribute))
        case .edgeWhitespace where type == .string:
            report(.warning, .value, PrimitiveRule.whitespace,
                   "the string \(Self.quote(value)) has leading or trailing whitespace", at: c,
                   path: path.text(appending: attribute))
        case .edgeWhitespace:
            break
        }
    }

    static func message(_ value: String, _ type: PrimitiveType, _ failure: LexicalFailure) -> String {
        let v = quote(value)
        if type == .uri, failure == .syntax, let fault = Self.uriFault(value) {
            return "\(v) is not a valid uri: \(fault.explanation(in: value)); expected \(type.ruleText)"
        }
        switch failure {
        case .syntax: return "\(v) is not a valid \(type.rawValue): expected \(type.ruleText)"
        case .calendar: return "\(v) is not a valid \(type.rawValue): there is no such day in the calendar"
        case .range: return "\(v) is out of the range of \(type.rawValue): expected \(type.ruleText)"
        case .tooLong: return "the \(type.rawValue) value is too long: expected \(type.ruleText)"
        }
    }

    /// Why `value` is no URI reference (only asked once the rule has failed).
    static func uriFault(_ value: String) -> URIFault? {
        Lexical.uriFault(value.utf8.span)
    }

    /// A value for a message: quoted, cut at 80 characters.
    static func quote(_ value: String) -> String {
        let cut = value.count > 80 ? String(value.prefix(80)) + "…" : value
        return "'\(cut)'"
    }

    static func matches(_ kind: ValueKind, _ expected: JSONKind) -> Bool {
        switch (kind, expected) {
        case (.string, .string), (.number, .number), (.boolean, .boolean), (.unspecified, _): return true
        default: return false
        }
    }

    static func describe(_ kind: ValueKind) -> String {
        switch kind {
        case .string: return "string"
        case .number: return "number"
        case .boolean: return "boolean"
        case .unspecified: return "value"
        }
    }
}
