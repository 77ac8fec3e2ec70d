import FHIRModel

// Lookups the event rules make a few hundred times per message, reading the names in place and
// copying no child (`Element.child(_:)` copies the one it returns).
extension Element {
    /// The position in ``children`` of the first child with this name.
    func indexOfChild(_ name: String) -> Int? {
        children.withUnsafeBufferPointer { children in
            for k in 0..<children.count where children[k].name == name { return k }
            return nil
        }
    }

    /// True when a child has this name.
    func hasChild(_ name: String) -> Bool { indexOfChild(name) != nil }

    /// The value of the first child with this name (`child(name)?.value`).
    func valueOfChild(_ name: String) -> String? {
        indexOfChild(name).flatMap { children[$0].value }
    }

    /// True when the first child named `name` has a child named `grandchild` (`child(name)?.child(grandchild) != nil`).
    func hasGrandchild(_ name: String, _ grandchild: String) -> Bool {
        guard let k = indexOfChild(name) else { return false }
        return children.withUnsafeBufferPointer { $0[k].hasChild(grandchild) }
    }
}
