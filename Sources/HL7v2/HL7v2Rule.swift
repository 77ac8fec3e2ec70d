import FHIRModel

/// The rule ids of reading HL7 v2 input (`hl7v2.*`): framing, delimiters, segments, MSH, batches.
public enum HL7v2Rule: String, RuleRegistry {
    /// The input holds nothing but whitespace.
    case empty = "hl7v2.empty"
    /// Content that belongs to no message: segments before the first MSH, or an input without MSH.
    case noMSH = "hl7v2.no-msh"
    /// An MSH, BHS or FHS whose field separator and encoding characters cannot be used.
    case badDelimiters = "hl7v2.bad-delimiters"
    /// A line that is no segment (no `[A-Z][A-Z0-9]{2}` ID and field separator), joined to the
    /// segment before it as a line break inside a value.
    case lineBreakInValue = "hl7v2.line-break-in-value"
    /// MSH-9, MSH-10, MSH-11 or MSH-12 (all required) is empty.
    case mshRequired = "hl7v2.msh-required"
    /// MSH-12 names a version outside 2.3 to 2.8.
    case unsupportedVersion = "hl7v2.unsupported-version"
    /// MSH-18 names a character set dch does not read, or the bytes are not valid in it.
    case charset = "hl7v2.charset"
    /// An MLLP frame has no end block (0x1C 0x0D).
    case mllpUnterminated = "hl7v2.mllp-unterminated"
    /// Bytes other than whitespace between MLLP frames.
    case mllpOutsideFrame = "hl7v2.mllp-outside-frame"
    /// BTS-1 or FTS-1 does not match the messages or batches counted.
    case batchCount = "hl7v2.batch-count"
    /// A batch trailer without its header, or a header without its trailer.
    case batchStructure = "hl7v2.batch-structure"
    /// The input is larger than the parser reads (``HL7v2ParseOptions/maxInputBytes``), or a message
    /// or line longer than ``HL7v2ParseOptions/maxMessageBytes``.
    case tooLarge = "hl7v2.too-large"
    /// A message has more issues than are reported one by one.
    case tooManyIssues = "hl7v2.too-many-issues"

    /// HL7 v2 reading is part of reading the input.
    public static let layer = RuleLayer.reading

    /// What the rule checks, in one line.
    public var summary: String {
        switch self {
        case .empty: return "the input holds nothing but whitespace"
        case .noMSH: return "content outside any message: segments before the first MSH, or no MSH at all"
        case .badDelimiters: return "the field separator and encoding characters of MSH, BHS or FHS cannot be used"
        case .lineBreakInValue: return "a line that is no segment, read as a line break inside the segment before it"
        case .mshRequired: return "a required MSH field (MSH-9, MSH-10, MSH-11, MSH-12) is empty"
        case .unsupportedVersion: return "MSH-12 names a version outside 2.3 to 2.8"
        case .charset: return "MSH-18 names a character set that is not read, or the bytes are not valid in it"
        case .mllpUnterminated: return "an MLLP frame has no end block (0x1C 0x0D)"
        case .mllpOutsideFrame: return "bytes other than whitespace between MLLP frames"
        case .batchCount: return "BTS-1 or FTS-1 does not match the messages or batches counted"
        case .batchStructure: return "a batch or file trailer without its header, or a header without its trailer"
        case .tooLarge: return "the input, or a message or line of a stream, is larger than the reader reads"
        case .tooManyIssues: return "a message has more issues than are reported one by one"
        }
    }
}

/// Where in an HL7 v2 input a finding is: the message, the segment, the field, and the place in
/// the bytes (line:column and byte offset of the whole input).
public struct HL7v2Location: Sendable, Hashable {
    /// 0-based index of the message in the input (counting messages that could not be read), or
    /// nil for content outside any message.
    public var messageIndex: Int?
    /// 0-based index of the segment in its message, when the finding is in a segment.
    public var segmentIndex: Int?
    /// The segment's ID (`MSH`, `PID`, `BTS`…), when known.
    public var segmentID: String?
    /// The field number (`9` for MSH-9), when the finding is about one field.
    public var field: Int?
    /// 1-based line; CR, LF and CR LF each end a line.
    public var line: Int
    /// 1-based column, in bytes.
    public var column: Int
    /// 0-based byte offset in the input.
    public var byteOffset: Int

    /// A location.
    public init(messageIndex: Int? = nil, segmentIndex: Int? = nil, segmentID: String? = nil, field: Int? = nil,
                line: Int, column: Int, byteOffset: Int) {
        self.messageIndex = messageIndex
        self.segmentIndex = segmentIndex
        self.segmentID = segmentID
        self.field = field
        self.line = line
        self.column = column
        self.byteOffset = byteOffset
    }

    /// `PID-3`, `MSH`, or nil when the location is in no segment.
    public var path: String? {
        guard let segmentID else { return nil }
        return field.map { "\(segmentID)-\($0)" } ?? segmentID
    }
}

/// One finding of the HL7 v2 reader: a rule, a severity, a message for a person and a location.
public struct HL7v2Issue: Error, Sendable, Hashable, CustomStringConvertible {
    /// How bad it is: `.error` makes the message unusable as sent (its ACK is AE or AR).
    public var severity: Severity
    /// The rule that found it.
    public var rule: HL7v2Rule
    /// What is wrong, for a person.
    public var message: String
    /// Where it is.
    public var location: HL7v2Location

    /// A finding.
    public init(_ severity: Severity, _ rule: HL7v2Rule, _ message: String, at location: HL7v2Location) {
        self.severity = severity
        self.rule = rule
        self.message = message
        self.location = location
    }

    /// The finding as dch's common `Issue` (FHIRModel) (path `PID-3`, line:column, message index), for reports.
    public var issue: Issue {
        let type: IssueType
        switch rule {
        case .mshRequired: type = .required
        case .unsupportedVersion, .charset: type = .notSupported
        case .tooLarge, .tooManyIssues: type = .tooCostly
        default: type = .structure
        }
        return Issue(severity, type, rule: rule, message, path: location.path,
                     position: SourcePosition(line: location.line, column: location.column),
                     messageIndex: location.messageIndex)
    }

    /// `line:column: severity: message (PID-3) [rule]`.
    public var description: String {
        var s = "\(location.line):\(location.column): \(severity.rawValue): \(message)"
        if let path = location.path { s += " (\(path))" }
        return s + " [\(rule.rawValue)]"
    }
}
