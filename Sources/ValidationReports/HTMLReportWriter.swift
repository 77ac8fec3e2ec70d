import FHIRModel

/// The HTML report: one self-contained UTF-8 page to open in a browser.
///
/// The page has a summary (messages, valid and invalid ones, issue counts per severity and per
/// rule), a table of every issue (severity, rule, message, FHIRPath location, file, message index,
/// line:column) and, for each message with issues, its source with line numbers, the lines that
/// carry issues marked in the colour of their worst severity and the issues written under them.
/// Each table row links to its marked line.
///
/// The page loads nothing: CSS and JavaScript are inline and a Content-Security-Policy forbids any
/// other source. It reads fine with JavaScript off; the script only adds the table's filters
/// (severity, rule, free text), which can also be preset from the address:
/// `report.html?severity=error,fatal&rule=value.date&q=birthDate`.
///
/// Everything that comes from an input is escaped. A large run stays a usable page because what
/// is shown is capped (see ``Limits``), with a visible note wherever something was left out; the
/// counts always cover the whole run. Sources appear only for messages that carry a
/// ``MessageReport/source``. The same run gives the same bytes.
public struct HTMLReportWriter: ValidationReportWriter {
    /// Caps on what the page shows.
    public struct Limits: Sendable, Hashable {
        /// Rows of the issue table.
        public var issueRows: Int
        /// Messages with issues that get a section (with their source when they have one).
        public var messages: Int
        /// Bytes of source text shown over the whole page.
        public var sourceBytes: Int
        /// Lines shown above and below an issue's line when a source is cut to excerpts.
        public var contextLines: Int
        /// Issues written under the lines of one message's source.
        public var notesPerMessage: Int

        /// Caps; the defaults keep a page of a million-message run at a few megabytes.
        public init(issueRows: Int = 5_000, messages: Int = 200, sourceBytes: Int = 2_000_000,
                    contextLines: Int = 3, notesPerMessage: Int = 200) {
            self.issueRows = issueRows
            self.messages = messages
            self.sourceBytes = sourceBytes
            self.contextLines = contextLines
            self.notesPerMessage = notesPerMessage
        }
    }

    /// The least severity that makes a message invalid.
    public var threshold: FailureThreshold
    /// Caps on what is shown.
    public var limits: Limits

    /// An HTML writer.
    public init(threshold: FailureThreshold = .error, limits: Limits = Limits()) {
        self.threshold = threshold
        self.limits = limits
    }

    public func write(_ run: ValidationRun) throws -> [UInt8] {
        let plan = HTMLSourcePlan(run, limits: limits)
        var out = ""
        out += """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="Content-Security-Policy" content="\(HTMLPageAssets.contentSecurityPolicy)">
            <meta name="generator" content="dch validate">
            <title>dch validate: \(HTMLText.escaped(run.summary))</title>
            <style>\(HTMLPageAssets.style)</style>
            <script>\(HTMLPageAssets.errorTrap)</script>
            </head>
            <body>
            <header><h1>dch validation report</h1>\(verdict(run))</header>
            <main>

            """
        summary(run, into: &out)
        table(run, plan: plan, into: &out)
        sections(run, plan: plan, into: &out)
        out += "</main>\n<script>\(HTMLPageAssets.filterScript)</script>\n</body>\n</html>\n"
        return Array(out.utf8)
    }

    /// Severities in the order the page lists them.
    static let severities: [Severity] = [.fatal, .error, .warning, .information]

    private func invalidCount(_ run: ValidationRun) -> Int {
        run.messages.filter { $0.fails(threshold) }.count
    }

    private func verdict(_ run: ValidationRun) -> String {
        let invalid = invalidCount(run)
        let n = run.messages.count
        if invalid == 0 {
            return "<p class=\"verdict pass\">\(n == 1 ? "The message is" : "All \(HTMLText.grouped(n)) messages are") valid.</p>"
        }
        return "<p class=\"verdict fail\">\(HTMLText.grouped(invalid)) of \(HTMLText.grouped(n)) message\(n == 1 ? "" : "s") "
            + "\(invalid == 1 ? "is" : "are") invalid (with \(threshold == .error ? "errors" : "errors or warnings")).</p>"
    }

