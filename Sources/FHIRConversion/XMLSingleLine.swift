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
        var out: [UInt8] = []
        out.reserveCapacity(xml.count + 64)
        var joinedComment = false
        /// One pass over `p`, appending to `out`; returns at the end of the input.
        func scan(_ p: [UInt8]) {
            enum State { case text, tag, quoted(UInt8), comment, instruction }
            var state = State.text
            var depth = 0
            var i = 0
            /// Copies the bytes up to the next one `stop` accepts, and returns it (nil at the end).
            func copy(until stop: (UInt8) -> Bool) -> UInt8? {
                let from = i
                while i < p.count, !stop(p[i]) { i += 1 }
                out.append(contentsOf: p[from..<i])
                return i < p.count ? p[i] : nil
            }
            func starts(_ pattern: String) -> Bool {
                let l = pattern.utf8.span
                guard i + l.count <= p.count else { return false }
                for j in l.indices where p[i + j] != l[j] { return false }
                return true
            }
            func isBreak(_ b: UInt8) -> Bool { b == 0x0A || b == 0x0D }
            func reference(_ b: UInt8) { out.append(contentsOf: b == 0x0A ? Array("&#10;".utf8) : Array("&#13;".utf8)) }
            while i < p.count {
                switch state {
                case .text:
                    guard let b = copy(until: { $0 == UInt8(ascii: "<") || isBreak($0) }) else { return }
                    if isBreak(b) {
                        if depth > 0 { reference(b) }
                    } else if starts("<!--") {
                        state = .comment
                        out.append(contentsOf: Array("<!--".utf8))
                        i += 4
                        continue
                    } else {
                        if starts("<?") { state = .instruction } else {
                            state = .tag
                            depth += starts("</") ? -1 : 1
                        }
                        out.append(b)
                    }
                case .tag:
                    guard let b = copy(until: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") || $0 == UInt8(ascii: ">") || isBreak($0) }) else { return }
                    if b == UInt8(ascii: ">") {
                        if out.last == UInt8(ascii: "/") { depth -= 1 }
                        state = .text
                    } else if !isBreak(b) {
                        state = .quoted(b)
                    }
                    out.append(isBreak(b) ? UInt8(ascii: " ") : b)
                case .quoted(let quote):
                    guard let b = copy(until: { $0 == quote || isBreak($0) }) else { return }
                    if b == quote {
                        state = .tag
                        out.append(b)
                    } else {
                        reference(b)
                    }
                case .comment:
                    guard let b = copy(until: { $0 == UInt8(ascii: "-") || isBreak($0) }) else { return }
                    if starts("-->") {
                        out.append(contentsOf: Array("-->".utf8))
                        state = .text
                        i += 3
                        continue
                    }
                    if isBreak(b) {
                        joinedComment = true
                        // A CR LF pair is one line break, one space.
                        if !(b == 0x0A && i > 0 && p[i - 1] == 0x0D) { out.append(UInt8(ascii: " ")) }
                    } else {
                        out.append(b)
                    }
                case .instruction:
                    guard let b = copy(until: { $0 == UInt8(ascii: ">") || isBreak($0) }) else { return }
                    if b == UInt8(ascii: ">"), out.last == UInt8(ascii: "?") { state = .text }
                    out.append(isBreak(b) ? UInt8(ascii: " ") : b)
                }
                i += 1
            }
        }
        scan(xml)
        let issues = joinedComment
            ? [Issue(.warning, .informational, rule: XMLRule.comment,
                     "a comment's line breaks were written as spaces, to keep the message on one line")]
            : []
        return (out, issues)
    }
}
