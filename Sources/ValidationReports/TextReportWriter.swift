import FHIRModel

/// The text report: one compiler-style line per issue, then a summary line.
///
/// ```text
/// a.xml:3:5: error: [struct.unknown-element] unknown element 'x' (Patient.x)
/// # b.ndjson#1 Bundle/b1
/// b.ndjson:2:17: warning: [value.whitespace] … (Bundle.id)
/// 4 messages, 1 error, 1 warning, 0 information
/// ```
///
/// Lines are grouped per input file in input order; when a file holds several messages, the issues
/// of each message follow a `# file#index ResourceType/id` header. Within a message, issues keep the
/// order they were found in. A position that is not known is left out (`file: error: …`).
public struct TextReportWriter: StreamingReportWriter {
    /// A text writer.
    public init() {}

    public func lines(for message: MessageReport, soleInInput: Bool) -> [UInt8] {
        guard !message.issues.isEmpty else { return [] }
        var out = soleInInput ? "" : "# \(message.label)\n"
        for issue in message.issues {
            out += Self.line(issue, file: message.file) + "\n"
        }
        return Array(out.utf8)
    }

    public func ending(_ totals: RunTotals) -> [UInt8] {
        Array((totals.summary + "\n").utf8)
    }

    /// One issue as `file:line:col: severity: [rule] message (path)`; `file` is used when the issue
    /// names none.
    public static func line(_ issue: Issue, file: String) -> String {
        var s = issue.file ?? file
        if let p = issue.position { s += ":\(p.line):\(p.column)" }
        s += ": \(issue.severity.rawValue): [\(issue.rule)] \(oneLine(issue.message))"
        if let path = issue.path { s += " (\(path))" }
        return s
    }
}

/// A message on one line: line breaks become spaces, so every issue stays one line.
func oneLine(_ text: String) -> String {
    // A byte scan first: walking Characters costs a grapheme break per character of every message.
    // Character.isNewline is U+000A...U+000D, U+0085, U+2028 and U+2029.
    guard mayBreakLine(text.utf8.span), text.contains(where: \.isNewline) else { return text }
    return String(text.map { $0.isNewline ? " " : $0 })
}

/// Whether `utf8` holds a byte of a line break: U+000A...U+000D, or a last byte of U+0085, U+2028
/// or U+2029 (a cheap test that lets most messages skip the walk over Characters).
private func mayBreakLine(_ utf8: Span<UInt8>) -> Bool {
    for k in utf8.indices {
        let b = utf8[k]
        if (b >= 0x0A && b <= 0x0D) || b == 0x85 || b == 0xA8 || b == 0xA9 { return true }
    }
    return false
}
