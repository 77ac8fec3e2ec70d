import Foundation
import FHIRModel
import FHIRDefinitions
import FHIRPath

/// What layer 5 needs at one kind of element, compiled once: its FHIR type, where its children are
/// defined, and the constraints its base STU3 definitions declare.
final class InvariantSite: @unchecked Sendable {
    let type: ElementType?
    let constraints: [CompiledConstraint]
    /// The definition's answers the walk asks of every element, kept here so that it reads them
    /// from the site it already holds: the child repeats, the child is a resource.
    let repeats: Bool
    let holdsResource: Bool
    /// The constraints most elements are spared.
    let shortcuts: InvariantShortcuts
    /// Where its elements' children are defined (read from `type` once, for every element).
    let childTable: ChildTable?
    let childModel: TypeModel?
    /// `childTable`'s definitions by wire name in a ``NameTable`` (hashed by words, cheaper than
    /// the table's byte-at-a-time hash): every child of every element is looked up here.
    let childIndex: NameTable<ChildInfo>
    /// True when none of the children its elements can have carries a constraint (resources
    /// aside): a leaf child then needs nothing.
    let leavesUnconstrained: Bool

    init(type: ElementType?, constraints: [CompiledConstraint], repeats: Bool = false, holdsResource: Bool = false,
         shortcuts: InvariantShortcuts = .none, leavesUnconstrained: Bool = false) {
        self.type = type
        self.constraints = constraints
        self.repeats = repeats
        self.holdsResource = holdsResource
        self.shortcuts = shortcuts
        self.leavesUnconstrained = leavesUnconstrained
        childTable = type?.context?.table
        childModel = type?.context?.model
        childIndex = childTable.map { NameTable($0.byName) } ?? NameTable()
    }

}

/// Sites by child definition and by resource type.
///
/// An element's constraints are those of its own element definition in the structure that defines
/// it (`Bundle.entry`: bdl-5, bdl-8) plus those of its datatype's root (`Quantity`: qty-3; a core
/// profile of the type where the base names one, `SimpleQuantity`: sqty-1; `Extension`: ext-1). A
/// resource's are those of its definition's root (dom-1…4 and its own).
///
/// Constraints another layer already checks natively are left out, so that one defect is reported
/// once (``nativelyChecked``).
final class InvariantSiteCache: @unchecked Sendable {
    private let engine: FHIRPathEngine
    private let lock = NSLock()
    private var byChild: [ObjectIdentifier: InvariantSite] = [:]
    private var byResource: [String: InvariantSite] = [:]
    /// Root constraints of a structure, and element records by path, per structure URL.
    private var records: [String: [String: ElementRecord]] = [:]

    init(engine: FHIRPathEngine) {
        self.engine = engine
    }

    var pack: DefinitionPack { engine.pack }

    /// A resource typed by its `resourceType`, and its site (whose type is the resource's type:
    /// one lookup gives both).
    func resource(_ element: Element) -> (TypedElement, InvariantSite) {
        let name = element.resourceType ?? element.name
        if let known = lock.withLock({ byResource[name] }) { return (TypedElement(element: element, type: known.type), known) }
        let typed = engine.typedResource(element)
        let url = DefinitionPack.coreStructurePrefix + (typed.typeName ?? "")
        let constraints = rootConstraints(url)
        let site = InvariantSite(type: typed.type, constraints: constraints,
                                 shortcuts: InvariantShortcuts(constraints, type: typed.type, isResource: true,
                                                               engine: engine),
                                 leavesUnconstrained: leavesUnconstrained(typed.type))
        // The first site made wins (another thread may have made one meanwhile).
        let first = lock.withLock {
            if let first = byResource[name] { return first }
            byResource[name] = site
            return site
        }
        return first === site ? (typed, site) : (TypedElement(element: element, type: first.type), first)
    }

