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
    /// Profiles (canonical URLs) every resource of their type is checked against, besides the ones
    /// it claims in `meta.profile` (`dch validate --profile`).
    public var profiles: [String] = []

    /// Options; every check is on by default.
    public init(checkElementOrder: Bool = true, profiles: [String] = []) {
        self.checkElementOrder = checkElementOrder
        self.profiles = profiles
    }
}

/// Validates FHIR STU3 messages (element trees) against a definition pack.
///
/// Layer 1 (structure against the base STU3 definitions): unknown elements and resource types,
/// cardinality, empty elements and values, XML element order, JSON value kinds and the lexical rule
/// of every primitive type. Layer 4 (Bundles, `bundle.*`): fullUrl uniqueness and consistency, the
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
    /// Compiled profiles, shared by copies of this validator.
    let profileCache: ProfileCache

    /// A validator over a pack.
    public init(pack: DefinitionPack, options: ValidationOptions = .init()) {
        self.pack = pack
        self.options = options
        self.cache = DefinitionCache(pack: pack)
        self.profileCache = ProfileCache(pack: pack)
    }

    /// The URLs among `urls` that the pack holds no StructureDefinition for (to refuse a
    /// `--profile` that names nothing before validating anything).
    public func unknownProfiles(_ urls: [String]) throws -> [String] {
        try urls.filter { try profileCache.profile($0) == nil }
    }

    /// All issues of one message (never throws for content problems; pack problems become fatal issues).
    public func validate(_ root: Element, syntax: SourceSyntax) -> [Issue] {
        var walker = StructureWalker(cache: cache, syntax: syntax,
                                     checkOrder: options.checkElementOrder && syntax == .xml)
        walker.validateRoot(root)
        var issues = walker.issues
        // Layer 2: profiles claimed or requested, and every extension by its URL.
        var profiles = ProfileRules(profiles: profileCache, definitions: cache, root: root, requested: options.profiles)
        profiles.check()
        issues += Self.withoutRepeats(profiles.issues, of: issues)
        // Layer 4: the Bundle as a whole (fullUrls, MessageHeader first, references resolve).
        if root.resourceType == "Bundle" {
            var bundle = BundleRules(cache: cache)
            bundle.check(root)
            issues += bundle.issues
        }
        return issues
    }

    /// A profile walk can meet one problem twice (a slice and its sliced element, an extension's
    /// own definition and the profile that slices it) or meet what layer 1 found (a required
    /// element both define): each is reported once.
    static func withoutRepeats(_ found: [Issue], of earlier: [Issue]) -> [Issue] {
        var seen = Set(earlier.lazy.filter { $0.rule == "struct.min" || $0.rule == "struct.max" }
            .map { "profile." + $0.rule.dropFirst("struct.".count) + "\u{0}" + ($0.path ?? "") })
        return found.filter { seen.insert($0.rule + "\u{0}" + ($0.path ?? "")).inserted }
    }
}
