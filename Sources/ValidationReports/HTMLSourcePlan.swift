import FHIRModel

/// Which messages, and which of their lines, the HTML report shows.
///
/// Decided before anything is written, so that the issue table links only to lines that are on the
/// page. Messages with issues get a section, in input order, up to ``HTMLReportWriter/Limits/messages``;
/// each shows its whole source while the run's source budget lasts, then only the lines around its
/// issues, then none.
struct HTMLSourcePlan {
    /// The section of one message.
    struct Section {
        /// The message's place in ``ValidationRun/messages`` (its anchor is `m<position>`).
        var position: Int
        var message: MessageReport
        /// The source's lines (empty when not shown).
        var lines: [Substring] = []
        /// The file line of `lines[0]`.
        var firstLine = 1
        /// Ranges of `lines` indices shown, ascending and disjoint.
        var shown: [ClosedRange<Int>] = []
        /// Why the source is missing or cut, for the reader.
        var note: String?

        /// The anchor of the message.
        var anchor: String { "m\(position)" }

        /// The anchor of file line `line`, when that line is on the page.
        func anchor(line: Int) -> String? {
            let i = line - firstLine
            return shown.contains { $0.contains(i) } ? "m\(position)-L\(line)" : nil
        }
    }

    /// Sections of the messages shown, in input order.
    var sections: [Section] = []
    /// Section index by message position.
    var sectionIndex: [Int: Int] = [:]
    /// Messages with issues that got no section (over the message cap).
    var messagesLeftOut = 0
    /// Sections whose source was cut to excerpts or left out for the byte budget.
    var sourcesCut = 0

    init(_ run: ValidationRun, limits: HTMLReportWriter.Limits) {
        var budget = limits.sourceBytes
        for (position, message) in run.messages.enumerated() where !message.issues.isEmpty {
            guard sections.count < limits.messages else {
                messagesLeftOut += 1
                continue
            }
            var section = Section(position: position, message: message)
            if let source = message.source {
                Self.plan(&section, source: source, budget: &budget, context: limits.contextLines)
                if section.note != nil { sourcesCut += 1 }
            } else {
                section.note = "The source of this message is not available."
            }
            sectionIndex[position] = sections.count
            sections.append(section)
        }
    }

    /// The section of the message at `position`, when it has one.
    func section(_ position: Int) -> Section? {
        sectionIndex[position].map { sections[$0] }
    }

    /// Chooses the lines shown: all, else the issues' lines with `context` lines around them, else
    /// none, whichever first fits what is left of `budget` (bytes of source text).
    private static func plan(_ section: inout Section, source: MessageSource, budget: inout Int, context: Int) {
        let lines = source.lines
        guard !lines.isEmpty else { return }
        let cost = { (r: ClosedRange<Int>) in lines[r].reduce(0) { $0 + $1.utf8.count + 1 } }
        let whole = [0...(lines.count - 1)]
        var candidates = [whole]
        let marked = section.message.issues.compactMap { issue -> Int? in
            guard let line = issue.position.map({ Int($0.line) - source.firstLine }), lines.indices.contains(line)
            else { return nil }
            return line
        }
        let excerpt = merged(marked.map { max(0, $0 - context)...min(lines.count - 1, $0 + context) })
        if !excerpt.isEmpty, excerpt != whole { candidates.append(excerpt) }
        for ranges in candidates {
            let bytes = ranges.reduce(0) { $0 + cost($1) }
            guard bytes <= budget else { continue }
            budget -= bytes
            section.lines = lines
            section.firstLine = source.firstLine
            section.shown = ranges
            if ranges != whole {
                section.note = "Only the lines around the issues are shown: the report's source budget is used up."
            }
            return
        }
        section.note = "The source is not shown: the report's source budget is used up."
    }

    /// Ranges sorted and joined where they overlap or touch.
    static func merged(_ ranges: [ClosedRange<Int>]) -> [ClosedRange<Int>] {
        var out: [ClosedRange<Int>] = []
        for r in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = out.last, r.lowerBound <= last.upperBound + 1 {
                out[out.count - 1] = last.lowerBound...max(last.upperBound, r.upperBound)
            } else {
                out.append(r)
            }
        }
        return out
    }
}
