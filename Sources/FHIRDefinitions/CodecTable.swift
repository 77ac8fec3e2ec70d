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
        if let parsed = line.withContiguousStorageIfAvailable(CodecType.init(bytes:)) {
            guard let parsed else { return nil }
            self = parsed
        } else {
            self.init(splitting: line)
        }
    }

    /// Parses a table line with the collection `split`s: the reading for storage that is not
    /// contiguous, and the reference that ``init(bytes:)`` is tested against.
    package init?(splitting line: Substring.UTF8View) {
        let fields = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false)
        guard fields.count == 4 else { return nil }
        name = String(decoding: fields[0], as: UTF8.self)
        kind = String(decoding: fields[1], as: UTF8.self)
        url = String(decoding: fields[2], as: UTF8.self)
        var entries: [Entry] = []
        for element in fields[3].split(separator: UInt8(ascii: ";")) {
            let parts = element.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
            guard parts.count >= 3 else { return nil }
            let typeField = String(decoding: parts[2], as: UTF8.self)
            let isReference = typeField.hasPrefix("#")
            entries.append(Entry(
                path: String(decoding: parts[0], as: UTF8.self),
                repeats: parts[1].first == UInt8(ascii: "*"),
                types: isReference || typeField.isEmpty ? [] : typeField.split(separator: "|").map(String.init),
                contentReference: isReference ? typeField : nil,
                xmlAttribute: parts.count > 3 && parts[3].first == UInt8(ascii: "a")))
        }
        elements = entries
    }

    /// Parses a table line held in contiguous UTF-8 bytes; nil when malformed. The same fields as
    /// the generic reading above, found by scanning the bytes once: the generic `split` of a
    /// `Substring.UTF8View` cost about 450,000 instructions per type, most of a conversion's
    /// start-up (the separators are ASCII, so bytes and characters agree on every cut).
    package init?(bytes line: UnsafeBufferPointer<UInt8>) {
        let tab = UInt8(ascii: "\t")
        var cuts: [Int] = []
        for i in line.indices where line[i] == tab {
            cuts.append(i)
            if cuts.count > 3 { return nil }
        }
        guard cuts.count == 3 else { return nil }
        func text(_ range: Range<Int>) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: line[range]), as: UTF8.self)
        }
        name = text(0..<cuts[0])
        kind = text(cuts[0] + 1..<cuts[1])
        url = text(cuts[1] + 1..<cuts[2])
        var entries: [Entry] = []
        var start = cuts[2] + 1
        while start <= line.count {
            var end = start
            while end < line.count, line[end] != UInt8(ascii: ";") { end += 1 }
            // Empty elements are skipped, as `split` omits empty pieces.
            if end > start {
                guard let entry = Entry(bytes: UnsafeBufferPointer(rebasing: line[start..<end])) else { return nil }
                entries.append(entry)
            }
            start = end + 1
        }
        elements = entries
    }
}

extension CodecType.Entry {
    /// One `path:repeats:types[:a]` element of a table line; nil when it has fewer than three parts.
    fileprivate init?(bytes: UnsafeBufferPointer<UInt8>) {
        // The first four `:`-separated parts (empty ones kept); later parts are ignored.
        var parts: [Range<Int>] = []
        var start = 0
        for i in bytes.indices where bytes[i] == UInt8(ascii: ":") {
            parts.append(start..<i)
            start = i + 1
        }
        parts.append(start..<bytes.count)
        guard parts.count >= 3 else { return nil }
        func text(_ range: Range<Int>) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        }
        let typeField = parts[2]
        let isReference = !typeField.isEmpty && bytes[typeField.lowerBound] == UInt8(ascii: "#")
        var types: [String] = []
        if !isReference {
            var piece = typeField.lowerBound
            for i in typeField where bytes[i] == UInt8(ascii: "|") {
                if i > piece { types.append(text(piece..<i)) }
                piece = i + 1
            }
            if typeField.upperBound > piece { types.append(text(piece..<typeField.upperBound)) }
        }
        self.init(path: text(parts[0]),
                  repeats: parts[1].first.map { bytes[$0] == UInt8(ascii: "*") } ?? false,
                  types: types,
                  contentReference: isReference ? text(typeField) : nil,
                  xmlAttribute: parts.count > 3 && parts[3].first.map { bytes[$0] == UInt8(ascii: "a") } == true)
    }
}
