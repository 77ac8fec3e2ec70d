import FHIRModel

/// The per-message sections of the HTML report: source lines, marks and the issues under them.
extension HTMLReportWriter {
    func sections(_ run: ValidationRun, plan: HTMLSourcePlan, into out: inout String) {
        guard !plan.sections.isEmpty else { return }
        out += "<section id=\"messages\">\n<h2>Messages with issues</h2>\n"
        if plan.messagesLeftOut > 0 {
            out += "<p class=\"cap\">\(HTMLText.grouped(plan.messagesLeftOut)) more messages with issues are not shown "
                + "here (at most \(HTMLText.grouped(limits.messages)) are); their issues are counted above.</p>\n"
        }
        if plan.sourcesCut > 0 {
            out += "<p class=\"cap\">\(plan.sourcesCut == 1 ? "One source is" : "\(HTMLText.grouped(plan.sourcesCut)) sources are") "
                + "cut or left out: the page shows at most \(HTMLText.grouped(limits.sourceBytes)) bytes of source.</p>\n"
        }
        // The table numbers issues through the whole run: a note links to its row when there is one.
        var firstNumber: [Int] = []
        var n = 0
        for message in run.messages {
            firstNumber.append(n)
            n += message.issues.count
        }
        for section in plan.sections {
            self.section(section, firstIssue: firstNumber[section.position], into: &out)
        }
        out += "</section>\n"
    }

    private func section(_ s: HTMLSourcePlan.Section, firstIssue: Int, into out: inout String) {
        let m = s.message
        let counts = "\(plural(m.errorCount, "error")), \(plural(m.warningCount, "warning")), \(m.informationCount) information"
        out += "<article id=\"\(s.anchor)\" class=\"message s-\(m.worstSeverity?.rawValue ?? "none")\">\n"
            + "<h3>\(HTMLText.escaped(m.label)) <small>\(counts)</small></h3>\n"
        if let note = s.note { out += "<p class=\"cap\">\(note)</p>\n" }

        // Issues by shown line (index into `s.lines`); the others are listed before the source.
        var byLine: [Int: [Int]] = [:]
        var unplaced: [Int] = []
        for (k, issue) in m.issues.enumerated() {
            if let p = issue.position, s.anchor(line: Int(p.line)) != nil {
                byLine[Int(p.line) - s.firstLine, default: []].append(k)
            } else {
                unplaced.append(k)
            }
        }
        var notesLeft = limits.notesPerMessage
        if !unplaced.isEmpty {
            out += "<ul class=\"notes\">\n"
            for k in unplaced { note(m.issues[k], number: firstIssue + k, budget: &notesLeft, into: &out) }
            out += "</ul>\n"
        }
        if !s.shown.isEmpty {
            out += "<div class=\"source\">\n"
            var next = 0
            for range in s.shown {
                if range.lowerBound > next { gap(s, from: next, to: range.lowerBound - 1, into: &out) }
                for i in range {
                    line(s, index: i, issues: byLine[i] ?? [], firstIssue: firstIssue, notesLeft: &notesLeft, into: &out)
                }
                next = range.upperBound + 1
            }
            if next < s.lines.count { gap(s, from: next, to: s.lines.count - 1, into: &out) }
            out += "</div>\n"
        }
        let dropped = m.issues.count - min(m.issues.count, limits.notesPerMessage)
        if dropped > 0 {
            out += "<p class=\"cap\">Not written out here: \(plural(dropped, "more issue")) "
                + "(at most \(HTMLText.grouped(limits.notesPerMessage)) per message).</p>\n"
        }
        out += "</article>\n"
    }

    /// One source line: number (a link to itself), text; when issues are on it, marked in the colour
    /// of the worst one, the byte columns they point at underlined, and the issues under it.
    private func line(_ s: HTMLSourcePlan.Section, index: Int, issues: [Int], firstIssue: Int,
                      notesLeft: inout Int, into out: inout String) {
        let number = s.firstLine + index
        let anchor = "\(s.anchor)-L\(number)"
        let worst = issues.map { s.message.issues[$0].severity }.max()
        out += "<div class=\"l\(worst.map { " mark s-\($0.rawValue)" } ?? "")\" id=\"\(anchor)\">"
            + "<a class=\"n\" href=\"#\(anchor)\">\(number)</a><code>"
        let columns = Set(issues.compactMap { s.message.issues[$0].position.map { Int($0.column) } })
        Self.appendLine(s.lines[index], columns: columns, to: &out)
        out += "</code></div>\n"
        guard !issues.isEmpty else { return }
        out += "<ul class=\"notes\">\n"
        for k in issues { note(s.message.issues[k], number: firstIssue + k, budget: &notesLeft, into: &out) }
        out += "</ul>\n"
    }

    /// Lines left out of an excerpt.
    private func gap(_ s: HTMLSourcePlan.Section, from: Int, to: Int, into out: inout String) {
        let a = s.firstLine + from, b = s.firstLine + to
        out += "<div class=\"gap\">⋯ \(a == b ? "line \(a)" : "lines \(a)–\(b)") not shown</div>\n"
    }

    /// One issue as a list item linking back to its table row (when the table has it).
    private func note(_ issue: Issue, number: Int, budget: inout Int, into out: inout String) {
        guard budget > 0 else { return }
        budget -= 1
        let severity = issue.severity.rawValue
        let label = number < limits.issueRows ? "<a href=\"#i\(number)\">\(severity)</a>" : severity
        out += "<li class=\"s-\(severity)\"><span class=\"sev\">\(label)</span> "
            + "<code>[\(HTMLText.escaped(issue.rule))]</code> \(HTMLText.escaped(issue.message))"
        if let path = issue.path { out += " <code>(\(HTMLText.escaped(path)))</code>" }
        if let p = issue.position { out += " <span class=\"at\">\(p.line):\(p.column)</span>" }
        out += "</li>\n"
    }

    /// A line's text escaped, with the characters at the given 1-based UTF-8 byte columns wrapped in
    /// `<span class="c">`; a column past the end marks the line's end.
    static func appendLine(_ line: Substring, columns: Set<Int>, to out: inout String) {
        guard !columns.isEmpty else { return HTMLText.append(line, to: &out) }
        var column = 1
        for scalar in line.unicodeScalars {
            let width = UTF8.width(scalar)
            if (column..<column + width).contains(where: columns.contains) {
                out += "<span class=\"c\">"
                HTMLText.append(scalar, to: &out)
                out += "</span>"
            } else {
                HTMLText.append(scalar, to: &out)
            }
            column += width
        }
        if columns.contains(where: { $0 >= column }) { out += "<span class=\"c eol\"> </span>" }
    }
}
