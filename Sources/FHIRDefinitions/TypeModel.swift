import FHIRModel

/// A compiled view of one type's definition for the codecs: for every element path that has
/// children, the children by wire name, with what a codec needs to know of each.
///
/// Choice elements are expanded (`value[x]` gives `valueQuantity`, `valueString`, …), `Element.id`
/// and `Extension.url` are left out (they are attributes: `Element.id` and `Element.url`).
public final class TypeModel: @unchecked Sendable {
    /// Type name (`Patient`).
    public let name: String
    /// `primitive-type`, `complex-type`, `resource` or `logical`.
    public let kind: String
    /// Canonical URL of the definition (its full record: ``DefinitionPack/structure(url:)``).
    public let url: String
    /// Path of the definition's root element: the type it defines or constrains (`Quantity` for
    /// `SimpleQuantity`).
    public let rootPath: String
    /// Children tables keyed by the parent's path (`Bundle`, `Bundle.entry`, …).
    private let tables: [String: ChildTable]

    /// True for a primitive type (`string`, `date`): its value is a lexeme, not children.
    public var isPrimitive: Bool { kind == "primitive-type" }
    /// True for a resource type (`Patient`, `Bundle`).
    public var isResource: Bool { kind == "resource" }

    init(codec: CodecType) {
        name = codec.name
        kind = codec.kind
        url = codec.url
        rootPath = codec.elements.first?.path ?? codec.name
        var tables: [String: [String: ChildInfo]] = [:]
        var hasChildren = Set<String>()
        // Dots found over the bytes: `String.lastIndex(of:)` walks Characters.
        for e in codec.elements {
            if let dot = e.path.utf8.lastIndex(of: UInt8(ascii: ".")) { hasChildren.insert(String(e.path[..<dot])) }
        }
        var order: [String: Int] = [:]
        for e in codec.elements {
            guard let dot = e.path.utf8.lastIndex(of: UInt8(ascii: ".")), !e.xmlAttribute else { continue }
            let parent = String(e.path[..<dot])
            let stem = String(e.path[e.path.utf8.index(after: dot)...])
            let position = order[parent, default: 0]
            order[parent] = position + 1
            for info in ChildInfo.expand(element: e, stem: stem, order: position, typeName: codec.name,
                                         hasChildren: hasChildren.contains(e.path)) {
                tables[parent, default: [:]][info.name] = info
            }
        }
        self.tables = tables.mapValues(ChildTable.init(byName:))
    }

    /// The children table of an element path in this type (the type's own name for its root).
    public func children(of path: String) -> ChildTable? { tables[path] }
}

/// The children an element can have, by wire name.
public struct ChildTable: Sendable {
    /// The entries, in a table the codecs can search without `Hasher` (they look up every element
    /// they read or write here). One object, so that copying a table is one retain.
    private var index: NameIndex

    init(byName: [String: ChildInfo]) {
        index = NameIndex(byName)
    }

    /// Every child definition by wire name (a dictionary: for listing them, not for lookups in a loop).
    public var byName: [String: ChildInfo] { index.byName }

    /// The child definition with this wire name (`valueQuantity`, `given`), or nil.
    @inline(__always)
    public subscript(name: String) -> ChildInfo? { index[name] }

    /// The child whose wire name is these UTF-8 bytes: the lookup of `subscript(name:)` without
    /// making a `String` (for readers that work on input bytes).
    @inline(__always)
    package subscript(utf8 name: Span<UInt8>) -> ChildInfo? { index[utf8: name] }
}

/// A read-only open-addressing table from wire names to child definitions, hashed with FNV-1a over
/// the name's UTF-8 bytes: names are short, and this is several times cheaper than `Hasher` (SipHash).
final class NameIndex: Sendable {
    let byName: [String: ChildInfo]
    private let names: [String]
    private let infos: [ChildInfo?]
    private let mask: Int
    /// For ``subscript(utf8:)``: every name's UTF-8 one after another, and each slot's offset and
    /// length in it (length -1 for an empty slot), so that a lookup compares bytes in place.
    private let nameBytes: [UInt8]
    private let slots: [(offset: Int32, length: Int32)]

