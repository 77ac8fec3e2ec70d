import FHIRModel

/// Layer 3 in the layer-1 walk: an element bound in the base definitions is checked where it stands.
extension StructureWalker {
    mutating func checkBinding(_ c: Element, _ def: ChildDef) {
        guard checkTerminology, let bound = def.binding else { return }
        let at = path   // a copy: the path is rendered only if something is reported
        let resolver = cache.terminology
        BindingChecker(resolver: resolver).check(c, typeCode: def.info.typeCode, binding: bound.binding,
                                         valueSet: bound.valueSet(resolver), path: at.text(), into: &terminology)
    }
}
