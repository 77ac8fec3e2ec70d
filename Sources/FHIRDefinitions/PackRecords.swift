/// The records stored in the definition pack (`Schemas/`).
///
/// The pack is our compact form of the official definitions: one JSON line per StructureDefinition,
/// ValueSet or CodeSystem, holding what the codecs and validators use and nothing else (no prose
/// beyond a constraint's human text). Optional fields are left out when absent; the codecs read the
/// slimmer ``CodecType`` table instead, so these records are decoded only by validators.

/// A StructureDefinition's snapshot, compacted.
public struct StructureRecord: Codable, Sendable, Hashable {
    /// Canonical URL.
    public var url: String
    /// Computer-friendly name (`CareConnect-DCH-Patient-1`).
    public var name: String
    /// The type it defines or constrains (`Patient`, `Quantity`, `Extension`).
    public var type: String
    /// `primitive-type`, `complex-type`, `resource` or `logical`.
    public var kind: String
    /// True for an abstract type (`Resource`, `DomainResource`); absent means false.
    public var abstract: Bool?
    /// `specialization` (a base type) or `constraint` (a profile).
    public var derivation: String?
    /// Canonical URL of the definition this one specialises or constrains; absent for `Element` and `Resource`.
    public var baseDefinition: String?
    /// For primitive types: the JSON kind of the value (`string`, `number`, `boolean`).
    public var jsonKind: String?
    /// For primitive types: the lexical rule (regex) the definitions give, when they give one.
    public var regex: String?
    /// Snapshot elements, in definition order.
    public var elements: [ElementRecord]
    /// The distinct constraints of the snapshot; elements refer to them by index (a snapshot repeats
    /// `ele-1` and friends on every element, so storing them once keeps the pack small).
    public var constraints: [ConstraintRecord]?

    /// A record from its fields (the importer builds these from the official StructureDefinitions).
    public init(url: String, name: String, type: String, kind: String, abstract: Bool? = nil,
                derivation: String? = nil, baseDefinition: String? = nil, jsonKind: String? = nil,
                regex: String? = nil, elements: [ElementRecord], constraints: [ConstraintRecord]? = nil) {
        self.url = url; self.name = name; self.type = type; self.kind = kind; self.abstract = abstract
        self.derivation = derivation; self.baseDefinition = baseDefinition; self.jsonKind = jsonKind
        self.regex = regex; self.elements = elements; self.constraints = constraints
    }

    /// The constraints that an element declares (resolving its indices into ``constraints``).
    public func constraints(of element: ElementRecord) -> [ConstraintRecord] {
        guard let all = constraints else { return [] }
        return (element.constraintIndices ?? []).compactMap { all.indices.contains($0) ? all[$0] : nil }
    }
}

/// One snapshot element, compacted. Absent optional fields mean "as the base says" or "none".
///
/// A value type whose fields live in one shared, copy-on-write box: compiling a profile copies
/// each record several times (snapshot tree, profile node, base-element lookups), and a copy of
/// eighteen stored fields cost a retain per string and array (about 7% of the instructions of a
/// 1,000-message validation, callgrind); a copy is now one retain.
public struct ElementRecord: Codable, Sendable, Hashable {
    /// The fields, shared by copies until one of them is changed.
    private final class Fields: @unchecked Sendable {
        var path: String
        var id: String?
        var sliceName: String?
        var min: Int
        var max: String
        var baseMax: String?
        var types: [TypeRecord]?
        var contentReference: String?
        var fixed: FixedValue?
        var pattern: FixedValue?
        var binding: BindingRecord?
        var slicing: SlicingRecord?
        var constraintIndices: [Int]?
        var conditions: [String]?
        var isModifier: Bool?
        var mustSupport: Bool?
        var xmlAttribute: Bool?
        var maxLength: Int?

        init(path: String, id: String?, sliceName: String?, min: Int, max: String, baseMax: String?, types: [TypeRecord]?, contentReference: String?, fixed: FixedValue?, pattern: FixedValue?, binding: BindingRecord?, slicing: SlicingRecord?, constraintIndices: [Int]?, conditions: [String]?, isModifier: Bool?, mustSupport: Bool?, xmlAttribute: Bool?, maxLength: Int?) {
            self.path = path
            self.id = id
            self.sliceName = sliceName
            self.min = min
            self.max = max
            self.baseMax = baseMax
            self.types = types
            self.contentReference = contentReference
            self.fixed = fixed
            self.pattern = pattern
            self.binding = binding
            self.slicing = slicing
            self.constraintIndices = constraintIndices
            self.conditions = conditions
            self.isModifier = isModifier
            self.mustSupport = mustSupport
            self.xmlAttribute = xmlAttribute
            self.maxLength = maxLength
        }

