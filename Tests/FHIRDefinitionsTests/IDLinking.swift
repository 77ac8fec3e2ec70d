import FHIRDefinitions

/// Where one snapshot element hangs: under the element at `parent` (an index into the snapshot),
/// as a child or as one of its slices.
struct SnapshotLink: Hashable, CustomStringConvertible {
    let parent: Int
    let isSlice: Bool

    var description: String { (isSlice ? "slice of #" : "child of #") + String(parent) }
}

/// The two linkings by element id that the package used before ``SnapshotTree`` linked by order
/// and path, kept here to list what the change moved. Each maps an element's index to its link;
/// an element it could not place has none.
enum IDLinking {
    /// The validator's (FHIRValidation's `ProfileCompiler`): the parent is the id without its last
    /// step; an element is a slice when its id ends in `:` + its `sliceName` and the id without the
    /// slice name is an element's.
    static func validator(_ sd: StructureRecord) -> [Int: SnapshotLink] {
        var links: [Int: SnapshotLink] = [:]
        guard let first = sd.elements.first else { return links }
        var byID = [first.id ?? first.path: 0]
        for (i, record) in sd.elements.enumerated().dropFirst() {
            let id = record.id ?? record.path
            let steps = idSteps(id, path: record.path)
            guard steps.count >= 2, let last = steps.last else { continue }
            let parentID = steps.dropLast().joined(separator: ".")
            guard let parent = byID[parentID] else { continue }
            if let slice = record.sliceName, last.hasSuffix(":" + slice),
               let entry = byID[parentID + "." + last.dropLast(slice.count + 1)] {
                links[i] = SnapshotLink(parent: entry, isSlice: true)
            } else {
                links[i] = SnapshotLink(parent: parent, isSlice: false)
            }
            byID[id] = i
        }
        return links
    }

    /// The steps of an element id; slice names may hold dots, so the path says where steps start.
    static func idSteps(_ id: String, path: String) -> [String] {
        let pathSteps = path.split(separator: ".").map(String.init)
        let naive = id.split(separator: ".").map(String.init)
        if naive.count == pathSteps.count { return naive }
        var result: [String] = []
        var rest = Substring(id)
        for (k, step) in pathSteps.enumerated() {
            guard rest.hasPrefix(step) else { return naive }
            var end = rest.index(rest.startIndex, offsetBy: step.count)
            if end < rest.endIndex, rest[end] == ":" {
                if k + 1 < pathSteps.count, let r = rest[end...].range(of: "." + pathSteps[k + 1]) {
                    end = r.lowerBound
                } else {
                    end = rest.endIndex
                }
            }
            result.append(String(rest[..<end]))
            rest = end < rest.endIndex ? rest[rest.index(after: end)...] : ""
        }
        return result
    }

    /// The first shared tree's (EventBuilder's): by id, the entry found from the slice's id (not
    /// its `sliceName`), an element also known by its path, a renamed choice's children found under
    /// either id form.
    static func eventBuilder(_ sd: StructureRecord) -> [Int: SnapshotLink] {
        var links: [Int: SnapshotLink] = [:]
        guard let first = sd.elements.first else { return links }
        var byID = [first.id ?? first.path: 0]
        var childIndices: [Int: [Int]] = [:]
        for (i, record) in sd.elements.enumerated().dropFirst() {
            let id = record.id ?? record.path
            byID[id] = i
            defer { if byID[record.path] == nil { byID[record.path] = i } }
            guard let dot = id.lastIndex(of: ".") else { continue }
            let parentID = String(id[..<dot])
            let step = id[id.index(after: dot)...]
            guard let parent = byID[parentID] else { continue }
            guard let colon = step.firstIndex(of: ":") else {
                links[i] = SnapshotLink(parent: parent, isSlice: false)
                childIndices[parent, default: []].append(i)
                continue
            }
            let entryName = String(step[..<colon])
            let sliceName = step[step.index(after: colon)...]
            if sliceName.contains("/") { continue }
            if let entry = byID[parentID + "." + entryName], entry != i {
                links[i] = SnapshotLink(parent: entry, isSlice: true)
            } else if let choice = childIndices[parent]?.first(where: { isChoice(sd.elements[$0], named: entryName) }) {
                links[i] = SnapshotLink(parent: choice, isSlice: true)
            } else {
                links[i] = SnapshotLink(parent: parent, isSlice: false)
                childIndices[parent, default: []].append(i)
            }
            if let types = record.types, types.count == 1 {
                let suffix = SnapshotNode.choiceSuffix(of: types[0].code)
                if entryName.hasSuffix(suffix), entryName.count > suffix.count {
                    byID[parentID + "." + entryName.dropLast(suffix.count) + "[x]:" + sliceName] = i
                }
            }
            if entryName.hasSuffix("[x]") { byID[parentID + "." + sliceName + ":" + sliceName] = i }
        }
        return links
    }

    /// Whether `record` is a choice (`value[x]`) whose wire names include `name`.
    private static func isChoice(_ record: ElementRecord, named name: String) -> Bool {
        guard let last = record.path.split(separator: ".").last, last.hasSuffix("[x]") else { return false }
        let base = last.dropLast(3)
        guard name.hasPrefix(base), name.count > base.count else { return false }
        let suffix = name.dropFirst(base.count)
        guard suffix.first?.isUppercase == true else { return false }
        let types = record.types ?? []
        return types.isEmpty || types.contains { SnapshotNode.choiceSuffix(of: $0.code) == suffix }
    }

    /// The links of the order-based ``SnapshotTree``, in the same form.
    static func orderBased(_ tree: SnapshotTree) -> [Int: SnapshotLink] {
        var links: [Int: SnapshotLink] = [:]
        func walk(_ node: SnapshotNode) {
            for child in node.children {
                links[child.index] = SnapshotLink(parent: node.index, isSlice: false)
                walk(child)
            }
            for slice in node.slices {
                links[slice.index] = SnapshotLink(parent: node.index, isSlice: true)
                walk(slice)
            }
        }
        walk(tree.root)
        return links
    }
}
