import Foundation
import FHIRModel
import FHIRDefinitions

/// The definitions of one element path compiled for validation: its children by wire name, with
/// the cardinality of each and what is required.
///
/// Built once per (type, path) and shared by every validation that uses the validator: the walk
/// then touches only these objects, never the pack's records.
final class NodeDef: @unchecked Sendable {
    /// `Patient`, `Bundle.entry`, `Quantity` (the definition path of the element itself).
    let path: String
    /// The type model it belongs to (`Bundle` for `Bundle.entry`).
    let typeName: String
    /// True for the root of a primitive type (children: `extension` only).
    let isPrimitiveType: Bool
    /// True for `Extension` (and extension definitions): `url` is required.
    let isExtension: Bool
    /// True for `Identifier`: its system may say what its value must be.
    let isIdentifier: Bool
    // Set once by the compilation that builds the node, before the cache publishes it, then only
    // read (by the walks, for every element).
    /// Children by wire name (choice elements once per type).
    var children = ChildIndex()
    /// Number of distinct child definitions (a choice counts once): the size of a count buffer.
    var slotCount = 0
    /// Child definitions with `min > 0`.
    var required: [Requirement] = []

    init(path: String, typeName: String, isPrimitiveType: Bool, isExtension: Bool) {
        self.path = path
        self.typeName = typeName
        self.isPrimitiveType = isPrimitiveType
        self.isExtension = isExtension
        isIdentifier = path == "Identifier"
    }

    /// A child definition that must occur at least `min` times.
    struct Requirement {
        let slot: Int
        let min: Int
        /// The name to report (`type`, `value[x]`).
        let name: String
    }
}

/// One child of a ``NodeDef``, by wire name.
final class ChildDef: @unchecked Sendable {
    let info: ChildInfo
    /// Index of its definition among the parent's (shared by a choice's variants).
    let slot: Int
    /// Base max (`Int.max` for `*`).
    let max: Int
    /// Its name in messages (`value[x]` for a choice).
    let definitionName: String
    /// The lexical rule when it is a primitive.
    let primitive: PrimitiveType?
    /// Where its own children are defined: nil for XHTML and resources (the data names their type).
    /// (Set once while compiling, as ``NodeDef/children``.)
    var node: NodeDef?
    /// Its base binding, when layer 3 checks it (required or extensible).
    var binding: BoundValueSet?
    /// Copies of what the walk reads of `info` for every element, kept here so that reading them
    /// touches no other object.
    let repeats: Bool
    let order: Int
    let isResource: Bool
    let isXHTML: Bool

    init(info: ChildInfo, slot: Int, max: Int, definitionName: String, primitive: PrimitiveType?) {
        self.info = info
        self.slot = slot
        self.max = max
        self.definitionName = definitionName
        self.primitive = primitive
        repeats = info.repeats
        order = info.order
        if case .resource = info.content { isResource = true } else { isResource = false }
        if case .xhtml = info.content { isXHTML = true } else { isXHTML = false }
    }
}

/// Compiles and caches ``NodeDef``s. A resource type is compiled with everything it can reach
/// (its backbone elements and datatypes) before it is published, so a walk never locks below it.
///
/// `lock` guards the published tables and is held only to look up or publish, so a thread walking
/// a type already compiled never waits for another thread's compilation. Different resource types
/// compile at once, each on a ``DefinitionCompilation`` of its own that starts from every node
/// published so far (its half-built nodes are its own; a datatype two compilations both build is
/// built twice, and both copies are equal); a thread asking for a type another thread is compiling
/// waits for that one's result, so every walk of a type goes over the same objects.
final class DefinitionCache: @unchecked Sendable {
    let pack: DefinitionPack
    /// Value sets and code systems for layer 3, compiled on first use.
    let terminology: TerminologyResolver
    /// Guards the tables below; threads wait on it for a type another thread is compiling.
    private let lock = NSCondition()
    /// Resource types by name; `.none` remembers an unknown or abstract name.
    private var resources: [String: ResourceLookup] = [:]
    /// Resource types being compiled (outside the lock).
    private var compiling: Set<String> = []
    /// Every node of the published types, and the element records they were built from: where
    /// the next compilation starts.
    private var published = DefinitionCompilation.Memo()

    enum ResourceLookup {
        case found(NodeDef)
        case notAResource(String)
    }

    init(pack: DefinitionPack) {
        self.pack = pack
        self.terminology = TerminologyResolver(pack: pack)
    }

    /// The root definition of a resource type, or why the name is no resource type.
    func resource(named name: String) throws -> ResourceLookup {
        lock.lock()
        while resources[name] == nil && compiling.contains(name) { lock.wait() }
        if let known = resources[name] {
            lock.unlock()
            return known
        }
        compiling.insert(name)
        var compilation = DefinitionCompilation(pack: pack, memo: published)
        lock.unlock()
        let result: ResourceLookup
        do {
            result = try compilation.resource(named: name)
        } catch {
            lock.withLock { _ = compiling.remove(name) }
            lock.broadcast()
            throw error
        }
        lock.withLock {
            resources[name] = result
            compiling.remove(name)
            published.adopt(compilation.memo)
        }
        lock.broadcast()
        return result
    }
}

/// One compilation of a resource type: its nodes, memoised by (type, path) so that recursive types
/// close their loops, on a memo no other thread sees until the cache publishes it.
struct DefinitionCompilation {
    /// The nodes and element records known to a compilation.
    struct Memo {
        /// Nodes by type name and path.
        var nodes: [String: NodeDef] = [:]
        /// Element records of a type's definition by path (unsliced ones), by type name.
        var records: [String: [String: ElementRecord]] = [:]

