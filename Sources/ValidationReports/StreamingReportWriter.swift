import FHIRModel

/// A report written message by message while validation goes on, so that a run over millions of
/// messages keeps none of their reports and a pipeline reading the report sees each message's
/// lines as soon as it is checked.
///
/// The text, JSON and message-lines formats stream; the others (OperationOutcome, JUnit, SARIF,
/// HTML) are single documents that need the whole run. Messages must be given in input order,
/// each input's messages together.
public protocol StreamingReportWriter: ValidationReportWriter {
    /// The lines of one message's report; `soleInInput` is true when its input holds no other
    /// message.
    func lines(for message: MessageReport, soleInInput: Bool) -> [UInt8]
    /// What ends the report, given the run's totals.
    func ending(_ totals: RunTotals) -> [UInt8]
}

extension StreamingReportWriter {
    /// The whole report of a run: each message's lines, then the ending.
    public func write(_ run: ValidationRun) throws -> [UInt8] {
        var out: [UInt8] = []
        var totals = RunTotals()
        for (_, messages) in run.files {
            for message in messages {
                out += lines(for: message, soleInInput: messages.count == 1)
                totals.add(message)
            }
        }
        return out + ending(totals)
    }
}

/// How many messages and issues of each severity a run has had so far.
public struct RunTotals: Sendable, Hashable {
    /// Messages.
    public private(set) var messages = 0
    /// Errors, fatal ones included.
    public private(set) var errors = 0
    /// Warnings.
    public private(set) var warnings = 0
    /// Information issues.
    public private(set) var information = 0
    /// Messages that fail under `--fail-on error`, and under `--fail-on warning`.
    private var failingOnError = 0, failingOnWarning = 0

    /// No messages yet.
    public init() {}

    /// Totals of a whole run.
    public init(_ run: ValidationRun) {
        run.messages.forEach { add($0) }
    }

    /// Counts one more message.
    public mutating func add(_ message: MessageReport) {
        messages += 1
        for issue in message.issues {
            switch issue.severity {
            case .fatal, .error: errors += 1
            case .warning: warnings += 1
            case .information: information += 1
            }
        }
        if message.fails(.error) { failingOnError += 1 }
        if message.fails(.warning) { failingOnWarning += 1 }
    }

    /// True when any message fails under `threshold`.
    public func fails(_ threshold: FailureThreshold) -> Bool {
        (threshold == .error ? failingOnError : failingOnWarning) > 0
    }

    /// The summary line: `3 messages, 2 errors, 1 warning, 0 information`.
    public var summary: String {
        "\(plural(messages, "message")), \(plural(errors, "error")), "
            + "\(plural(warnings, "warning")), \(information) information"
    }

}
