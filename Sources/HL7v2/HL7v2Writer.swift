/// The line break written after each segment.
public enum HL7v2SegmentTerminator: String, Sendable, Hashable, CaseIterable {
    /// CR (0x0D), the only one the standard allows.
    case cr
    /// LF (0x0A), for files read by line-based tools.
    case lf
    /// CR LF.
    case crlf

    var bytes: [UInt8] {
        switch self {
        case .cr: return [0x0D]
        case .lf: return [0x0A]
        case .crlf: return [0x0D, 0x0A]
        }
    }
}

/// Writes messages as bytes: segments in order, each ended by the terminator, MSH-1 and MSH-2
/// from the message's ``HL7v2Message/delimiters``, in the message's character set, optionally
/// framed for MLLP (`0x0B` … `0x1C 0x0D`).
///
/// Values are written raw as held: a parsed message is written as it was read (its escape
/// sequences untouched), and values set with ``HL7v2Message/setValue(_:at:)`` were escaped when
/// set, so `parse(write(m)) == m`. A character the message's character set cannot hold (Latin-1
/// has no `€`) is written as `?`.
public struct HL7v2Writer: Sendable {
    /// Frame each message for MLLP.
    public var mllp: Bool
    /// The segment terminator.
    public var terminator: HL7v2SegmentTerminator

    /// A writer: unframed, CR after each segment by default.
    public init(mllp: Bool = false, terminator: HL7v2SegmentTerminator = .cr) {
        self.mllp = mllp
        self.terminator = terminator
    }

    /// One message.
    public func write(_ message: HL7v2Message) -> [UInt8] {
        var out: [UInt8] = []
        append(message, to: &out)
        return out
    }

    /// Messages back to back (each in its own frame for MLLP).
    public func write(_ messages: [HL7v2Message]) -> [UInt8] {
        var out: [UInt8] = []
        for m in messages { append(m, to: &out) }
        return out
    }

    /// The text of a message (its segments, with the terminator), as a string.
    public func text(_ message: HL7v2Message) -> String {
        var utf8: [UInt8] = []
        appendSegments(of: message, to: &utf8)
        return String(decoding: utf8, as: UTF8.self)
    }

    private func append(_ message: HL7v2Message, to out: inout [UInt8]) {
        var utf8: [UInt8] = []
        appendSegments(of: message, to: &utf8)
        if mllp { out.append(0x0B) }
        switch message.charset {
        case .utf8: out += utf8
        case .latin1, .latin9: out += Self.singleByte(utf8, latin9: message.charset == .latin9)
        }
        if mllp { out += [0x1C, 0x0D] }
    }

    private func appendSegments(of message: HL7v2Message, to out: inout [UInt8]) {
        let d = message.delimiters
        for segment in message.segments {
            out += segment.text(delimiters: d).utf8
            out += terminator.bytes
        }
    }

    /// UTF-8 to ISO 8859-1 or -15; what the set cannot hold becomes `?`.
    private static func singleByte(_ utf8: [UInt8], latin9: Bool) -> [UInt8] {
        let latin9Bytes: [Unicode.Scalar: UInt8] = ["\u{20AC}": 0xA4, "\u{0160}": 0xA6, "\u{0161}": 0xA8, "\u{017D}": 0xB4,
                                                    "\u{017E}": 0xB8, "\u{0152}": 0xBC, "\u{0153}": 0xBD, "\u{0178}": 0xBE]
        let replacedInLatin9: Set<UInt32> = [0xA4, 0xA6, 0xA8, 0xB4, 0xB8, 0xBC, 0xBD, 0xBE]
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        for scalar in String(decoding: utf8, as: UTF8.self).unicodeScalars {
            if latin9, let b = latin9Bytes[scalar] { out.append(b) }
            else if scalar.value <= 0xFF, !(latin9 && replacedInLatin9.contains(scalar.value)) { out.append(UInt8(scalar.value)) }
            else { out.append(UInt8(ascii: "?")) }
        }
        return out
    }
}
