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
public struct JSONLinesReportWriter: ValidationReportWriter {
    /// A JSON lines writer.
    public init() {}

    public func write(_ run: ValidationRun) throws -> [UInt8] {
        var out: [UInt8] = []
        for message in run.messages {
            for issue in message.issues { Self.appendLine(issue, in: message, to: &out) }
        }
        return out
    }

    /// One issue's line, written straight as bytes: the same text as ``object(_:in:)`` rendered
    /// compactly (a test compares the two), without building the tree for every issue.
    static func appendLine(_ issue: Issue, in message: MessageReport, to out: inout [UInt8]) {
        func key(_ name: StaticString, first: Bool = false) {
            if !first { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }
        func string(_ value: String?) {
            if let value { JSONString.append(value, to: &out) } else { out.append(contentsOf: Array("null".utf8)) }
        }
        func int(_ value: Int?) {
            if let value { out.append(contentsOf: Array(String(value).utf8)) } else { out.append(contentsOf: Array("null".utf8)) }
        }
        out.append(UInt8(ascii: "{"))
        key("file", first: true); string(issue.file ?? message.file)
        key("messageIndex"); int(issue.messageIndex ?? message.index)
        key("resourceType"); string(message.resourceType)
        key("resourceId"); string(message.id)
        key("severity"); string(issue.severity.rawValue)
        key("type"); string(issue.type.rawValue)
        key("rule"); string(issue.rule)
        key("message"); string(issue.message)
        key("path"); string(issue.path)
        key("line"); int(issue.position.map { Int($0.line) })
        key("column"); int(issue.position.map { Int($0.column) })
        out.append(contentsOf: [UInt8(ascii: "}"), UInt8(ascii: "\n")])
    }

    static func object(_ issue: Issue, in message: MessageReport) -> JSONText {
        .object([
            ("file", .string(issue.file ?? message.file)),
            ("messageIndex", .int(issue.messageIndex ?? message.index)),
            ("resourceType", .optional(message.resourceType)),
            ("resourceId", .optional(message.id)),
            ("severity", .string(issue.severity.rawValue)),
            ("type", .string(issue.type.rawValue)),
            ("rule", .string(issue.rule)),
            ("message", .string(issue.message)),
            ("path", .optional(issue.path)),
            ("line", issue.position.map { .int(Int($0.line)) } ?? .null),
            ("column", issue.position.map { .int(Int($0.column)) } ?? .null),
        ])
    }
}
