import FHIRModel

/// The JUnit XML report, for CI systems that show test results.
///
/// One `<testsuite>` per input file (in input order), one `<testcase>` per message, named
/// `file#index ResourceType/id`. A message that fails under ``threshold`` gets a `<failure>` whose
/// `type` is its worst severity, whose `message` counts its issues, and whose text lists every
/// issue in the text report's form; issues of a message that does not fail go to `<system-out>`.
/// No timestamps or durations, so the report is deterministic.
///
/// ```xml
/// <testsuites name="dch validate" tests="2" failures="1" errors="0">
///   <testsuite name="a.xml" tests="1" failures="1" errors="0" skipped="0">
///     <testcase classname="a.xml" name="a.xml#0 Patient/p1">
///       <failure type="error" message="1 error, 0 warnings">a.xml:3:5: error: [rule] … (Patient.x)</failure>
/// ```
public struct JUnitReportWriter: ValidationReportWriter {
    /// The least severity that makes a test case fail (`--fail-on`).
    public var threshold: FailureThreshold

    /// A JUnit writer; warnings fail a test case only with `threshold` `.warning`.
    public init(threshold: FailureThreshold = .error) {
        self.threshold = threshold
    }

    public func write(_ run: ValidationRun) throws -> [UInt8] {
        let failures = run.messages.filter { $0.fails(threshold) }.count
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites \(XMLText.attribute("name", "dch validate")) tests=\"\(run.messages.count)\" "
            + "failures=\"\(failures)\" errors=\"0\">\n"
        for (file, messages) in run.files {
            let failed = messages.filter { $0.fails(threshold) }.count
            out += "  <testsuite \(XMLText.attribute("name", file)) tests=\"\(messages.count)\" "
                + "failures=\"\(failed)\" errors=\"0\" skipped=\"0\">\n"
            for message in messages { out += testCase(message) }
            out += "  </testsuite>\n"
        }
        out += "</testsuites>\n"
        return Array(out.utf8)
    }

    private func testCase(_ message: MessageReport) -> String {
        var out = "    <testcase \(XMLText.attribute("classname", message.file)) \(XMLText.attribute("name", message.label))"
        guard !message.issues.isEmpty else { return out + "/>\n" }
        out += ">\n"
        let listing = message.issues.map { TextReportWriter.line($0, file: message.file) }.joined(separator: "\n")
        if message.fails(threshold) {
            let counts = "\(plural(message.errorCount, "error")), \(plural(message.warningCount, "warning"))"
            out += "      <failure \(XMLText.attribute("type", message.worstSeverity!.rawValue)) "
                + "\(XMLText.attribute("message", counts))>"
                + XMLText.escaped(listing, attribute: false) + "</failure>\n"
        } else {
            out += "      <system-out>" + XMLText.escaped(listing, attribute: false) + "</system-out>\n"
        }
        return out + "    </testcase>\n"
    }
}
