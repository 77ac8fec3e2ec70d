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
        var xhtml = xhtml
        return xhtml.withUTF8 { passes(bytes: $0) }
    }

    private static func passes(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
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
            while i < bytes.count, !Self.endsName(bytes[i]) { i += 1 }
            switch Self.tagKind(UnsafeBufferPointer(rebasing: bytes[nameStart..<i])) {
            case .forbidden: return false
            case .image: hasContent = true
            case .other: break
            }
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
            if Self.hasActiveAttribute(UnsafeBufferPointer(rebasing: bytes[tagStart..<min(i, bytes.count)])) { return false }
            let selfClosing = i > 0 && i - 1 < bytes.count && bytes[i - 1] == UInt8(ascii: "/")
            if closing { depth -= 1 } else if !selfClosing { depth += 1 }
            i += 1
        }
        return hasContent
    }

    private static let javascript = Array("javascript:".utf8)

    private enum TagKind { case forbidden, image, other }

    /// What a tag name (prefix ignored, case folded) says: an ASCII name is folded in a machine
    /// word, since this runs on every tag of every narrative; any other takes the `String` route.
    private static func tagKind(_ name: UnsafeBufferPointer<UInt8>) -> TagKind {
        var start = name.startIndex
        for k in name.indices where name[k] == UInt8(ascii: ":") { start = k + 1 }
        let local = UnsafeBufferPointer(rebasing: name[start...])
        guard local.allSatisfy({ $0 < 0x80 }) else {
            var text = String(decoding: name, as: UTF8.self).lowercased()
            if let colon = text.lastIndex(of: ":") { text = String(text[text.index(after: colon)...]) }
            return forbidden.contains(text) ? .forbidden : text == "img" ? .image : .other
        }
        guard local.count <= 8 else { return .other }   // no forbidden name is longer
        let word = packed(local.lazy.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 })
        return forbiddenWords.contains(word) ? .forbidden : word == imageWord ? .image : .other
    }

    /// Up to 8 bytes in one word (first byte lowest); distinct for distinct short names.
    private static func packed<S: Sequence>(_ bytes: S) -> UInt64 where S.Element == UInt8 {
        var word: UInt64 = 0, shift: UInt64 = 0
        for b in bytes { word |= UInt64(b) << shift; shift += 8 }
        return word
    }

    private static let forbiddenWords = Set(forbidden.map { packed($0.utf8) })
    private static let imageWord = packed("img".utf8)

    @inline(__always) private static func endsName(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == UInt8(ascii: "/") || b == UInt8(ascii: ">")
    }

    /// An `on…=` event attribute or a `javascript:` URL in a start tag's attribute bytes
    /// (ASCII case folded; a byte scan, since this runs on every narrative).
    private static func hasActiveAttribute(_ tag: UnsafeBufferPointer<UInt8>) -> Bool {
        @inline(__always) func lower(_ b: UInt8) -> UInt8 { b >= 65 && b <= 90 ? b + 32 : b }
        @inline(__always) func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        @inline(__always) func isLetter(_ b: UInt8) -> Bool { (lower(b) >= 97 && lower(b) <= 122) }
        let script = Self.javascript
        var k = tag.startIndex
        while k < tag.endIndex {
            let b = lower(tag[k])
            if b == UInt8(ascii: "j"), tag.endIndex - k >= script.count,
               (0..<script.count).allSatisfy({ lower(tag[k + $0]) == script[$0] }) {
                return true
            }
            if b == UInt8(ascii: "o"), k > tag.startIndex, isSpace(tag[k - 1]), k + 1 < tag.endIndex, lower(tag[k + 1]) == UInt8(ascii: "n") {
                var j = k + 2
                while j < tag.endIndex && isLetter(tag[j]) { j += 1 }
                if j > k + 2 && j < tag.endIndex && (tag[j] == UInt8(ascii: "=") || isSpace(tag[j])) { return true }
            }
            k += 1
        }
        return false
    }
}
