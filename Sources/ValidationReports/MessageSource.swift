/// The text of one message, kept for reports that show it beside its issues (``HTMLReportWriter``).
///
/// Issue positions are lines of the input file, so the source remembers which file line its own
/// first line is: 1 for a file of one message, the line number for a message that is one line of
/// an NDJSON file.
public struct MessageSource: Sendable, Hashable {
    /// The message's text; bytes that are not UTF-8 are already U+FFFD.
    public var text: String
    /// The input file's line number of the text's first line (1-based).
    public var firstLine: Int

    /// A source from text.
    public init(text: String, firstLine: Int = 1) {
        self.text = text
        self.firstLine = max(1, firstLine)
    }

    /// A source from the message's bytes; invalid UTF-8 becomes U+FFFD.
    public init<Bytes: Collection>(bytes: Bytes, firstLine: Int = 1) where Bytes.Element == UInt8 {
        self.init(text: String(decoding: bytes, as: UTF8.self), firstLine: firstLine)
    }

    /// The text's lines without their line ends (LF or CRLF); the first is file line ``firstLine``.
    /// A final line end does not start another line.
    public var lines: [Substring] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.count > 1, lines.last?.isEmpty == true { lines.removeLast() }
        return lines.map { $0.last == "\r" ? $0.dropLast() : $0 }
    }
}
