import Foundation
import FHIRModel
import FHIRDefinitions

/// Children by FHIRPath name, type tests, resolving references.
extension FHIRPathEngine {
    /// Appends the children of `t` that FHIRPath calls `name`: same-named children, and for a
    /// choice element its variants (`value` selects `valueQuantity`, `valueString`…).
    func appendChildren(of t: TypedElement, named name: String, to out: inout FHIRPathCollection) {
        let table = t.type?.childTable
        let nameLength = name.utf8.count
        // By index: a child is copied only when it is taken (most fail on the name alone).
        let children = t.element.children
        // Same-named children share one definition and (resources aside) one type: looked up once.
        var sameLooked = false
        var sameInfo: ChildInfo?
        var sameType: ElementType?
        // The step's bytes are read once for all the children.
        let stepBytes = name.utf8.span
        for k in children.indices {
            let childName = children[k].name
            switch NameMatch(childName, utf8: stepBytes) {
            case .same:
                if !sameLooked {
                    sameLooked = true
                    sameInfo = table?[name]
                    if let sameInfo, !sameInfo.holdsResource { sameType = type(of: sameInfo) }
                }
                if let sameInfo, !sameInfo.holdsResource {
                    out.append(.element(TypedElement(element: children[k], type: sameType)))
                } else {
                    out.append(.element(typed(children[k], as: sameInfo)))
                }
            case .longer:
                if let table, let info = table[childName], info.isChoice,
                   childName.utf8.count == nameLength + info.typeCode.utf8.count {
                    out.append(.element(typed(children[k], as: info)))
                }
            case .other:
                continue
            }
        }
        appendAttribute(of: t.element, named: name, to: &out)
    }

    /// The attributes XML keeps outside the children, `Element.id` and `Extension.url`, as items.
    private func appendAttribute(of element: Element, named name: String, to out: inout FHIRPathCollection) {
        if name == "id", !element.isResource, let id = element.id {
            out.append(.element(TypedElement(element: Element(name: "id", value: id, position: element.position),
                                             type: ElementType.string)))
        } else if name == "url", let url = element.url {
            out.append(.element(TypedElement(element: Element(name: "url", value: url, position: element.position),
                                             type: ElementType.uri)))
        }
    }

    /// What `descendants().name` gives for `items`: the children called `name` of every
    /// descendant, level by level as `descendants()` orders them.
    func appendChildren(ofDescendantsOf items: FHIRPathCollection, named name: String, to out: inout FHIRPathCollection) {
        var level: [TypedElement] = []
        for case let .element(t) in items { level.append(t) }
        while !level.isEmpty {
            var next: [TypedElement] = []
            for t in level {
                let table = t.type?.context?.table
                for c in t.element.children {
                    // A leaf can only offer an attribute, whatever its type: it is not typed.
                    guard !c.children.isEmpty else {
                        appendAttribute(of: c, named: name, to: &out)
                        continue
                    }
                    let d = typed(c, as: table?[c.name])
                    appendChildren(of: d, named: name, to: &out)
                    next.append(d)
                }
            }
            level = next
        }
    }

    /// Every child of `t`, typed (`children()`): the `id` and `url` attributes first (where
    /// `Element.id` and `Extension.url` stand in the definitions), then the child elements.
    func appendAllChildren(of t: TypedElement, to out: inout FHIRPathCollection) {
        appendAttribute(of: t.element, named: "id", to: &out)
        appendAttribute(of: t.element, named: "url", to: &out)
        let table = t.context?.table
        for c in t.element.children { out.append(.element(typed(c, as: table?[c.name]))) }
    }

    /// True when the item is of the type or derives from it. Elements answer by their FHIR type and
    /// its base chain; FHIRPath system values by their kind (`System.String` or FHIR `string`).
    func isType(_ item: FHIRPathValue, _ type: TypeName) -> Bool {
        if case let .element(t) = item {
            guard let name = t.typeName else { return false }
            if type.namespace == "System" { return PrimitiveKind.of(name).map { Self.systemName($0) == type.name } ?? false }
            return ancestors(of: name).contains(type.name)
        }
        let kind: String
        switch item {
        case .boolean: kind = "Boolean"
        case .integer: kind = "Integer"
        case .decimal: kind = "Decimal"
        case .string: kind = "String"
        case let .dateTime(d): kind = d.kind == .date ? "Date" : d.kind == .time ? "Time" : "DateTime"
        case .quantity: kind = "Quantity"
        case .element: return false
        }
        return type.namespace == "FHIR" ? false : kind.caseInsensitiveCompare(type.name) == .orderedSame
    }

    private static func systemName(_ kind: PrimitiveKind) -> String {
        switch kind {
        case .boolean: return "Boolean"
        case .integer: return "Integer"
        case .decimal: return "Decimal"
        case .string: return "String"
        case .date: return "Date"
        case .dateTime: return "DateTime"
        case .time: return "Time"
        }
    }

    /// The resource a reference (a `Reference` element or a URI string) points to inside the
    /// message: a Bundle entry by fullUrl (`urn:uuid:`… or absolute), by relative `Type/id`, or a
    /// contained resource by `#id`. Nil when it is not in the message (and the environment notes it).
    func resolve(_ item: FHIRPathValue, in env: FHIRPathEnvironment) -> TypedElement? {
        let reference: String?
        switch item {
        case let .element(t) where t.typeName == "Reference" || t.element.child("reference") != nil:
            reference = t.element.child("reference")?.value
        case let .element(t): reference = t.element.value
        case let .string(s): reference = s
        default: reference = nil
        }
        guard let reference, !reference.isEmpty else { return nil }
        if reference.hasPrefix("#") {
            let id = reference.dropFirst()
            for c in env.resource.element.children where c.name == "contained" && c.child("id")?.value == String(id) {
                return typedResource(c)
            }
            env.unresolvedReference = true
            return nil
        }
        let index = env.resolutionIndex ?? Self.buildIndex(env.rootElement.element)
        env.resolutionIndex = index
        if let found = index[reference] { return typedResource(found) }
        // `Type/id` at the end of an absolute or relative URL (a version suffix dropped).
        var parts = reference.split(separator: "/")
        if let h = parts.firstIndex(of: "_history") { parts = Array(parts[..<h]) }
        if parts.count >= 2, let found = index[parts[parts.count - 2] + "/" + parts[parts.count - 1]] {
            return typedResource(found)
        }
        env.unresolvedReference = true
        return nil
    }

    /// Resources of a message by fullUrl and by `Type/id` (contained ones excepted: they are
    /// reached with `#id` from their container).
    private static func buildIndex(_ root: Element) -> [String: Element] {
        var index: [String: Element] = [:]
        func visit(_ e: Element) {
            for c in e.children where c.name != "contained" {
                if c.isResource {
                    if let type = c.resourceType, let id = c.child("id")?.value, index["\(type)/\(id)"] == nil {
                        index["\(type)/\(id)"] = c
                    }
                } else if c.name == "entry", let resource = c.child("resource"), let url = c.child("fullUrl")?.value,
                          index[url] == nil {
                    index[url] = resource
                }
                visit(c)
            }
        }
        if let type = root.resourceType, let id = root.child("id")?.value { index["\(type)/\(id)"] = root }
        visit(root)
        return index
    }
}
