import Foundation
import FHIRModel

/// Reads FHIR STU3 XML into the lossless `Element` tree, streaming with libxml2's SAX2 parser.
///
/// The reader needs no definitions: it reads any FHIR XML document (a resource, or a fragment such as
/// `<fixedUri xmlns="http://hl7.org/fhir" value="…"/>` whose root is not a resource), which is what the
/// definition importer uses to read StructureDefinitions and ValueSets.
///
/// Tree shape (shared with the JSON reader):
/// - The `value`, `id` and `url` attributes become `Element.value`, `Element.id` and `Element.url`,
///   exactly as written after XML attribute-value decoding (`&#xD;&#xA;` becomes CR LF, `1.50` stays
///   `1.50`).
/// - A nested resource's wrapper collapses: `<entry><resource><Patient>…` gives a node named `resource`
///   with `Element.resourceType` `Patient` and the Patient's children. An element whose single child
///   element starts with an upper-case letter is such a wrapper.
/// - A narrative `div` (XHTML namespace) is kept as its serialised XML in `Element.value`, with the
///   XHTML namespace declared on the `div` and prefixes dropped.
/// - Comments go to the following element's `Element.comments`; comments after an element's last
///   child go to its `Element.trailingComments`; comments before the root go to the root's comments
///   and comments after it to the root's trailing comments.
/// - `Element.position` is the line and column (in UTF-8 bytes, 1-based) of the element's `<`.
///
/// Safety: network access, DTDs and entity expansion are off; any DOCTYPE is refused (`xml.doctype`),
/// as are undefined entities (`xml.entity`), encodings other than UTF-8 (`xml.encoding`) and
/// documents beyond ``XMLReadOptions/maxDepth`` or ``XMLReadOptions/maxBytes``. libxml2's own limits
/// stay on. Errors are reported through the parser context, so reading is thread-safe.
///
/// Errors (severity error or fatal) are thrown together as an `IssuesError`; warnings and
/// information (a dropped `xsi:schemaLocation`, a dropped processing instruction) come back in
/// `Decoded.issues`.
public struct FHIRXMLReader: MessageReader, Sendable {
    /// The limits this reader applies.
    public var options: XMLReadOptions

    /// Creates a reader with the given limits.
    public init(options: XMLReadOptions = .init()) {
        self.options = options
    }

    /// Reads one XML document from raw bytes (UTF-8, optionally with a byte order mark).
    ///
    /// - Throws: `IssuesError` with every error found (not well-formed, DOCTYPE, wrong namespace,
    ///   unknown attribute, text content, limits, …).
    public func read(_ bytes: Span<UInt8>) throws -> Decoded {
        try SAXTreeBuilder.parse(bytes, options: options)
    }
}