        /// Takes in what `other` has and this memo has not (a node built by both stays this one's).
        mutating func adopt(_ other: Memo) {
            nodes.merge(other.nodes) { mine, _ in mine }
            records.merge(other.records) { mine, _ in mine }
        }
    }

    let pack: DefinitionPack
    private(set) var memo: Memo

    init(pack: DefinitionPack, memo: Memo) {
        self.pack = pack
        self.memo = memo
    }

    /// The root definition of a resource type, or why the name is no resource type.
    mutating func resource(named name: String) throws -> DefinitionCache.ResourceLookup {
        guard let model = try pack.type(named: name), model.isResource else {
            return .notAResource("'\(name)' is not a resource type of FHIR STU3")
        }
        if try pack.structure(url: model.url)?.abstract == true {
            return .notAResource("'\(name)' is an abstract type; a concrete resource type is needed")
        }
        return .found(try node(model: model, path: model.rootPath))
    }

    /// The node of a path in a type: memoised before its children are compiled, so recursive
    /// types (`Extension.extension`, `Questionnaire.item.item`) close the loop.
    private mutating func node(model: TypeModel, path: String) throws -> NodeDef {
        let key = model.name + "\u{0}" + path
        if let known = memo.nodes[key] { return known }
        let isExtension = path == "Extension"
        let def = NodeDef(path: path, typeName: model.name, isPrimitiveType: model.isPrimitive && path == model.rootPath,
                          isExtension: isExtension)
        memo.nodes[key] = def
        guard let table = model.children(of: path) else { return def }
        let elementRecords = try self.elementRecords(of: model)
        // Definition order, so that slots and requirements come out in a stable order.
        let infos = table.byName.values.sorted { ($0.order, $0.name) < ($1.order, $1.name) }
        var slots: [String: Int] = [:]
        var byName: [String: ChildDef] = [:]
        for info in infos {
            let record = elementRecords[info.definitionPath]
            let definitionName = Self.lastStep(of: info.definitionPath)
            let slot: Int
            if let s = slots[info.definitionPath] {
                slot = s
            } else {
                slot = slots.count
                slots[info.definitionPath] = slot
                if let min = record?.min, min > 0 {
                    def.required.append(.init(slot: slot, min: min, name: definitionName))
                }
            }
            let max = record.map { $0.max == "*" ? Int.max : Int($0.max) ?? Int.max } ?? Int.max
            var primitive: PrimitiveType? = nil
            if case .primitive = info.content { primitive = PrimitiveType(rawValue: info.typeCode) ?? .string }
            let child = ChildDef(info: info, slot: slot, max: max, definitionName: definitionName, primitive: primitive)
            child.node = try childNode(info, in: model, profile: coreProfile(of: info, record))
            if let binding = record?.binding, BindingChecker.isChecked(binding) { child.binding = BoundValueSet(binding) }
            byName[info.name] = child
        }
        def.children = ChildIndex(byName)
        def.slotCount = slots.count
        return def
    }

    /// The last step of a definition path (`value[x]` of `Observation.value[x]`), found over its
    /// bytes: splitting every path at its dots cost more than the rest of a node's compilation.
    static func lastStep(of path: String) -> String {
        guard let dot = path.utf8.lastIndex(of: UInt8(ascii: ".")) else { return path }
        return String(path[path.utf8.index(after: dot)...])
    }

    /// Where a child's own children are defined.
    private mutating func childNode(_ info: ChildInfo, in model: TypeModel, profile: String?) throws -> NodeDef? {
        switch info.content {
        case .xhtml, .resource:
            return nil
        case .complex:
            // A core constraint of the type (`SimpleQuantity` for Immunization.doseQuantity) is part
            // of the base definitions: validate against it.
            if let profile, let type = try pack.type(named: profile) {
                return try node(model: type, path: type.rootPath)
            }
            guard let type = try pack.type(named: info.typeCode) else { return nil }
            return try node(model: type, path: type.rootPath)
        case .primitive:
            guard let type = try pack.type(named: info.typeCode) else { return nil }
            return try node(model: type, path: type.rootPath)
        case let .backbone(typeName, path):
            let owner = typeName == model.name ? model : try pack.type(named: typeName)
            guard let owner else { return nil }
            return try node(model: owner, path: path)
        }
    }

    /// The name of a core datatype profile the element's type names (`SimpleQuantity`), if any.
    private func coreProfile(of info: ChildInfo, _ record: ElementRecord?) -> String? {
        guard let profile = record?.types?.first(where: { $0.code == info.typeCode })?.profile,
              profile.hasPrefix(DefinitionPack.coreStructurePrefix) else { return nil }
        let name = String(profile.dropFirst(DefinitionPack.coreStructurePrefix.count))
        return name == info.typeCode ? nil : name
    }

    /// A type's element records by path, the first unsliced one of each path.
    private mutating func elementRecords(of model: TypeModel) throws -> [String: ElementRecord] {
        if let known = memo.records[model.name] { return known }
        var byPath: [String: ElementRecord] = [:]
        for e in try pack.structure(url: model.url)?.elements ?? [] where e.sliceName == nil && byPath[e.path] == nil {
            byPath[e.path] = e
        }
        memo.records[model.name] = byPath
        return byPath
    }
}
