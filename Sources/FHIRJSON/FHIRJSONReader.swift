import Foundation
import FHIRModel

/// Limits and switches of ``FHIRJSONReader``.
public struct JSONReadOptions: Sendable, Hashable {
    /// The deepest nesting of objects and arrays accepted (the root object is depth 1); deeper input
    /// fails with ``JSONRule/tooDeep``. FHIR messages rarely go beyond 20.
    public var maxDepth: Int
    /// The largest input accepted, in bytes; larger input fails with ``JSONRule/tooLarge``.
    public var maxBytes: Int
    /// The most items one array may hold; more fail with ``JSONRule/tooManyItems``.
    public var maxEntries: Int
    /// The most errors collected before the reader gives up (syntax errors always stop it at once).
    public var maxErrors: Int

    /// Limits for one document (the defaults are `ReadLimits`'). The reader recurses
    /// once per nesting level, so keep `maxDepth` in the hundreds (threads other than the main one
    /// have small stacks).
    public init(maxDepth: Int = ReadLimits.defaultMaxDepth, maxBytes: Int = ReadLimits.defaultMaxBytes,
                maxEntries: Int = ReadLimits.defaultMaxEntries, maxErrors: Int = 100) {
        self.maxDepth = maxDepth
        self.maxBytes = maxBytes
        self.maxEntries = maxEntries
        self.maxErrors = maxErrors
    }

    /// Options with these limits.
    public init(limits: ReadLimits) {
        self.init(maxDepth: limits.maxDepth, maxBytes: limits.maxBytes, maxEntries: limits.maxEntries)
    }
}

/// Reads FHIR STU3 JSON into the lossless `Element` tree.
///
/// The reader needs no definitions: it applies only the rules of the JSON representation itself,
/// so the same reader also serves to read official definition files.
///
/// - A JSON array becomes a run of sibling elements with the same name.
/// - Primitive values keep their exact lexeme: the number token `1.50` stays `"1.50"` with
///   `ValueKind.number`; `true`/`false` become `"true"`/`"false"`
///   (`ValueKind.boolean`); strings are unescaped (`ValueKind.string`).
/// - An object with `resourceType` is a resource (`Element.resourceType`); the root is
///   named after its type, a nested resource after its property (`resource`, `contained`). Its `id`
///   is a child element; in every other object `id` is `Element.id`. In the items of
///   `extension` and `modifierExtension`, `url` is `Element.url`.
/// - `_name` siblings (id, extensions, `fhir_comments` of primitives) merge into the primitive
///   element `name`, also index by index for arrays aligned with `null` (FHIR STU3 JSON format, primitive elements). The merged
///   element sits where the first of the two properties stood.
/// - `fhir_comments` become `Element.comments` of the element whose object holds them.
/// - Every element records the line and column (UTF-8 bytes, 1-based) of its property name, or of
///   the value for array items and the root.
///
/// What FHIR forbids but the tree can hold (`""`, `{}`, a string in a number field) is kept for the
/// validator to report. What the tree cannot hold is an error, thrown as `IssuesError`
/// with the rule (``JSONRule``), a FHIRPath-style path and the line and column: syntax errors,
/// invalid UTF-8, comments, trailing content, duplicate property names, a misplaced `null`, values
/// of an impossible shape, a root without `resourceType`, input too deep or too large. Findings that
/// do not stop reading are returned in `Decoded.issues`.
///
/// Complexity: one pass over the input; no allocation per token except the strings themselves.
public struct FHIRJSONReader: MessageReader, Sendable {
    /// The limits applied to every document read.
    public var options: JSONReadOptions

    /// A reader with the given limits (the defaults suit any FHIR message or definition file).
    public init(options: JSONReadOptions = .init()) {
        self.options = options
    }

    /// Reads one FHIR JSON document (a resource) from UTF-8 bytes.
    ///
    /// The bytes are only read during the call; the tree owns copies of everything it needs.
    /// - Returns: The tree (its root named after the resource type) and the warnings found.
    /// - Throws: `IssuesError` carrying every error found, each with its rule, path
    ///   and line:column.
    public func read(_ bytes: Span<UInt8>) throws -> Decoded {
        // The parser indexes an array: one block copy, small beside the parse.
        try read(bytes.count > options.maxBytes || bytes.isEmpty ? [] : [UInt8](copying: bytes), count: bytes.count)
    }

    /// Reads one FHIR JSON document from a byte array (as the `Span` form, without a copy).
    public func read(_ bytes: [UInt8]) throws -> Decoded {
        try read(bytes, count: bytes.count)
    }

    /// `count` is the input's size, which `bytes` holds unless the input is empty or too large.
    private func read(_ bytes: [UInt8], count: Int) throws -> Decoded {
        if count > options.maxBytes {
            throw IssuesError(Issue(.fatal, .tooCostly, rule: JSONRule.tooLarge,
                "the input has \(count) bytes, more than the limit of \(options.maxBytes)"))
        }
        guard !bytes.isEmpty else {
            throw IssuesError(Issue(.fatal, .structure, rule: JSONRule.syntax,
                "the input is empty: expected a JSON object", position: SourcePosition(line: 1, column: 1)))
        }
        var parser = JSONTreeParser(bytes: bytes, options: options)
        return try parser.parseDocument()
    }
}
