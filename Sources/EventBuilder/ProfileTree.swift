import FHIRModel
import FHIRDefinitions

/// One element of a profile's snapshot, linked to its children and slices: the shape the builder
/// completes a resource against.
final class ProfileNode {
    let record: ElementRecord
    /// Last step of the path (`coding`, `value[x]`).
    let stem: String
    /// Child elements in snapshot order (slices are not here but under their entry's ``slices``).
    var children: [ProfileNode] = []
    /// The named slices of this element.
    var slices: [ProfileNode] = []

    init(record: ElementRecord) {
        self.record = record
        stem = record.path.split(separator: ".").last.map(String.init) ?? record.path
    }

    var isChoice: Bool { stem.hasSuffix("[x]") }
    var choiceBase: String { String(stem.dropLast(3)) }
    var typeCodes: [String] { record.types?.map(\.code) ?? [] }
    var sliceName: String? { record.sliceName }

    /// Whether an instance child named `wireName` is this element (a choice matches any of its types).
    func matches(_ wireName: String) -> Bool {
        guard isChoice else { return wireName == stem }
        guard wireName.hasPrefix(choiceBase) else { return false }
        let suffix = wireName.dropFirst(choiceBase.count)
        guard let first = suffix.first, first.isUppercase else { return false }
        let types = typeCodes
        return types.isEmpty || types.contains { capitalised($0) == suffix }
    }
}

/// A profile's snapshot as a tree.
struct ProfileTree {
    let root: ProfileNode

    /// Links the snapshot's elements by id (`Observation.code.coding:loinc.system`).
    init?(_ sd: StructureRecord) {
        guard let first = sd.elements.first else { return nil }
        root = ProfileNode(record: first)
        var byID: [String: ProfileNode] = [first.id ?? first.path: root]
        for record in sd.elements.dropFirst() {
            let node = ProfileNode(record: record)
            let id = record.id ?? record.path
            byID[id] = node
            defer { if byID[record.path] == nil { byID[record.path] = node } }  // elements without ids are found by path
            guard let dot = lastStepDot(id) else { continue }
            let parentID = String(id[..<dot])
            let step = id[id.index(after: dot)...]
            guard let parent = byID[parentID] else { continue }
            if let colon = step.firstIndex(of: ":") {
                let entryName = String(step[..<colon])
                let sliceName = step[step.index(after: colon)...]
                if sliceName.contains("/") { continue }  // re-slices: not needed
                if let entry = byID[parentID + "." + entryName], entry !== node {
                    entry.slices.append(node)
                } else if let choice = parent.children.first(where: { $0.isChoice && $0.matches(entryName) }) {
                    choice.slices.append(node)  // a type slice of a choice: `value[x]` as `valueQuantity`
                } else {
                    // A choice renamed to one type (`Observation.valueQuantity:valueQuantity`), its
                    // `value[x]` absent: a plain child; its own children may use either id form.
                    parent.children.append(node)
                }
                if let choiceStem = choiceForm(of: String(entryName), in: record) {
                    byID[parentID + "." + choiceStem + ":" + sliceName] = node
                }
                if entryName.hasSuffix("[x]") {
                    byID[parentID + "." + sliceName + ":" + sliceName] = node
                }
            } else {
                parent.children.append(node)
            }
        }
    }
}

/// The dot before an id's last step, ignoring dots inside a slice name (`extension:foo.bar`
/// never occurs in the NHS ids, but URLs in slice names would).
private func lastStepDot(_ id: String) -> String.Index? {
    id.lastIndex(of: ".")
}

/// `value[x]` for an element renamed `valueQuantity` with the one type `Quantity`.
private func choiceForm(of name: String, in record: ElementRecord) -> String? {
    guard let type = record.types?.first?.code, record.types?.count == 1 else { return nil }
    let suffix = capitalised(type)
    guard name.hasSuffix(suffix), name.count > suffix.count else { return nil }
    return String(name.dropLast(suffix.count)) + "[x]"
}

/// `dateTime` → `DateTime`: the suffix a choice element takes for a type.
func capitalised(_ code: String) -> String {
    guard let first = code.first else { return code }
    return first.uppercased() + code.dropFirst()
}
