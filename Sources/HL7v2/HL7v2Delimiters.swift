/// The delimiters of one HL7 v2 message: the field separator (MSH-1) and the encoding characters
/// (MSH-2), which a message may choose freely.
///
/// MSH-2 holds, in order, the component, repetition, escape and subcomponent characters and, from
/// v2.7, the truncation character. v2.3 lets a sender leave out the characters it does not use, so
/// 1 to 5 characters are accepted; a character left out is `nil` and never splits or escapes.
/// Every delimiter is one ASCII character (so UTF-8 and ISO 8859 text split safely at byte level).
public struct HL7v2Delimiters: Sendable, Hashable {
    /// The field separator (MSH-1).
    public let field: UInt8
    /// The component separator (MSH-2, character 1).
    public let component: UInt8
    /// The repetition separator (MSH-2, character 2), if sent.
    public let repetition: UInt8?
    /// The escape character (MSH-2, character 3), if sent.
    public let escape: UInt8?
    /// The subcomponent separator (MSH-2, character 4), if sent.
    public let subcomponent: UInt8?
    /// The truncation character (MSH-2, character 5, v2.7+), if sent.
    public let truncation: UInt8?

    /// `|^~\&`, the delimiters nearly every sender uses.
    public static let standard = try! HL7v2Delimiters(field: UInt8(ascii: "|"), encodingCharacters: Array("^~\\&".utf8))

    /// Delimiters from a field separator and the MSH-2 characters.
    ///
    /// - Throws: ``HL7v2DelimiterError`` when MSH-2 is empty or longer than 5 characters, or a
    ///   delimiter is not a printable ASCII character, or two delimiters are the same character.
    public init(field: UInt8, encodingCharacters: [UInt8]) throws(HL7v2DelimiterError) {
        guard (1...5).contains(encodingCharacters.count) else {
            throw .encodingCharacterCount(encodingCharacters.count)
        }
        let all = [field] + encodingCharacters
        // Printable ASCII only: a control character or a multi-byte character cannot split text safely.
        if let bad = all.first(where: { $0 < 0x21 || $0 > 0x7E }) { throw .notPrintableASCII(bad) }
        // A letter or digit would be read as part of a segment ID or an escape code.
        if let bad = all.first(where: { isASCIIAlphanumeric($0) }) { throw .alphanumeric(bad) }
        if Set(all).count != all.count { throw .duplicate }
        func at(_ i: Int) -> UInt8? { i < encodingCharacters.count ? encodingCharacters[i] : nil }
        self.field = field
        self.component = encodingCharacters[0]
        self.repetition = at(1)
        self.escape = at(2)
        self.subcomponent = at(3)
        self.truncation = at(4)
    }

    /// The MSH-2 text: the encoding characters as sent.
    public var encodingCharacters: String {
        String(decoding: [component] + [repetition, escape, subcomponent, truncation].compactMap { $0 }, as: UTF8.self)
    }

    /// The field separator as text (MSH-1).
    public var fieldSeparator: String { String(decoding: [field], as: UTF8.self) }

    /// True when `byte` is one of the delimiters (field, component, repetition, escape,
    /// subcomponent or truncation character).
    @inlinable
    public func isDelimiter(_ byte: UInt8) -> Bool {
        byte == field || byte == component || byte == repetition || byte == escape || byte == subcomponent
            || byte == truncation
    }
}

/// Why a field separator and MSH-2 do not make usable delimiters.
public enum HL7v2DelimiterError: Error, Sendable, Hashable, CustomStringConvertible {
    /// MSH-2 has this many characters, not 1 to 5.
    case encodingCharacterCount(Int)
    /// A delimiter is not a printable ASCII character (this byte).
    case notPrintableASCII(UInt8)
    /// Two delimiters are the same character.
    case duplicate
    /// A delimiter is a letter or digit (this byte), which segment IDs and escape codes use.
    case alphanumeric(UInt8)

    /// For a person.
    public var description: String {
        switch self {
        case .encodingCharacterCount(let n):
            return "the encoding characters (MSH-2) are \(n) characters; 1 to 5 are allowed (component, repetition, escape, subcomponent, truncation)"
        case .notPrintableASCII(let b):
            return "a delimiter is byte 0x\(String(b, radix: 16, uppercase: true)), not a printable ASCII character"
        case .duplicate:
            return "two delimiters (MSH-1 and MSH-2) are the same character"
        case .alphanumeric(let b):
            return "a delimiter is '\(String(decoding: [b], as: UTF8.self))', a letter or digit"
        }
    }
}

/// True for `A`–`Z`, `a`–`z` and `0`–`9`.
@inlinable
func isASCIIAlphanumeric(_ b: UInt8) -> Bool {
    (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
}
