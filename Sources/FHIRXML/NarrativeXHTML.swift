/// The XML writer's check of a narrative `div`, for writers that do not go through the element tree
/// (the direct JSON->XML conversion): the same verdict ``FHIRXMLWriter`` acts on.
package enum NarrativeXHTML {
    package enum Verdict: Sendable, Equatable {
        /// Well-formed XHTML: written as it is.
        case verbatim
        /// Well-formed but without a namespace: the writer inserts
        /// ` xmlns="http://www.w3.org/1999/xhtml"` at this byte offset.
        case insertNamespace(at: Int)
        /// The writer reports `xhtml.not-well-formed`.
        case invalid
    }

    /// Checks the UTF-8 text of a narrative `div` (as decoded from JSON).
    package static func check(_ bytes: Span<UInt8>) -> Verdict {
        switch XHTMLCheck.check(bytes: bytes) {
        case .ok: return .verbatim
        case let .needsNamespace(at): return .insertNamespace(at: at)
        case .invalid: return .invalid
        }
    }
}
