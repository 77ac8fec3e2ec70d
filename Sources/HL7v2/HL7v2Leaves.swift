/// The place of one leaf value: segment (by index in the message), field, repetition, component
/// and subcomponent, each from 1.
public struct HL7v2LeafPosition: Sendable, Hashable, Comparable {
    /// 0-based index of the segment in ``HL7v2Message/segments``.
    public var segmentIndex: Int
    /// The field number.
    public var field: Int
    /// The repetition, from 1.
    public var repetition: Int
    /// The component, from 1.
    public var component: Int
    /// The subcomponent, from 1.
    public var subcomponent: Int

    /// A leaf position.
    public init(segmentIndex: Int, field: Int, repetition: Int = 1, component: Int = 1, subcomponent: Int = 1) {
        self.segmentIndex = segmentIndex
        self.field = field
        self.repetition = repetition
        self.component = component
        self.subcomponent = subcomponent
    }

    /// Message order.
    public static func < (a: Self, b: Self) -> Bool {
        (a.segmentIndex, a.field, a.repetition, a.component, a.subcomponent)
            < (b.segmentIndex, b.field, b.repetition, b.component, b.subcomponent)
    }
}

/// One populated leaf of a message: where it is, its raw text and what it holds.
public struct HL7v2Leaf: Sendable, Hashable {
    /// Where it is.
    public var position: HL7v2LeafPosition
    /// The segment ID.
    public var segmentID: String
    /// Which occurrence of its segment ID the segment is, from 1.
    public var occurrence: Int
    /// The raw text as sent.
    public var raw: String
    /// What it holds: a value (escapes read) or null (`""`); never absent.
    public var content: HL7v2Content

    /// The full path, every level written: `PID-3[2].4.1`, `OBX[2]-5[1].1.1`. Stable: the same
    /// position always has the same path, whatever else the message holds.
    public var path: HL7v2Path {
        HL7v2Path(segment: segmentID, occurrence: occurrence, field: position.field, repetition: position.repetition,
                  component: position.component, subcomponent: position.subcomponent)
    }
}

extension HL7v2Message {
    /// Every populated leaf (a non-empty subcomponent), in message order. MSH-1 and MSH-2 (the
    /// delimiters) are not data and are left out.
    public func leaves() -> [HL7v2Leaf] {
        var out: [HL7v2Leaf] = []
        var occurrences: [String: Int] = [:]
        for (s, segment) in segments.enumerated() {
            let occurrence = (occurrences[segment.id] ?? 0) + 1
            occurrences[segment.id] = occurrence
            for f in stride(from: segment.isHeader ? 3 : 1, to: segment.fields.count, by: 1) where !segment.fields[f].isEmpty {
                for (r, rep) in splitRaw(Substring(segment.fields[f]), on: delimiters.repetition).enumerated() where !rep.isEmpty {
                    for (c, comp) in splitRaw(rep, on: delimiters.component).enumerated() where !comp.isEmpty {
                        for (sc, sub) in splitRaw(comp, on: delimiters.subcomponent).enumerated() where !sub.isEmpty {
                            let content: HL7v2Content = sub == "\"\"" ? .null
                                : .value(HL7v2Escaping.decode(sub, delimiters: delimiters, charset: charset))
                            out.append(HL7v2Leaf(
                                position: HL7v2LeafPosition(segmentIndex: s, field: f, repetition: r + 1,
                                                            component: c + 1, subcomponent: sc + 1),
                                segmentID: segment.id, occurrence: occurrence, raw: String(sub), content: content))
                        }
                    }
                }
            }
        }
        return out
    }
}

/// Which parts of a message a mapping used, so that the rest can be listed (`--report`): mark by
/// path or leaf as values are read, then ask for ``unusedLeaves(in:)``.
///
/// Marking a path marks everything under it: `PID-3` marks every repetition, `PID-3[2]` one
/// repetition, `PID-3.1` component 1 of every repetition, `PV1` the whole segment.
public struct HL7v2Usage: Sendable, Equatable {
    /// Marked nodes: segment index, then field, repetition, component, subcomponent (0 = all).
    private var marked: Set<Node> = []

    private struct Node: Hashable, Sendable {
        var segment: Int, field: Int, repetition: Int, component: Int, subcomponent: Int
    }

    /// Nothing used yet.
    public init() {}

    /// Marks one leaf used.
    public mutating func markUsed(_ leaf: HL7v2LeafPosition) {
        marked.insert(Node(segment: leaf.segmentIndex, field: leaf.field, repetition: leaf.repetition,
                           component: leaf.component, subcomponent: leaf.subcomponent))
    }

    /// Marks everything under a path used (nothing when the message has no such segment).
    public mutating func markUsed(_ path: HL7v2Path, in message: HL7v2Message) {
        guard let s = message.segmentIndex(path.segment, occurrence: path.occurrence) else { return }
        markUsed(segmentIndex: s, field: path.field, repetition: path.repetition, component: path.component,
                 subcomponent: path.subcomponent)
    }

    /// Marks everything under a place in segment `segmentIndex` used; a nil level means all of it.
    public mutating func markUsed(segmentIndex: Int, field: Int? = nil, repetition: Int? = nil, component: Int? = nil,
                                  subcomponent: Int? = nil) {
        marked.insert(Node(segment: segmentIndex, field: field ?? 0, repetition: field == nil ? 0 : repetition ?? 0,
                           component: field == nil ? 0 : component ?? 0,
                           subcomponent: component == nil || field == nil ? 0 : subcomponent ?? 0))
    }

    /// True when the leaf, or a node above it, is marked.
    public func isUsed(_ leaf: HL7v2LeafPosition) -> Bool {
        let s = leaf.segmentIndex, f = leaf.field, r = leaf.repetition, c = leaf.component, sc = leaf.subcomponent
        for node in [Node(segment: s, field: 0, repetition: 0, component: 0, subcomponent: 0),
                     Node(segment: s, field: f, repetition: 0, component: 0, subcomponent: 0),
                     Node(segment: s, field: f, repetition: r, component: 0, subcomponent: 0),
                     Node(segment: s, field: f, repetition: 0, component: c, subcomponent: 0),
                     Node(segment: s, field: f, repetition: r, component: c, subcomponent: 0),
                     Node(segment: s, field: f, repetition: 0, component: c, subcomponent: sc),
                     Node(segment: s, field: f, repetition: r, component: c, subcomponent: sc)]
        where marked.contains(node) { return true }
        return false
    }

    /// The populated leaves of the message not marked used, in message order.
    public func unusedLeaves(in message: HL7v2Message) -> [HL7v2Leaf] {
        message.leaves().filter { !isUsed($0.position) }
    }
}
