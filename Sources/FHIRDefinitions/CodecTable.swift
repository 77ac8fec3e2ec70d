/// The slim per-type table the codecs read: one text line per core type, derived from the full
/// StructureDefinition record by the pack writer.
///
/// A conversion needs only the element paths, whether they repeat, their types and the two XML
/// attributes; decoding full records (constraints, bindings…) for that cost most of a one-message
/// run's start-up, so the codecs read this table and validators read the records.
///
/// Line: `name TAB kind TAB url TAB element;element;…`, element: `path:repeats:types[:a]` where
/// repeats is `*` or `1`, types is `code|code…` or `#Ref.path` for a content reference, and `a`
/// marks an XML attribute.
public struct CodecType: Sendable, Hashable {
    /// One snapshot element.
    public struct Entry: Sendable, Hashable {
        /// Element path (`Patient.contact.name`).
        public var path: String
        /// True when the base max is not 1 (JSON array).
        public var repeats: Bool
        /// Type codes (several for a choice).
        public var types: [String]
        /// `#Path` of the element whose definition this one reuses.
        public var contentReference: String?
        /// True for `Element.id` / `Extension.url`.
        public var xmlAttribute: Bool
    }

    /// The name a type is found by: the last segment of its core URL.
    public var name: String
    /// `primitive-type`, `complex-type`, `resource` or `logical`.
    public var kind: String
    /// Canonical URL of the full record.
    public var url: String
    /// Unsliced snapshot elements in order.
    public var elements: [Entry]

    /// File name of the table in a pack.
    public static let fileName = "codec-types.tsv"

    /// The slim form of a core definition's record (only unsliced snapshot elements), found by the
    /// last segment of its URL (`Quantity`, `SimpleQuantity`).
    public init(record: StructureRecord) {
        name = record.url.split(separator: "/").last.map(String.init) ?? record.type
        kind = record.kind
        url = record.url
        elements = record.elements.enumerated().filter { i, e in
            // Keep the unsliced elements. (STU3 gives some core types a slice name on the root, e.g.
            // `Quantity:simplequantity`; that is the type itself, not a slice.)
            i == 0 || (e.sliceName == nil && !(e.id ?? "").split(separator: ".").dropFirst().contains { $0.contains(":") })
        }.map(\.element).map { e in
            Entry(path: e.path, repeats: e.repeats, types: (e.types ?? []).map(\.code),
                  contentReference: e.contentReference, xmlAttribute: e.xmlAttribute == true)
        }
    }

    /// The table line.
    public var line: String {
        let body = elements.map { e -> String in
            let types = e.contentReference ?? e.types.joined(separator: "|")
            return "\(e.path):\(e.repeats ? "*" : "1"):\(types)\(e.xmlAttribute ? ":a" : "")"
        }.joined(separator: ";")
        return "\(name)\t\(kind)\t\(url)\t\(body)"
    }

    /// Parses a table line (as UTF-8 bytes); nil when malformed.
    public init?(line: Substring.UTF8View) {
        let bytes = Array(line)
        guard let parsed = Self(bytes: bytes, bytes.indices) else { return nil }
        self = parsed
    }

    /// Parses a table line from its bytes; nil when malformed. One pass with no intermediate
    /// arrays: splitting each line into fields, elements and parts cost more than the type models
    /// built from it (a one-message validation parses 40-60 lines).
    package init?(bytes table: [UInt8], _ range: Range<Int>) {
        let tab = UInt8(ascii: "\t"), semicolon = UInt8(ascii: ";"), colon = UInt8(ascii: ":"), bar = UInt8(ascii: "|")
        let line = LineBytes(table: table, range: range)
        func text(_ range: Range<Int>) -> String { line.text(range) }
        func next(_ byte: UInt8, from start: Int, before end: Int) -> Int {
            var i = start
            while i < end && line[i] != byte { i += 1 }
            return i
        }
        // Four tab-separated fields, the last holding no tab.
        let t1 = next(tab, from: 0, before: line.count)
        let t2 = next(tab, from: t1 + 1, before: line.count)
        let t3 = next(tab, from: t2 + 1, before: line.count)
        guard t3 < line.count, next(tab, from: t3 + 1, before: line.count) == line.count else { return nil }
        name = text(0..<t1)
        kind = text((t1 + 1)..<t2)
        url = text((t2 + 1)..<t3)
        var entries: [Entry] = []
        var start = t3 + 1
        while start < line.count {
            let end = next(semicolon, from: start, before: line.count)
            defer { start = end + 1 }
            if end == start { continue }   // empty elements are skipped
            // `path:repeats:types[:a…]`: at least three colon-separated parts.
            let c1 = next(colon, from: start, before: end)
            let c2 = next(colon, from: c1 + 1, before: end)
            guard c1 < end, c2 < end else { return nil }
            let c3 = next(colon, from: c2 + 1, before: end)
            let typeRange = (c2 + 1)..<c3
            let isReference = !typeRange.isEmpty && line[typeRange.lowerBound] == UInt8(ascii: "#")
            var types: [String] = []
            if !isReference {
                var t = typeRange.lowerBound
                while t < typeRange.upperBound {
                    let e = next(bar, from: t, before: typeRange.upperBound)
                    if e > t { types.append(text(t..<e)) }
                    t = e + 1
                }
            }
            entries.append(Entry(
                path: text(start..<c1),
                repeats: c1 + 1 < c2 && line[c1 + 1] == UInt8(ascii: "*"),
                types: types,
                contentReference: isReference ? text(typeRange) : nil,
                xmlAttribute: c3 < end && c3 + 1 < end && line[c3 + 1] == UInt8(ascii: "a")))
        }
        elements = entries
    }
}

/// One line of a table file, indexed from its start, read in the file's bytes without a copy.
private struct LineBytes {
    let table: [UInt8]
    let range: Range<Int>

    var count: Int { range.count }

    @inline(__always)
    subscript(i: Int) -> UInt8 { table[range.lowerBound + i] }

    /// The text of the line's bytes `r` (offsets in the line).
    func text(_ r: Range<Int>) -> String {
        String(decoding: table[(range.lowerBound + r.lowerBound)..<(range.lowerBound + r.upperBound)], as: UTF8.self)
    }
}
