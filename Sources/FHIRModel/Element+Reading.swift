/// Construction for readers, which build one element per start tag.
extension Element {
    /// An element as a reader first creates it: a name, no children yet, no JSON details.
    package init(reading name: __owned String, resourceType: __owned String?, comments: __owned [String],
                 position: SourcePosition) {
        let extras = resourceType != nil || !comments.isEmpty
            ? Extras(resourceType: resourceType, id: nil, url: nil, comments: comments, trailingComments: [])
            : nil
        self.name = name
        self.value = nil
        self.children = []
        self.position = position
        self.valueKind = .unspecified
        self.inJSONArray = false
        self.extras = extras
    }

    /// Builds a reader's element (as ``init(reading:resourceType:comments:position:)``) in `slot`,
    /// uninitialised memory of a reader's node arena, field by field.
    ///
    /// Kept because nothing safe is as fast yet: `slot.initialize(to: Element(reading: …))` costs
    /// an extra copy and destroy of the whole element per start tag (+6.8% instructions for XML
    /// reading, measured with callgrind). An `Element` is 64 bytes, past the size the compiler
    /// moves in registers, so it returns it through memory and copies it on the way; a 56-byte
    /// test struct is moved without a copy. Shrinking `Element` (packing `valueKind` and
    /// `inJSONArray` into spare bits) would let this go. Only FHIRXML calls it, on its own arena.
    @inlinable
    package static func initialize(_ slot: UnsafeMutablePointer<Element>, reading name: __owned String,
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
    @inlinable package var hasOnlyCommonFields: Bool { extras == nil }

    /// Exchanges the rarely present fields (resource type, id, url, comments) with `other`'s,
    /// without copying them: a reader collapsing `<resource><Patient>…` hands the resource's
    /// details to the wrapper this way.
    @inlinable package mutating func swapRareFields(with other: inout Element) {
        swap(&extras, &other.extras)
    }
}