        func copy() -> Fields {
            Fields(path: path, id: id, sliceName: sliceName, min: min, max: max, baseMax: baseMax, types: types, contentReference: contentReference, fixed: fixed, pattern: pattern, binding: binding, slicing: slicing, constraintIndices: constraintIndices, conditions: conditions, isModifier: isModifier, mustSupport: mustSupport, xmlAttribute: xmlAttribute, maxLength: maxLength)
        }
    }

    private var fields: Fields

    /// The fields for a change: copied first when another record shares them.
    private var unique: Fields {
        mutating get {
            if !isKnownUniquelyReferenced(&fields) { fields = fields.copy() }
            return fields
        }
    }

    /// Path without slice names (`Patient.identifier.system`).
    public var path: String {
        get { fields.path }
        set { unique.path = newValue }
    }
    /// Element id with slice names (`Patient.identifier:nhsNumber.system`), when it differs from `path`.
    public var id: String? {
        get { fields.id }
        set { unique.id = newValue }
    }
    /// The slice's name (`ElementDefinition.sliceName`), when the element is a slice.
    public var sliceName: String? {
        get { fields.sliceName }
        set { unique.sliceName = newValue }
    }
    /// The least number of occurrences in an instance.
    public var min: Int {
        get { fields.min }
        set { unique.min = newValue }
    }
    /// `"*"` or a number.
    public var max: String {
        get { fields.max }
        set { unique.max = newValue }
    }
    /// The base definition's max: the JSON array rule uses this, not a profile's tightened max.
    public var baseMax: String? {
        get { fields.baseMax }
        set { unique.baseMax = newValue }
    }
    /// The allowed types; absent for the root element and for elements defined by `contentReference`.
    public var types: [TypeRecord]? {
        get { fields.types }
        set { unique.types = newValue }
    }
    /// `#Bundle.link`-style reference to the element whose definition this one reuses.
    public var contentReference: String? {
        get { fields.contentReference }
        set { unique.contentReference = newValue }
    }
    /// `fixed[x]`, as its element tree (named `fixedUri` and so on).
    public var fixed: FixedValue? {
        get { fields.fixed }
        set { unique.fixed = newValue }
    }
    /// `pattern[x]`, in the same form as ``fixed``.
    public var pattern: FixedValue? {
        get { fields.pattern }
        set { unique.pattern = newValue }
    }
    /// The terminology binding, for coded elements that have one.
    public var binding: BindingRecord? {
        get { fields.binding }
        set { unique.binding = newValue }
    }
    /// How the element is sliced, when it is (the entry element of the slices).
    public var slicing: SlicingRecord? {
        get { fields.slicing }
        set { unique.slicing = newValue }
    }
    /// Indices into the record's ``StructureRecord/constraints``: the constraints declared here.
    public var constraintIndices: [Int]? {
        get { fields.constraintIndices }
        set { unique.constraintIndices = newValue }
    }
    /// Constraint keys that apply here (`ElementDefinition.condition`).
    public var conditions: [String]? {
        get { fields.conditions }
        set { unique.conditions = newValue }
    }
    /// True when the element changes the meaning of its parent (`ElementDefinition.isModifier`).
    public var isModifier: Bool? {
        get { fields.isModifier }
        set { unique.isModifier = newValue }
    }
    /// True when the profile marks the element must-support.
    public var mustSupport: Bool? {
        get { fields.mustSupport }
        set { unique.mustSupport = newValue }
    }
    /// True for `Element.id` and `Extension.url`, which XML writes as attributes.
    public var xmlAttribute: Bool? {
        get { fields.xmlAttribute }
        set { unique.xmlAttribute = newValue }
    }
    /// `maxLength`, when the definition sets one.
    public var maxLength: Int? {
        get { fields.maxLength }
        set { unique.maxLength = newValue }
    }

