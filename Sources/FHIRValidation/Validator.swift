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
    /// Evaluate the FHIRPath invariants of the base definitions (layer 5).
    public var checkInvariants: Bool = true

    /// Options; every check is on by default.
    public init(checkElementOrder: Bool = true, checkInvariants: Bool = true) {
        self.checkElementOrder = checkElementOrder
        self.checkInvariants = checkInvariants
    }
}

/// Validates FHIR STU3 messages (element trees) against a definition pack.
///
/// Layer 1 (structure against the base STU3 definitions): unknown elements and resource types,
/// cardinality, empty elements and values, XML element order, JSON value kinds and the lexical rule
/// of every primitive type. Layer 4 (Bundles, `bundle.*`): fullUrl uniqueness and consistency, the
/// MessageHeader first in a message, and every reference in a message or document Bundle resolving
/// to an entry or a contained resource. Layer 5 (`invariant.*`): the FHIRPath constraints of the base
/// definitions on every element (``InvariantChecker``). Every issue carries a stable rule id (`struct.*`, `value.*`), an
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
    /// Layer 5: the FHIRPath engine and compiled invariants, shared by copies of this validator.
    public let invariants: InvariantChecker

    /// A validator over a pack.
    public init(pack: DefinitionPack, options: ValidationOptions = .init()) {
        self.pack = pack
        self.options = options
        self.cache = DefinitionCache(pack: pack)
        self.invariants = InvariantChecker(pack: pack)
    }

    /// All issues of one message (never throws for content problems; pack problems become fatal issues).
    public func validate(_ root: Element, syntax: SourceSyntax) -> [Issue] {
        var walker = StructureWalker(cache: cache, syntax: syntax,
                                     checkOrder: options.checkElementOrder && syntax == .xml)
        walker.validateRoot(root)
        var issues = walker.issues
        if root.resourceType == "Bundle" {
            // Layer 4: the Bundle as a whole (fullUrls, MessageHeader first, references resolve).
            var bundle = BundleRules(cache: cache)
            bundle.check(root)
            issues += bundle.issues
        }
        // Layer 5: the invariants (FHIRPath constraints) of the base definitions.
        if options.checkInvariants { issues += invariants.validate(root) }
        return issues
    }
}
