/// Construction for readers, which build one element per start tag.
extension Element {
    /// An element as a reader first creates it: a name, no children yet, no JSON details.
    ///
    /// Inlinable, so that a reader builds it straight in the memory it stores it to: an element is
    /// 56 bytes (see ``SourceDetails``), so appending `Element(reading: …)` to a reader's stack moves it there.
    /// (Out of line, where it could use the memberwise initialiser, the call costs more than the one
    /// release of the `nil` value that this form still leaves per element.)
    @inlinable
    package init(reading name: __owned String, resourceType: __owned String?, comments: __owned [String],
                 position: SourcePosition) {
        let extras = resourceType != nil || !comments.isEmpty
            ? Extras(resourceType: resourceType, id: nil, url: nil, comments: comments, trailingComments: [])
            : nil
        self.name = name
        self.value = nil
        self.children = []
        self.source = SourceDetails(position: position, valueKind: .unspecified, inJSONArray: false)
        self.extras = extras
    }
}

extension Element {
    /// True when none of the rarely present fields is set: no resource type, id, url or comments.
    @inlinable package var hasOnlyCommonFields: Bool { extras == nil }

    /// Exchanges the rarely present fields (resource type, id, url, comments) with `other`'s,
    /// without copying them: a reader collapsing `<resource><Patient>…` hands the resource's
    /// details to the wrapper this way.
    @inlinable package mutating func swapRareFields(with other: inout Element) {
        swap(&extras, &other.extras)
    }
}
