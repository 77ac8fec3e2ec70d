import Foundation
import FHIRModel
import FHIRConversion
import FHIRValidation
import ValidationReports

/// Reads and validates the messages of one input for `dch validate`.
struct MessageChecker {
    let converter: Converter
    let validator: Validator
    /// Layer 0 (`--xsd`): applied to XML messages; nil when no schema was given.
    var schema: XMLSchemaValidator? = nil
    /// How many more messages with issues keep their text in their report, for formats that show
    /// it (HTML); counted down as they are found, so a huge input never holds more than that.
    var sourcesToKeep = 0

    /// One report per message of `data`: one message, or one per line when it is NDJSON.
    mutating func check(_ data: Data, file: String) -> [MessageReport] {
        guard let lines = ndjsonLines(data) else {
            return [keepingSource(check(data, file: file, index: 0, line: nil), data, line: nil)]
        }
        var reports: [MessageReport] = []
        for (index, line) in lines.enumerated() {
            let report = check(line.bytes, file: file, index: index, line: line.number)
            reports.append(keepingSource(report, line.bytes, line: line.number))
        }
        return reports
    }

    /// The report with the message's text when it has issues and sources are still kept.
    private mutating func keepingSource(_ report: MessageReport, _ data: Data, line: Int?) -> MessageReport {
        guard sourcesToKeep > 0, !report.issues.isEmpty else { return report }
        sourcesToKeep -= 1
        var report = report
        // An NDJSON message is its line; check(_:file:index:line:) already made its issues' lines the file's.
        report.source = MessageSource(bytes: data, firstLine: line ?? 1)
        return report
    }

    /// A message read with the converter and validated. Reading problems are its issues; every
    /// issue gets the file and index, and for an NDJSON line, the line's number in the file.
    func check(_ data: Data, file: String, index: Int, line: Int?) -> MessageReport {
        var report = MessageReport(file: file, index: index)
        do {
            let (decoded, format) = try converter.read(data)
            report.resourceType = decoded.root.resourceType
            report.id = decoded.root.child("id")?.value
            report.issues = decoded.issues + schemaIssues(data, format: format)
                + validator.validate(decoded.root, syntax: format)
        } catch let error as IssuesError {
            report.issues = error.issues
        } catch {
            report.issues = [Issue(.fatal, .processing, rule: "io.read", "cannot read: \(error.localizedDescription)")]
        }
        place(&report.issues, file: file, index: index, line: line)
        return report
    }

    /// Layer 0: the XML Schema's issues for an XML message; one information issue for a JSON one.
    func schemaIssues(_ data: Data, format: MessageFormat) -> [Issue] {
        guard let schema else { return [] }
        guard format == .xml else {
            return [Issue(.information, .informational, rule: "xsd.not-applicable",
                          "not checked against the XML Schema (--xsd): the message is JSON")]
        }
        return data.withUnsafeBytes { schema.validate($0) }
    }
}
