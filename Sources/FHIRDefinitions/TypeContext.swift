import FHIRModel

/// Where a codec stands in the definitions while it walks a tree: a type model and an element path
/// in it (the type's name for its root, `Bundle.entry` inside a backbone element).
public struct TypeContext: Sendable {
    /// The type being walked.
    public let model: TypeModel
    /// The element path within it.
    public let path: String
    /// `model.children(of: path)`, looked up once: the codecs consult it for every child.
    public let table: ChildTable?

    /// A context at a path of a type.
    public init(model: TypeModel, path: String) {
        self.model = model
        self.path = path
        table = model.children(of: path)
    }

    /// The definition of a child, by wire name; nil when the definitions do not know it.
    @inlinable public func child(_ name: String) -> ChildInfo? {
        table?[name]
    }
}

extension DefinitionPack {
    /// The context of a resource or datatype root (`Patient`, `HumanName`).
    public func context(forType name: String) throws -> TypeContext? {
        guard let model = try type(named: name) else { return nil }
        return TypeContext(model: model, path: model.rootPath)
    }

    /// The context of a child: nil for primitives, XHTML and resources (whose type the data names).
    public func context(of child: ChildInfo, in parent: TypeContext) throws -> TypeContext? {
        switch child.content {
        case .primitive, .xhtml, .resource:
            return nil
        case let .backbone(typeName, path):
            if typeName == parent.model.name { return TypeContext(model: parent.model, path: path) }
            guard let model = try type(named: typeName) else { return nil }
            return TypeContext(model: model, path: path)
        case .complex:
            return try context(forType: child.typeCode)
        }
    }

    /// The context a primitive's own children (`extension`) are defined in.
    public func primitiveContext(_ child: ChildInfo) throws -> TypeContext? {
        try context(forType: child.typeCode)
    }
}
