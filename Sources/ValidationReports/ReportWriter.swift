import FHIRModel

/// Turns a ``ValidationRun`` into the bytes of one report format.
///
/// Every writer is deterministic: the same run gives the same bytes (no timestamps, no durations,
/// no dictionary order).
public protocol ValidationReportWriter: Sendable {
    /// The report, UTF-8.
    /// - Throws: `IssuesError` when the report cannot be built.
    func write(_ run: ValidationRun) throws -> [UInt8]
}

/// The report formats of `dch validate --format`.
public enum ReportFormat: String, Sendable, CaseIterable {
    /// Compiler-style lines and a summary (``TextReportWriter``).
    case text
    /// One JSON object per issue, one per line (``JSONLinesReportWriter``).
    case json
    /// One JSON object per message with its verdict and issues, one per line (``MessageLinesReportWriter``).
    case messages
    /// A FHIR STU3 OperationOutcome (``OutcomeReportWriter``).
    case outcome
    /// JUnit XML (``JUnitReportWriter``).
    case junit
    /// SARIF 2.1.0 (``SARIFReportWriter``).
    case sarif
    /// One self-contained HTML page (``HTMLReportWriter``); shows sources the messages carry.
    case html
}
