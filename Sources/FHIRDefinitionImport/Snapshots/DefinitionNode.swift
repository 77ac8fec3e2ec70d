import FHIRModel

/// One element of a snapshot under construction: its ElementDefinition, its children and its slices.
///
/// A flat snapshot list is a pre-order walk of this tree (an element, its children, then each slice
/// followed by the slice's own children), which is the order the FHIR snapshot rules require. Paths
/// and ids are not stored: they follow from the place in the tree and are written on ``flatten``.
final class DefinitionNode {
    /// The last step of the element's path (`code`, `value[x]`).
    var name: String
    /// The ElementDefinition as untyped tree; its `path` and `id` are rewritten when flattened.
    var definition: Element
    /// The child elements, in order (empty until expanded from the element's type when it has one).
    var children: [DefinitionNode]
    /// The slices of this element, in order (each a node whose definition has a `sliceName`).
    var slices: [DefinitionNode]
    /// This element as the base had it, before the profile being generated changed it (its
    /// definition and children): what a new slice of it starts from.
    var origin: DefinitionNode?

    init(name: String, definition: Element, children: [DefinitionNode] = [], slices: [DefinitionNode] = []) {
        self.name = name
        self.definition = definition
        self.children = children
        self.slices = slices
    }

    /// The `sliceName` of this element, when it is a slice.
    var sliceName: String? { definition.child("sliceName")?.value }

    /// An independent copy of this subtree.
    func copy() -> DefinitionNode {
        DefinitionNode(name: name, definition: definition, children: children.map { $0.copy() }, slices: slices.map { $0.copy() })
    }

    /// The child named `name` (no slice), if there is one.
    func child(_ name: String) -> DefinitionNode? {
        children.first { $0.name == name }
    }

    /// The slice called `sliceName`, if there is one.
    func slice(_ sliceName: String) -> DefinitionNode? {
        slices.first { $0.sliceName == sliceName }
    }

    /// The tree of a flat snapshot list: the first element is the root; an element whose path is one
    /// step longer than an earlier one's is its child, one with the same path and a `sliceName` a
    /// slice of the element it repeats (a re-slice `a/b` a slice of slice `a`). Nil when the list is
    /// empty or not in snapshot order.
    static func tree(from elements: [Element]) -> DefinitionNode? {
        guard let first = elements.first, let rootPath = first.child("path")?.value else { return nil }
        let root = DefinitionNode(name: rootPath, definition: first)
        var stack: [(node: DefinitionNode, path: String)] = [(root, rootPath)]
        for element in elements.dropFirst() {
            guard let path = element.child("path")?.value else { return nil }
            let node = DefinitionNode(name: lastStep(of: path), definition: element)
            if let sliceName = node.sliceName {
                // Back to the element this one slices: the entry of that path, or for `a/b` slice `a`.
                let parentSlice = sliceName.range(of: "/", options: .backwards).map { String(sliceName[..<$0.lowerBound]) }
                while let top = stack.last, !(top.path == path && top.node.sliceName == parentSlice) { stack.removeLast() }
                guard let entry = stack.last else { return nil }
                entry.node.slices.append(node)
            } else {
                let parent = parentPath(of: path)
                while let top = stack.last, top.path != parent { stack.removeLast() }
                guard let owner = stack.last else { return nil }
                owner.node.children.append(node)
            }
            stack.append((node, path))
        }
        return root
    }

    /// Appends this subtree's elements in snapshot order, each with its path and id written.
    func flatten(path: String, id: String, into list: inout [Element]) {
        var element = definition
        element.id = id
        if let k = element.indexOfChild("path") {
            element.children[k].value = path
        } else {
            element.children.insert(Element(name: "path", value: path), at: 0)
        }
        list.append(element)
        for child in children {
            child.flatten(path: path + "." + child.name, id: id + "." + child.name, into: &list)
        }
        // A re-slice `a/b` is written `entry:a/b`, beside its slice `entry:a`, not below it.
        let entryId = sliceName.map { String(id.dropLast($0.count + 1)) } ?? id
        for slice in slices {
            slice.flatten(path: path, id: entryId + ":" + (slice.sliceName ?? ""), into: &list)
        }
    }

    static func lastStep(of path: String) -> String {
        path.lastIndex(of: ".").map { String(path[path.index(after: $0)...]) } ?? path
    }

    static func parentPath(of path: String) -> String {
        path.lastIndex(of: ".").map { String(path[..<$0]) } ?? ""
    }
}