    /// An element from its fields; every field but the path and the cardinality is optional.
    public init(path: String, id: String? = nil, sliceName: String? = nil, min: Int, max: String,
                baseMax: String? = nil, types: [TypeRecord]? = nil, contentReference: String? = nil,
                fixed: FixedValue? = nil, pattern: FixedValue? = nil, binding: BindingRecord? = nil,
                slicing: SlicingRecord? = nil, constraintIndices: [Int]? = nil,
                conditions: [String]? = nil, isModifier: Bool? = nil, mustSupport: Bool? = nil,
                xmlAttribute: Bool? = nil, maxLength: Int? = nil) {
        fields = Fields(path: path, id: id, sliceName: sliceName, min: min, max: max, baseMax: baseMax, types: types, contentReference: contentReference, fixed: fixed, pattern: pattern, binding: binding, slicing: slicing, constraintIndices: constraintIndices, conditions: conditions, isModifier: isModifier, mustSupport: mustSupport, xmlAttribute: xmlAttribute, maxLength: maxLength)
    }

    /// True when the base definition lets the element repeat (so JSON writes an array).
    public var repeats: Bool { (baseMax ?? max) != "1" && (baseMax ?? max) != "0" }

    // Codable and Hashable as the compiler would derive them for the eighteen stored fields.
    private enum CodingKeys: String, CodingKey {
        case path, id, sliceName, min, max, baseMax, types, contentReference, fixed, pattern, binding, slicing, constraintIndices, conditions, isModifier, mustSupport, xmlAttribute, maxLength
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let path = try c.decode(String.self, forKey: .path)
        let id = try c.decodeIfPresent(String.self, forKey: .id)
        let sliceName = try c.decodeIfPresent(String.self, forKey: .sliceName)
        let min = try c.decode(Int.self, forKey: .min)
        let max = try c.decode(String.self, forKey: .max)
        let baseMax = try c.decodeIfPresent(String.self, forKey: .baseMax)
        let types = try c.decodeIfPresent([TypeRecord].self, forKey: .types)
        let contentReference = try c.decodeIfPresent(String.self, forKey: .contentReference)
        let fixed = try c.decodeIfPresent(FixedValue.self, forKey: .fixed)
        let pattern = try c.decodeIfPresent(FixedValue.self, forKey: .pattern)
        let binding = try c.decodeIfPresent(BindingRecord.self, forKey: .binding)
        let slicing = try c.decodeIfPresent(SlicingRecord.self, forKey: .slicing)
        let constraintIndices = try c.decodeIfPresent([Int].self, forKey: .constraintIndices)
        let conditions = try c.decodeIfPresent([String].self, forKey: .conditions)
        let isModifier = try c.decodeIfPresent(Bool.self, forKey: .isModifier)
        let mustSupport = try c.decodeIfPresent(Bool.self, forKey: .mustSupport)
        let xmlAttribute = try c.decodeIfPresent(Bool.self, forKey: .xmlAttribute)
        let maxLength = try c.decodeIfPresent(Int.self, forKey: .maxLength)
        fields = Fields(path: path, id: id, sliceName: sliceName, min: min, max: max, baseMax: baseMax, types: types, contentReference: contentReference, fixed: fixed, pattern: pattern, binding: binding, slicing: slicing, constraintIndices: constraintIndices, conditions: conditions, isModifier: isModifier, mustSupport: mustSupport, xmlAttribute: xmlAttribute, maxLength: maxLength)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(path, forKey: .path)
        try c.encodeIfPresent(id, forKey: .id)
        try c.encodeIfPresent(sliceName, forKey: .sliceName)
        try c.encode(min, forKey: .min)
        try c.encode(max, forKey: .max)
        try c.encodeIfPresent(baseMax, forKey: .baseMax)
        try c.encodeIfPresent(types, forKey: .types)
        try c.encodeIfPresent(contentReference, forKey: .contentReference)
        try c.encodeIfPresent(fixed, forKey: .fixed)
        try c.encodeIfPresent(pattern, forKey: .pattern)
        try c.encodeIfPresent(binding, forKey: .binding)
        try c.encodeIfPresent(slicing, forKey: .slicing)
        try c.encodeIfPresent(constraintIndices, forKey: .constraintIndices)
        try c.encodeIfPresent(conditions, forKey: .conditions)
        try c.encodeIfPresent(isModifier, forKey: .isModifier)
        try c.encodeIfPresent(mustSupport, forKey: .mustSupport)
        try c.encodeIfPresent(xmlAttribute, forKey: .xmlAttribute)
        try c.encodeIfPresent(maxLength, forKey: .maxLength)
    }

