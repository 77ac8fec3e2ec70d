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
        // Bytes, not Characters: a CRLF is one Character, which would hide the LF.
        let utf8 = text.utf8
        var lines: [Substring] = []
        var start = utf8.startIndex
        func take(_ end: String.Index) {
            var end = end
            if end > start, utf8[utf8.index(before: end)] == 0x0D { end = utf8.index(before: end) }
            lines.append(text[start..<end])
        }
        var i = start
        while i != utf8.endIndex {
            if utf8[i] == 0x0A {
                take(i)
                start = utf8.index(after: i)
            }
            i = utf8.index(after: i)
        }
        if start != utf8.endIndex || lines.isEmpty { take(utf8.endIndex) }
        return lines
    }
}
