import FHIRModel

/// A parsed map: the content of a FHIR `StructureMap` resource, as FML writes it.
///
/// The parser (``FMLParser``) builds it from FML text, ``StructureMapResource`` builds it from and
/// writes it to a StructureMap resource tree; the engine (``MappingEngine``) runs it.
public struct StructureMap: Sendable, Hashable {
    /// The canonical URL (`/// url = "…"` or `map "url" = "name"`).
    public var url: String
    /// The computer-friendly name (`/// name`, or the id derived from it).
    public var name: String
    /// The header metadata in order (`url`, `name`, `title`, `status`, `description`, …).
    public var metadata: [Metadata]
    /// The structures the map reads and writes (`uses`).
    public var structures: [Structure]
    /// The maps whose groups this map may call (`imports`), wildcards (`*3to4`) included.
    public var imports: [String]
    /// The ConceptMaps declared in the map (`conceptmap "id" { … }`), called as `#id`.
    public var conceptMaps: [EmbeddedConceptMap]
    /// The map constants (`let name = fhirpath;`).
    public var constants: [Constant]
    /// The groups, in order; the first is the entry group.
    public var groups: [Group]
    /// Where the map text starts.
    public var position: SourcePosition

    /// A map.
    public init(url: String = "", name: String = "", metadata: [Metadata] = [], structures: [Structure] = [],
                imports: [String] = [], conceptMaps: [EmbeddedConceptMap] = [], constants: [Constant] = [],
                groups: [Group] = [], position: SourcePosition = .unknown) {
        self.url = url
        self.name = name
        self.metadata = metadata
        self.structures = structures
        self.imports = imports
        self.conceptMaps = conceptMaps
        self.constants = constants
        self.groups = groups
        self.position = position
    }

    /// The value of a header field (`title`, `status`), if given.
    public func metadata(_ key: String) -> String? { metadata.first { $0.key == key }?.value }

    /// One `/// key = value` header line.
    public struct Metadata: Sendable, Hashable {
        /// The StructureMap element name (`title`).
        public var key: String
        /// Its value, unquoted.
        public var value: String
        /// A metadata line.
        public init(key: String, value: String) { self.key = key; self.value = value }
    }

    /// How a map uses a structure (`StructureMap.structure.mode`).
    public enum StructureMode: String, Sendable, Hashable, CaseIterable {
        /// Read by the map.
        case source
        /// Looked up while mapping.
        case queried
        /// Written by the map.
        case target
        /// Made by the map besides the target.
        case produced
    }

    /// One `uses "url" [alias Name] as mode` line.
    public struct Structure: Sendable, Hashable {
        /// The StructureDefinition URL.
        public var url: String
        /// The mode.
        public var mode: StructureMode
        /// The name groups use for it (`AllergyIntoleranceR3`), if given.
        public var alias: String?
        /// Where the line is.
        public var position: SourcePosition
        /// A structure use.
        public init(url: String, mode: StructureMode, alias: String? = nil, position: SourcePosition = .unknown) {
            self.url = url; self.mode = mode; self.alias = alias; self.position = position
        }
    }

    /// One `let name = expression;` constant.
    public struct Constant: Sendable, Hashable {
        /// The name.
        public var name: String
        /// The FHIRPath expression.
        public var expression: String
        /// A constant.
        public init(name: String, expression: String) { self.name = name; self.expression = expression }
    }
}

/// `StructureMap.group.typeMode`: whether a group is a default for its input types.
public enum GroupTypeMode: String, Sendable, Hashable {
    /// Not a default group (no `<<…>>`).
    case none
    /// `<<types>>`: the default group for its (source, target) type pair.
    case types
    /// `<<type+>>`: as `types`, and it also chooses the target type of its source type.
    case typeAndTypes = "type-and-types"
}

/// One group: named inputs and rules (`group Name(source src : T, target tgt : U) extends Base <<type+>> { … }`).
public struct Group: Sendable, Hashable {
    /// The group name (unique in its map).
    public var name: String
    /// The group whose rules run first, with the same variables.
    public var extends: String?
    /// Default-group registration.
    public var typeMode: GroupTypeMode
    /// The inputs in order (bound by position when the group is called).
    public var inputs: [Input]
    /// The rules in order.
    public var rules: [Rule]
    /// Where the group starts.
    public var position: SourcePosition

