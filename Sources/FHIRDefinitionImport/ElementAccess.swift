import FHIRModel

/// Small readers over an untyped definition tree (the same calls work on XML and JSON input).
extension Element {
    /// The value of the first child with this name.
    func string(_ name: String) -> String? { child(name)?.value }

    /// The value of the first child with this name, as a Bool.
    func bool(_ name: String) -> Bool? { string(name).map { $0 == "true" } }

    /// The value of the first child with this name, as an Int.
    func int(_ name: String) -> Int? { string(name).flatMap(Int.init) }

    /// The `extension` children with this URL.
    func extensions(url: String) -> [Element] {
        children.filter { $0.name == "extension" && $0.url == url }
    }

    /// The first child whose name starts with `stem` and continues with an upper-case letter: the
    /// value of a choice element (`fixed` finds `fixedUri`).
    func choice(_ stem: String) -> Element? {
        children.first { c in
            guard c.name.hasPrefix(stem), c.name.count > stem.count else { return false }
            let next = c.name[c.name.index(c.name.startIndex, offsetBy: stem.count)]
            return next.isUppercase
        }
    }
}