    private func summary(_ run: ValidationRun, into out: inout String) {
        let invalid = invalidCount(run)
        let counts: [(String, String, Int)] = [
            ("messages", "Messages", run.messages.count), ("valid", "Valid", run.messages.count - invalid),
            ("invalid", "Invalid", invalid), ("s-error", "Errors", run.errorCount),
            ("s-warning", "Warnings", run.warningCount), ("s-information", "Information", run.informationCount),
        ]
        out += "<section id=\"summary\">\n<h2>Summary</h2>\n<dl class=\"counts\">\n"
        for (cls, name, n) in counts {
            out += "<div class=\"\(cls)\"><dt>\(name)</dt><dd>\(HTMLText.grouped(n))</dd></div>\n"
        }
        out += "</dl>\n"
        let rules = Self.ruleCounts(run)
        guard !rules.isEmpty else {
            out += "<p>No issues.</p>\n</section>\n"
            return
        }
        out += "<table class=\"rules\">\n<caption>Issues per rule</caption>\n"
            + "<thead><tr><th>Rule</th><th>Worst severity</th><th>Issues</th><th>Messages</th></tr></thead>\n<tbody>\n"
        for r in rules {
            out += "<tr class=\"s-\(r.worst.rawValue)\"><td><code>\(HTMLText.escaped(r.rule))</code></td>"
                + "<td class=\"sev\">\(r.worst.rawValue)</td><td class=\"num\">\(HTMLText.grouped(r.issues))</td>"
                + "<td class=\"num\">\(HTMLText.grouped(r.messages))</td></tr>\n"
        }
        out += "</tbody>\n</table>\n</section>\n"
    }

    /// Per rule id, sorted: its worst severity, its issues and the messages it occurs in.
    static func ruleCounts(_ run: ValidationRun) -> [(rule: String, worst: Severity, issues: Int, messages: Int)] {
        var worst: [String: Severity] = [:], issues: [String: Int] = [:], messages: [String: Int] = [:]
        for message in run.messages {
            var seen: Set<String> = []
            for issue in message.issues {
                worst[issue.rule] = max(worst[issue.rule] ?? issue.severity, issue.severity)
                issues[issue.rule, default: 0] += 1
                if seen.insert(issue.rule).inserted { messages[issue.rule, default: 0] += 1 }
            }
        }
        return worst.keys.sorted().map { ($0, worst[$0]!, issues[$0]!, messages[$0]!) }
    }

    private func table(_ run: ValidationRun, plan: HTMLSourcePlan, into out: inout String) {
        let total = run.messages.reduce(0) { $0 + $1.issues.count }
        out += "<section id=\"issues\">\n<h2>Issues</h2>\n"
        guard total > 0 else {
            out += "<p>No issues.</p>\n</section>\n"
            return
        }
        filterForm(run, into: &out)
        if total > limits.issueRows {
            out += "<p class=\"cap\">The table shows the first \(HTMLText.grouped(limits.issueRows)) of "
                + "\(HTMLText.grouped(total)) issues; <code>dch validate --format json</code> lists them all.</p>\n"
        }
        out += "<table id=\"issue-table\">\n<thead><tr><th>Severity</th><th>Rule</th><th>Message</th><th>Location</th>"
            + "<th>File</th><th>Index</th><th>Line:col</th></tr></thead>\n<tbody>\n"
        var number = 0
        rows: for (position, message) in run.messages.enumerated() {
            let section = plan.section(position)
            for issue in message.issues {
                guard number < limits.issueRows else { break rows }
                row(issue, number: number, message: message, section: section, into: &out)
                number += 1
            }
        }
        out += "</tbody>\n</table>\n</section>\n"
    }

    private func filterForm(_ run: ValidationRun, into out: inout String) {
        out += "<form id=\"filter\" class=\"filter\" hidden>\n<fieldset><legend>Severity</legend>"
        for s in Self.severities {
            out += "<label><input type=\"checkbox\" name=\"sev\" value=\"\(s.rawValue)\" checked> \(s.rawValue)</label>"
        }
        out += "</fieldset>\n<label>Rule <select id=\"f-rule\"><option value=\"\">all rules</option>"
        for r in Self.ruleCounts(run) {
            let rule = HTMLText.escaped(r.rule)
            out += "<option value=\"\(rule)\">\(rule) (\(HTMLText.grouped(r.issues)))</option>"
        }
        out += "</select></label>\n<label>Text <input id=\"f-text\" type=\"search\" placeholder=\"message, path, file…\"></label>\n"
            + "<output id=\"f-count\"></output>\n</form>\n"
    }

    private func row(_ issue: Issue, number: Int, message: MessageReport, section: HTMLSourcePlan.Section?,
                     into out: inout String) {
        let severity = issue.severity.rawValue
        out += "<tr id=\"i\(number)\" class=\"s-\(severity)\" data-sev=\"\(severity)\"\(HTMLText.attribute("data-rule", issue.rule))>"
            + "<td class=\"sev\">\(severity)</td><td><code>\(HTMLText.breakable(issue.rule))</code></td>"
            + "<td>\(HTMLText.escaped(issue.message))</td>"
            + "<td>\(issue.path.map { "<code>\(HTMLText.breakable($0))</code>" } ?? "")</td>"
            + "<td>\(HTMLText.breakable(issue.file ?? message.file))</td>"
            + "<td class=\"num\">#\(issue.messageIndex ?? message.index)</td><td class=\"num\">"
        let place = issue.position.map { "\($0.line):\($0.column)" } ?? "–"
        if let target = issue.position.flatMap({ section?.anchor(line: Int($0.line)) }) ?? section?.anchor {
            out += "<a href=\"#\(target)\">\(place)</a>"
        } else {
            out += place
        }
        out += "</td></tr>\n"
    }
}
