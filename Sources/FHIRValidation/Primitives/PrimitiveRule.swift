import FHIRModel

/// The rule ids of layer 1's primitive values: one per FHIR STU3 primitive type (its lexical rule, FHIR STU3 datatypes page) and a few shared ones.
public enum PrimitiveRule: String, RuleRegistry {
    /// A primitive with an empty value (FHIR has no empty strings).
    case empty = "value.empty"
    /// A value with leading or trailing whitespace.
    case whitespace = "value.whitespace"
    /// JSON: a primitive of the wrong JSON kind (a string for a boolean or number, or the reverse).
    case jsonKind = "value.json-kind"
    /// An Identifier.system that is not an absolute URI (RFC 3986).
    case identifierRFC3986 = "value.identifier-rfc3986"
    /// Not a boolean: true or false.
    case boolean = "value.boolean"
    /// Not an integer (32-bit signed).
    case integer = "value.integer"
    /// Not an unsignedInt (0 or more, 32-bit).
    case unsignedInt = "value.unsignedInt"
    /// Not a positiveInt (1 or more, 32-bit).
    case positiveInt = "value.positiveInt"
    /// Not a decimal.
    case decimal = "value.decimal"
    /// Not a string: control characters, or longer than allowed.
    case string = "value.string"
    /// Not markdown: control characters, or longer than allowed.
    case markdown = "value.markdown"
    /// Not a code: leading, trailing or repeated whitespace.
    case code = "value.code"
    /// Not an id: 1 to 64 of A-Z, a-z, 0-9, - and ..
    case id = "value.id"
    /// Not a uri: whitespace or characters a URI cannot hold.
    case uri = "value.uri"
    /// Not an oid: urn:oid: and dotted digits.
    case oid = "value.oid"
    /// Not a uuid: urn:uuid: and a UUID.
    case uuid = "value.uuid"
    /// Not base64Binary.
    case base64Binary = "value.base64Binary"
    /// Not a date (YYYY, YYYY-MM or YYYY-MM-DD, a real day).
    case date = "value.date"
    /// Not a dateTime (a date, or a date and time with a time zone).
    case dateTime = "value.dateTime"
    /// Not a time (hh:mm:ss).
    case time = "value.time"
    /// Not an instant (a date and time to the second, with a time zone).
    case instant = "value.instant"

    /// The layer these rules belong to.
    public static let layer = RuleLayer.primitives

    /// What the rule checks, in one line (listings, SARIF rule descriptions).
    public var summary: String {
        switch self {
        case .empty: return "a primitive with an empty value (FHIR has no empty strings)"
        case .whitespace: return "a value with leading or trailing whitespace"
        case .jsonKind: return "JSON: a primitive of the wrong JSON kind (a string for a boolean or number, or the reverse)"
        case .identifierRFC3986: return "an Identifier with system urn:ietf:rfc:3986 whose value is not an absolute URI"
        case .boolean: return "not a boolean: true or false"
        case .integer: return "not an integer (32-bit signed)"
        case .unsignedInt: return "not an unsignedInt (0 or more, 32-bit)"
        case .positiveInt: return "not a positiveInt (1 or more, 32-bit)"
        case .decimal: return "not a decimal"
        case .string: return "not a string: a vertical tab or form feed, or longer than allowed"
        case .markdown: return "not markdown: a vertical tab or form feed, or longer than allowed"
        case .code: return "not a code: leading, trailing or repeated whitespace"
        case .id: return "not an id: 1 to 64 of A-Z, a-z, 0-9, - and ."
        case .uri: return "not a uri: whitespace or characters a URI cannot hold"
        case .oid: return "not an oid: urn:oid: and dotted digits"
        case .uuid: return "not a uuid: urn:uuid: and a UUID"
        case .base64Binary: return "not base64Binary"
        case .date: return "not a date (YYYY, YYYY-MM or YYYY-MM-DD, a real day)"
        case .dateTime: return "not a dateTime (a date, or a date and time with a time zone)"
        case .time: return "not a time (hh:mm:ss)"
        case .instant: return "not an instant (a date and time to the second, with a time zone)"
        }
    }

    /// Every id of this registry: a layer 1 value finding, which later layers do not judge again.
    public static let ids: Set<String> = Set(allCases.map(\.rawValue))
}
