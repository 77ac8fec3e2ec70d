/// One node of the lossless FHIR element tree.
///
/// Both codecs read into this same shape and write from it, so a message converts by walking one tree.
/// Nothing is interpreted while reading: primitive values keep their exact lexical form (`1.50` stays
/// `1.50`, a partial date stays partial), comments and source positions are kept, and types are laid
/// over the tree afterwards from the definition pack.
///
/// Shape rules:
/// - A repeating element is a run of siblings with the same ``name`` (as in XML); JSON arrays are
///   flattened into such runs and rebuilt by the JSON writer.
/// - A resource (the root, `contained`, `Bundle.entry.resource`, `Parameters.parameter.resource`)
///   has ``resourceType`` set; its children are the resource's own elements. The XML wrapper
///   (`<resource><Patient>…`) and JSON's `resourceType` property are codec details.
/// - The three FHIR XML attributes are fields: ``value`` (primitives), ``id`` (`Element.id`, not
///   `Resource.id`, which is a child element) and ``url`` (`Extension.url`).
/// - Narrative XHTML (`text.div`) is kept in ``value`` as its serialised XML, as in FHIR JSON.
public struct Element: Sendable, Hashable {
    /// The element name as it appears on the wire, choice suffix included (`valueQuantity`).
    public var name: String
    /// Set when this node is a resource: its type (`Patient`).
    public var resourceType: String?
    /// The primitive value, exactly as written (or the serialised XHTML of a narrative `div`).
    public var value: String?
    /// `Element.id` (an XML attribute; in JSON the `id` property of a datatype or backbone object).
    public var id: String?
    /// `Extension.url` (an XML attribute; a plain `url` property in JSON).
    public var url: String?
    /// The JSON kind the value was read as; `.unspecified` when it came from XML.
    public var valueKind: ValueKind
    /// Child elements in document order (extensions included, as `extension` children).
    public var children: [Element]
    /// Comments that stood just before this element (XML comments, STU3 JSON `fhir_comments`).
    public var comments: [String]
    /// Comments that stood after this element's last child, before its end tag.
    public var trailingComments: [String]
    /// Where the element started in its source, when it was parsed.
    public var position: SourcePosition

    public init(
        name: String,
        resourceType: String? = nil,
        value: String? = nil,
        id: String? = nil,
        url: String? = nil,
        valueKind: ValueKind = .unspecified,
        children: [Element] = [],
        comments: [String] = [],
        trailingComments: [String] = [],
        position: SourcePosition = .unknown
    ) {
        self.name = name
        self.resourceType = resourceType
        self.value = value
        self.id = id
        self.url = url
        self.valueKind = valueKind
        self.children = children
        self.comments = comments
        self.trailingComments = trailingComments
        self.position = position
    }

    /// True when this node is a resource (root, contained or inline in a Bundle/Parameters).
    @inlinable public var isResource: Bool { resourceType != nil }

    /// The first child with the given name.
    public func child(_ name: String) -> Element? {
        children.first { $0.name == name }
    }

    /// All children with the given name, in order.
    public func children(named name: String) -> [Element] {
        children.filter { $0.name == name }
    }

    /// Follows a dotted path of child names (first match at each step): `"meta.profile"`.
    public func descendant(_ dottedPath: String) -> Element? {
        var node: Element? = self
        for step in dottedPath.split(separator: ".") {
            node = node?.children.first { $0.name == step }
        }
        return node
    }

    /// Number of nodes in this subtree, this one included.
    public var nodeCount: Int {
        children.reduce(1) { $0 + $1.nodeCount }
    }
}

/// The JSON token kind a primitive value was read from. XML has no kinds (`.unspecified`).
public enum ValueKind: UInt8, Sendable, Hashable {
    case unspecified
    case string
    case number
    case boolean
}
