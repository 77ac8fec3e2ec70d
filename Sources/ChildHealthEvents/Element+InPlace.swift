import FHIRModel

// Lookups the event rules make a few hundred times per message, reading the names in place and
// copying no child (`Element.child(_:)` copies the one it returns); built on FHIRModel's
// `indexOfChild(_:)` and `withChild(named:_:)` (its `valueOfChild(named:)` reads a child's value).
extension Element {
    /// True when a child has this name.
    func hasChild(_ name: String) -> Bool { indexOfChild(name) != nil }

    /// True when the first child named `name` has a child named `grandchild` (`child(name)?.child(grandchild) != nil`).
    func hasGrandchild(_ name: String, _ grandchild: String) -> Bool {
        withChild(named: name) { $0.hasChild(grandchild) } ?? false
    }
}
