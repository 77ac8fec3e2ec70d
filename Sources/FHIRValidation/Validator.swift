import FHIRModel
import FHIRDefinitions

/// The syntax a message was read from: some rules depend on it (element order is an XML rule,
/// JSON value kinds a JSON one).
public enum SourceSyntax: Sendable {
    case xml, json, unknown
}

/// Switches for the validator's optional checks.
public struct ValidationOptions: Sendable {
    /// Check that XML children follow the definition order (F5); only applies to ``SourceSyntax/xml``.
    public var checkElementOrder: Bool = true
    /// Layer 3: check required and extensible bindings against the pack's value sets.
    public var checkTerminology: Bool = true

    /// Options; every check is on by default.
    public init(checkElementOrder: Bool = true, checkTerminology: Bool = true) {
        self.checkElementOrder = checkElementOrder
        self.checkTerminology = checkTerminology
    }
}

/// Validates FHIR STU3 messages (element trees) against a definition pack.
///
/// Layer 1 (structure against the base STU3 definitions): unknown elements and resource types,
/// cardinality, empty elements and values, XML element order, JSON value kinds and the lexical rule
/// of every primitive type. Layer 3 (terminology, `terminology.*`): required and extensible bindings
/// of the base definitions checked against the pack's value sets (see ``BindingChecker``). Layer 4 (Bundles, `bundle.*`): fullUrl uniqueness and consistency, the
/// MessageHeader first in a message, and every reference in a message or document Bundle resolving
/// to an entry or a contained resource. Every issue carries a stable rule id (`struct.*`, `value.*`), an
/// OperationOutcome issue type, a FHIRPath location and the element's source position.
///
/// ```swift
/// let validator = Validator(pack: try .shipped())
/// let issues = validator.validate(decoded.root, syntax: .xml)
/// ```
///
/// A validator is cheap to copy and safe to share between threads; the definitions it compiles are
/// cached for its lifetime (and shared by its copies).
public struct Validator: Sendable {
    /// The definitions validated against.
    public let pack: DefinitionPack
    /// The checks that are on.
    public let options: ValidationOptions
    /// Compiled per-type definitions, shared by copies of this validator.
    let cache: DefinitionCache

    /// A validator over a pack.
    public init(pack: DefinitionPack, options: ValidationOptions = .init()) {
        self.pack = pack
        self.options = options
        self.cache = DefinitionCache(pack: pack)
    }

    /// All issues of one message (never throws for content problems; pack problems become fatal issues).
    public func validate(_ root: Element, syntax: SourceSyntax) -> [Issue] {
        var walker = StructureWalker(cache: cache, syntax: syntax,
                                     checkOrder: options.checkElementOrder && syntax == .xml)
        walker.checkTerminology = options.checkTerminology
        walker.validateRoot(root)
        // Layer 3's findings (walker.terminology) carry on to any later walk of the same message.
        let structural = walker.issues + walker.terminology.issues
        guard root.resourceType == "Bundle" else { return structural }
        // Layer 4: the Bundle as a whole (fullUrls, MessageHeader first, references resolve).
        var bundle = BundleRules(cache: cache)
        bundle.check(root)
        return structural + bundle.issues
    }

    /// The terminology checker of this validator (layer 3), sharing its compiled value sets: for
    /// checking a profile's bindings with the same ``TerminologyReport`` as the base walk.
    public var bindingChecker: BindingChecker {
        BindingChecker(resolver: cache.terminology)
    }
}
