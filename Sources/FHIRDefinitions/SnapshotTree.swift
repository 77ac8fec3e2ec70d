import Foundation

/// One element of a StructureDefinition's snapshot, linked to its children and its named slices.
///
/// Built by ``SnapshotTree``; nothing changes a node once the tree is made.
public final class SnapshotNode: @unchecked Sendable {
    /// The element definition this node stands for.
    public let record: ElementRecord
    /// The element's position in the snapshot's element list.
    public let index: Int
    /// The last step of the element's path (`coding`, `value[x]`, `valueQuantity`).
    public let step: String
    /// Child elements in snapshot order. Slices are not here but under their entry's ``slices``.
    public fileprivate(set) var children: [SnapshotNode] = []
    /// The named slices of this element (for a choice, also its type slices such as
    /// `valueQuantity`), in snapshot order.
    public fileprivate(set) var slices: [SnapshotNode] = []

    init(record: ElementRecord, index: Int) {
        self.record = record
        self.index = index
        let path = record.path
        step = Self.lastStep(of: path)
    }

    /// The last step of a dotted element path (`Observation.code.coding` -> `coding`), found over
    /// contiguous bytes: every element of every profile a run compiles needs it.
    static func lastStep(of path: String) -> String {
        let bytes = path.utf8.span
        var i = bytes.count
        var start: Int?
        while i > 0 { i -= 1; if bytes[i] == UInt8(ascii: ".") { start = i + 1; break } }
        guard let start else { return path }
        return String(path.utf8.dropFirst(start))!
    }

    /// Whether the element is a choice (`value[x]`).
    public var isChoice: Bool { step.hasSuffix("[x]") }
    /// The prefix a choice's wire names share (`value` for `value[x]`).
    public var choiceBase: String { String(step.dropLast(3)) }
    /// The element's type codes in definition order (empty when the definition lists none).
    public var typeCodes: [String] { record.types?.map(\.code) ?? [] }
    /// The slice's name, when this node is a slice.
    public var sliceName: String? { record.sliceName }

    /// Whether an instance child named `wireName` is this element: its step, or for a choice its
    /// prefix followed by one of its types (FHIR STU3 formats.html#choice: `valueQuantity`).
    public func matches(_ wireName: String) -> Bool {
        guard isChoice else { return wireName == step }
        guard wireName.hasPrefix(choiceBase) else { return false }
        let suffix = wireName.dropFirst(choiceBase.count)
        guard let first = suffix.first, first.isUppercase else { return false }
        let types = typeCodes
        return types.isEmpty || types.contains { Self.choiceSuffix(of: $0) == suffix }
    }

    /// The suffix a choice element's wire name takes for a type: `dateTime` -> `DateTime`.
    public static func choiceSuffix(of typeCode: String) -> String {
        guard let first = typeCode.first else { return typeCode }
        return first.uppercased() + typeCode.dropFirst()
    }
}

/// A StructureDefinition's snapshot as a tree, linked by snapshot order and path, as the HL7
/// reference validator links it (org.hl7.fhir `ProfileUtilities.getChildMap` and `getSliceList`).
///
/// - The children of an element are the elements that follow it whose path is its path plus one
///   step, up to the first element whose path is not below it. So an entry's own children end at
///   its first slice, and a slice's children end at the next slice.
/// - A slice is an element with a `sliceName` that follows its entry (same path) after the entry's
///   children and the previous slices; it hangs under the entry's ``SnapshotNode/slices``. A type
///   slice of a choice (`value[x]` with `sliceName` `valueQuantity`) hangs under the choice.
/// - STU3 profiles also write a type slice by its type-specific path (`Observation.valueQuantity`,
///   `sliceName` `valueQuantity`): directly after a `value[x]` it is that choice's slice; with no
///   `value[x]` before it, it stands for the choice restricted to one type and is a plain child.
/// - `sliceName` is the authority, element ids are not read: STU3 profiles, those from Simplifier
///   above all, carry ids that disagree with their slice names (Vital Signs'
///   `Observation.code.coding:bmicode` is the slice `BMICode`) or with their choice's form
///   (`value[x]:valueQuantity.unit` under `valueQuantity`), and elements without ids.
/// - An element with a `sliceName` but no entry before it (early STU3 profiles name elements so:
///   `FamilyMemberHistory.relationship`, `sliceName` `Relationship`) is a plain child.
/// - Left out, with everything below them: re-slices (`sliceName` `a/b`; the shipped pack has
///   none), an element repeating its predecessor's path without a `sliceName`, an element more than
///   one step below the element it follows, and an element outside the root's path.
public struct SnapshotTree: Sendable {
    /// The snapshot's first element (`Observation`).
    public let root: SnapshotNode

