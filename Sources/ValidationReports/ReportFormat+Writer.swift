import FHIRModel
import FHIRConversion

/// Everything a report writer may need besides the run.
public struct ReportSettings: Sendable {
    /// Makes OperationOutcome reports (its pack must define OperationOutcome).
    public var converter: Converter
    /// JSON or XML, for ``ReportFormat/outcome``.
    public var outcomeFormat: MessageFormat
    /// The least severity that fails a message (JUnit failures).
    public var threshold: FailureThreshold
    /// The tool version written in SARIF.
    public var toolVersion: String
    /// The folder SARIF artifact URIs are relative to.
    public var baseDirectory: String?
    /// What the HTML report shows at most.
    public var htmlLimits: HTMLReportWriter.Limits
    /// What each rule checks, by rule id (SARIF rule descriptions); e.g. from `ValidationRules`.
    public var ruleSummaries: [String: String] = [:]

    /// Settings; only the converter and tool version have no default.
    public init(converter: Converter, toolVersion: String, outcomeFormat: MessageFormat = .json,
                threshold: FailureThreshold = .error, baseDirectory: String? = nil,
                htmlLimits: HTMLReportWriter.Limits = HTMLReportWriter.Limits()) {
        self.converter = converter
        self.outcomeFormat = outcomeFormat
        self.threshold = threshold
        self.toolVersion = toolVersion
        self.baseDirectory = baseDirectory
        self.htmlLimits = htmlLimits
    }
}

extension ReportFormat {
    /// True when the format shows the messages' text, so ``MessageReport/source`` is worth keeping.
    public var showsSources: Bool { self == .html }

    /// The writer of this format when it writes message by message (text, json, messages); nil
    /// for the formats that are one document over the whole run.
    public func streamingWriter(_ settings: ReportSettings) -> (any StreamingReportWriter)? {
        writer(settings) as? any StreamingReportWriter
    }

    /// The writer of this format.
    public func writer(_ settings: ReportSettings) -> any ValidationReportWriter {
        switch self {
        case .text: return TextReportWriter()
        case .json: return JSONLinesReportWriter()
        case .messages: return MessageLinesReportWriter(threshold: settings.threshold)
        case .outcome: return OutcomeReportWriter(converter: settings.converter, format: settings.outcomeFormat)
        case .junit: return JUnitReportWriter(threshold: settings.threshold)
        case .sarif: return SARIFReportWriter(toolVersion: settings.toolVersion, baseDirectory: settings.baseDirectory,
                                             ruleSummaries: settings.ruleSummaries)
        case .html: return HTMLReportWriter(threshold: settings.threshold, limits: settings.htmlLimits)
        }
    }
}
