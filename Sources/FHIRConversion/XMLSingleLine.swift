import FHIRModel
import FHIRXML

/// One XML message on one line, for line-oriented streams (one message per line, as NDJSON is for
/// JSON), where a line break inside a message would split it in two for the reader of the stream
/// (Spark's `RDD.pipe`, `xargs`, `split -l`).
///
/// Line breaks in text and attribute values become character references (`&#10;`, `&#13;`), which
/// every XML reader turns back into the same characters (XML 1.0 §4.1), so nothing is lost. A
/// comment cannot hold a character reference, so a line break in a comment becomes a space: the
/// only change, reported once per message as a warning (`xml.comment`). The compact writers make no
/// layout line breaks inside the root element, so every line break there is text (the narrative's)
/// and kept as a reference; line breaks before and after the root are layout and dropped.
public enum XMLSingleLine {
    /// `xml`, a message as the writers make it, on one line; the warning when a comment changed.
    public static func joined(_ xml: [UInt8]) -> (bytes: [UInt8], issues: [Issue]) {
        guard xml.contains(0x0A) || xml.contains(0x0D) else { return (xml, []) }
        enum State { case text, tag, quoted(UInt8), comment, instruction }
        var out: [UInt8] = []
        out.reserveCapacity(xml.count + 64)
        var state = State.text
        var joinedComment = false
        var depth = 0
        var i = 0
        func reference(_ b: UInt8) {
            out.append(contentsOf: b == 0x0A ? Array("&#10;".utf8) : Array("&#13;".utf8))
        }
        func starts(_ text: String, at index: Int) -> Bool {
            let pattern = Array(text.utf8)
            return index + pattern.count <= xml.count && Array(xml[index..<index + pattern.count]) == pattern
        }
        while i < xml.count {
            let b = xml[i]
            let isBreak = b == 0x0A || b == 0x0D
            switch state {
            case .text:
                if b == UInt8(ascii: "<") {
                    if starts("<!--", at: i) {
                        state = .comment
                        out.append(contentsOf: Array("<!--".utf8))
                        i += 4
                        continue
                    }
                    if starts("<?", at: i) { state = .instruction }
                    else {
                        state = .tag
                        if starts("</", at: i) { depth -= 1 } else { depth += 1 }
                    }
                    out.append(b)
                } else if isBreak {
                    if depth > 0 { reference(b) }
                } else {
                    out.append(b)
                }
            case .tag:
                if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") { state = .quoted(b) }
                if b == UInt8(ascii: ">") {
                    if out.last == UInt8(ascii: "/") { depth -= 1 }
                    state = .text
                }
                out.append(isBreak ? UInt8(ascii: " ") : b)
            case .quoted(let quote):
                if b == quote { state = .tag }
                if isBreak { reference(b) } else { out.append(b) }
            case .comment:
                if starts("-->", at: i) {
                    out.append(contentsOf: Array("-->".utf8))
                    state = .text
                    i += 3
                    continue
                }
                if isBreak {
                    joinedComment = true
                    // A CR LF pair is one line break, one space.
                    if !(b == 0x0A && i > 0 && xml[i - 1] == 0x0D) { out.append(UInt8(ascii: " ")) }
                } else {
                    out.append(b)
                }
            case .instruction:
                if b == UInt8(ascii: ">"), out.last == UInt8(ascii: "?") { state = .text }
                out.append(isBreak ? UInt8(ascii: " ") : b)
            }
            i += 1
        }
        let issues = joinedComment
            ? [Issue(.warning, .informational, rule: XMLRule.comment,
                     "a comment's line breaks were written as spaces, to keep the message on one line")]
            : []
        return (out, issues)
    }
}