    /// A group.
    public init(name: String, extends: String? = nil, typeMode: GroupTypeMode = .none, inputs: [Input] = [],
                rules: [Rule] = [], position: SourcePosition = .unknown) {
        self.name = name; self.extends = extends; self.typeMode = typeMode; self.inputs = inputs
        self.rules = rules; self.position = position
    }

    /// Source or target input.
    public enum InputMode: String, Sendable, Hashable {
        /// An input the group reads.
        case source
        /// An input the group writes.
        case target
    }

    /// One input: `source src : AllergyIntoleranceR3`.
    public struct Input: Sendable, Hashable {
        /// The variable name.
        public var name: String
        /// The type or alias, if declared.
        public var type: String?
        /// Source or target.
        public var mode: InputMode
        /// An input.
        public init(name: String, type: String?, mode: InputMode) { self.name = name; self.type = type; self.mode = mode }
    }
}

/// One rule: sources, targets, then nested rules or group calls.
public struct Rule: Sendable, Hashable {
    /// The rule name (quoted after the rule), if given or derived.
    public var name: String?
    /// The sources (the maps use one; several iterate as a cartesian product).
    public var sources: [RuleSource]
    /// The targets, run in order for every source match.
    public var targets: [RuleTarget]
    /// Nested rules (`then { … }`).
    public var rules: [Rule]
    /// Group calls (`then G(a, b)`).
    public var dependents: [Dependent]
    /// Where the rule starts.
    public var position: SourcePosition

    /// A rule.
    public init(name: String? = nil, sources: [RuleSource] = [], targets: [RuleTarget] = [], rules: [Rule] = [],
                dependents: [Dependent] = [], position: SourcePosition = .unknown) {
        self.name = name; self.sources = sources; self.targets = targets; self.rules = rules
        self.dependents = dependents; self.position = position
    }

    /// One group call: `G(vs, vt)`.
    public struct Dependent: Sendable, Hashable {
        /// The group name.
        public var name: String
        /// The arguments: variable names or literals.
        public var parameters: [Parameter]
        /// Where the call is.
        public var position: SourcePosition
        /// A call.
        public init(name: String, parameters: [Parameter], position: SourcePosition = .unknown) {
            self.name = name; self.parameters = parameters; self.position = position
        }
    }
}

/// How a source's matches are filtered by position (`StructureMap.group.rule.source.listMode`).
public enum SourceListMode: String, Sendable, Hashable, CaseIterable {
    /// Only the first match.
    case first
    /// All but the first.
    case notFirst = "not_first"
    /// Only the last.
    case last
    /// All but the last.
    case notLast = "not_last"
    /// The only match; more than one is an error.
    case onlyOne = "only_one"
}

/// `src.element : Type 0..1 default … first as v where (…) check (…) log (…)`.
public struct RuleSource: Sendable, Hashable {
    /// The variable the source reads (`src`).
    public var context: String
    /// The child it iterates (`identifier`); nil: the context itself.
    public var element: String?
    /// The type filter (`: Age`).
    public var type: String?
    /// Cardinality bounds, if given (`max` is `*` or a number).
    public var min: Int?
    /// `*` or a number.
    public var max: String?
    /// The value used when the element is absent.
    public var defaultValue: String?
    /// Position filter.
    public var listMode: SourceListMode?
    /// The name each match is bound to (`as vs`).
    public var variable: String?
    /// FHIRPath that filters matches (`where`).
    public var condition: String?
    /// FHIRPath every match must satisfy, else the transform stops (`check`).
    public var check: String?
    /// FHIRPath logged per match (`log`).
    public var logMessage: String?
    /// Where the source starts.
    public var position: SourcePosition

    /// A source.
    public init(context: String, element: String? = nil, type: String? = nil, min: Int? = nil, max: String? = nil,
                defaultValue: String? = nil, listMode: SourceListMode? = nil, variable: String? = nil,
                condition: String? = nil, check: String? = nil, logMessage: String? = nil,
                position: SourcePosition = .unknown) {
        self.context = context; self.element = element; self.type = type; self.min = min; self.max = max
        self.defaultValue = defaultValue; self.listMode = listMode; self.variable = variable
        self.condition = condition; self.check = check; self.logMessage = logMessage; self.position = position
    }
}

/// How a target treats repeats (`StructureMap.group.rule.target.listMode`).
public enum TargetListMode: String, Sendable, Hashable, CaseIterable {
    /// Put the item first.
    case first
    /// Reuse one instance across the group's rules (with ``RuleTarget/listRuleId``).
    case share
    /// Put the item last.
    case last
    /// Keep one item (R4 `collate`).
    case collate
    /// Keep one item (FML `single`).
    case single
}

