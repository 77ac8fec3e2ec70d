import Foundation

/// One `type` of an ElementDefinition: its code and, for references and extensions, the
/// profiles it names.
struct RawType {
    let code: String
    let profile: String?
    let targetProfile: String?
}

/// One element of a StructureDefinition's snapshot, with the elements under it arranged as a
/// tree: its children, and for a sliced element, its slices (each with children of its own).
final class RawElement {
    let path: String
    /// The last part of the path (`value[x]`, `identifier`).
    let name: String
    let sliceName: String?
    let min: Int
    let max: String
    let types: [RawType]
    /// A `fixed[x]` with a primitive value: the value (nil for none or a complex fixed value).
    let fixedValue: String?
    /// True when a `fixed[x]` or `pattern[x]` of any kind constrains the element.
    let isConstrainedValue: Bool
    let bindingStrength: String?
    let valueSet: String?
    /// True when the element carries `slicing`.
    let isSliced: Bool
    /// `#Questionnaire.item`: the element whose children this one reuses.
    let contentReference: String?
    /// The element's invariants: key and FHIRPath expression.
    let constraints: [(key: String, expression: String)]
    /// Position in the snapshot: definition order.
    let order: Int
    private(set) var children: [RawElement] = []
    private(set) var slices: [RawElement] = []

    init(_ node: RawNode, order: Int) throws {
        guard let path = node.string("path") else { throw RawDefinitionError.unreadable("an element without path") }
        self.path = path
        name = String(path.split(separator: ".").last!)
        sliceName = node.string("sliceName")
        min = node.string("min").flatMap(Int.init) ?? 0
        max = node.string("max") ?? "*"
        types = node.all("type").compactMap { t in
            t.string("code").map { RawType(code: $0, profile: t.string("profile"), targetProfile: t.string("targetProfile")) }
        }
        let fixed = node.choice("fixed")
        fixedValue = fixed?.value
        isConstrainedValue = fixed != nil || node.choice("pattern") != nil
        let binding = node.first("binding")
        bindingStrength = binding?.string("strength")
        valueSet = binding?.first("valueSetReference")?.string("reference") ?? binding?.string("valueSetUri")
        isSliced = node.first("slicing") != nil
        contentReference = node.string("contentReference")
        constraints = node.all("constraint").compactMap { c in
            guard let key = c.string("key"), let expression = c.string("expression") else { return nil }
            return (key, expression)
        }
        self.order = order
    }

    /// Max above 1: the validator writes the element's index in its paths.
    var repeats: Bool { max != "1" && max != "0" }
    var isChoice: Bool { name.hasSuffix("[x]") }

    /// The child that an element of this name in a message is, with the type its name selects
    /// (`valueQuantity`: `value[x]`, Quantity), or nil when the definition has no such child.
    func child(named wire: String) -> (element: RawElement, type: RawType?)? {
        if let exact = children.first(where: { $0.name == wire }) {
            // Several types of one code (Reference(Patient) | Reference(Group)) are one type.
            return (exact, Set(exact.types.map(\.code)).count == 1 ? exact.types[0] : nil)
        }
        for c in children where c.isChoice {
            let stem = c.name.dropLast(3)
            guard wire.hasPrefix(stem) else { continue }
            let suffix = wire.dropFirst(stem.count)
            if let t = c.types.first(where: { $0.code.prefix(1).uppercased() + $0.code.dropFirst() == suffix }) { return (c, t) }
        }
        return nil
    }

    fileprivate func add(child: RawElement) { children.append(child) }
    fileprivate func add(slice: RawElement) { slices.append(slice) }
}

/// A StructureDefinition read from its official file: url, type, kind and the snapshot as a tree.
struct RawStructureDefinition {
    let url: String
    let type: String
    /// `primitive-type`, `complex-type`, `resource`, `logical`.
    let kind: String
    let root: RawElement
    /// Non-slice elements by path, for `contentReference`.
    let byPath: [String: RawElement]

    init(_ node: RawNode) throws {
        guard node.name == "StructureDefinition", let url = node.string("url"), let type = node.string("type"),
              let snapshot = node.first("snapshot") else {
            throw RawDefinitionError.unreadable("not a StructureDefinition with url, type and snapshot")
        }
        self.url = url
        self.type = type
        kind = node.string("kind") ?? ""
        let elements = try snapshot.all("element").enumerated().map { try RawElement($1, order: $0) }
        guard let first = elements.first else { throw RawDefinitionError.unreadable("\(url): empty snapshot") }
        root = first
        var byPath: [String: RawElement] = [:]
        // The snapshot lists elements depth first; a slice follows the element it slices (and
        // that element's own children) and is followed by its own children.
        var stack: [RawElement] = [first]
        byPath[first.path] = first
        for e in elements.dropFirst() {
            while let top = stack.last, !(e.path.hasPrefix(top.path + ".") || (e.sliceName != nil && top.path == e.path)) {
                stack.removeLast()
            }
            guard let top = stack.last else { throw RawDefinitionError.unreadable("\(url): \(e.path) outside the root") }
            if top.path == e.path {
                // A slice: of the unsliced element (the top itself, or the base of the slice on top).
                stack.removeLast()
                let base = top.sliceName == nil ? top : (stack.last.flatMap { parent in
                    parent.children.last(where: { $0.path == e.path && $0.sliceName == nil })
                } ?? top)
                base.add(slice: e)
            } else {
                top.add(child: e)
                // The unsliced element comes before its slices: the first of a path is it.
                if e.sliceName == nil, byPath[e.path] == nil { byPath[e.path] = e }
            }
            stack.append(e)
        }
        self.byPath = byPath
    }
}
