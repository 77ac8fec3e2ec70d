import FHIRModel

/// The JSON report: one JSON object per issue, one per line (NDJSON), in input order.
///
/// Every object has the same members, in this order, with `null` for what is not known:
/// `file`, `messageIndex`, `resourceType`, `resourceId` (of the message's root resource),
/// `severity`, `type` (OperationOutcome IssueType code), `rule`, `message`, `path`, `line`, `column`.
///
/// ```json
/// {"file":"a.xml","messageIndex":0,"resourceType":"Patient","resourceId":"p1","severity":"error","type":"structure","rule":"struct.unknown-element","message":"…","path":"Patient.x","line":3,"column":5}
/// ```
///
/// A run without issues gives an empty report.
public struct JSONLinesReportWriter: StreamingReportWriter {
    /// A JSON lines writer.
    public init() {}

    public func lines(for message: MessageReport, soleInInput: Bool) -> [UInt8] {
        var out: [UInt8] = []
        for issue in message.issues {
            Self.object(issue, in: message).write(to: &out, pretty: false)
            out.append(0x0A)
        }
        return out
    }

    public func ending(_ totals: RunTotals) -> [UInt8] { [] }

    static func object(_ issue: Issue, in message: MessageReport) -> JSONText {
        .object([
            ("file", .string(issue.file ?? message.file)),
            ("messageIndex", .int(issue.messageIndex ?? message.index)),
            ("resourceType", .optional(message.resourceType)),
            ("resourceId", .optional(message.id)),
        ] + members(of: issue))
    }

    /// An issue's own members, in the report's order: `severity`, `type`, `rule`, `message`,
    /// `path`, `line`, `column`.
    static func members(of issue: Issue) -> [(String, JSONText)] {
        [
            ("severity", .string(issue.severity.rawValue)),
            ("type", .string(issue.type.rawValue)),
            ("rule", .string(issue.rule)),
            ("message", .string(issue.message)),
            ("path", .optional(issue.path)),
            ("line", issue.position.map { .int(Int($0.line)) } ?? .null),
            ("column", issue.position.map { .int(Int($0.column)) } ?? .null),
        ]
    }
}
