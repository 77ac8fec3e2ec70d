import FHIRModel

/// The stable rule ids of the issues the JSON codec reports (`Issue.rule`).
///
/// Reports, tests and suppression lists refer to these ids, so they never change meaning.
public enum JSONRule: String, RuleRegistry {
    /// The input is not JSON (RFC 8259): an unexpected character, a bad escape, a bad number, an
    /// unterminated string or an unexpected end of input.
    case syntax = "json.syntax"
    /// A `//` or `/* */` comment: JSON has none (RFC 8259; FHIR STU3 JSON format).
    case comment = "json.comment"
    /// Something other than whitespace after the top-level object.
    case trailingContent = "json.trailing-content"
    /// The input is not valid UTF-8, or an escape names a lone surrogate.
    case utf8 = "json.utf8"
    /// Objects and arrays nest deeper than ``JSONReadOptions/maxDepth``.
    case tooDeep = "json.too-deep"
    /// The input is larger than ``JSONReadOptions/maxBytes``.
    case tooLarge = "json.too-large"
    /// An array holds more items than ``JSONReadOptions/maxEntries``.
    case tooManyItems = "json.too-many-items"
    /// More errors than ``JSONReadOptions/maxErrors``: the reader stopped.
    case tooManyErrors = "json.too-many-errors"
    /// A property name occurs twice in one object (FHIR STU3 JSON format forbids it; RFC 8259 leaves it undefined).
    case duplicateKey = "json.duplicate-key"
    /// A `null` outside the aligned arrays of repeating primitives, or null at the same index of both arrays.
    case `null` = "json.null"
    /// A value of a shape the element tree cannot hold: `"extension": "x"`, a `_name` that is not an
    /// object, an array that mixes objects and primitives, an `Element.id` that is not a string, …
    case shape = "json.shape"
    /// `resourceType` missing on the root object, not a string, or where no resource can be.
    case resourceType = "json.resource-type"
    /// Warning: an empty array (`[]`, which the FHIR STU3 JSON format forbids) was read; it holds nothing, so the tree has no trace of it.
    case emptyArray = "json.empty-array"
    /// Warning: a value that FHIR JSON always writes as an array (`extension`) was a single object.
    case arrayExpected = "json.array-expected"
    /// Warning: the value array of a repeating primitive is shorter than its `_name` array (FHIR STU3 JSON format, repeating primitives).
    case arrayLength = "json.array-length"
    /// Warning: the input starts with a byte order mark, which JSON text must not have.
    case byteOrderMark = "json.bom"
    /// Writer warning: a primitive's value does not have the JSON kind of its type (a `"1"` for an
    /// integer); it is written as a string so that no data is lost.
    case kind = "json.kind"
    /// Writer error: the tree holds something FHIR JSON cannot express at that place (a value on a
    /// complex element, a repeated element whose definition allows one, a resource where the
    /// definitions expect none, …).
    case notRepresentable = "json.not-representable"
    /// Writer error: a resource type or datatype the definition pack does not know.
    case unknownType = "json.unknown-type"
    /// Writer warning: the tree holds comments (from XML) and the pack is R4, whose JSON has no
    /// `fhir_comments` (FHIR R4 JSON format): they are left out, and this says how many.
    case commentsDropped = "json.comments-dropped"

    /// The layer these rules belong to.
    public static let layer = RuleLayer.json

    /// What the rule checks, in one line (listings, SARIF rule descriptions).
    public var summary: String {
        switch self {
        case .syntax: return "the input is not JSON (RFC 8259): a bad character, escape or number, or an unexpected end"
        case .comment: return "a // or /* */ comment: JSON has none"
        case .trailingContent: return "something other than whitespace after the top-level object"
        case .utf8: return "the input is not valid UTF-8, or an escape names a lone surrogate"
        case .tooDeep: return "objects and arrays nest deeper than the reader's limit"
        case .tooLarge: return "the input is larger than the reader's limit"
        case .tooManyItems: return "an array holds more items than the reader's limit"
        case .tooManyErrors: return "more errors than the reader's limit: it stopped"
        case .duplicateKey: return "a property name occurs twice in one object"
        case .null: return "a null outside the aligned arrays of a repeating primitive"
        case .shape: return "a value of a shape FHIR JSON does not allow there (e.g. \"extension\": \"x\")"
        case .resourceType: return "resourceType missing on a resource, not a string, or where no resource can be"
        case .emptyArray: return "an empty array, which FHIR JSON forbids"
        case .arrayExpected: return "a single object where FHIR JSON always writes an array (extension)"
        case .arrayLength: return "the value array of a repeating primitive is shorter than its _name array"
        case .byteOrderMark: return "the input starts with a byte order mark"
        case .kind: return "writing: a primitive's value does not have the JSON kind of its type; written as a string"
        case .notRepresentable: return "writing: the tree holds something FHIR JSON cannot express at that place"
        case .unknownType: return "writing: a resource type or datatype the definition pack does not know"
        case .commentsDropped: return "writing R4: comments left out, as R4 JSON has no fhir_comments"
        }
    }
}
