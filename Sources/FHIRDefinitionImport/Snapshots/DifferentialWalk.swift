import FHIRModel
import FHIRDefinitions

/// Places the elements of one differential in the snapshot tree of its base, in differential order:
/// finds (or makes) the element each one constrains and merges it there.
struct DifferentialWalk {
    let generator: SnapshotGenerator
    /// The canonical URL of the profile being generated (named in every issue).
    let profile: String
    /// The snapshot tree, the base's to begin with.
    let root: DefinitionNode

    /// One step of an element id: an element name and, for a slice, its slice name.
    struct Step: Equatable {
        var name: String
        var slice: String?
    }

    /// Merges differential element `diff` into the tree, making the slices and children it needs.
    func apply(_ diff: Element, issues: inout [Issue]) {
        guard let path = diff.child("path")?.value else {
            issues.append(Issue(.error, .required, rule: DefinitionRule.importSnapshotElement.rawValue,
                                "\(profile): a differential element has no path", path: diff.id))
            return
        }
        let id = diff.id ?? diff.child("id")?.value
        let label = id ?? path
        var node = root
        for step in Self.steps(id: id, path: path, sliceName: diff.child("sliceName")?.value).dropFirst() {
            guard let next = locate(step, under: node, label: label, issues: &issues) else { return }
            node = next
        }
        node.definition = DifferentialMerge.merge(diff, onto: node.definition, profile: profile, elementId: label, issues: &issues)
        if diff.child("type") != nil { inheritTypeConstraints(node) }
    }

    /// An element typed with a profile (`Quantity` as SimpleQuantity) takes on the constraints of
    /// that profile's root element (`sqty-1`), as the HL7 generator does.
    private func inheritTypeConstraints(_ node: DefinitionNode) {
        let profiles = Set(node.definition.children(named: "type").flatMap { $0.children(named: "profile").compactMap(\.value) })
        guard profiles.count == 1, let root = generator.snapshot(url: profiles.first!)?.first else { return }
        let present = Set(node.definition.children(named: "constraint").compactMap { $0.child("key")?.value })
        let added = root.children(named: "constraint").filter { $0.child("key")?.value.map(present.contains) == false }
        if !added.isEmpty {
            node.definition = DifferentialMerge.setting("constraint", to: node.definition.children(named: "constraint") + added,
                                                        in: node.definition)
        }
    }

    /// The steps of an element: from its id (`a.b:s.c`) when that agrees with its path, else from its
    /// path, the element's own `sliceName` on the last step.
    static func steps(id: String?, path: String, sliceName: String?) -> [Step] {
        let pathSteps = path.split(separator: ".").map(String.init)
        if let id {
            let parts = id.split(separator: ".", omittingEmptySubsequences: false)
            if parts.count == pathSteps.count {
                return parts.map { part in
                    guard let colon = part.firstIndex(of: ":") else { return Step(name: String(part)) }
                    return Step(name: String(part[..<colon]), slice: String(part[part.index(after: colon)...]))
                }
            }
        }
        var steps = pathSteps.map { Step(name: $0) }
        if !steps.isEmpty { steps[steps.count - 1].slice = sliceName }
        return steps
    }

    /// The child `step` names under `node` (expanding `node` from its type first when needed), or
    /// its slice; a renamed choice (`valueQuantity`) is the type slice of `value[x]`.
    private func locate(_ step: Step, under node: DefinitionNode, label: String, issues: inout [Issue]) -> DefinitionNode? {
        if node.children.isEmpty && !expand(node, label: label, issues: &issues) { return nil }
        var name = step.name, slice = step.slice
        var child = node.child(name)
        if child == nil, slice == nil,
           let choice = node.children.first(where: { $0.name.hasSuffix("[x]") && Self.typeName(of: name, choice: $0.name) != nil }) {
            child = choice
            slice = name
            name = choice.name
        }
        guard let found = child else {
            issues.append(Issue(.error, .invalid, rule: DefinitionRule.importSnapshotElement.rawValue,
                                "\(profile): the base has no element \(step.name) here; the element is left out", path: label))
            return nil
        }
        guard let slice else { return found }
        return self.slice(slice, of: found, label: label, issues: &issues)
    }

