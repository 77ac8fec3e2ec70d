import FHIRModel

/// A `fixed[x]` or `pattern[x]` value as the pack stores it: the element tree in a neutral form
/// (name, value, id, url, children), so that every reader of the pack gets the element without an
/// XML or JSON parser. The element keeps the definition's name (`fixedUri`, `patternCodeableConcept`).
public struct FixedValue: Codable, Sendable, Hashable {
    /// The element's name, e.g. `fixedUri`.
    public var name: String
    /// Its primitive value, as written.
    public var value: String?
    /// Its `id`, when it has one.
    public var id: String?
    /// Its `url` (an extension's), when it has one.
    public var url: String?
    /// Its children, in order.
    public var children: [FixedValue]

    /// A value from an element of a definition (comments and source positions are left out).
    public init(_ element: Element) {
        name = element.name
        value = element.value
        id = element.id
        url = element.url
        children = element.children.map(FixedValue.init)
    }

    /// A value from its fields (the pack's record reader).
    package init(name: String, value: String?, id: String?, url: String?, children: [FixedValue]) {
        self.name = name; self.value = value; self.id = id; self.url = url; self.children = children
    }

    /// The value as an element tree, as a reader would have built it.
    public var element: Element {
        Element(name: name, value: value, id: id, url: url, children: children.map(\.element))
    }

    // Short keys, and no empty child list: the pack holds thousands of these.
    private enum CodingKeys: String, CodingKey { case name = "n", value = "v", id = "i", url = "u", children = "c" }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        value = try c.decodeIfPresent(String.self, forKey: .value)
        id = try c.decodeIfPresent(String.self, forKey: .id)
        url = try c.decodeIfPresent(String.self, forKey: .url)
        children = try c.decodeIfPresent([FixedValue].self, forKey: .children) ?? []
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encodeIfPresent(value, forKey: .value)
        try c.encodeIfPresent(id, forKey: .id)
        try c.encodeIfPresent(url, forKey: .url)
        if !children.isEmpty { try c.encode(children, forKey: .children) }
    }
}
