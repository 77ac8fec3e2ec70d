import Foundation

/// An acknowledgment code (HL7 table 0008): MSA-1.
public enum HL7v2AckCode: String, Sendable, Hashable, CaseIterable {
    /// Application accept (original mode) / application acknowledgment: accept.
    case applicationAccept = "AA"
    /// Application error: the content is wrong.
    case applicationError = "AE"
    /// Application reject: the message type, event, processing ID or version is not supported.
    case applicationReject = "AR"
    /// Commit accept (enhanced mode).
    case commitAccept = "CA"
    /// Commit error (enhanced mode).
    case commitError = "CE"
    /// Commit reject (enhanced mode).
    case commitReject = "CR"
}

/// An error condition code (HL7 table 0357), ERR-3 (2.5+) or ELD.4 (2.3, 2.4).
public enum HL7v2ErrorCode: String, Sendable, Hashable, CaseIterable {
    /// 0: Message accepted.
    case messageAccepted = "0"
    /// 100: Segment sequence error.
    case segmentSequenceError = "100"
    /// 101: Required field missing.
    case requiredFieldMissing = "101"
    /// 102: Data type error.
    case dataTypeError = "102"
    /// 103: Table value not found.
    case tableValueNotFound = "103"
    /// 104: Value too long.
    case valueTooLong = "104"
    /// 198: Non-conformant cardinality.
    case nonConformantCardinality = "198"
    /// 199: Other HL7 error.
    case otherHL7Error = "199"
    /// 200: Unsupported message type.
    case unsupportedMessageType = "200"
    /// 201: Unsupported event code.
    case unsupportedEventCode = "201"
    /// 202: Unsupported processing id.
    case unsupportedProcessingID = "202"
    /// 203: Unsupported version id.
    case unsupportedVersionID = "203"
    /// 204: Unknown key identifier.
    case unknownKeyIdentifier = "204"
    /// 205: Duplicate key identifier.
    case duplicateKeyIdentifier = "205"
    /// 206: Application record locked.
    case applicationRecordLocked = "206"
    /// 207: Application error.
    case applicationError = "207"

    /// The display text of table 0357.
    public var display: String {
        switch self {
        case .messageAccepted: return "Message accepted"
        case .segmentSequenceError: return "Segment sequence error"
        case .requiredFieldMissing: return "Required field missing"
        case .dataTypeError: return "Data type error"
        case .tableValueNotFound: return "Table value not found"
        case .valueTooLong: return "Value too long"
        case .nonConformantCardinality: return "Non-Conformant Cardinality"
        case .otherHL7Error: return "Other HL7 Error"
        case .unsupportedMessageType: return "Unsupported message type"
        case .unsupportedEventCode: return "Unsupported event code"
        case .unsupportedProcessingID: return "Unsupported processing id"
        case .unsupportedVersionID: return "Unsupported version id"
        case .unknownKeyIdentifier: return "Unknown key identifier"
        case .duplicateKeyIdentifier: return "Duplicate key identifier"
        case .applicationRecordLocked: return "Application record locked"
        case .applicationError: return "Application error"
        }
    }

    /// True for the codes that make an ACK a reject (AR): 200 to 203, what the receiver does not support.
    public var rejects: Bool { (200...203).contains(Int(rawValue) ?? 0) }
}

/// Error severity (HL7 table 0516), ERR-4.
public enum HL7v2ErrorSeverity: String, Sendable, Hashable, CaseIterable {
    /// E: Error.
    case error = "E"
    /// F: Fatal error.
    case fatal = "F"
    /// I: Information.
    case information = "I"
    /// W: Warning.
    case warning = "W"
}

/// One error reported in an ACK's ERR segment: where (segment, occurrence, field, repetition,
/// component, subcomponent), the table 0357 code, the severity and a text.
public struct HL7v2AckError: Sendable, Hashable {
    /// The segment ID, e.g. `PID`.
    public var segmentID: String?
    /// Which occurrence of the segment (from 1).
    public var occurrence: Int?
    /// The field number.
    public var field: Int?
    /// The repetition (from 1).
    public var repetition: Int?
    /// The component.
    public var component: Int?
    /// The subcomponent.
    public var subcomponent: Int?
    /// The HL7 error code.
    public var code: HL7v2ErrorCode
    /// The severity.
    public var severity: HL7v2ErrorSeverity
    /// What is wrong, for a person (ERR-8 in 2.5+; in 2.3/2.4 it goes to MSA-3).
    public var text: String?