    /// The site of a child defined by `info` in the structure `owner` (a type model's URL).
    func child(_ info: ChildInfo, owner: TypeModel) -> InvariantSite {
        let id = ObjectIdentifier(info)
        if let known = lock.withLock({ byChild[id] }) { return known }
        if case .resource = info.content {   // walked as a resource, with its own site
            let site = InvariantSite(type: nil, constraints: [], repeats: info.repeats, holdsResource: true)
            return publish(site, for: id)
        }
        let type = engine.type(of: info)
        let list = childConstraints(info, owner: owner)
        let site = InvariantSite(type: type, constraints: list, repeats: info.repeats,
                                 shortcuts: InvariantShortcuts(list, type: type, isResource: false, engine: engine),
                                 leavesUnconstrained: leavesUnconstrained(type))
        return publish(site, for: id)
    }

    /// Files a child's site unless another thread filed one first, and returns the one filed.
    private func publish(_ site: InvariantSite, for id: ObjectIdentifier) -> InvariantSite {
        lock.withLock {
            if let first = byChild[id] { return first }
            byChild[id] = site
            return site
        }
    }

    /// True when no child an element of `type` can have carries a constraint, resources aside:
    /// the walk then passes over its leaf children without looking them up.
    private func leavesUnconstrained(_ type: ElementType?) -> Bool {
        guard let context = type?.context, let table = context.table else { return true }
        return table.byName.values.allSatisfy { info in
            if case .resource = info.content { return true }
            return childConstraints(info, owner: context.model).isEmpty
        }
    }

    /// The constraints of a (non-resource) child: its element definition's and its datatype's.
    private func childConstraints(_ info: ChildInfo, owner: TypeModel) -> [CompiledConstraint] {
        let record = elementRecord(url: owner.url, path: info.definitionPath)
        var list = constraints(of: record, url: owner.url)
        switch info.content {
        case .complex, .primitive:
            // The datatype's own rules; a core profile of it (SimpleQuantity) where the base names one.
            let profile = record?.types?.first(where: { $0.code == info.typeCode })?.profile
            let typeURL = profile.flatMap { $0.hasPrefix(DefinitionPack.coreStructurePrefix) ? $0 : nil }
                ?? DefinitionPack.coreStructurePrefix + info.typeCode
            for c in rootConstraints(typeURL) where !list.contains(where: { $0.record.key == c.record.key }) {
                list.append(c)
            }
        default:
            break
        }
        return list
    }

    private func rootConstraints(_ url: String) -> [CompiledConstraint] {
        guard let record = (try? pack.structure(url: url)) ?? nil, let root = record.elements.first else { return [] }
        return compile(record.constraints(of: root))
    }

    private func constraints(of element: ElementRecord?, url: String) -> [CompiledConstraint] {
        guard let element, element.constraintIndices != nil,
              let record = (try? pack.structure(url: url)) ?? nil else { return [] }
        return compile(record.constraints(of: element))
    }

    /// Keys checked natively by other layers:
    /// - ele-1 (a value or children): layer 1, on every element (`struct.empty`, `value.empty`);
    /// - bdl-5 (entry has a resource, request or response), bdl-7 (fullUrls unique), bdl-8 (no
    ///   `/_history/` in fullUrl): layer 4 (`bundle.*`);
    /// - sqty-1 (a SimpleQuantity has no comparator): layer 1 validates such elements against the
    ///   SimpleQuantity definition, whose comparator has max 0 (`struct.max`).
    static let nativelyChecked: Set<String> = ["ele-1", "bdl-5", "bdl-7", "bdl-8", "sqty-1"]

    private func compile(_ records: [ConstraintRecord]) -> [CompiledConstraint] {
        records.filter { !Self.nativelyChecked.contains($0.key) }.map { CompiledConstraint($0, engine: engine) }
    }

    private func elementRecord(url: String, path: String) -> ElementRecord? {
        if let known = lock.withLock({ records[url] }) { return known[path] }
        var byPath: [String: ElementRecord] = [:]
        for e in (try? pack.structure(url: url))??.elements ?? [] where e.sliceName == nil && byPath[e.path] == nil {
            byPath[e.path] = e
        }
        lock.withLock { records[url] = byPath }
        return byPath[path]
    }
}
