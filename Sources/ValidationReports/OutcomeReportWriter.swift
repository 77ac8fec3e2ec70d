import FHIRModel
import FHIRConversion

/// The OperationOutcome report: the whole run as one FHIR STU3 `OperationOutcome`, in JSON or XML.
///
/// The resource is built as an element tree and written by the `Converter` (FHIRConversion), so it
/// is valid FHIR by construction (the writer rejects anything the definitions do not allow). One
/// `issue` per `Issue`, in input order:
/// - `severity` and `code`: the issue's severity and OperationOutcome IssueType, as they are;
/// - `details.text`: the message; `diagnostics`: the rule id;
/// - `expression`: the FHIRPath location, when known;
/// - `location`: the FHIRPath location too (as the HL7 validator does), then where the message came
///   from: `file#index line L, col C` (`file#index` when no position is known).
///
/// STU3 needs at least one issue: a run without issues gives one `information` / `informational`
/// issue saying how many messages were checked. No extensions, no narrative. Characters a FHIR
/// string cannot hold (control characters) are replaced by U+FFFD.
public struct OutcomeReportWriter: ValidationReportWriter {
    /// Writes the resource (its pack must define OperationOutcome; the shipped one does).
    public let converter: Converter
    /// JSON or XML.
    public var format: MessageFormat
    /// Indented (the default) or compact output.
    public var pretty: Bool

    /// A writer of OperationOutcome reports in `format`.
    public init(converter: Converter, format: MessageFormat = .json, pretty: Bool = true) {
        self.converter = converter
        self.format = format
        self.pretty = pretty
    }

    public func write(_ run: ValidationRun) throws -> [UInt8] {
        var bytes = try converter.write(Self.outcome(run), format: format, pretty: pretty).bytes
        if bytes.last != 0x0A { bytes.append(0x0A) }
        return bytes
    }

    /// The run as an OperationOutcome element tree.
    public static func outcome(_ run: ValidationRun) -> Element {
        var issues: [Element] = []
        for message in run.messages {
            for issue in message.issues { issues.append(entry(issue, in: message)) }
        }
        if issues.isEmpty {
            issues.append(Element(name: "issue", children: [
                primitive("severity", Severity.information.rawValue),
                primitive("code", IssueType.informational.rawValue),
                Element(name: "details", children: [
                    primitive("text", "No issues found in \(plural(run.messages.count, "message"))"),
                ]),
            ]))
        }
        return Element(name: "OperationOutcome", resourceType: "OperationOutcome", children: issues)
    }

    static func entry(_ issue: Issue, in message: MessageReport) -> Element {
        var source = "\(issue.file ?? message.file)#\(issue.messageIndex ?? message.index)"
        if let p = issue.position { source += " line \(p.line), col \(p.column)" }
        var children = [
            primitive("severity", issue.severity.rawValue),
            primitive("code", issue.type.rawValue),
            Element(name: "details", children: [primitive("text", issue.message)]),
            primitive("diagnostics", issue.rule),
        ]
        if let path = issue.path { children.append(primitive("location", path)) }
        children.append(primitive("location", source))
        if let path = issue.path { children.append(primitive("expression", path)) }
        return Element(name: "issue", children: children)
    }

    static func primitive(_ name: String, _ value: String) -> Element {
        Element(name: name, value: fhirString(value), valueKind: .string)
    }

    /// A value a FHIR string can carry: characters XML 1.0 cannot (C0 controls but tab, LF, CR;
    /// U+FFFE, U+FFFF) become U+FFFD, and an empty value becomes `?` (FHIR has no empty strings).
    static func fhirString(_ value: String) -> String {
        if value.isEmpty { return "?" }
        guard value.unicodeScalars.contains(where: isForbidden) else { return value }
        return String(String.UnicodeScalarView(value.unicodeScalars.map { isForbidden($0) ? "\u{FFFD}" : $0 }))
    }

    private static func isForbidden(_ s: Unicode.Scalar) -> Bool {
        (s.value < 0x20 && s != "\t" && s != "\n" && s != "\r") || s.value == 0xFFFE || s.value == 0xFFFF
    }
}
