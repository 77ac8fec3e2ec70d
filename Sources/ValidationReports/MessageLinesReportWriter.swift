import FHIRModel

/// The message-lines report: one JSON object per message, one per line (NDJSON), in input order,
/// clean messages included, so that a pipeline gets exactly one verdict line for each message it
/// sends (`dch validate --format messages` under Spark's `RDD.pipe`, `xargs`, `parallel`).
///
/// Every object has the same members, in this order, with `null` for what is not known: `file`,
/// `messageIndex`, `resourceType`, `resourceId` (of the message's root resource), `passed`
/// (false when the message fails under `--fail-on`), `errors` (fatal ones included), `warnings`,
/// `information`, and `issues`: each issue as in ``JSONLinesReportWriter`` without the members the
/// message already gives (`severity`, `type`, `rule`, `message`, `path`, `line`, `column`).
///
/// ```json
/// {"file":"m.ndjson","messageIndex":1,"resourceType":"Bundle","resourceId":"b1","passed":false,"errors":1,"warnings":0,"information":0,"issues":[{"severity":"error","type":"structure","rule":"struct.unknown-element","message":"…","path":"Bundle.x","line":2,"column":40}]}
/// ```
public struct MessageLinesReportWriter: StreamingReportWriter {
    /// The least severity that fails a message.
    public let threshold: FailureThreshold

    /// A message-lines writer; `threshold` decides `passed`.
    public init(threshold: FailureThreshold = .error) {
        self.threshold = threshold
    }

    public func lines(for message: MessageReport, soleInInput: Bool) -> [UInt8] {
        var out: [UInt8] = []
        JSONText.object([
            ("file", .string(message.file)),
            ("messageIndex", .int(message.index)),
            ("resourceType", .optional(message.resourceType)),
            ("resourceId", .optional(message.id)),
            ("passed", .bool(!message.fails(threshold))),
            ("errors", .int(message.errorCount)),
            ("warnings", .int(message.warningCount)),
            ("information", .int(message.informationCount)),
            ("issues", .array(message.issues.map { .object(JSONLinesReportWriter.members(of: $0)) })),
        ]).write(to: &out, pretty: false)
        out.append(0x0A)
        return out
    }

    public func ending(_ totals: RunTotals) -> [UInt8] { [] }
}