    /// Equal when every field is (the fields live in one shared box, compared field by field).
    public static func == (a: ElementRecord, b: ElementRecord) -> Bool {
        if a.fields === b.fields { return true }
        return a.path == b.path
            && a.id == b.id
            && a.sliceName == b.sliceName
            && a.min == b.min
            && a.max == b.max
            && a.baseMax == b.baseMax
            && a.types == b.types
            && a.contentReference == b.contentReference
            && a.fixed == b.fixed
            && a.pattern == b.pattern
            && a.binding == b.binding
            && a.slicing == b.slicing
            && a.constraintIndices == b.constraintIndices
            && a.conditions == b.conditions
            && a.isModifier == b.isModifier
            && a.mustSupport == b.mustSupport
            && a.xmlAttribute == b.xmlAttribute
            && a.maxLength == b.maxLength
    }

    /// Hashes every field, as equality compares them.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(path)
        hasher.combine(id)
        hasher.combine(sliceName)
        hasher.combine(min)
        hasher.combine(max)
        hasher.combine(baseMax)
        hasher.combine(types)
        hasher.combine(contentReference)
        hasher.combine(fixed)
        hasher.combine(pattern)
        hasher.combine(binding)
        hasher.combine(slicing)
        hasher.combine(constraintIndices)
        hasher.combine(conditions)
        hasher.combine(isModifier)
        hasher.combine(mustSupport)
        hasher.combine(xmlAttribute)
        hasher.combine(maxLength)
    }
}

/// One allowed type of an element.
public struct TypeRecord: Codable, Sendable, Hashable {
    /// The type code (`string`, `Reference`, `CodeableConcept`).
    public var code: String
    /// Profiles the value must conform to (`type.profile`).
    public var profile: String?
    /// For references: the profiles the target must conform to (`type.targetProfile`).
    public var targetProfile: String?
    /// For references: `contained`, `referenced`, `bundled` (STU3 `aggregation`).
    public var aggregation: [String]?

    /// A type from its code and, for references and profiled types, its profiles.
    public init(code: String, profile: String? = nil, targetProfile: String? = nil, aggregation: [String]? = nil) {
        self.code = code; self.profile = profile; self.targetProfile = targetProfile; self.aggregation = aggregation
    }
}

/// A terminology binding (`ElementDefinition.binding`).
public struct BindingRecord: Codable, Sendable, Hashable {
    /// `required`, `extensible`, `preferred` or `example`.
    public var strength: String
    /// The value set's canonical URL (`valueSetReference` or `valueSetUri`).
    public var valueSet: String?

    /// A binding of a strength to a value set.
    public init(strength: String, valueSet: String?) { self.strength = strength; self.valueSet = valueSet }
}

/// How an element is sliced (`ElementDefinition.slicing`).
public struct SlicingRecord: Codable, Sendable, Hashable {
    /// What tells the slices apart; absent when the source gives no discriminator.
    public var discriminators: [DiscriminatorRecord]?
    /// True when the slices must appear in definition order.
    public var ordered: Bool?
    /// `closed`, `open` or `openAtEnd`.
    public var rules: String

    /// A slicing from its discriminators, order rule and closing rule.
    public init(discriminators: [DiscriminatorRecord]?, ordered: Bool?, rules: String) {
        self.discriminators = discriminators; self.ordered = ordered; self.rules = rules
    }
}

/// One slicing discriminator.
public struct DiscriminatorRecord: Codable, Sendable, Hashable {
    /// `value`, `exists`, `pattern`, `type` or `profile`.
    public var type: String
    /// FHIRPath (restricted) from the sliced element to the distinguishing value.
    public var path: String

    /// A discriminator of a type at a path.
    public init(type: String, path: String) { self.type = type; self.path = path }
}