/// The transforms of the FHIR Mapping Language (`StructureMap.group.rule.target.transform`).
public enum Transform: String, Sendable, Hashable, CaseIterable {
    /// An instance of a type: `create('Coding')`.
    case create
    /// The value of a variable or a constant.
    case copy
    /// A string cut to a length.
    case truncate
    /// A string re-escaped from one format to another.
    case escape
    /// A value converted to another primitive type.
    case cast
    /// Values concatenated.
    case append
    /// A code translated with a ConceptMap.
    case translate
    /// A reference to a resource (`Type/id`).
    case reference
    /// A date operation.
    case dateOp
    /// A new UUID.
    case uuid
    /// A reference to a resource as its `urn:uuid:` pointer.
    case pointer
    /// The result of a FHIRPath expression.
    case evaluate
    /// A CodeableConcept.
    case cc
    /// A Coding.
    case c
    /// A Quantity.
    case qty
    /// An Identifier.
    case id
    /// A ContactPoint.
    case cp
}

/// A transform argument: a variable name or a literal (`StructureMap…parameter.value[x]`).
public enum Parameter: Sendable, Hashable {
    /// A variable (`valueId`).
    case variable(String)
    /// A string literal (`valueString`).
    case string(String)
    /// An integer literal (`valueInteger`).
    case integer(Int)
    /// A decimal literal as written (`valueDecimal`).
    case decimal(String)
    /// `true` / `false` (`valueBoolean`).
    case boolean(Bool)
}

/// `ctx.element = transform(params) as v first`.
public struct RuleTarget: Sendable, Hashable {
    /// The target variable written to; nil for a bare `transform(…) as v`.
    public var context: String?
    /// The child written (`identifier`); nil: the context itself (an alias).
    public var element: String?
    /// The name the written value is bound to (`as vt`).
    public var variable: String?
    /// List modes (`first`, `share`, …).
    public var listModes: [TargetListMode]
    /// The id of a `share` target.
    public var listRuleId: String?
    /// The transform; nil: the child is made or reused empty.
    public var transform: Transform?
    /// The transform's arguments.
    public var parameters: [Parameter]
    /// Where the target starts.
    public var position: SourcePosition

    /// A target.
    public init(context: String? = nil, element: String? = nil, variable: String? = nil, listModes: [TargetListMode] = [],
                listRuleId: String? = nil, transform: Transform? = nil, parameters: [Parameter] = [],
                position: SourcePosition = .unknown) {
        self.context = context; self.element = element; self.variable = variable; self.listModes = listModes
        self.listRuleId = listRuleId; self.transform = transform; self.parameters = parameters; self.position = position
    }
}

/// A ConceptMap written inside a map (`conceptmap "id" { prefix s = "url" … s:a == t:b }`).
public struct EmbeddedConceptMap: Sendable, Hashable {
    /// The id (`#id` in translate calls).
    public var id: String
    /// Prefixes to code system URLs.
    public var prefixes: [String: String]
    /// The mappings in order.
    public var mappings: [Mapping]
    /// `unmapped for s = provided` etc: prefix and mode, if given.
    public var unmapped: [String: String]
    /// Where the declaration starts.
    public var position: SourcePosition

    /// A concept map.
    public init(id: String, prefixes: [String: String] = [:], mappings: [Mapping] = [], unmapped: [String: String] = [:],
                position: SourcePosition = .unknown) {
        self.id = id; self.prefixes = prefixes; self.mappings = mappings; self.unmapped = unmapped; self.position = position
    }

    /// One `s:code == t:code` line.
    public struct Mapping: Sendable, Hashable {
        /// Source prefix and code.
        public var sourcePrefix: String
        /// The source code.
        public var sourceCode: String
        /// The relationship symbol (`-`, `==`, `!=`, `<=`, `>=`).
        public var relationship: String
        /// Target prefix; nil when the line maps to nothing.
        public var targetPrefix: String?
        /// The target code.
        public var targetCode: String?
        /// A mapping.
        public init(sourcePrefix: String, sourceCode: String, relationship: String, targetPrefix: String?, targetCode: String?) {
            self.sourcePrefix = sourcePrefix; self.sourceCode = sourceCode; self.relationship = relationship
            self.targetPrefix = targetPrefix; self.targetCode = targetCode
        }
    }
}
