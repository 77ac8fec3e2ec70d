import FHIRModel
import FHIRDefinitions

/// Sorts a tree's children into the order of the definitions (the order FHIR XML requires), keeping
/// the order of repeats. Unknown elements keep their place at the end.
struct DefinitionOrder {
    let pack: DefinitionPack

    /// Sorts a resource and everything under it.
    func sort(_ resource: inout Element) {
        guard let type = resource.resourceType, let context = try? pack.context(forType: type) else { return }
        sort(&resource, in: context)
    }

    private func sort(_ element: inout Element, in context: TypeContext) {
        var keyed: [(order: Int, index: Int, element: Element)] = []
        keyed.reserveCapacity(element.children.count)
        for (i, var child) in element.children.enumerated() {
            let info = context.child(child.name)
            if child.isResource {
                sort(&child)
            } else if let info, let inner = try? pack.context(of: info, in: context) {
                sort(&child, in: inner)
            } else if let info, let inner = try? pack.primitiveContext(info), !child.children.isEmpty {
                sort(&child, in: inner)  // a primitive's extensions
            }
            keyed.append((info?.order ?? Int.max, i, child))
        }
        keyed.sort { ($0.order, $0.index) < ($1.order, $1.index) }
        element.children = keyed.map(\.element)
    }
}