    /// An error at a path (`PID-3[1].1`), or at no place.
    public init(_ code: HL7v2ErrorCode, at path: HL7v2Path? = nil, severity: HL7v2ErrorSeverity = .error, text: String? = nil) {
        self.segmentID = path?.segment
        self.occurrence = path.map(\.occurrence)
        self.field = path?.field
        self.repetition = path?.repetition
        self.component = path?.component
        self.subcomponent = path?.subcomponent
        self.code = code
        self.severity = severity
        self.text = text
    }

    /// The ACK error for a reader's finding: unsupported version → 203, a missing MSH field → 101
    /// (MSH-9 → 200), anything else → 100 (segment sequence) for structure problems.
    public init(_ issue: HL7v2Issue) {
        let code: HL7v2ErrorCode
        switch issue.rule {
        case .unsupportedVersion: code = .unsupportedVersionID
        case .mshRequired: code = issue.location.field == 9 ? .unsupportedMessageType : .requiredFieldMissing
        case .charset: code = .dataTypeError
        default: code = .segmentSequenceError
        }
        let severity: HL7v2ErrorSeverity = issue.severity == .fatal ? .fatal : issue.severity == .error ? .error
            : issue.severity == .warning ? .warning : .information
        self.init(code, severity: severity, text: issue.message)
        segmentID = issue.location.segmentID
        occurrence = issue.location.segmentID == nil ? nil : 1
        field = issue.location.field
    }
}

/// Builds the acknowledgement of a message: `MSH MSA [ERR…]` in the message's own version,
/// delimiters and character set.
///
/// - MSH: sending and receiving application and facility swapped (MSH-3/4 ↔ MSH-5/6), MSH-7 the
///   time given, MSH-9 `ACK^<trigger>^ACK` (`ACK^<trigger>` in 2.3, whose MSG has two
///   components), MSH-10 its own control ID, MSH-11, MSH-12 and MSH-18 copied.
/// - MSA: MSA-1 the code, MSA-2 the acknowledged message's MSH-10, MSA-3 a text (2.3 and 2.4:
///   the first error's text).
/// - ERR, one per error: in 2.5 and later ERR-2 (ERL `segment^occurrence^field^repetition^component^subcomponent`),
///   ERR-3 (`code^text^HL70357`), ERR-4 (severity), ERR-8 (text); in 2.3 and 2.4 one ERR whose
///   ERR-1 (ELD `segment^occurrence^field^code&text&HL70357`) repeats once per error.
public struct HL7v2Acknowledger: Sendable {
    /// The time written in MSH-7.
    public var time: Date

    /// An acknowledger stamping MSH-7 with `time` (UTC, `YYYYMMDDHHMMSS+0000`).
    public init(time: Date = Date()) { self.time = time }

    /// The code an ACK carries for these errors: AA without errors (warnings and information do not
    /// count), AR when one is 200–203 (unsupported), AE otherwise.
    public static func code(for errors: [HL7v2AckError]) -> HL7v2AckCode {
        let real = errors.filter { $0.severity == .error || $0.severity == .fatal }
        if real.isEmpty { return .applicationAccept }
        return real.contains { $0.code.rejects } ? .applicationReject : .applicationError
    }

