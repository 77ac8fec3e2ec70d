/// HL7 v2 escape sequences: reading them out of values and writing them into values.
///
/// Decoding (one left-to-right pass over a leaf value, after splitting, so `\E\F\E\` reads as
/// `\F\` literally and never as a field separator):
///
/// | sequence | decoded value |
/// |---|---|
/// | `\F\` `\S\` `\T\` `\R\` `\E\` | the message's field, component, subcomponent, repetition, escape character |
/// | `\P\` | the truncation character (only when MSH-2 defines one; otherwise kept verbatim) |
/// | `\Xhh…\` | the bytes, read in the message's character set (`\X0D0A\` is CR LF) |
/// | `\.br\` | a line feed (`\n`): the line break of TX, FT and CF |
/// | `\H\` `\N\` `\.sp…\` `\.fi\` `\.nf\` `\.in…\` `\.ti…\` `\.sk…\` `\.ce\` `\Z…\` `\C…\` `\M…\` | kept verbatim, with the message's escape character |
/// | anything else, and an escape character that starts no sequence (`4\5`) | literal text |
///
/// Encoding escapes the escape character first (`\E\`), then the delimiters, and writes CR, LF
/// and other control characters as `\Xhh\`, so a written value never holds a raw line break and
/// `decode(encode(v)) == v` for every string. Formatting sequences kept verbatim in a decoded
/// value are text to the encoder (they come back escaped); a parsed message keeps its raw values,
/// so writing it again sends them as they came.
public enum HL7v2Escaping {
    /// The decoded form of a raw leaf value (a subcomponent, or a component or field without
    /// deeper delimiters in it).
    public static func decode(_ raw: some StringProtocol, delimiters: HL7v2Delimiters,
                              charset: HL7v2Charset = .utf8) -> String {
        guard let escape = delimiters.escape, containsByte(raw, escape) else { return String(raw) }
        let bytes = Array(raw.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            guard b == escape else { out.append(b); i += 1; continue }
            guard let close = bytes[(i + 1)...].firstIndex(of: escape), close > i + 1 else {
                out.append(b); i += 1; continue  // a lone escape character, or `\\`: literal
            }
            let code = bytes[(i + 1)..<close]
            switch sequence(code, delimiters: delimiters, charset: charset) {
            case .replace(let replacement):
                out.append(contentsOf: replacement); i = close + 1
            case .verbatim:
                out.append(contentsOf: bytes[i...close]); i = close + 1
            case .notASequence:
                out.append(b); i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// What one sequence (the code between two escape characters) stands for.
    private enum Meaning { case replace([UInt8]), verbatim, notASequence }

    private static func sequence(_ code: ArraySlice<UInt8>, delimiters d: HL7v2Delimiters,
                                 charset: HL7v2Charset) -> Meaning {
        let first = code[code.startIndex]
        if code.count == 1 {
            switch first {
            case UInt8(ascii: "F"): return .replace([d.field])
            case UInt8(ascii: "S"): return .replace([d.component])
            case UInt8(ascii: "T"): return d.subcomponent.map { .replace([$0]) } ?? .verbatim
            case UInt8(ascii: "R"): return d.repetition.map { .replace([$0]) } ?? .verbatim
            case UInt8(ascii: "E"): return d.escape.map { .replace([$0]) } ?? .verbatim
            case UInt8(ascii: "P"): return d.truncation.map { .replace([$0]) } ?? .verbatim
            case UInt8(ascii: "H"), UInt8(ascii: "N"): return .verbatim
            default: return .notASequence
            }
        }
        let rest = code.dropFirst()
        switch first {
        case UInt8(ascii: "X"):
            guard rest.count % 2 == 0, let bytes = hexBytes(rest) else { return .notASequence }
            var utf8: [UInt8] = []
            if !charset.appendUTF8(of: bytes, to: &utf8) {
                _ = HL7v2Charset.latin1.appendUTF8(of: bytes, to: &utf8)  // not UTF-8: read the bytes as Latin-1
            }
            return .replace(utf8)
        case UInt8(ascii: "."):
            if rest.elementsEqual("br".utf8) { return .replace([0x0A]) }
            let known = ["sp", "fi", "nf", "in", "ti", "sk", "ce"]
            return known.contains { rest.starts(with: $0.utf8) } ? .verbatim : .notASequence
        case UInt8(ascii: "Z"):
            return .verbatim
        case UInt8(ascii: "C"), UInt8(ascii: "M"):
            return hexBytes(rest) != nil ? .verbatim : .notASequence
        default:
            return .notASequence
        }
    }

    /// The bytes of an even run of hex digits, or nil.
    private static func hexBytes(_ digits: ArraySlice<UInt8>) -> [UInt8]? {
        guard !digits.isEmpty, digits.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        var high: UInt8?
        for c in digits {
            guard let v = hexValue(c) else { return nil }
            if let h = high { out.append(h << 4 | v); high = nil } else { high = v }
        }
        return out
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x41 + 10
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
    }

    /// The raw form of a value: delimiters and the escape character escaped, control characters
    /// (CR, LF, …; not tab) written as `\Xhh\`, and a value of exactly two quotes written
    /// `\X22\"` so that it is not read as the null value `""`.
    ///
    /// - Throws: ``HL7v2EncodingError`` when the value holds a delimiter or a control character but
    ///   the message has no escape character (MSH-2 shorter than 3 characters).
    public static func encode(_ value: String, delimiters d: HL7v2Delimiters) throws(HL7v2EncodingError) -> String {
        let utf8 = value.utf8
        if value == "\"\"" {
            // Two quotes alone would be read as the null value: the first is sent as hex.
            guard let e = d.escape else { throw HL7v2EncodingError(value: value) }
            return String(decoding: [e] + Array("X22".utf8) + [e, UInt8(ascii: "\"")], as: UTF8.self)
        }
        guard utf8.contains(where: { needsEscape($0, d) }) else { return value }
        guard let e = d.escape else { throw HL7v2EncodingError(value: value) }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count + 8)
        func put(_ code: String) { out.append(e); out.append(contentsOf: code.utf8); out.append(e) }
        for b in utf8 {
            if b == e { put("E") }
            else if b == d.field { put("F") }
            else if b == d.component { put("S") }
            else if b == d.subcomponent { put("T") }
            else if b == d.repetition { put("R") }
            else if b == d.truncation { put("P") }
            else if isControl(b) {
                let hex = String(b, radix: 16, uppercase: true)
                put("X" + (hex.count == 1 ? "0" + hex : hex))
            } else { out.append(b) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func needsEscape(_ b: UInt8, _ d: HL7v2Delimiters) -> Bool { d.isDelimiter(b) || isControl(b) }
    private static func isControl(_ b: UInt8) -> Bool { (b < 0x20 && b != 0x09) || b == 0x7F }
}

/// A value that cannot be written: it holds a delimiter or control character, and the message has
/// no escape character to escape it with.
public struct HL7v2EncodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The value that could not be written.
    public var value: String
    /// For a person.
    public var description: String {
        "the value \"\(value)\" holds a delimiter or control character, but the encoding characters (MSH-2) have no escape character"
    }
}
