/// The layer of dch that owns a rule id: every ``Issue/rule`` belongs to exactly one.
public enum RuleLayer: String, Sendable, Hashable, CaseIterable, Codable {
    /// Reading the input at all: files (`io.*`) and recognising XML or JSON (`format.*`).
    case reading
    /// The FHIR JSON reader and writer (`json.*`).
    case json
    /// The FHIR XML reader and writer (`xml.*`).
    case xml
    /// The official FHIR XML Schema check (`xsd.*`).
    case schema
    /// Layer 1, the base definitions' structure: elements, cardinality, order (`struct.*`).
    case structure
    /// Layer 1, primitive values: each type's lexical rule (`value.*`).
    case primitives
    /// Layer 2, the profiles a message claims: cardinality, fixed values, slices, extensions (`profile.*`).
    case profiles
    /// Layer 3, terminology bindings (`terminology.*`).
    case terminology
    /// Layer 4, the Bundle as a whole: fullUrls, MessageHeader first, references (`bundle.*`).
    case bundle
    /// Layer 5, the FHIRPath invariants of the base definitions (`invariant.*`).
    case invariants
    /// Layer 6, the DCH/NEMS event rules (`event.*`) and their catalogue (`events.*`).
    case events
    /// The definition pack and its import from the official definitions (`pack.*`, `import.*`).
    case definitions

    /// True for the layers whose findings mean the message could not be read as FHIR at all.
    public var isReading: Bool { self == .reading || self == .json || self == .xml }
}

/// One layer's rule ids: an enum whose raw values are the ids (stable: users name them in CI
/// configurations and suppression lists) and whose cases say what each checks.
public protocol RuleRegistry: RawRepresentable<String>, CaseIterable, Hashable, Sendable {
    /// The layer that reports these rules.
    static var layer: RuleLayer { get }
    /// Rule ids made at run time from a pattern (`invariant.<key>`), beyond the cases.
    static var families: [RuleDescription] { get }
    /// What the rule checks, in a line.
    var summary: String { get }
}

extension RuleRegistry {
    /// The families of ids made at run time, each with its pattern.
    public static var families: [RuleDescription] { [] }

    /// The rule id (the raw value).
    public var id: String { rawValue }

    /// Every rule of the registry, then its families.
    public static var descriptions: [RuleDescription] {
        allCases.map { RuleDescription(id: $0.rawValue, layer: layer, summary: $0.summary) } + families
    }
}

/// A rule id with its layer and what it checks: for listings (`dch validate --list-rules`) and reports.
public struct RuleDescription: Sendable, Hashable, Codable {
    /// The id (`struct.min`), or for a family its pattern (`invariant.<key>`).
    public var id: String
    /// The layer that reports it.
    public var layer: RuleLayer
    /// What it checks, in a line.
    public var summary: String
    /// For a family: the fixed start every id of it has (`invariant.`); nil for a single rule.
    public var familyPrefix: String?

    /// A description; `familyPrefix` only for a family of ids made at run time.
    public init(id: String, layer: RuleLayer, summary: String, familyPrefix: String? = nil) {
        self.id = id
        self.layer = layer
        self.summary = summary
        self.familyPrefix = familyPrefix
    }
}

/// The rules of reading an input before any format is known.
public enum ReadingRule: String, RuleRegistry {
    /// The input could not be read (a missing file, a permission, a read error).
    case read = "io.read"
    /// The input is neither XML nor JSON (its first character is neither `<` nor `{`).
    case unknownFormat = "format.unknown"
    /// A message is longer than the largest one the reader keeps.
    case tooLarge = "io.too-large"
    /// Information: the message was checked as FHIR R4 (given or detected, with the evidence), so
    /// the layers that are STU3 only (the DCH/NEMS event rules) were not run.
    case fhirVersion = "format.fhir-version"

    /// The layer these rules belong to.
    public static let layer = RuleLayer.reading

    /// What the rule checks, in one line (listings, SARIF rule descriptions).
    public var summary: String {
        switch self {
        case .read: return "the input could not be read (a missing file, a permission, a read error)"
        case .unknownFormat: return "the input is neither XML nor JSON (its first character is neither '<' nor '{')"
        case .tooLarge: return "a message is longer than the largest one read (--max-bytes); it is skipped whole"
        case .fhirVersion: return "the message was checked as FHIR R4 (given or detected); STU3-only layers (event rules) were not run"
        }
    }
}

extension Issue {
    /// An issue under a registered rule.
    public init(_ severity: Severity, _ type: IssueType, rule: some RuleRegistry, _ message: String,
                path: String? = nil, position: SourcePosition? = nil, file: String? = nil, messageIndex: Int? = nil) {
        self.init(severity, type, rule: rule.rawValue, message, path: path, position: position, file: file,
                  messageIndex: messageIndex)
    }
}
