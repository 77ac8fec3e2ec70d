import FHIRModel

/// Limits and switches for ``FHIRXMLReader``.
///
/// The defaults are safe for untrusted input: a document larger than ``maxBytes`` or nested deeper
/// than ``maxDepth`` is refused before it can cost much memory or time. DOCTYPEs, external entities
/// and network access are refused whatever the options say.
public struct XMLReadOptions: Sendable, Hashable {
    /// Deepest element nesting accepted (the root is depth 1; narrative XHTML counts too).
    /// Deeper documents fail with rule `xml.too-deep`. libxml2's own limit (256) also stays on.
    public var maxDepth: Int
    /// Largest document accepted, in bytes. Larger documents fail with rule `xml.too-large`.
    public var maxBytes: Int
    /// The most child elements one element may have; more fail with rule `xml.too-many-children`.
    public var maxEntries: Int

    /// When true, elements outside the FHIR namespace (typically a hand-written file whose root lacks
    /// `xmlns="http://hl7.org/fhir"`) are read as FHIR elements with a warning instead of an error.
    /// For importing definitions; messages should be read strictly.
    public var lenientNamespaces: Bool

    /// When true, text inside a FHIR element (a stray character a hand edit left, as in one UK Core
    /// CodeSystem) is a warning instead of an error; the text is dropped either way. For importing
    /// definitions; messages should be read strictly.
    public var lenientText: Bool

    /// Creates options; the defaults are `ReadLimits`' (a depth of 256, 256 MiB, 100,000
    /// children), strict namespaces and strict text.
    public init(maxDepth: Int = ReadLimits.defaultMaxDepth, maxBytes: Int = ReadLimits.defaultMaxBytes,
                maxEntries: Int = ReadLimits.defaultMaxEntries, lenientNamespaces: Bool = false, lenientText: Bool = false) {
        self.maxDepth = maxDepth
        self.maxBytes = maxBytes
        self.maxEntries = maxEntries
        self.lenientNamespaces = lenientNamespaces
        self.lenientText = lenientText
    }

    /// Options with these limits and strict namespaces.
    public init(limits: ReadLimits) {
        self.init(maxDepth: limits.maxDepth, maxBytes: limits.maxBytes, maxEntries: limits.maxEntries)
    }
}

/// How ``FHIRXMLWriter`` lays out its output.
public struct XMLWriteOptions: Sendable, Hashable {
    /// The order in which the writer emits an element's children.
    public enum Order: Sendable, Hashable {
        /// The order of the definitions (FHIR requires it): children are grouped by name and the groups
        /// sorted by their position in the definition; needs a definition pack.
        case definition
        /// The order of the tree as it is; needs no definitions.
        case document
    }

    /// Indent nested elements by two spaces, one element per line (narrative XHTML stays verbatim).
    /// When false, no whitespace is added at all.
    public var pretty: Bool
    /// Start with `<?xml version="1.0" encoding="UTF-8"?>`.
    public var declaration: Bool
    /// Child order; see ``Order``.
    public var order: Order

    /// Creates options; the defaults are pretty output with a declaration in definition order.
    public init(pretty: Bool = true, declaration: Bool = true, order: Order = .definition) {
        self.pretty = pretty
        self.declaration = declaration
        self.order = order
    }
}
