/// Escaping for the XML reports (JUnit).
enum XMLText {
    /// Text escaped for an attribute value or element content. Characters XML 1.0 cannot carry
    /// (C0 controls but tab, LF and CR; U+FFFE, U+FFFF) become U+FFFD; tab, LF and CR are written
    /// as character references so that attribute values keep them.
    static func escaped(_ s: String, attribute: Bool) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where attribute: out += "&quot;"
            case "'" where attribute: out += "&apos;"
            case "\t" where attribute: out += "&#9;"
            case "\n" where attribute: out += "&#10;"
            case "\r": out += "&#13;"
            case "\t", "\n": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF:
                out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// An attribute `name="value"`, escaped.
    static func attribute(_ name: String, _ value: String) -> String {
        "\(name)=\"\(escaped(value, attribute: true))\""
    }
}
