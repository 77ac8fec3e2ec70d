/// Construction for readers, which build one element per start tag.
extension Element {
    /// An element as a reader first creates it: a name, no children yet, no JSON details.
    /// Inlinable, unlike the general initialiser: readers build thousands per message, and a
    /// cross-module call with ten defaulted arguments costs more than the stores themselves.
    /// Readers build it straight into their node arena (`slot.initialize(to: Element(reading: …))`):
    /// inlined, the fields are stored in place, with no copy to move.
    @inlinable @inline(__always)
    package init(reading name: __owned String, resourceType: __owned String?, comments: __owned [String],
                 position: SourcePosition) {
        self.name = name
        self.value = nil
        self.children = []
        self.position = position
        self.valueKind = .unspecified
        if resourceType != nil || !comments.isEmpty {
            extras = Extras(resourceType: resourceType, id: nil, url: nil, comments: comments, trailingComments: [])
        }
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
