import FHIRModel
import FHIRDefinitions


/// Switches for the validator's optional checks.
public struct ValidationOptions: Sendable {
    /// Check that XML children follow the definition's element order, which the FHIR STU3 XML
    /// format requires (<https://hl7.org/fhir/STU3/xml.html>); only applies to messages read from XML.
    public var checkElementOrder: Bool = true
    /// Layer 3: check required and extensible bindings against the pack's value sets.
    public var checkTerminology: Bool = true
    /// Layer 5: evaluate the FHIRPath invariants of the base definitions.
    public var checkInvariants: Bool = true
    /// Layer 2: check resources against their profiles and extensions against their definitions.
    public var checkProfiles: Bool = true
    /// Profiles (canonical URLs) every resource of their type is checked against, besides the ones
    /// it claims in `meta.profile` (`dch validate --profile`).
    public var profiles: [String] = []
    /// Further rule sets applied to every message after the layers above, in order (e.g. the
    /// child-health event rules of `ChildHealthEvents`).
    public var ruleSets: [any MessageRuleSet] = []

    /// Options; every check is on by default.
    public init(checkElementOrder: Bool = true, checkTerminology: Bool = true, checkInvariants: Bool = true,
                checkProfiles: Bool = true, profiles: [String] = [], ruleSets: [any MessageRuleSet] = []) {
        self.ruleSets = ruleSets
        self.checkElementOrder = checkElementOrder
        self.checkProfiles = checkProfiles
        self.checkTerminology = checkTerminology
        self.checkInvariants = checkInvariants
        self.profiles = profiles
    }
}

