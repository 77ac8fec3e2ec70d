import FHIRModel

// Lookups the event rules make a few hundred times per message, reading the names in place and
// copying no child (`Element.child(_:)` copies the one it returns); built on FHIRModel's
// `indexOfChild(_:)`.
extension Element {
    /// True when a child has this name.
    func hasChild(_ name: String) -> Bool { indexOfChild(name) != nil }

    /// The value of the first child with this name (`child(name)?.value`).
    func valueOfChild(_ name: String) -> String? {
        indexOfChild(name).flatMap { children[$0].value }
    }

    /// True when the first child named `name` has a child named `grandchild` (`child(name)?.child(grandchild) != nil`).
    func hasGrandchild(_ name: String, _ grandchild: String) -> Bool {
        guard let k = indexOfChild(name) else { return false }
        let kids = children.span
        return kids[k].hasChild(grandchild)
    }
}