    /// Links the snapshot's elements; nil when it has none.
    public init?(_ structure: StructureRecord) {
        guard let first = structure.elements.first else { return nil }
        root = SnapshotNode(record: first, index: 0)
        var linker = Linker(root: root)
        for (index, record) in structure.elements.enumerated().dropFirst() {
            linker.link(record, index: index)
        }
    }

    /// The open elements from the root down to the last one linked: the only ones a following
    /// element can belong to.
    private struct Linker {
        struct Frame {
            /// Nil for an element left out: what is below it is left out too.
            let node: SnapshotNode?
            let path: String
            /// Whether the node is a slice standing on top of its entry's frame.
            let isSlice: Bool
        }
        var stack: [Frame]

        init(root: SnapshotNode) {
            stack = [Frame(node: root, path: root.record.path, isSlice: false)]
        }

        mutating func link(_ record: ElementRecord, index: Int) {
            while let top = stack.last {
                switch Self.relation(of: record.path, to: top.path) {
                case .outside:
                    guard stack.count > 1 else { return }   // outside the root's path
                    stack.removeLast()
                case .deeper:
                    return
                case .child:
                    guard let parent = top.node else { return leaveOut(record, inPlaceOfSlice: false) }
                    let node = SnapshotNode(record: record, index: index)
                    if record.sliceName != nil, let choice = parent.children.last, choice.isChoice,
                       choice.matches(node.step) {
                        choice.slices.append(node)
                    } else {
                        parent.children.append(node)
                    }
                    stack.append(Frame(node: node, path: record.path, isSlice: false))
                    return
                case .same:
                    if top.isSlice { stack.removeLast() }
                    guard let entry = stack.last, entry.path == record.path, let entryNode = entry.node,
                          let sliceName = record.sliceName, !sliceName.contains("/") else {
                        return leaveOut(record, inPlaceOfSlice: true)
                    }
                    let node = SnapshotNode(record: record, index: index)
                    entryNode.slices.append(node)
                    stack.append(Frame(node: node, path: record.path, isSlice: true))
                    return
                }
            }
        }

        /// Keeps a frame for an element left out, so that its own children are left out with it
        /// (and, in a slice's place, so that the entry's next slice still finds its entry).
        private mutating func leaveOut(_ record: ElementRecord, inPlaceOfSlice: Bool) {
            stack.append(Frame(node: nil, path: record.path, isSlice: inPlaceOfSlice))
        }

        enum Relation { case same, child, deeper, outside }

        /// Where `path` stands against an open element's path, compared byte by byte.
        static func relation(of path: String, to open: String) -> Relation {
            // Over contiguous bytes: the generic `starts(with:)` on String views cost 2% of a
            // validation run that compiles a few hundred profiles.
            let p = path.utf8.span, o = open.utf8.span
            guard p.count >= o.count else { return .outside }
            for i in o.indices where p[i] != o[i] { return .outside }
            guard p.count > o.count else { return .same }
            guard p[o.count] == UInt8(ascii: ".") else { return .outside }
            for i in (o.count + 1)..<p.count where p[i] == UInt8(ascii: ".") { return .deeper }
            return .child
        }
    }
}
