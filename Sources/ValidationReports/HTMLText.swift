/// Escaping for the HTML report: everything that comes from an input goes through here.
enum HTMLText {
    /// Text escaped for element content and quoted attribute values alike.
    ///
    /// `& < > " '` become references, so input can close neither an element (`</script>`), nor a
    /// comment (`-->` needs `>`), nor an attribute. Control characters, which HTML forbids, are made
    /// visible instead of dropped: C0 controls but tab and LF (and DEL) become their Control
    /// Pictures (`U+0001` shows as `␁`); C1 controls and the noncharacters U+FFFE/U+FFFF become U+FFFD.
    static func escaped<S: StringProtocol>(_ s: S) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        append(s, to: &out)
        return out
    }

    /// Appends `s` escaped (see ``escaped(_:)``).
    static func append<S: StringProtocol>(_ s: S, to out: inout String) {
        for scalar in s.unicodeScalars { append(scalar, to: &out) }
    }

    /// Appends one scalar escaped.
    static func append(_ scalar: Unicode.Scalar, to out: inout String) {
        switch scalar {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        case "\t", "\n": out.unicodeScalars.append(scalar)
        case _ where scalar.value < 0x20:
            out.unicodeScalars.append(Unicode.Scalar(0x2400 + scalar.value)!)
        case "\u{7F}": out += "\u{2421}"
        case _ where (0x80...0x9F).contains(scalar.value) || scalar.value == 0xFFFE || scalar.value == 0xFFFF:
            out += "\u{FFFD}"
        default: out.unicodeScalars.append(scalar)
        }
    }

    /// Text escaped, with a line-break opportunity (`<wbr>`) after each `.` and `/`, so that
    /// FHIRPath locations, rule ids and file paths wrap at their steps rather than anywhere.
    static func breakable(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count + 16)
        for scalar in s.unicodeScalars {
            append(scalar, to: &out)
            if scalar == "." || scalar == "/" { out += "<wbr>" }
        }
        return out
    }

    /// An attribute ` name="value"` (with its leading space), escaped.
    static func attribute(_ name: String, _ value: String) -> String {
        " \(name)=\"\(escaped(value))\""
    }

    /// A count with thousands separators (`1,234,567`), the same on every machine.
    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = n < 0 ? "-" : ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return out
    }
}
