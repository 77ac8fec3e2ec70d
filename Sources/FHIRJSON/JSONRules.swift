/// The stable rule ids of the issues the JSON codec reports (``FHIRModel/Issue/rule``).
///
/// Reports, tests and suppression lists refer to these ids, so they never change meaning.
public enum JSONRule {
    /// The input is not JSON (RFC 8259): an unexpected character, a bad escape, a bad number, an
    /// unterminated string or an unexpected end of input.
    public static let syntax = "json.syntax"
    /// A `//` or `/* */` comment: JSON has none (RFC 8259; FHIR STU3 JSON format).
    public static let comment = "json.comment"
    /// Something other than whitespace after the top-level object.
    public static let trailingContent = "json.trailing-content"
    /// The input is not valid UTF-8, or an escape names a lone surrogate.
    public static let utf8 = "json.utf8"
    /// Objects and arrays nest deeper than ``JSONReadOptions/maxDepth``.
    public static let tooDeep = "json.too-deep"
    /// The input is larger than ``JSONReadOptions/maxBytes``.
    public static let tooLarge = "json.too-large"
    /// More errors than ``JSONReadOptions/maxErrors``: the reader stopped.
    public static let tooManyErrors = "json.too-many-errors"
    /// A property name occurs twice in one object (FHIR STU3 JSON format forbids it; RFC 8259 leaves it undefined).
    public static let duplicateKey = "json.duplicate-key"
    /// A `null` outside the aligned arrays of repeating primitives, or null at the same index of both arrays.
    public static let null = "json.null"
    /// A value of a shape the element tree cannot hold: `"extension": "x"`, a `_name` that is not an
    /// object, an array that mixes objects and primitives, an `Element.id` that is not a string, …
    public static let shape = "json.shape"
    /// `resourceType` missing on the root object, not a string, or where no resource can be.
    public static let resourceType = "json.resource-type"
    /// Warning: an empty array (`[]`, which the FHIR STU3 JSON format forbids) was read; it holds nothing, so the tree has no trace of it.
    public static let emptyArray = "json.empty-array"
    /// Warning: a value that FHIR JSON always writes as an array (`extension`) was a single object.
    public static let arrayExpected = "json.array-expected"
    /// Warning: the value array of a repeating primitive is shorter than its `_name` array (FHIR STU3 JSON format, repeating primitives).
    public static let arrayLength = "json.array-length"
    /// Warning: the input starts with a byte order mark, which JSON text must not have.
    public static let byteOrderMark = "json.bom"
    /// Writer warning: a primitive's value does not have the JSON kind of its type (a `"1"` for an
    /// integer); it is written as a string so that no data is lost.
    public static let kind = "json.kind"
    /// Writer error: the tree holds something FHIR JSON cannot express at that place (a value on a
    /// complex element, a repeated element whose definition allows one, a resource where the
    /// definitions expect none, …).
    public static let notRepresentable = "json.not-representable"
    /// Writer error: a resource type or datatype the definition pack does not know.
    public static let unknownType = "json.unknown-type"
}
