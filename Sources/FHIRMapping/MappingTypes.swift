import Foundation
import FHIRDefinitions

/// A type as the mapping engine sees it: the type code groups are matched on (`Coding`,
/// `BackboneElement`, `code`, `Patient`) and where its children are defined.
public struct MappingType: Sendable, Hashable, CustomStringConvertible {
    /// The FHIR type code.
    public var code: String
    /// The type whose definition holds the children (`Patient` for `Patient.contact`).
    public var owner: String
    /// The element path of the children within ``owner``; nil: the type's root.
    public var path: String?

    /// A datatype or resource type.
    public init(_ code: String) { self.code = code; owner = code; path = nil }
    /// A backbone element defined at `path` in `owner`.
    public init(backbone path: String, in owner: String, code: String = "BackboneElement") {
        self.code = code; self.owner = owner; self.path = path
    }

    /// The type code.
    public var description: String { code }
}

/// What the engine knows of one child element of a type.
public struct MappingChild: Sendable, Hashable {
    /// The FML name (`onset`; choice elements without their type suffix).
    public var name: String
    /// True for a choice (`onset[x]`): the wire name adds the value's type (`onsetAge`).
    public var isChoice: Bool
    /// The allowed type codes (one for most elements).
    public var typeCodes: [String]
    /// True when the element repeats.
    public var repeats: Bool
    /// Position among its siblings (the order output is written in).
    public var order: Int
    /// The type of the child for one of its type codes (a backbone element's own definition).
    public var types: [String: MappingType]

    /// A child.
    public init(name: String, isChoice: Bool, typeCodes: [String], repeats: Bool, order: Int, types: [String: MappingType]) {
        self.name = name; self.isChoice = isChoice; self.typeCodes = typeCodes; self.repeats = repeats
        self.order = order; self.types = types
    }

    /// The wire name for a value of `typeCode` (`onset` + `Age`).
    public func wireName(for typeCode: String) -> String {
        isChoice ? name + Self.capitalised(typeCode) : name
    }

    static func capitalised(_ s: String) -> String {
        guard let f = s.first else { return s }
        return f.uppercased() + s.dropFirst()
    }
}

/// Type information for one side of a map (the source or the target FHIR version): the small
/// question set the executor asks. The STU3 definition pack answers it (``DefinitionPackTypes``);
/// an R4 pack answers it the same way.
public protocol MappingTypeInformation: Sendable {
    /// The child `name` (FML name, no choice suffix) of elements of `type`; nil when unknown.
    func child(_ name: String, of type: MappingType) -> MappingChild?
    /// The child whose wire name is `wireName` (`onsetAge`) of elements of `type`.
    func child(wireName: String, of type: MappingType) -> MappingChild?
    /// True when `typeCode` is a primitive type (`string`, `code`, `dateTime`).
    func isPrimitive(_ typeCode: String) -> Bool
    /// True when `typeCode` is a resource type.
    func isResource(_ typeCode: String) -> Bool
    /// True when the definitions know `typeCode` at all.
    func knows(_ typeCode: String) -> Bool
}

/// ``MappingTypeInformation`` from a `DefinitionPack` (lookups cached; safe to share).
public final class DefinitionPackTypes: MappingTypeInformation, @unchecked Sendable {
    /// The pack answered from.
    public let pack: DefinitionPack
    private let lock = NSLock()
    private var children: [String: MappingChild?] = [:]
    private var models: [String: TypeModel?] = [:]

    /// Type information from `pack`.
    public init(pack: DefinitionPack) { self.pack = pack }

    private func model(_ name: String) -> TypeModel? {
        if let known = lock.withLock({ models[name] }) { return known }
        let made = (try? pack.type(named: name)) ?? nil
        lock.withLock { models[name] = made }
        return made
    }

    private func table(of type: MappingType) -> ChildTable? {
        guard let model = model(type.owner) else { return nil }
        return model.children(of: type.path ?? model.rootPath)
    }

    /// The child `name` of `type` from the pack (choice elements gathered from their variants).
    public func child(_ name: String, of type: MappingType) -> MappingChild? {
        let key = "\(type.owner)|\(type.path ?? "")|\(name)"
        if let known = lock.withLock({ children[key] }) { return known }
        var made: MappingChild?
        if let table = table(of: type) {
            if let info = table[name], !info.isChoice {
                made = describe([info], name: name, isChoice: false)
            } else {
                let variants = table.byName.values.filter { $0.isChoice && $0.definitionPath.hasSuffix(".\(name)[x]") }
                    .sorted { $0.name < $1.name }
                if !variants.isEmpty { made = describe(variants, name: name, isChoice: true) }
            }
        }
        lock.withLock { children[key] = made }
        return made
    }

    /// The child with wire name `wireName` (`onsetAge`) of `type` from the pack.
    public func child(wireName: String, of type: MappingType) -> MappingChild? {
        guard let table = table(of: type), let info = table[wireName] else { return nil }
        if info.isChoice {
            let stem = String(info.definitionPath.split(separator: ".").last ?? "").replacingOccurrences(of: "[x]", with: "")
            return child(stem, of: type)
        }
        return child(wireName, of: type)
    }

    private func describe(_ infos: [ChildInfo], name: String, isChoice: Bool) -> MappingChild {
        var types: [String: MappingType] = [:]
        for info in infos {
            switch info.content {
            case let .backbone(owner, path): types[info.typeCode] = MappingType(backbone: path, in: owner, code: info.typeCode)
            default: types[info.typeCode] = MappingType(info.typeCode)
            }
        }
        return MappingChild(name: name, isChoice: isChoice, typeCodes: infos.map(\.typeCode), repeats: infos[0].repeats,
                            order: infos[0].order, types: types)
    }

    /// True when the pack defines `typeCode` as a primitive type (or, unknown to it, FHIR does).
    public func isPrimitive(_ typeCode: String) -> Bool {
        model(typeCode)?.isPrimitive ?? (JSONKind.ofPrimitive(typeCode) != nil)
    }

    /// True when the pack defines `typeCode` as a resource.
    public func isResource(_ typeCode: String) -> Bool { model(typeCode)?.isResource ?? false }

    /// True when the pack defines `typeCode`.
    public func knows(_ typeCode: String) -> Bool { model(typeCode) != nil }
}