    /// The ACK of a message. Without `errors`, the reader's own findings of the message are
    /// reported (``HL7v2AckError/init(_:)``). `controlID` defaults to `ACK` + the message's MSH-10.
    public func acknowledgement(of message: HL7v2Message, errors: [HL7v2AckError]? = nil, code: HL7v2AckCode? = nil,
                                text: String? = nil, controlID: String? = nil) -> HL7v2Message {
        let errors = errors ?? message.issues.map(HL7v2AckError.init)
        let code = code ?? Self.code(for: errors)
        let d = message.delimiters
        var ack = HL7v2Message(delimiters: d, charset: message.charset)
        ack.index = message.index
        let original = message.segment("MSH") ?? HL7v2Segment("MSH")
        func copy(_ from: Int, _ to: Int) {
            if let raw = original.rawField(from), !raw.isEmpty { ack.setRaw(raw, at: HL7v2Path(segment: "MSH", field: to)) }
        }
        copy(5, 3); copy(6, 4); copy(3, 5); copy(4, 6)
        // Every value below is escaped with the message's delimiters; without an escape character a
        // value holding a delimiter cannot be sent, and is left out rather than corrupting the ACK.
        func set(_ value: String?, _ path: HL7v2Path) { try? ack.setValue(value, at: path) }
        set(Self.timestamp(time), "MSH-7")
        let version = message.version ?? ""
        set("ACK", "MSH-9.1")
        if let trigger = message.triggerEvent { set(trigger, "MSH-9.2") }
        if version != "2.3" { set("ACK", "MSH-9.3") }
        set(controlID ?? String(("ACK" + (message.controlID ?? "")).prefix(20)), "MSH-10")
        copy(11, 11); copy(12, 12); copy(18, 18)

        // 2.5 moved the error to ERR-2/3/4; before it (and for an unknown version) ERR-1 holds it.
        let numbers = version.split(separator: ".").map { Int($0) ?? 0 }
        let modern = numbers.count >= 2 && (numbers[0] > 2 || numbers[1] >= 5)
        set(code.rawValue, "MSA-1")
        if let raw = original.rawField(10) { ack.setRaw(raw, at: "MSA-2") }
        if let text = text ?? (modern ? nil : errors.first?.text) { set(text, "MSA-3") }

        if modern {
            // 2.5 and later: one ERR per error (the ACK structure repeats ERR).
            for (i, error) in errors.enumerated() {
                func at(_ field: Int, _ component: Int? = nil) -> HL7v2Path {
                    HL7v2Path(segment: "ERR", occurrence: i + 1, field: field, component: component)
                }
                ack.appendSegment("ERR")
                if let segment = error.segmentID {
                    set(segment, at(2, 1))
                    set(String(error.occurrence ?? 1), at(2, 2))
                    if let f = error.field { set(String(f), at(2, 3)) }
                    if let r = error.repetition ?? error.field.map({ _ in 1 }) { set(String(r), at(2, 4)) }
                    if let c = error.component { set(String(c), at(2, 5)) }
                    if let s = error.subcomponent { set(String(s), at(2, 6)) }
                }
                set(error.code.rawValue, at(3, 1))
                set(error.code.display, at(3, 2))
                set("HL70357", at(3, 3))
                set(error.severity.rawValue, at(4))
                if let text = error.text { set(text, at(8)) }
            }
        } else if !errors.isEmpty {
            // 2.3 and 2.4: the ACK holds one ERR, whose ERR-1 (ELD) repeats once per error.
            ack.appendSegment("ERR")
            for (i, error) in errors.enumerated() {
                func at(_ component: Int, _ sub: Int? = nil) -> HL7v2Path {
                    HL7v2Path(segment: "ERR", field: 1, repetition: i + 1, component: component, subcomponent: sub)
                }
                if let segment = error.segmentID {
                    set(segment, at(1))
                    set(String(error.occurrence ?? 1), at(2))
                    if let f = error.field { set(String(f), at(3)) }
                }
                set(error.code.rawValue, at(4, 1))
                set(error.code.display, at(4, 2))
                set("HL70357", at(4, 3))
            }
        }
        return ack
    }

    /// `YYYYMMDDHHMMSS+0000` in UTC.
    static func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ n: Int?) -> String { let v = n ?? 0; return v < 10 ? "0\(v)" : "\(v)" }
        return "\(c.year ?? 0)\(two(c.month))\(two(c.day))\(two(c.hour))\(two(c.minute))\(two(c.second))+0000"
    }
}