/// Validates FHIR STU3 messages (element trees) against a definition pack.
///
/// - Layer 1 (`struct.*`, `value.*`): structure against the base STU3 definitions: unknown elements
///   and resource types, cardinality, empty elements and values, XML element order, JSON arrays and
///   value kinds, and the lexical rule of every primitive type.
/// - Layer 2 (`profile.*`): each resource against the profiles it claims and those in
///   ``ValidationOptions/profiles``: cardinality, fixed and pattern values, types, reference
///   targets, slicing; every extension against the definition its URL names.
/// - Layer 3 (`terminology.*`): required and extensible bindings, of the base definitions and of the
///   profiles, against the pack's value sets (see ``BindingChecker``).
/// - Layer 4 (`bundle.*`): fullUrl uniqueness and consistency, the MessageHeader first in a message,
///   every reference in a message or document Bundle resolving to an entry or a contained resource.
/// - Layer 5 (`invariant.*`): the FHIRPath constraints of the base definitions on every element
///   (``InvariantChecker``).
/// - Any ``MessageRuleSet`` in ``ValidationOptions/ruleSets`` (the child-health event rules).
///
/// Every issue carries a stable rule id, an OperationOutcome issue type, a FHIRPath location and
/// the element's source position.
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
    /// Layer 5: the FHIRPath engine and compiled invariants, shared by copies of this validator.
    public let invariants: InvariantChecker

    /// A validator over a pack.
    public init(pack: DefinitionPack, options: ValidationOptions = .init()) {
        self.pack = pack
        self.options = options
        self.cache = DefinitionCache(pack: pack)
        self.profileCache = ProfileCache(pack: pack)
        self.invariants = InvariantChecker(pack: pack)
    }

    /// The URLs among `urls` that the pack holds no StructureDefinition for (to refuse a
    /// `--profile` that names nothing before validating anything).
    public func unknownProfiles(_ urls: [String]) throws -> [String] {
        try urls.filter { try profileCache.profile($0) == nil }
    }

    /// All issues of one message (never throws for content problems; pack problems become fatal issues).
    public func validate(_ root: Element, syntax: MessageFormat) -> [Issue] {
        var walker = StructureWalker(cache: cache, syntax: syntax,
                                     checkOrder: options.checkElementOrder && syntax == .xml)
        walker.checkTerminology = options.checkTerminology
        walker.validateRoot(root)
        var issues = walker.issues
        guard options.checkProfiles else {
            issues += walker.terminology.issues
            return issues + bundleAndInvariantIssues(root, syntax)
        }
        // Layer 2: profiles claimed or requested (their bindings through layer 3, sharing its
        // once-per-message notes), and every extension by its URL.
        var profiles = ProfileRules(profiles: profileCache, definitions: cache, root: root, requested: options.profiles)
        if options.checkTerminology {
            profiles.terminology = (bindingChecker, walker.terminology)
            profiles.extensibleFindings = Set(walker.terminology.issues.lazy.filter { $0.rule == TerminologyRule.extensible.rawValue }.compactMap(\.path))
        }
        profiles.check()
        // A profile that binds an element itself replaces the base's extensible binding there
        // (CareConnect-DCH-Delivery-Location-1 binds Location.type to the DCH delivery places).
        issues += walker.terminology.issues.filter { !($0.rule == TerminologyRule.extensible.rawValue && profiles.rebound.contains($0.path ?? "")) }
        if let report = profiles.terminology?.report {
            // A value layer 1 found malformed (`value.*`) is not judged again against a profile's binding.
            let malformed = Set(walker.issues.lazy.filter { PrimitiveRule.ids.contains($0.rule) }.compactMap(\.path))
            let bindings = report.issues.dropFirst(walker.terminology.issues.count).filter { !malformed.contains($0.path ?? "") }
            issues += Self.withoutRepeats(Array(bindings), of: issues)
        }
        issues += Self.withoutRepeats(profiles.issues, of: issues)
        return issues + bundleAndInvariantIssues(root, syntax)
    }

    /// Layers 4 and 5 and the extra rule sets.
    private func bundleAndInvariantIssues(_ root: Element, _ syntax: MessageFormat) -> [Issue] {
        var issues: [Issue] = []
        // Layer 4: the Bundle as a whole (fullUrls, MessageHeader first, references resolve).
        if root.resourceType == "Bundle" {
            var bundle = BundleRules(cache: cache)
            bundle.check(root)
            issues += bundle.issues
        }
        // Layer 5: the invariants (FHIRPath constraints) of the base definitions.
        if options.checkInvariants { issues += invariants.validate(root) }
        for ruleSet in options.ruleSets { issues += ruleSet.check(root, syntax: syntax) }
        return issues
    }

    /// The terminology checker of this validator (layer 3), sharing its compiled value sets: for
    /// checking a profile's bindings with the same ``TerminologyReport`` as the base walk.
    public var bindingChecker: BindingChecker {
        BindingChecker(resolver: cache.terminology)
    }

    /// A profile walk can meet one problem twice (a slice and its sliced element, an extension's
    /// own definition and the profile that slices it, a binding the base also has) or meet what
    /// layer 1 found (a required element both define): each is reported once.
    static func withoutRepeats(_ found: [Issue], of earlier: [Issue]) -> [Issue] {
        guard !found.isEmpty else { return [] }
        // Few issues (the usual case): compared pairwise, paths first, which costs less than
        // hashing every key; many: by a set of keys, so that the cost stays linear.
        if found.count * (earlier.count + found.count) > 1024 {
            return withoutRepeatsHashed(found, of: earlier)
        }
        var kept: [Issue] = []
        kept.reserveCapacity(found.count)
        for issue in found {
            if earlier.contains(where: { RepeatKey.same($0, issue) }) || kept.contains(where: { RepeatKey.same($0, issue) }) {
                continue
            }
            kept.append(issue)
        }
        return kept
    }

    /// ``withoutRepeats(_:of:)`` by a set of keys.
    private static func withoutRepeatsHashed(_ found: [Issue], of earlier: [Issue]) -> [Issue] {
        // Only earlier issues under a rule found here can repeat one (most are not: no key made).
        let rules = Set(found.lazy.map { RepeatKey($0).rule })
        var seen = Set<RepeatKey>()
        for issue in earlier {
            let key = RepeatKey(issue)
            if rules.contains(key.rule) { seen.insert(key) }
        }
        return found.filter { seen.insert(RepeatKey($0)).inserted }
    }

    /// Rule (layer 1's min/max counted as the profile's, ``StructureRule/profileCounterpart``) and
    /// path. Two bindings of one element failing give one finding, the base definition's (the
    /// narrower profile one adds little).
    private struct RepeatKey: Hashable {
        let rule: String
        let path: String?

        init(_ issue: Issue) {
            rule = Self.counterparts.first { issue.rule == $0.structure }?.profile ?? issue.rule
            path = issue.path
        }

        /// Whether two issues have the same key, without making either (lengths compared first).
        static func same(_ a: Issue, _ b: Issue) -> Bool {
            guard sameText(a.path, b.path) else { return false }
            let x = a.rule.utf8, y = b.rule.utf8
            if x.count == y.count { return a.rule == b.rule }
            // `struct.max` and `profile.max` are one key.
            for pair in counterparts where x.count + y.count == pair.length {
                if (a.rule == pair.structure && b.rule == pair.profile) || (a.rule == pair.profile && b.rule == pair.structure) {
                    return true
                }
            }
            return false
        }

        /// The layer 1 rules with a layer 2 counterpart, and the two ids' total length.
        private static let counterparts: [(structure: String, profile: String, length: Int)] =
            StructureRule.allCases.compactMap { rule in
                rule.profileCounterpart.map { (rule.rawValue, $0.rawValue, rule.rawValue.utf8.count + $0.rawValue.utf8.count) }
            }

        private static func sameText(_ a: String?, _ b: String?) -> Bool {
            guard let a, let b else { return a == nil && b == nil }
            return a.isSame(as: b)
        }
    }
}