/// An invariant (`ElementDefinition.constraint`).
public struct ConstraintRecord: Codable, Sendable, Hashable {
    /// Its stable key (`ele-1`, `dom-2`, …).
    public var key: String
    /// `error` or `warning`.
    public var severity: String
    /// The rule in words, as the definition states it.
    public var human: String
    /// FHIRPath expression; absent when the definition gives none.
    public var expression: String?

    /// A constraint from its key, severity, text and expression.
    public init(key: String, severity: String, human: String, expression: String?) {
        self.key = key; self.severity = severity; self.human = human; self.expression = expression
    }
}

/// A ValueSet, compacted: its composition and, when the source has one, its expansion.
public struct ValueSetRecord: Codable, Sendable, Hashable {
    /// Canonical URL.
    public var url: String
    /// Computer-friendly name, when the source gives one.
    public var name: String?
    /// `compose.include`: what the value set takes.
    public var includes: [ValueSetIncludeRecord]?
    /// `compose.exclude`: what it leaves out.
    public var excludes: [ValueSetIncludeRecord]?
    /// Codes listed in the source's `expansion.contains` (flattened).
    public var expansion: [CodeRecord]?

    /// A value set from its URL, composition and expansion.
    public init(url: String, name: String?, includes: [ValueSetIncludeRecord]?, excludes: [ValueSetIncludeRecord]?,
                expansion: [CodeRecord]?) {
        self.url = url; self.name = name; self.includes = includes; self.excludes = excludes; self.expansion = expansion
    }
}

/// One `compose.include` or `compose.exclude`.
public struct ValueSetIncludeRecord: Codable, Sendable, Hashable {
    /// The code system, when the include names one.
    public var system: String?
    /// Explicitly listed concepts; absent means "all of the system" (subject to filters).
    public var concepts: [CodeRecord]?
    /// Property filters on the system (`is-a`, `=`, …).
    public var filters: [FilterRecord]?
    /// Other value sets whose codes this include takes.
    public var valueSets: [String]?

    /// An include from its system, concepts, filters and value sets.
    public init(system: String?, concepts: [CodeRecord]?, filters: [FilterRecord]?, valueSets: [String]?) {
        self.system = system; self.concepts = concepts; self.filters = filters; self.valueSets = valueSets
    }
}

/// A `compose.include.filter`: `property op value`.
public struct FilterRecord: Codable, Sendable, Hashable {
    /// The property filtered on (`concept`, or a property of the code system).
    public var property: String
    /// The operator (`is-a`, `descendent-of`, `=`, `in`, `regex`…).
    public var op: String
    /// The value compared with.
    public var value: String

    /// A filter `property op value`.
    public init(property: String, op: String, value: String) { self.property = property; self.op = op; self.value = value }
}

/// A code with its display; in expansions also its system.
public struct CodeRecord: Codable, Sendable, Hashable {
    /// The code, exactly as the code system defines it.
    public var code: String
    /// The code's display text, when given.
    public var display: String?
    /// The code system's URL (expansions only).
    public var system: String?
    /// In a CodeSystem: the parent concept's code (hierarchies are flattened).
    public var parent: String?

    /// A code from its parts.
    public init(code: String, display: String? = nil, system: String? = nil, parent: String? = nil) {
        self.code = code; self.display = display; self.system = system; self.parent = parent
    }
}

/// A CodeSystem, compacted.
public struct CodeSystemRecord: Codable, Sendable, Hashable {
    /// Canonical URL.
    public var url: String
    /// Computer-friendly name, when the source gives one.
    public var name: String?
    /// `complete`, `example`, `fragment`, `not-present`.
    public var content: String?
    /// True when codes compare case-sensitively (`CodeSystem.caseSensitive`).
    public var caseSensitive: Bool?
    /// Every concept, hierarchies flattened (each knows its parent).
    public var concepts: [CodeRecord]?

    /// A code system from its URL, name, content mode and concepts.
    public init(url: String, name: String?, content: String?, caseSensitive: Bool?, concepts: [CodeRecord]?) {
        self.url = url; self.name = name; self.content = content; self.caseSensitive = caseSensitive; self.concepts = concepts
    }
}

/// What kind of record a pack entry is.
public enum PackEntryKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A StructureDefinition (`sd` in the index).
    case structure = "sd"
    /// A ValueSet (`vs` in the index).
    case valueSet = "vs"
    /// A CodeSystem (`cs` in the index).
    case codeSystem = "cs"
}
