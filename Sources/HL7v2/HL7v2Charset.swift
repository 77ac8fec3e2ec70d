/// The character set a message's bytes are read in, from MSH-18 (HL7 table 0211).
///
/// Delimiters are ASCII, so every supported set splits at byte level; values are turned into
/// Swift strings after splitting.
public enum HL7v2Charset: String, Sendable, Hashable, CaseIterable {
    /// UTF-8 (`UNICODE UTF-8`); also used for `ASCII` and an empty MSH-18, since ASCII is a subset.
    case utf8
    /// ISO 8859-1, Latin-1 (`8859/1`).
    case latin1
    /// ISO 8859-15, Latin-9 (`8859/15`): Latin-1 with `€` and seven other letters changed.
    case latin9

    /// The set an MSH-18 value names, or nil when it is one dch does not read
    /// (`UNICODE UTF-16`, `8859/5`, `ISO IR87`, …). An empty value means printable ASCII, read as UTF-8.
    public init?(table0211 code: String) {
        switch code.trimmingASCIISpaces() {
        case "", "ASCII", "ISO IR6", "UNICODE UTF-8": self = .utf8
        case "8859/1": self = .latin1
        case "8859/15": self = .latin9
        default: return nil
        }
    }

    /// The table 0211 code written in MSH-18 for this set.
    public var table0211Code: String {
        switch self {
        case .utf8: return "UNICODE UTF-8"
        case .latin1: return "8859/1"
        case .latin9: return "8859/15"
        }
    }

    /// Appends the UTF-8 form of `bytes` (in this set) to `out`. Returns false when the bytes are not
    /// valid in this set (only possible for UTF-8); `out` is then unchanged.
    func appendUTF8<C: Collection>(of bytes: C, to out: inout [UInt8]) -> Bool where C.Element == UInt8 {
        if bytes.allSatisfy({ $0 < 0x80 }) { out.append(contentsOf: bytes); return true }
        switch self {
        case .utf8:
            guard isValidUTF8(bytes) else { return false }
            out.append(contentsOf: bytes)
        case .latin1, .latin9:
            for b in bytes {
                let scalar = self == .latin9 ? Self.latin9Scalar(b) : Unicode.Scalar(b)
                out.append(contentsOf: String(Character(scalar)).utf8)
            }
        }
        return true
    }

    /// The Unicode scalar of a Latin-9 byte: Latin-1 but for eight positions.
    private static func latin9Scalar(_ b: UInt8) -> Unicode.Scalar {
        switch b {
        case 0xA4: return "\u{20AC}"  // €
        case 0xA6: return "\u{0160}"  // Š
        case 0xA8: return "\u{0161}"  // š
        case 0xB4: return "\u{017D}"  // Ž
        case 0xB8: return "\u{017E}"  // ž
        case 0xBC: return "\u{0152}"  // Œ
        case 0xBD: return "\u{0153}"  // œ
        case 0xBE: return "\u{0178}"  // Ÿ
        default: return Unicode.Scalar(b)
        }
    }
}

/// True when the bytes are well-formed UTF-8.
func isValidUTF8<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
    var iterator = bytes.makeIterator()
    var decoder = UTF8()
    while true {
        switch decoder.decode(&iterator) {
        case .scalarValue: continue
        case .emptyInput: return true
        case .error: return false
        }
    }
}

extension String {
    /// Without leading and trailing ASCII spaces.
    func trimmingASCIISpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
