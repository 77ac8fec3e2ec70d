/// `htmlChecks()` (txt-1, txt-2) over a narrative `div`.
///
/// Well-formedness, the XHTML namespace and the absence of DOCTYPE and entities are already
/// enforced where narrative is read (the XML reader parses the div as XML; a JSON div is checked
/// by `XHTMLCheck` before it is ever written as XML), and the div reaches us as its serialised XML.
/// What remains of the STU3 rules is checked here with a scan of that text: only the basic HTML
/// formatting elements (no `script`, forms, frames, objects, `head`/`body`…), no event attributes
/// (`on…`) or `javascript:` URLs, and some non-whitespace content (text or an image).
enum NarrativeCheck {
    private static let forbidden: Set<String> = [
        "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input", "button",
        "select", "option", "textarea", "base", "link", "meta", "head", "body", "html", "title", "noscript", "param",
    ]

    static func passes(_ xhtml: String) -> Bool {
        let bytes = Array(xhtml.utf8)
        var i = 0
        var hasContent = false
        var depth = 0
        while i < bytes.count {
            let b = bytes[i]
            guard b == UInt8(ascii: "<") else {
                if depth > 0 && b != 0x20 && b != 0x09 && b != 0x0A && b != 0x0D { hasContent = true }
                i += 1
                continue
            }
            i += 1
            guard i < bytes.count else { return false }
            if bytes[i] == UInt8(ascii: "!") || bytes[i] == UInt8(ascii: "?") {
                // Comment or processing instruction: skip to its end.
                while i < bytes.count && bytes[i] != UInt8(ascii: ">") { i += 1 }
                i += 1
                continue
            }
            let closing = bytes[i] == UInt8(ascii: "/")
            if closing { i += 1 }
            let nameStart = i
            while i < bytes.count, !" \t\r\n/>".utf8.contains(bytes[i]) { i += 1 }
            var name = String(decoding: bytes[nameStart..<i], as: UTF8.self).lowercased()
            if let colon = name.lastIndex(of: ":") { name = String(name[name.index(after: colon)...]) }
            if forbidden.contains(name) { return false }
            if name == "img" { hasContent = true }
            let tagStart = i
            var quote: UInt8 = 0
            while i < bytes.count && (quote != 0 || bytes[i] != UInt8(ascii: ">")) {
                if quote == 0 && (bytes[i] == UInt8(ascii: "\"") || bytes[i] == UInt8(ascii: "'")) {
                    quote = bytes[i]
                } else if bytes[i] == quote {
                    quote = 0
                }
                i += 1
            }
            let tag = String(decoding: bytes[tagStart..<min(i, bytes.count)], as: UTF8.self).lowercased()
            if Self.hasActiveAttribute(tag) { return false }
            let selfClosing = i > 0 && i - 1 < bytes.count && bytes[i - 1] == UInt8(ascii: "/")
            if closing { depth -= 1 } else if !selfClosing { depth += 1 }
            i += 1
        }
        return hasContent
    }

    /// An `on…=` event attribute or a `javascript:` URL in a start tag's attribute text.
    private static func hasActiveAttribute(_ tag: String) -> Bool {
        if tag.contains("javascript:") { return true }
        var previous: Character = " "
        var index = tag.startIndex
        while index < tag.endIndex {
            let c = tag[index]
            if previous.isWhitespace && c == "o" && tag[index...].hasPrefix("on") {
                var j = tag.index(index, offsetBy: 2)
                while j < tag.endIndex && tag[j].isLetter { j = tag.index(after: j) }
                if j > tag.index(index, offsetBy: 2) && j < tag.endIndex && (tag[j] == "=" || tag[j].isWhitespace) {
                    return true
                }
            }
            previous = c
            index = tag.index(after: index)
        }
        return false
    }
}
