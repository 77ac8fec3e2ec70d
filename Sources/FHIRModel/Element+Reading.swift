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

extension Element {
    /// Builds a reader's element (as ``init(reading:resourceType:comments:position:)``) directly in
    /// uninitialized memory, such as a reader's node arena, field by field: building the value and
    /// then storing it makes the optimiser copy and destroy every field (about a hundred
    /// instructions per start tag).
    @inlinable
    public static func initialize(_ slot: UnsafeMutablePointer<Element>, reading name: __owned String,
                                  resourceType: __owned String?, comments: __owned [String], position: SourcePosition) {
        let extras = resourceType != nil || !comments.isEmpty
            ? Extras(resourceType: resourceType, id: nil, url: nil, comments: comments, trailingComments: [])
            : nil
        let raw = UnsafeMutableRawPointer(slot)
        raw.advanced(by: MemoryLayout<Element>.offset(of: \Element.name)!).initializeMemory(as: String.self, to: name)
        raw.advanced(by: MemoryLayout<Element>.offset(of: \Element.value)!).initializeMemory(as: String?.self, to: nil)
        raw.advanced(by: MemoryLayout<Element>.offset(of: \Element.children)!).initializeMemory(as: [Element].self, to: [])
        raw.advanced(by: MemoryLayout<Element>.offset(of: \Element.position)!).initializeMemory(as: SourcePosition.self, to: position)
        raw.advanced(by: MemoryLayout<Element>.offset(of: \Element.valueKind)!).initializeMemory(as: ValueKind.self, to: .unspecified)
        raw.advanced(by: MemoryLayout<Element>.offset(of: \Element.inJSONArray)!).initializeMemory(as: Bool.self, to: false)
        raw.advanced(by: MemoryLayout<Element>.offset(of: \Element.extras)!).initializeMemory(as: Extras?.self, to: extras)
    }
}

extension Element {
    /// True when none of the rarely present fields is set: no resource type, id, url or comments.
    @inlinable public var hasOnlyCommonFields: Bool { extras == nil }

    /// Exchanges the rarely present fields (resource type, id, url, comments) with `other`'s,
    /// without copying them: a reader collapsing `<resource><Patient>…` hands the resource's
    /// details to the wrapper this way.
    @inlinable public mutating func swapRareFields(with other: inout Element) {
        swap(&extras, &other.extras)
    }
}
