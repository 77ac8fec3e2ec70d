import FHIRModel

/// Layer 3 in the layer-1 walk: an element bound in the base definitions is checked where it stands.
extension StructureWalker {
    mutating func checkBinding(_ c: Element, _ def: ChildDef) {
        guard checkTerminology, let binding = def.binding else { return }
        let at = path   // a copy: the path is rendered only if something is reported
        BindingChecker(resolver: cache.terminology)
            .check(c, typeCode: def.info.typeCode, binding: binding, path: at.text(), into: &terminology)
    }
}
