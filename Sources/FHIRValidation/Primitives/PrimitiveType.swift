/// The FHIR STU3 primitive types, each with its lexical rule (FHIR STU3 datatypes page, "Primitive Types", and the regexes of the primitive StructureDefinitions).
///
/// The rules are hand-written byte scanners rather than regular expressions: they run on every
/// primitive of every message, and a scanner over the UTF-8 bytes costs a few nanoseconds.
enum PrimitiveType: String, CaseIterable, Sendable {
    case boolean, integer, unsignedInt, positiveInt, decimal
    case string, markdown, code, id, uri, oid, uuid, base64Binary
    case date, dateTime, time, instant

    /// The rule of a lexical error of this type (`value.date`).
    var rule: PrimitiveRule {
        switch self {
        case .boolean: return .boolean
        case .integer: return .integer
        case .unsignedInt: return .unsignedInt
        case .positiveInt: return .positiveInt
        case .decimal: return .decimal
        case .string: return .string
        case .markdown: return .markdown
        case .code: return .code
        case .id: return .id
        case .uri: return .uri
        case .oid: return .oid
        case .uuid: return .uuid
        case .base64Binary: return .base64Binary
        case .date: return .date
        case .dateTime: return .dateTime
        case .time: return .time
        case .instant: return .instant
        }
    }

    /// Why `value` breaks the rule, or nil when it is valid.
    func check(_ value: String) -> LexicalFailure? {
        check(utf8: value.utf8.span)
    }

    /// ``check(_:)`` over UTF-8 bytes.
    func check(utf8 s: Span<UInt8>) -> LexicalFailure? {
        switch self {
        case .boolean: return Lexical.boolean(s)
        case .integer: return Lexical.integer(s, min: -2_147_483_648)
        case .unsignedInt: return Lexical.integer(s, min: 0)
        case .positiveInt: return Lexical.integer(s, min: 1)
        case .decimal: return Lexical.decimal(s)
        case .string, .markdown: return Lexical.string(s)
        case .code: return Lexical.code(s)
        case .id: return Lexical.id(s)
        case .uri: return Lexical.uri(s)
        case .oid: return Lexical.oid(s)
        case .uuid: return Lexical.uuid(s)
        case .base64Binary: return Lexical.base64Binary(s)
        case .date: return Lexical.date(s)
        case .dateTime: return Lexical.dateTime(s)
        case .time: return Lexical.time(s)
        case .instant: return Lexical.instant(s)
        }
    }

    /// The rule in words, for messages.
    var ruleText: String {
        switch self {
        case .boolean: return "'true' or 'false'"
        case .integer: return "an integer without leading zeros or '+', from -2147483648 to 2147483647"
        case .unsignedInt: return "0 or a positive integer without leading zeros, at most 2147483647"
        case .positiveInt: return "a positive integer without leading zeros, at most 2147483647"
        case .decimal: return "a decimal without exponent, '+' or leading zeros (e.g. 12.50)"
        case .string, .markdown: return "at most 1048576 characters, no control characters other than tab, CR and LF"
        case .code: return "no leading or trailing whitespace and single whitespace between words"
        case .id: return "1 to 64 characters of A-Z a-z 0-9 '-' '.'"
        case .uri: return "an RFC 3986 URI reference (absolute, relative or a #fragment; non-ASCII letters allowed as in IRIs)"
        case .oid: return "urn:oid: followed by dot-separated numbers without leading zeros"
        case .uuid: return "urn:uuid: followed by a lower-case UUID (8-4-4-4-12 hex digits)"
        case .base64Binary: return "base64 (groups of 4 of A-Z a-z 0-9 + /, '=' only as end padding)"
        case .date: return "YYYY, YYYY-MM or YYYY-MM-DD, a real calendar date, no time zone"
        case .dateTime: return "YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss[.f] with a time zone (Z or +hh:mm), a real calendar date"
        case .time: return "hh:mm:ss[.f] without date or time zone"
        case .instant: return "YYYY-MM-DDThh:mm:ss[.f] with a time zone (Z or +hh:mm), a real calendar date"
        }
    }
}

/// Why a value breaks its type's lexical rule.
enum LexicalFailure: Equatable, Sendable {
    /// It does not match the pattern.
    case syntax
    /// It matches the pattern but names no real day (`2017-02-30`, day `00`).
    case calendar
    /// A number outside the type's range.
    case range
    /// Longer than the type allows.
    case tooLong
}