    init(_ byName: [String: ChildInfo]) {
        // At most half full, so that a probe sequence is short and always ends at an empty slot.
        var size = 4
        while size < 2 * byName.count { size *= 2 }
        var names = [String](repeating: "", count: size)
        var infos = [ChildInfo?](repeating: nil, count: size)
        for (name, info) in byName {
            var i = NameIndex.hash(name) & (size - 1)
            while infos[i] != nil { i = (i + 1) & (size - 1) }
            names[i] = name
            infos[i] = info
        }
        self.byName = byName
        self.names = names
        self.infos = infos
        mask = size - 1
        var nameBytes: [UInt8] = []
        var slots: [(offset: Int32, length: Int32)] = []
        for (name, info) in zip(names, infos) {
            slots.append(info == nil ? (0, -1) : (Int32(nameBytes.count), Int32(name.utf8.count)))
            nameBytes.append(contentsOf: name.utf8)
        }
        self.nameBytes = nameBytes
        self.slots = slots
    }

    subscript(name: String) -> ChildInfo? {
        var i = NameIndex.hash(name) & mask
        while let info = infos[i] {
            if names[i] == name { return info }
            i = (i + 1) & mask
        }
        return nil
    }

    /// The definition whose name is `bytes`, compared in place with the contiguous names.
    subscript(utf8 bytes: Span<UInt8>) -> ChildInfo? {
        let n = bytes.count
        // The arrays read element by element, in place: a span of them would need a local copy
        // of each first (a span of a class's stored property outlives no statement), a retain
        // and a release per array and lookup.
        var i = NameHash.fnv1a(bytes: bytes) & mask
        while true {
            let slot = slots[i]
            if slot.length < 0 { return nil }
            if Int(slot.length) == n {
                var j = 0
                let stored = Int(slot.offset)
                while j < n && nameBytes[stored &+ j] == bytes[j] { j &+= 1 }
                if j == n { return infos[i] }
            }
            i = (i + 1) & mask
        }
    }

    @inline(__always)
    static func hash(_ name: String) -> Int { NameHash.fnv1a(name) }
}

/// The hash of the name tables (here and in the validator): FNV-1a over a name's UTF-8 bytes.
/// Element names are short, and this costs several times less than `Hasher` (SipHash).
package enum NameHash {
    /// FNV-1a (32 bits) of `name`'s UTF-8, as an `Int`.
    @inlinable @inline(__always)
    package static func fnv1a(_ name: String) -> Int {
        // Over the contiguous bytes: iterating `name.utf8` costs several times more per byte.
        fnv1a(bytes: name.utf8.span)
    }

    /// FNV-1a (32 bits) of UTF-8 bytes, as an `Int`.
    @inlinable @inline(__always)
    package static func fnv1a(bytes: Span<UInt8>) -> Int {
        var h: UInt32 = 2_166_136_261
        for i in bytes.indices { h = (h ^ UInt32(bytes[i])) &* 16_777_619 }
        return Int(h)
    }

    /// A 64-bit hash of every UTF-8 byte of `key`, read eight at a time, and its length: several
    /// times cheaper than FNV-1a (and than `Dictionary`'s SipHash) on URLs and codes of tens of
    /// bytes. Not keyed: tables fed by messages must bound what colliding keys can cost.
    @inlinable
    package static func words(_ key: String) -> Int {
        let bytes = key.utf8.span
        let n = bytes.count
        var h: UInt64 = UInt64(n) &* 0x9E37_79B9_7F4A_7C15
        if n > 0 {
            var i = 0
            while i + 8 <= n {
                h = (h ^ ByteWord.load(bytes, at: i)) &* 0xBF58_476D_1CE4_E5B9
                h ^= h >> 29
                i += 8
            }
            var tail: UInt64 = 0
            while i < n {
                tail = tail << 8 | UInt64(bytes[i])
                i += 1
            }
            h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        }
        h ^= h >> 31
        return Int(truncatingIfNeeded: h)
    }
}

/// What a codec knows of one child element (a choice element has one per type, by wire name).
///
/// A class: the writers pass these around for every element they write, and copying a reference is
/// one retain where copying the fields would be several.
public final class ChildInfo: Sendable, Hashable {
    /// Wire name (`valueQuantity`, `given`).
    public let name: String
    /// Position among its siblings in the definition: the order writers use.
    public let order: Int
    /// True when JSON writes an array (the base max is not 1).
    public let repeats: Bool
    /// The type code (`HumanName`, `string`, `BackboneElement`, `Resource`).
    public let typeCode: String
    /// How the codecs treat the value.
    public let content: Content
    /// Path of the snapshot element (`Observation.value[x]`).
    public let definitionPath: String
    /// True for a choice element (`…[x]`).
    public let isChoice: Bool

