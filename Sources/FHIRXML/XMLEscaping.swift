import FHIRModel

/// Escaping of text and attribute values for XML output, with detection of characters XML 1.0
/// cannot carry. Strings are scanned first and copied in one piece when nothing needs escaping.
enum XMLEscaping {
    /// Per-byte class: 0 plain; 1 escaped in text and attributes (`& < > CR`); 2 escaped in attributes
    /// only (`" TAB LF`); 3 not allowed in XML 1.0 (C0 controls); 4 possible start of U+FFFE/U+FFFF.
    static let classes: [UInt8] = {
        var t = [UInt8](repeating: 0, count: 256)
        for c in 0..<0x20 { t[c] = 3 }
        t[0x09] = 2
        t[0x0A] = 2
        t[0x0D] = 1
        t[Int(UInt8(ascii: "&"))] = 1
        t[Int(UInt8(ascii: "<"))] = 1
        t[Int(UInt8(ascii: ">"))] = 1
        t[Int(UInt8(ascii: "\""))] = 2
        t[0xEF] = 4
        return t
    }()

    /// Appends text content, escaping `&`, `<`, `>` and CR (so a CR survives a re-parse).
    static func appendText(_ p: Span<UInt8>, to out: inout [UInt8]) {
        let classes = Self.classes
        let table = classes.span
        let n = p.count
        var runStart = 0
        var i = 0
        while i < n {
            let c = p[i]
            if table[Int(c)] == 1 {
                if i > runStart { out.append(copying: p, runStart..<i) }
                appendEscape(c, to: &out)
                runStart = i + 1
            }
            i += 1
        }
        if n > runStart { out.append(copying: p, runStart..<n) }
    }

    /// Appends an attribute value, escaping `& < > "` and TAB, LF, CR as character references.
    /// Returns false (and appends nothing useful) when the value holds a character XML 1.0 forbids.
    @discardableResult
    static func appendAttribute(_ s: String, to out: inout [UInt8]) -> Bool {
        appendAttribute(s.utf8.span, to: &out)
    }

    /// Byte-buffer form of ``appendAttribute(_:to:)-(String,_)``.
    @discardableResult
    static func appendAttribute(_ p: Span<UInt8>, to out: inout [UInt8]) -> Bool {
        let classes = Self.classes
        let table = classes.span
        let n = p.count
        var runStart = 0
        var i = 0
        while i < n {
            let c = p[i]
            let k = table[Int(c)]
            if k != 0 {
                if k == 4 {
                    if i + 2 < n && p[i + 1] == 0xBF && (p[i + 2] == 0xBE || p[i + 2] == 0xBF) { return false }
                    i += 1
                    continue
                }
                if k == 3 { return false }
                if i > runStart { out.append(copying: p, runStart..<i) }
                appendEscape(c, to: &out)
                runStart = i + 1
            }
            i += 1
        }
        if n > runStart { out.append(copying: p, runStart..<n) }
        return true
    }

    /// True when every character of `p` is allowed in XML 1.0.
    static func isValidXMLText(_ p: Span<UInt8>) -> Bool {
        let classes = Self.classes
        let table = classes.span
        let n = p.count
        var i = 0
        while i < n {
            let k = table[Int(p[i])]
            if k == 3 { return false }
            if k == 4 && i + 2 < n && p[i + 1] == 0xBF && (p[i + 2] == 0xBE || p[i + 2] == 0xBF) { return false }
            i += 1
        }
        return true
    }

    @inline(__always)
    static func appendEscape(_ c: UInt8, to out: inout [UInt8]) {
        switch c {
        case UInt8(ascii: "&"): out.append("&amp;")
        case UInt8(ascii: "<"): out.append("&lt;")
        case UInt8(ascii: ">"): out.append("&gt;")
        case UInt8(ascii: "\""): out.append("&quot;")
        case 0x09: out.append("&#9;")
        case 0x0A: out.append("&#xA;")
        case 0x0D: out.append("&#xD;")
        default: out.append(c)
        }
    }
}
