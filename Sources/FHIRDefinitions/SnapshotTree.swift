/// One element of a StructureDefinition's snapshot, linked to its children and its named slices.
///
/// Built by ``SnapshotTree``; nothing changes a node once the tree is made.
public final class SnapshotNode: @unchecked Sendable {
    /// The element definition this node stands for.
    public let record: ElementRecord
    /// The last step of the element's path (`coding`, `value[x]`, `valueQuantity`).
    public let step: String
    /// Child elements in snapshot order. Slices are not here but under their entry's ``slices``.
    public fileprivate(set) var children: [SnapshotNode] = []
    /// The named slices of this element (for a choice, also its type slices such as
    /// `value[x]:valueQuantity`), in snapshot order.
    public fileprivate(set) var slices: [SnapshotNode] = []

    init(record: ElementRecord) {
        self.record = record
        step = record.path.split(separator: ".").last.map(String.init) ?? record.path
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

/// A StructureDefinition's snapshot as a tree, linked by element id
/// (`Observation.code.coding:loinc.system`; an element without an id is found by its path).
///
/// - A slice (`coding:loinc`) hangs under its entry's ``SnapshotNode/slices``; a type slice of a
///   choice (`value[x]:valueQuantity`) under the choice.
/// - STU3 profiles name a choice restricted to one type by that type, as a slice of itself
///   (`Observation.valueQuantity:valueQuantity`) with no `value[x]` element: that node is a plain
///   child, and its own children are found whichever id form (`value[x]:valueQuantity.unit` or
///   `valueQuantity:valueQuantity.unit`) they use.
/// - Re-slices (`extension:a/b`) are left out; the shipped pack has none.
/// - An element whose parent id is not in the snapshot is left out.
public struct SnapshotTree: Sendable {
    /// The snapshot's first element (`Observation`).
    public let root: SnapshotNode

    /// Links the snapshot's elements; nil when it has none.
    public init?(_ structure: StructureRecord) {
        guard let first = structure.elements.first else { return nil }
        root = SnapshotNode(record: first)
        var byID: [String: SnapshotNode] = [first.id ?? first.path: root]
        for record in structure.elements.dropFirst() {
            let node = SnapshotNode(record: record)
            let id = record.id ?? record.path
            byID[id] = node
            defer { if byID[record.path] == nil { byID[record.path] = node } }
            guard let dot = id.lastIndex(of: ".") else { continue }
            let parentID = String(id[..<dot])
            let step = id[id.index(after: dot)...]
            guard let parent = byID[parentID] else { continue }
            guard let colon = step.firstIndex(of: ":") else {
                parent.children.append(node)
                continue
            }
            let entryName = String(step[..<colon])
            let sliceName = step[step.index(after: colon)...]
            if sliceName.contains("/") { continue }
            if let entry = byID[parentID + "." + entryName], entry !== node {
                entry.slices.append(node)
            } else if let choice = parent.children.first(where: { $0.isChoice && $0.matches(entryName) }) {
                choice.slices.append(node)
            } else {
                parent.children.append(node)
            }
            if let choiceStep = Self.choiceForm(of: entryName, in: record) {
                byID[parentID + "." + choiceStep + ":" + sliceName] = node
            }
            if entryName.hasSuffix("[x]") {
                byID[parentID + "." + sliceName + ":" + sliceName] = node
            }
        }
    }

    /// `value[x]` for an element named `valueQuantity` whose one type is `Quantity`.
    private static func choiceForm(of name: String, in record: ElementRecord) -> String? {
        guard let type = record.types?.first?.code, record.types?.count == 1 else { return nil }
        let suffix = SnapshotNode.choiceSuffix(of: type)
        guard name.hasSuffix(suffix), name.count > suffix.count else { return nil }
        return String(name.dropLast(suffix.count)) + "[x]"
    }
}
