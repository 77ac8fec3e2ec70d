/// One segment: its ID and its fields as sent (raw: escape sequences not yet read).
///
/// `fields[0]` is the segment ID and `fields[k]` is field k (SEG-k). In the header segments MSH,
/// BHS and FHS, `fields[1]` is the field separator itself and `fields[2]` the encoding characters,
/// so `fields[9]` is MSH-9 as the standard numbers it. Fields past the last one sent are empty.
public struct HL7v2Segment: Sendable, Equatable, CustomStringConvertible {
    /// The raw fields; `fields[0]` is the segment ID.
    public var fields: [String]
    /// Where the segment starts in the input (nil for a segment built in code).
    public var source: HL7v2Location?

    /// A segment from its ID and raw fields 1, 2, … (for MSH: MSH-1 is the field separator, given
    /// as the first of `fields`).
    public init(_ id: String, fields: [String] = [], source: HL7v2Location? = nil) {
        self.fields = [id] + fields
        self.source = source
    }

    /// The segment ID (`PID`).
    public var id: String { fields[0] }

    /// True for MSH, BHS and FHS, whose fields 1 and 2 are the delimiters and are never split or unescaped.
    public var isHeader: Bool { Self.isHeaderID(id) }

    static func isHeaderID(_ id: String) -> Bool { id == "MSH" || id == "BHS" || id == "FHS" }

    /// The number of the last field sent (0 when only the ID was sent).
    public var lastField: Int { fields.count - 1 }

    /// The raw text of field `n`, or nil when the segment has no field `n`.
    public func rawField(_ n: Int) -> String? { n >= 1 && n < fields.count ? fields[n] : nil }

    /// Equal when the IDs and raw fields are equal (positions are not compared).
    public static func == (a: HL7v2Segment, b: HL7v2Segment) -> Bool { a.fields == b.fields }

    /// The segment's raw fields joined with `|` (for reading in logs, not for sending).
    public var description: String { fields.joined(separator: "|") }

    /// The segment as sent, without terminator: fields joined by the field separator; in MSH, BHS
    /// and FHS, fields 1 and 2 are the delimiters given.
    public func text(delimiters d: HL7v2Delimiters) -> String {
        var out = id
        var first = 1
        if isHeader {
            out += d.fieldSeparator + d.encodingCharacters
            first = 3
        }
        for f in stride(from: first, to: fields.count, by: 1) { out += d.fieldSeparator + fields[f] }
        return out
    }
}

/// What a position in a message holds: nothing, the explicit null `""`, or a value.
///
/// v2 distinguishes "not sent" (`||`: keep what is stored) from null (`|""|`: delete what is stored).
public enum HL7v2Content: Sendable, Hashable {
    /// Not sent: the position is empty or beyond what was sent.
    case absent
    /// The null value `""`: the receiver should delete its stored value.
    case null
    /// A value, escape sequences read (see ``HL7v2Escaping``).
    case value(String)

    /// The value, or nil for absent and null.
    public var value: String? {
        if case .value(let v) = self { return v }
        return nil
    }
}

/// One level of splitting: the parts of a raw text between a delimiter, empty parts kept so that
/// positions keep their numbers (`^^^NHS^NH` has NHS as part 4). A nil delimiter does not split.
func splitRaw(_ raw: Substring, on delimiter: UInt8?) -> [Substring] {
    guard let delimiter else { return [raw] }
    let utf8 = raw.utf8
    // Scan the contiguous bytes (delimiters are ASCII, so every cut is on a character boundary).
    let bytes = utf8.span
    var parts: [Substring] = []
    var start = 0
    for i in bytes.indices where bytes[i] == delimiter {
        parts.append(Substring(utf8[utf8.index(utf8.startIndex, offsetBy: start)..<utf8.index(utf8.startIndex, offsetBy: i)]))
        start = i + 1
    }
    if parts.isEmpty { return [raw] }
    parts.append(Substring(utf8[utf8.index(utf8.startIndex, offsetBy: start)...]))
    return parts
}

/// True when the text holds the byte (the values scanned are short: a field or a component).
func containsByte(_ text: some StringProtocol, _ byte: UInt8) -> Bool {
    text.utf8.contains(byte)
}

extension HL7v2Segment {
    /// The raw text at a place in this segment: the whole field when `repetition` and `component`
    /// are nil, one repetition, one component (of the first repetition when `repetition` is nil)
    /// or one subcomponent. Nil when the segment does not reach that far.
    public func raw(field: Int, repetition: Int? = nil, component: Int? = nil, subcomponent: Int? = nil,
                    delimiters: HL7v2Delimiters) -> Substring? {
        guard let text = rawField(field) else { return nil }
        let whole = Substring(text)
        if isHeader && field <= 2 {
            // MSH-1 and MSH-2 are the delimiters: one value, never split.
            return (repetition ?? 1) == 1 && (component ?? 1) == 1 && (subcomponent ?? 1) == 1 ? whole : nil
        }
        if repetition == nil && component == nil { return whole }
        let reps = splitRaw(whole, on: delimiters.repetition)
        let r = repetition ?? 1
        guard r >= 1, r <= reps.count else { return nil }
        guard let component else { return reps[r - 1] }
        let comps = splitRaw(reps[r - 1], on: delimiters.component)
        guard component >= 1, component <= comps.count else { return nil }
        guard let subcomponent else { return comps[component - 1] }
        let subs = splitRaw(comps[component - 1], on: delimiters.subcomponent)
        guard subcomponent >= 1, subcomponent <= subs.count else { return nil }
        return subs[subcomponent - 1]
    }

    /// What a place holds, reading the first repetition, component and subcomponent where the
    /// arguments leave a level out (a primitive read from `F^Female` is `F`). A whole position
    /// of `""` is null.
    public func content(field: Int, repetition: Int? = nil, component: Int? = nil, subcomponent: Int? = nil,
                        delimiters: HL7v2Delimiters, charset: HL7v2Charset = .utf8) -> HL7v2Content {
        guard let node = raw(field: field, repetition: repetition, component: component, subcomponent: subcomponent,
                             delimiters: delimiters) else { return .absent }
        if node.isEmpty { return .absent }
        if node == "\"\"" { return .null }
        if isHeader && field <= 2 { return .value(String(node)) }
        guard let leaf = raw(field: field, repetition: repetition ?? 1, component: component ?? 1,
                             subcomponent: subcomponent ?? 1, delimiters: delimiters), !leaf.isEmpty else { return .absent }
        if leaf == "\"\"" { return .null }
        return .value(HL7v2Escaping.decode(leaf, delimiters: delimiters, charset: charset))
    }

    /// The number of repetitions field `n` holds (0 when it is empty or not sent).
    public func repetitionCount(field n: Int, delimiters: HL7v2Delimiters) -> Int {
        guard let text = rawField(n), !text.isEmpty else { return 0 }
        if isHeader && n <= 2 { return 1 }
        return splitRaw(Substring(text), on: delimiters.repetition).count
    }
}