    init(name: String, order: Int, repeats: Bool, typeCode: String, content: Content, definitionPath: String,
         isChoice: Bool) {
        self.name = name
        self.order = order
        self.repeats = repeats
        self.typeCode = typeCode
        self.content = content
        self.definitionPath = definitionPath
        self.isChoice = isChoice
    }

    /// Same object, or equal in every field.
    public static func == (a: ChildInfo, b: ChildInfo) -> Bool {
        a === b || (a.name == b.name && a.order == b.order && a.repeats == b.repeats && a.typeCode == b.typeCode
                    && a.content == b.content && a.definitionPath == b.definitionPath && a.isChoice == b.isChoice)
    }

    /// Hashes the name and the definition path (what tells two children of one type apart).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(definitionPath)
    }

    /// How the codecs treat a child's value: what kind of thing the wire name holds.
    public enum Content: Sendable, Hashable {
        /// A primitive with its JSON kind.
        case primitive(JSONKind)
        /// Narrative XHTML (`Narrative.div`).
        case xhtml
        /// A complex datatype, defined by the core type `typeCode`.
        case complex
        /// A backbone element defined inline: children under `path` in type `typeName`.
        case backbone(typeName: String, path: String)
        /// A resource (`contained`, `Bundle.entry.resource`): its type comes from the data.
        case resource
    }

    static func expand(element e: CodecType.Entry, stem: String, order: Int, typeName: String,
                       hasChildren: Bool) -> [ChildInfo] {
        let repeats = e.repeats
        if let ref = e.contentReference, ref.hasPrefix("#") {
            let target = String(ref.dropFirst())
            let owner = target.split(separator: ".").first.map(String.init) ?? typeName
            return [ChildInfo(name: stem, order: order, repeats: repeats, typeCode: "BackboneElement",
                              content: .backbone(typeName: owner, path: target), definitionPath: e.path, isChoice: false)]
        }
        let types = e.types
        if stem.hasSuffix("[x]") {
            let base = String(stem.dropLast(3))
            var seen = Set<String>()
            return types.compactMap { code in
                guard seen.insert(code).inserted else { return nil }
                let suffix = capitalisedASCII(code)
                return ChildInfo(name: base + suffix, order: order, repeats: repeats, typeCode: code,
                                 content: content(code: code, path: e.path, typeName: typeName, hasChildren: false),
                                 definitionPath: e.path, isChoice: true)
            }
        }
        let code = types.first ?? "Element"
        return [ChildInfo(name: stem, order: order, repeats: repeats, typeCode: code,
                          content: content(code: code, path: e.path, typeName: typeName, hasChildren: hasChildren),
                          definitionPath: e.path, isChoice: false)]
    }

    private static func content(code: String, path: String, typeName: String, hasChildren: Bool) -> Content {
        if hasChildren && (code == "BackboneElement" || code == "Element") {
            return .backbone(typeName: typeName, path: path)
        }
        switch code {
        case "Resource", "DomainResource": return .resource
        case "xhtml": return .xhtml
        default:
            if let kind = JSONKind.ofPrimitive(code) { return .primitive(kind) }
            return .complex
        }
    }
}

/// The JSON representation of a primitive type (FHIR JSON: booleans and numbers are not strings).
public enum JSONKind: String, Sendable, Hashable, Codable {
    /// A JSON string (`string`, `code`, `date`, `uri`… and every other non-numeric primitive).
    case string
    /// A JSON number (`integer`, `unsignedInt`, `positiveInt`, `decimal`).
    case number
    /// `true` or `false` (`boolean`).
    case boolean

    /// The kind of a FHIR primitive type code, or nil when the code is not a primitive type.
    public static func ofPrimitive(_ code: String) -> JSONKind? {
        switch code {
        case "boolean": return .boolean
        case "integer", "unsignedInt", "positiveInt", "decimal": return .number
        case "string", "code", "id", "uri", "oid", "uuid", "markdown", "base64Binary", "date", "dateTime",
             "time", "instant", "canonical", "url": return .string   // canonical and url: R4
        default: return nil
        }
    }
}

/// `dateTime` -> `DateTime`: the choice-name suffix of a type code (type codes are ASCII).
private func capitalisedASCII(_ code: String) -> String {
    var bytes = Array(code.utf8)
    if let first = bytes.first, first >= UInt8(ascii: "a"), first <= UInt8(ascii: "z") { bytes[0] = first - 32 }
    return String(decoding: bytes, as: UTF8.self)
}
