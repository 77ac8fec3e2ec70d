/// How bad an ``Issue`` is (the FHIR `OperationOutcome.issue.severity` codes).
public enum Severity: String, Sendable, Hashable, Comparable, CaseIterable, Codable {
    /// The input could not be processed at all (e.g. it is not XML or JSON).
    case fatal
    /// The input breaks a rule: it is not a valid message.
    case error
    /// Possibly a problem (e.g. a code outside an extensible binding): worth a look.
    case warning
    /// A note that is no problem (e.g. a rule that did not apply).
    case information

    private var rank: Int {
        switch self {
        case .fatal: return 3
        case .error: return 2
        case .warning: return 1
        case .information: return 0
        }
    }

    /// Orders by badness: `.information < .warning < .error < .fatal`.
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// The kind of problem, as FHIR's `OperationOutcome.issue.code` (IssueType) codes.
public enum IssueType: String, Sendable, Hashable, Codable {
    /// Content invalid against the specification or a profile (FHIR code `invalid`).
    case invalid
    /// A structural problem: unknown element, wrong nesting, unparsable syntax (`structure`).
    case structure
    /// A required element is missing (`required`).
    case required
    /// An element value is invalid (`value`).
    case value
    /// A FHIRPath invariant (constraint) failed (`invariant`).
    case invariant
    /// A security concern: a DOCTYPE, an entity, active content (`security`).
    case security
    /// Processing failed, e.g. a definition could not be used (`processing`).
    case processing
    /// The content uses something that is not supported (`not-supported`).
    case notSupported = "not-supported"
    /// A limit was reached: size, depth or time (`too-costly`).
    case tooCostly = "too-costly"
    /// A code is not valid in its code system or value set (`code-invalid`).
    case codeInvalid = "code-invalid"
    /// FHIR's `unknown` (in STU3: an unknown user); kept for completeness of the code list.
    case unknown
    /// Not a problem: a note for information (`informational`).
    case informational
    /// An extension that was not recognised (OperationOutcome code `extension`).
    case unknownExtension = "extension"
    /// A record that another one duplicates (e.g. one business identifier on two resources).
    case duplicate
}

/// One finding about an input: a value with a place, a stable rule id and a message for a person.
///
/// Every layer (codecs, validators, the command line) reports through this one type, so every
/// report format can show the same facts.
public struct Issue: Sendable, Hashable, Codable, CustomStringConvertible {
    /// How bad it is.
    public var severity: Severity
    /// What kind of problem it is (OperationOutcome issue type).
    public var type: IssueType
    /// A stable identifier of the rule that found it (`xml.doctype`, `json.duplicate-key`, …).
    public var rule: String
    /// What is wrong, for a person.
    public var message: String
    /// FHIRPath-style location, e.g. `Bundle.entry[2].resource.birthDate`.
    public var path: String?
    /// Line and column in the source, when known.
    public var position: SourcePosition?
    /// The input file (or `-` for stdin), filled in by whoever knows it.
    public var file: String?
    /// Index (0-based) of the message within a multi-message input.
    public var messageIndex: Int?

    /// An issue; a position that is not known is stored as none.
    public init(
        _ severity: Severity,
        _ type: IssueType,
        rule: String,
        _ message: String,
        path: String? = nil,
        position: SourcePosition? = nil,
        file: String? = nil,
        messageIndex: Int? = nil
    ) {
        self.severity = severity
        self.type = type
        self.rule = rule
        self.message = message
        self.path = path
        self.position = position.flatMap { $0.isKnown ? $0 : nil }
        self.file = file
        self.messageIndex = messageIndex
    }

    /// Compiler-style one-line form: `file:line:col: error: message (path)`.
    public var description: String {
        var s = file ?? "<input>"
        if let p = position { s += ":\(p.line):\(p.column)" }
        s += ": \(severity.rawValue): \(message)"
        if let path { s += " (\(path))" }
        return s
    }
}

/// The error every dch module throws: the issues that stopped the work (those of severity error or
/// fatal), with any warnings found on the way.
public struct IssuesError: Error, Sendable, CustomStringConvertible {
    /// All the issues, in the order they were found.
    public var issues: [Issue]
    /// An error made of several issues.
    public init(_ issues: [Issue]) { self.issues = issues }
    /// An error made of one issue.
    public init(_ issue: Issue) { self.issues = [issue] }
    /// The issues, one compiler-style line each (see ``Issue/description``).
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}