    /// The slice `sliceName` of `entry`, made when the base has none: a copy of the sliced element as
    /// the base defines it, without its slicing, `min` 0 (a slice is required only when the
    /// differential says so). A re-slice `a/b` is a slice of slice `a`.
    private func slice(_ sliceName: String, of entry: DefinitionNode, label: String, issues: inout [Issue]) -> DefinitionNode {
        var owner = entry
        if let slash = sliceName.lastIndex(of: "/"), let parent = entry.slice(String(sliceName[..<slash])) { owner = parent }
        if let existing = owner.slice(sliceName) { return existing }
        let start = owner.origin ?? owner
        var definition = start.definition
        definition = DifferentialMerge.setting("slicing", to: [], in: definition)
        definition = DifferentialMerge.setting("min", to: [Element(name: "min", value: "0")], in: definition)
        definition = DifferentialMerge.setting("sliceName", to: [Element(name: "sliceName", value: sliceName)], in: definition)
        if entry.definition.child("slicing") == nil {
            if entry.name == "extension" || entry.name == "modifierExtension" {
                sliceByURL(entry)
            } else if Self.typeName(of: sliceName, choice: entry.name) == nil {
                issues.append(Issue(.warning, .invalid, rule: DefinitionRule.importSnapshotSlicing.rawValue,
                                    "\(profile): slice \(sliceName) of an element without slicing", path: label))
            }
        }
        let typeName = Self.typeName(of: sliceName, choice: entry.name)
        if let typeName {
            let types = definition.children(named: "type").filter { $0.child("code")?.value?.lowercased() == typeName.lowercased() }
            if !types.isEmpty { definition = DifferentialMerge.setting("type", to: types, in: definition) }
        }
        let node = DefinitionNode(name: entry.name, definition: definition, children: start.children.map { $0.copy() })
        generator.keepOrigins(node)
        owner.slices.append(node)
        if typeName != nil { sliceByType(entry) }
        return node
    }

    /// Extensions are sliced by URL whether a profile says so or not (profiling.html, "Extensions"):
    /// the slicing the HL7 generator adds to an extension element its base does not slice.
    private func sliceByURL(_ entry: DefinitionNode) {
        let slicing = Element(name: "slicing", children: [
            Element(name: "discriminator", children: [Element(name: "type", value: "value"), Element(name: "path", value: "url")]),
            Element(name: "description", value: "Extensions are always sliced by (at least) url"),
            Element(name: "ordered", value: "false"),
            Element(name: "rules", value: "open"),
        ])
        entry.definition = DifferentialMerge.setting("slicing", to: [slicing], in: entry.definition)
    }

    /// A choice element with type slices: sliced on its type (closed, as the HL7 generator makes an
    /// implicit type slicing), allowing only the types its slices keep.
    private func sliceByType(_ entry: DefinitionNode) {
        if entry.definition.child("slicing") == nil {
            let slicing = Element(name: "slicing", children: [
                Element(name: "discriminator", children: [Element(name: "type", value: "type"), Element(name: "path", value: "$this")]),
                Element(name: "ordered", value: "false"),
                Element(name: "rules", value: "closed"),
            ])
            entry.definition = DifferentialMerge.setting("slicing", to: [slicing], in: entry.definition)
        }
        let kept = Set(entry.slices.flatMap { $0.definition.children(named: "type").compactMap { $0.child("code")?.value } })
        let types = entry.definition.children(named: "type").filter { $0.child("code")?.value.map(kept.contains) == true }
        if !types.isEmpty { entry.definition = DifferentialMerge.setting("type", to: types, in: entry.definition) }
    }

    /// Gives `node` its children: from the element a content reference names, or from the snapshot of
    /// its one type (the type's profile when it names exactly one). False, with an issue, when it has
    /// none to give.
    private func expand(_ node: DefinitionNode, label: String, issues: inout [Issue]) -> Bool {
        if let reference = node.definition.child("contentReference")?.value, let hash = reference.firstIndex(of: "#") {
            let target = reference[reference.index(after: hash)...].split(separator: ".").dropFirst()
                .reduce(Optional(root)) { found, name in found?.child(String(name)) }
            if let target {
                node.children = (target.origin ?? target).children.map { $0.copy() }
                node.children.forEach(generator.keepOrigins)
                return !node.children.isEmpty
            }
        }
        let types = node.definition.children(named: "type")
        let codes = Set(types.compactMap { $0.child("code")?.value })
        guard codes.count == 1, let code = codes.first else {
            issues.append(Issue(.error, .invalid, rule: DefinitionRule.importSnapshotElement.rawValue,
                                "\(profile): the differential constrains below an element of \(codes.count) types; the element is left out",
                                path: label))
            return false
        }
        let profiles = Set(types.flatMap { $0.children(named: "profile").compactMap(\.value) })
        let profile = profiles.count == 1 ? profiles.first : nil
        guard let children = generator.typeChildren(code: code, profile: profile) ?? generator.typeChildren(code: code, profile: nil),
              !children.isEmpty else {
            issues.append(Issue(.error, .processing, rule: DefinitionRule.importSnapshotBase.rawValue,
                                "\(self.profile): no snapshot of type \(profile ?? code) to expand below; the element is left out", path: label))
            return false
        }
        node.children = children
        return true
    }

    /// For a choice `value[x]` and a name `valueQuantity`, the type name (`Quantity`); nil otherwise.
    static func typeName(of name: String, choice: String) -> String? {
        guard choice.hasSuffix("[x]") else { return nil }
        let stem = choice.dropLast(3)
        guard name.count > stem.count, name.hasPrefix(stem) else { return nil }
        let rest = name.dropFirst(stem.count)
        return rest.first?.isUppercase == true ? String(rest) : nil
    }
}
