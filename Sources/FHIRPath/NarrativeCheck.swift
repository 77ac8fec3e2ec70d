import FHIRModel

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
        passes(bytes: xhtml.utf8.span)
    }

    private static func passes(bytes: Span<UInt8>) -> Bool {
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
            switch Self.tagKind(bytes.extracting(nameStart..<i)) {
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
            if Self.hasActiveAttribute(bytes.extracting(tagStart..<min(i, bytes.count))) { return false }
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
    private static func tagKind(_ name: Span<UInt8>) -> TagKind {
        var start = 0
        for k in name.indices where name[k] == UInt8(ascii: ":") { start = k + 1 }
        let local = name.extracting(start..<name.count)
        for k in local.indices where local[k] >= 0x80 { return decodedTagKind(name) }
        guard local.count <= 8 else { return .other }   // no forbidden name is longer
        let word = packedLowercased(local)
        return forbiddenWords.contains(word) ? .forbidden : word == imageWord ? .image : .other
    }

    /// ``tagKind(_:)`` of a name with a non-ASCII byte (rare): decoded (and repaired) as a String.
    private static func decodedTagKind(_ name: Span<UInt8>) -> TagKind {
        var text = String(decoding: [UInt8](copying: name), as: UTF8.self).lowercased()
        if let colon = text.lastIndex(of: ":") { text = String(text[text.index(after: colon)...]) }
        return forbidden.contains(text) ? .forbidden : text == "img" ? .image : .other
    }

    /// Up to 8 bytes in one word (first byte lowest), ASCII letters lower-cased; distinct for
    /// distinct short lower-case names.
    private static func packedLowercased(_ bytes: Span<UInt8>) -> UInt64 {
        var word: UInt64 = 0, shift: UInt64 = 0
        for k in bytes.indices {
            let b = bytes[k]
            word |= UInt64(b >= 65 && b <= 90 ? b + 32 : b) << shift
            shift += 8
        }
        return word
    }

    private static let forbiddenWords = Set(forbidden.map { packedLowercased($0.utf8.span) })
    private static let imageWord = packedLowercased("img".utf8.span)

    @inline(__always) private static func endsName(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == UInt8(ascii: "/") || b == UInt8(ascii: ">")
    }

    /// An `on…=` event attribute or a `javascript:` URL in a start tag's attribute bytes
    /// (ASCII case folded; a byte scan, since this runs on every narrative).
    private static func hasActiveAttribute(_ tag: Span<UInt8>) -> Bool {
        let script = Self.javascript.span
        var k = 0
        while k < tag.count {
            let b = lower(tag[k])
            if b == UInt8(ascii: "j"), tag.count - k >= script.count, startsLowercased(tag, at: k, with: script) {
                return true
            }
            if b == UInt8(ascii: "o"), k > 0, isSpace(tag[k - 1]), k + 1 < tag.count, lower(tag[k + 1]) == UInt8(ascii: "n") {
                var j = k + 2
                while j < tag.count && isLetter(tag[j]) { j += 1 }
                if j > k + 2 && j < tag.count && (tag[j] == UInt8(ascii: "=") || isSpace(tag[j])) { return true }
            }
            k += 1
        }
        return false
    }

    /// Whether `tag` from `k`, ASCII case folded, begins with the lower-case `word` (which fits).
    private static func startsLowercased(_ tag: Span<UInt8>, at k: Int, with word: Span<UInt8>) -> Bool {
        for j in word.indices where lower(tag[k + j]) != word[j] { return false }
        return true
    }

    @inline(__always) private static func lower(_ b: UInt8) -> UInt8 { b >= 65 && b <= 90 ? b + 32 : b }
    @inline(__always) private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
    @inline(__always) private static func isLetter(_ b: UInt8) -> Bool { lower(b) >= 97 && lower(b) <= 122 }
}
