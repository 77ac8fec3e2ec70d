import FHIRModel
import FHIRDefinitions

/// Layout switches of ``FHIRJSONWriter``.
public struct JSONWriteOptions: Sendable, Hashable {
    /// `true`: two-space indentation, one property or array item per line, `"key": value`, and a
    /// final newline. `false`: compact, no whitespace at all and no final newline (one message per
    /// line in NDJSON).
    public var pretty: Bool

    /// Pretty (the default) or compact output.
    public init(pretty: Bool = true) {
        self.pretty = pretty
    }
}

/// Writes the `Element` tree as FHIR STU3 JSON, typed by the definition pack.
///
/// The definitions decide what the tree alone cannot: which elements are arrays (FHIR STU3 JSON format: exactly when
/// the base definition's max is not 1, even for one item), which primitives are JSON numbers or
/// booleans (the primitive types' JSON kinds), and the property order (definition order).
///
/// - A resource object starts with `resourceType`, then `fhir_comments`, then its elements. Other
///   objects: `fhir_comments`, `id` (`Element.id`), `url` (extensions), then elements.
/// - A primitive's value goes in `name`; its id, extensions and comments in `_name`. Repeating
///   primitives get two index-aligned arrays with `null` fillers; an all-null array is left out.
/// - Values keep their lexeme. A number or boolean field gets a JSON number or boolean whenever the
///   lexeme is one (so `"multipleBirthInteger": "1"` read from JSON is written as `1`); otherwise the
///   lexeme is written as a string with a ``JSONRule/kind`` warning: the data is never changed.
/// - Children are written in definition order, whatever their order in the tree.
/// - An element's `Element.trailingComments` are appended to the `fhir_comments` of its
///   last child (the convention of the official STU3 files), or to its own when it has no children.
///
/// Every element the definitions do not know, and everything JSON cannot express, is an error; all
/// errors are collected and thrown together as `IssuesError`. There is never partial
/// output and nothing is dropped silently.
public struct FHIRJSONWriter: Sendable {
    /// The definitions that decide arrays, JSON kinds and property order.
    public let pack: DefinitionPack
    /// The layout.
    public var options: JSONWriteOptions

    /// A writer typed by `pack` (for the shipped pack: `try DefinitionPack.shipped()`).
    public init(pack: DefinitionPack, options: JSONWriteOptions = .init()) {
        self.pack = pack
        self.options = options
    }

    /// Writes a resource tree (its root must have `Element.resourceType`).
    /// - Returns: UTF-8 JSON and the warnings made while writing.
    /// - Throws: `IssuesError` with every error found.
    public func write(_ root: Element) throws -> Encoded {
        let (root, dropped) = commentsForVersion(root)
        var emitter = JSONEmitter(pack: pack, pretty: options.pretty)
        emitter.writeDocument(root)
        if !emitter.errors.isEmpty { throw IssuesError(emitter.errors + emitter.warnings) }
        return Encoded(bytes: emitter.out, issues: dropped + emitter.warnings)
    }

    /// Writes one element of a complex or backbone type (a `HumanName`, a `Bundle.entry`) as the
    /// JSON object FHIR gives it inside its parent; `context` says where its children are defined.
    /// A resource element is written as a resource.
    /// - Throws: `IssuesError` with every error found.
    public func write(_ element: Element, in context: TypeContext) throws -> Encoded {
        let (element, dropped) = commentsForVersion(element)
        var emitter = JSONEmitter(pack: pack, pretty: options.pretty)
        emitter.writeFragment(element, in: context)
        if !emitter.errors.isEmpty { throw IssuesError(emitter.errors + emitter.warnings) }
        return Encoded(bytes: emitter.out, issues: dropped + emitter.warnings)
    }

    /// The tree as this pack's JSON can carry it: STU3 JSON keeps comments (`fhir_comments`), R4 JSON
    /// has none, so an R4 writer leaves them out with one warning that counts them. A tree without
    /// comments is returned as it is.
    private func commentsForVersion(_ e: Element) -> (Element, [Issue]) {
        guard pack.fhirVersion == .r4 else { return (e, []) }
        let count = Self.commentCount(e)
        guard count > 0 else { return (e, []) }
        return (Self.withoutComments(e), [Issue(.warning, .informational, rule: JSONRule.commentsDropped,
            "\(count) comment(s) left out: FHIR R4 JSON has no fhir_comments", path: e.name)])
    }

    private static func commentCount(_ e: Element) -> Int {
        e.comments.count + e.trailingComments.count + e.children.reduce(0) { $0 + commentCount($1) }
    }

    private static func withoutComments(_ e: Element) -> Element {
        var e = e
        e.comments = []
        e.trailingComments = []
        e.children = e.children.map(withoutComments)
        return e
    }
}
