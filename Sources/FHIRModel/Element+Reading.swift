/// Construction for readers, which build one element per start tag.
extension Element {
    /// An element as a reader first creates it: a name, no children yet, no JSON details.
    /// Inlinable, unlike the general initialiser: readers build thousands per message, and a
    /// cross-module call with ten defaulted arguments costs more than the stores themselves.
    @inlinable
    public init(reading name: String, resourceType: String?, comments: [String], position: SourcePosition) {
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
