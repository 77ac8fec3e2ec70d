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
    /// The primitive value, exactly as written (or the serialised XHTML of a narrative `div`).
    public var value: String?
    /// Child elements in document order (extensions included, as `extension` children).
    public var children: [Element]
    /// The position, value kind and JSON array flag, packed in 8 bytes (see ``SourceDetails``).
    @usableFromInline var source: SourceDetails
    /// The fields most elements lack, in one shared box (copied on write): keeps an element small,
    /// which is what makes building and copying trees fast. Spelled `Optional<…>` and without
    /// default values (as is ``source``), so that every initialiser stores each field once:
    /// a field stored by default and then again makes the optimiser copy and destroy a new
    /// element instead of moving it (a reader builds thousands per message).
    @usableFromInline var extras: Optional<Extras>

    /// Where the element started in its source, when it was parsed. Lines above 536,870,911 are
    /// kept as that line (the top bits of the line hold ``valueKind`` and ``inJSONArray``).
    @inlinable public var position: SourcePosition {
        get { source.position }
        set { source.position = newValue }
    }

    /// The JSON kind the value was read as; `.unspecified` when it came from XML.
    @inlinable public var valueKind: ValueKind {
        get { source.valueKind }
        set { source.valueKind = newValue }
    }

    /// True when a JSON source held this element inside an array (`"given": ["Ann"]`): the JSON
    /// array-vs-single rule needs it, since the tree flattens arrays into runs. A source detail like
    /// ``position``, so equality ignores it.
    @inlinable public var inJSONArray: Bool {
        get { source.inJSONArray }
        set { source.inJSONArray = newValue }
    }

    /// Set when this node is a resource: its type (`Patient`).
    @inlinable public var resourceType: String? {
        get { extras?.resourceType }
        set {
            guard newValue != nil || extras != nil else { return }
            let old = extras
            extras = Extras(resourceType: newValue, id: old?.id, url: old?.url,
                            comments: old?.comments ?? [], trailingComments: old?.trailingComments ?? [])
        }
    }

    /// `Element.id` (an XML attribute; in JSON the `id` property of a datatype or backbone object).
    @inlinable public var id: String? {
        get { extras?.id }
        set {
            guard newValue != nil || extras != nil else { return }
            let old = extras
            extras = Extras(resourceType: old?.resourceType, id: newValue, url: old?.url,
                            comments: old?.comments ?? [], trailingComments: old?.trailingComments ?? [])
        }
    }

    /// `Extension.url` (an XML attribute; a plain `url` property in JSON).
    @inlinable public var url: String? {
        get { extras?.url }
        set {
            guard newValue != nil || extras != nil else { return }
            let old = extras
            extras = Extras(resourceType: old?.resourceType, id: old?.id, url: newValue,
                            comments: old?.comments ?? [], trailingComments: old?.trailingComments ?? [])
        }
    }

    /// Comments that stood just before this element (XML comments, STU3 JSON `fhir_comments`).
    @inlinable public var comments: [String] {
        get { extras?.comments ?? [] }
        set {
            guard !newValue.isEmpty || extras != nil else { return }
            let old = extras
            extras = Extras(resourceType: old?.resourceType, id: old?.id, url: old?.url,
                            comments: newValue, trailingComments: old?.trailingComments ?? [])
        }
    }

    /// Comments that stood after this element's last child, before its end tag.
    @inlinable public var trailingComments: [String] {
        get { extras?.trailingComments ?? [] }
        set {
            guard !newValue.isEmpty || extras != nil else { return }
            let old = extras
            extras = Extras(resourceType: old?.resourceType, id: old?.id, url: old?.url,
                            comments: old?.comments ?? [], trailingComments: newValue)
        }
    }

    /// Equal when every field is, source positions included: two trees read from different bytes
    /// usually differ in positions, so compare such trees with positions cleared.
    public static func == (a: Element, b: Element) -> Bool {
        a.name == b.name && a.value == b.value && a.position == b.position && a.valueKind == b.valueKind
            && a.resourceType == b.resourceType && a.id == b.id && a.url == b.url
            && a.comments == b.comments && a.trailingComments == b.trailingComments && a.children == b.children
    }

    /// Hashes the content (name, value, resource type, id, url, children), not the source details.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(value)
        hasher.combine(resourceType)
        hasher.combine(id)
        hasher.combine(url)
        hasher.combine(children)
    }

    /// True when this node is a resource (root, contained or inline in a Bundle/Parameters).
    @inlinable public var isResource: Bool { extras?.resourceType != nil }

    /// The first child with the given name.
    public func child(_ name: String) -> Element? {
        // By index: `first(where:)` would copy every child it looks at (four reference counts each).
        for k in children.indices where children[k].name == name { return children[k] }
        return nil
    }

    /// All children with the given name, in order.
    public func children(named name: String) -> [Element] {
        var found: [Element] = []
        for k in children.indices where children[k].name == name { found.append(children[k]) }
        return found
    }

    /// Follows a dotted path of child names (first match at each step): `"meta.profile"`.
    public func descendant(_ dottedPath: String) -> Element? {
        var node = self
        for step in dottedPath.split(separator: ".") {
            guard let next = node.child(String(step)) else { return nil }
            node = next
        }
        return node
    }

    /// Number of nodes in this subtree, this one included.
    public var nodeCount: Int {
        children.reduce(1) { $0 + $1.nodeCount }
    }

    /// The rarely present fields of an element. Immutable, so that elements share a box freely and
    /// reading a field needs no exclusivity check; a change makes a new box.
    @usableFromInline final class Extras: Sendable {
        @usableFromInline let resourceType: String?
        @usableFromInline let id: String?
        @usableFromInline let url: String?
        @usableFromInline let comments: [String]
        @usableFromInline let trailingComments: [String]

        @usableFromInline init(resourceType: String?, id: String?, url: String?, comments: [String],
                               trailingComments: [String]) {
            self.resourceType = resourceType
            self.id = id
            self.url = url
            self.comments = comments
            self.trailingComments = trailingComments
        }
    }
}

// In an extension, so that `Element` keeps its implicit memberwise initialiser: it builds the value
// directly, where an initialiser that stores into `self` field by field leaves the optimiser a copy
// out of `self` to undo.
extension Element {
    /// An element; every part but the name is optional.
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
        let extras = resourceType != nil || id != nil || url != nil || !comments.isEmpty || !trailingComments.isEmpty
            ? Extras(resourceType: resourceType, id: id, url: url, comments: comments, trailingComments: trailingComments)
            : nil
        self = Element(name: name, value: value, children: children,
                       source: SourceDetails(position: position, valueKind: valueKind, inJSONArray: false), extras: extras)
    }
}

/// The JSON token kind a primitive value was read from. XML has no kinds (`.unspecified`).
public enum ValueKind: UInt8, Sendable, Hashable {
    /// Not read from JSON (XML, or built in code).
    case unspecified
    /// A JSON string (`"1.5"`).
    case string
    /// A JSON number (`1.5`).
    case number
    /// A JSON `true` or `false`.
    case boolean
}
