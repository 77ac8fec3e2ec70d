import HL7v2

/// An HL7 v2 message, or one item of it (the header segments and one repeating group, such as
/// one `ORC RXA RXR` of a VXU), as a ``MappingSource``: source paths are ``HL7v2Selector``s,
/// positions are the full leaf paths of the whole message (`PID-3[2].4.1`, `OBX[3]-5[1].1.1`), so
/// that the items of one message report against the same positions.
public struct HL7v2MessageSource: MappingSource {
    /// The segments the paths read (the whole message, or the header and one group).
    public let view: HL7v2Message
    /// For each segment of ``view``: its ID and occurrence in the whole message.
    private let originals: [(id: String, occurrence: Int)]
    private let selectors: HL7v2SelectorCache
    /// Where the message (and item) is, for messages.
    public let location: String

    /// A source over `segments` (indices into `message.segments`, in order) of `message`.
    public init(message: HL7v2Message, segments: [Int]? = nil, location: String, selectors: HL7v2SelectorCache) {
        var occurrences: [String: Int] = [:]
        var all: [(id: String, occurrence: Int)] = []
        for s in message.segments {
            let n = (occurrences[s.id] ?? 0) + 1
            occurrences[s.id] = n
            all.append((s.id, n))
        }
        let chosen = segments ?? Array(message.segments.indices)
        var view = message
        view.segments = chosen.map { message.segments[$0] }
        self.view = view
        originals = chosen.map { all[$0] }
        self.location = location
        self.selectors = selectors
    }

    public func value(at path: String) -> SourceValue? {
        guard let selector = selectors.selector(path), let (found, value) = selector.resolve(in: view),
              let leaf = view.leafPosition(of: found) else { return nil }
        return SourceValue(text: value, positions: [position(of: leaf)])
    }

    public var presentPositions: [String] {
        view.leaves().map { position(of: $0.position) }
    }

    public var identity: [UInt8] {
        var bytes: [UInt8] = []
        for s in view.segments { bytes += Array(s.description.utf8); bytes.append(0x0D) }
        return bytes
    }

    /// The full path of a leaf of the view, in the whole message's terms.
    private func position(of leaf: HL7v2LeafPosition) -> String {
        let original = originals[leaf.segmentIndex]
        return HL7v2Path(segment: original.id, occurrence: original.occurrence, field: leaf.field, repetition: leaf.repetition,
                         component: leaf.component, subcomponent: leaf.subcomponent).description
    }
}

/// Parsed selectors by their text, so that each mapping path is parsed once per run, not once per
/// message. Not thread-safe: one per engine.
public final class HL7v2SelectorCache: @unchecked Sendable {
    private var parsed: [String: HL7v2Selector?] = [:]

    /// An empty cache.
    public init() {}

    /// The selector of a text, nil when it is not one.
    public func selector(_ text: String) -> HL7v2Selector? {
        if let hit = parsed[text] { return hit }
        let made = HL7v2Selector(text)
        parsed[text] = made
        return made
    }
}
