import FHIRModel

/// Short constructors for the trees the builders make: primitives, groups, codings and references.
extension Element {
    /// A primitive element (`<name value="…"/>`).
    static func primitive(_ name: String, _ value: String) -> Element {
        Element(name: name, value: value)
    }

    /// A complex element with children.
    static func group(_ name: String, _ children: [Element]) -> Element {
        Element(name: name, children: children)
    }

    /// A `Coding` (or a child named otherwise with its shape).
    static func coding(_ name: String = "coding", system: String, code: String, display: String?) -> Element {
        var c = [Element.primitive("system", system), .primitive("code", code)]
        if let display, !display.isEmpty { c.append(.primitive("display", display)) }
        return .group(name, c)
    }

    /// A `CodeableConcept` of one coding.
    static func concept(_ name: String, system: String, code: String, display: String?) -> Element {
        .group(name, [.coding(system: system, code: code, display: display)])
    }

    /// A `Reference` to a Bundle entry by its full URL.
    static func reference(_ name: String, _ fullUrl: String, display: String? = nil) -> Element {
        var c = [Element.primitive("reference", fullUrl)]
        if let display { c.append(.primitive("display", display)) }
        return .group(name, c)
    }

    /// An `Identifier`.
    static func identifier(_ name: String = "identifier", system: String, value: String) -> Element {
        .group(name, [.primitive("system", system), .primitive("value", value)])
    }

    /// An extension with a URL and children.
    static func extensionElement(_ url: String, _ children: [Element]) -> Element {
        Element(name: "extension", url: url, children: children)
    }

    /// A resource node of `type` with its children.
    static func resource(_ type: String, _ children: [Element]) -> Element {
        Element(name: type, resourceType: type, children: children)
    }
}
