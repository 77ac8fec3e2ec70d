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
}
