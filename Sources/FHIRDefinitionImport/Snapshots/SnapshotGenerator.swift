import FHIRModel
import FHIRDefinitions

/// Generates the snapshot of a StructureDefinition published with a differential only (UK Core's
/// profiles and extensions), from its base definition's snapshot, as FHIR's profiling rules define it
/// (https://hl7.org/fhir/R4/profiling.html, "Snapshot generation"):
///
/// - each differential element is found in the base by its id (`Observation.category:VSCat.coding`;
///   by its path where it has none) and its properties laid over the base's (``DifferentialMerge``):
///   cardinality narrowed, types constrained with profiles and target profiles, bindings, fixed and
///   pattern values, constraints added, must-support;
/// - a new slice starts as a copy of the base's sliced element (before this profile's changes), with
///   `min` 0 unless the differential says otherwise, and is placed after the earlier slices;
/// - a choice renamed to one type (`valueQuantity`, or `value[x]:valueQuantity`) is a type slice: the
///   `value[x]` element gains a closed slicing on `type`/`$this` and only the slices' types;
/// - where the differential constrains below an element the base does not expand, the element's
///   children are taken from its type's snapshot (the type's profile when it names one: an extension
///   definition, SimpleQuantity…) or, for a content reference (`#Questionnaire.item`), from the
///   referenced element.
///
/// Bases are looked up among the registered definitions: published snapshots are used as they are,
/// differential-only ones are generated first (so a profile on a profile works in any order), once.
/// Problems are values (``Outcome/issues``) naming the profile and the element id; a differential
/// element that names nothing in its base is left out, the rest of the snapshot is still built.
public final class SnapshotGenerator {
    /// The result for one StructureDefinition.
    public struct Outcome: Sendable {
        /// The StructureDefinition with its `snapshot`, or nil when its base could not be found.
        public var structureDefinition: Element?
        /// What the generation found, each naming the profile (message) and the element id (path).
        public var issues: [Issue]
    }

    /// Every definition that may serve as a base or type, by canonical URL (the first registered wins).
    private var definitions: [String: Element] = [:]
    /// Snapshots made so far (generated ones, and published ones once read), by URL.
    private var snapshots: [String: [Element]] = [:]
    /// Issues of the generated snapshots, by URL (given to the caller with the snapshot).
    private var issuesOf: [String: [Issue]] = [:]
    /// Snapshot trees of types, by URL, copied for each element expanded from them.
    private var typeTrees: [String: DefinitionNode] = [:]
    /// URLs being generated (a base chain that loops back is an error, not a hang).
    private var inProgress: Set<String> = []

    /// The prefix of core definitions' canonical URLs: a type code names `prefix + code`.
    static let corePrefix = "http://hl7.org/fhir/StructureDefinition/"

    /// An empty generator; ``register(_:)`` the definitions it may need.
    public init() {}

    /// Makes a StructureDefinition (with a snapshot or a differential) available as a base or type.
    /// A URL registered twice keeps its first definition, as the pack keeps its first source's.
    public func register(_ structureDefinition: Element) {
        guard let url = structureDefinition.child("url")?.value, definitions[url] == nil else { return }
        definitions[url] = structureDefinition
    }

    /// `structureDefinition` with a `snapshot` generated from its `differential` and base. One that
    /// has a published snapshot gets a new one all the same (and keeps serving with its published
    /// one as a base): that is how a generated snapshot is compared with a published one.
    public func generate(_ structureDefinition: Element) -> Outcome {
        guard let url = structureDefinition.child("url")?.value else {
            return Outcome(structureDefinition: nil, issues: [Issue(.error, .required, rule: DefinitionRule.importIncomplete.rawValue,
                                                                      "StructureDefinition without url")])
        }
        register(structureDefinition)
        var issues: [Issue] = []
        let made: [Element]?
        if structureDefinition.child("snapshot") == nil {
            made = snapshot(url: url)
            issues = issuesOf[url] ?? []
        } else {
            made = build(structureDefinition, url: url, issues: &issues)
        }
        guard let elements = made else { return Outcome(structureDefinition: nil, issues: issues) }
        var result = structureDefinition
        let snapshot = Element(name: "snapshot", children: elements)
        if let k = result.indexOfChild("snapshot") {
            result.children[k] = snapshot
        } else {
            // Before the differential, where R4 places it.
            let at = result.indexOfChild("differential") ?? result.children.count
            result.children.insert(snapshot, at: at)
        }
        return Outcome(structureDefinition: result, issues: issues)
    }

    /// The snapshot elements of `url`: published, or generated now (once) from its differential.
    func snapshot(url: String) -> [Element]? {
        if let done = snapshots[url] { return done }
        guard let sd = definitions[url] else { return nil }
        if let published = sd.child("snapshot") {
            let elements = published.children(named: "element")
            snapshots[url] = elements
            return elements
        }
        guard inProgress.insert(url).inserted else {
            issuesOf[url, default: []].append(Issue(.error, .processing, rule: DefinitionRule.importSnapshotBase.rawValue,
                                                    "\(url): its base definitions loop back to it"))
            return nil
        }
        defer { inProgress.remove(url) }
        var issues: [Issue] = []
        let elements = build(sd, url: url, issues: &issues)
        issuesOf[url] = issues
        if let elements { snapshots[url] = elements }
        return elements
    }

    /// The generated snapshot of one differential-only definition.
    private func build(_ sd: Element, url: String, issues: inout [Issue]) -> [Element]? {
        guard let baseURL = sd.child("baseDefinition")?.value,
              let baseElements = snapshot(url: baseURL), let root = DefinitionNode.tree(from: baseElements) else {
            let base = sd.child("baseDefinition")?.value ?? "(none)"
            issues.append(Issue(.error, .processing, rule: DefinitionRule.importSnapshotBase.rawValue,
                                "\(url): its base definition \(base) is not available with a snapshot"))
            return nil
        }
        keepOrigins(root)
        let walk = DifferentialWalk(generator: self, profile: url, root: root)
        for element in sd.child("differential")?.children(named: "element") ?? [] {
            walk.apply(element, issues: &issues)
        }
        var list: [Element] = []
        root.flatten(path: root.name, id: root.name, into: &list)
        return list
    }

    /// The children of an element of type `code` (with `profile`, when one is named): a fresh copy
    /// of that definition's snapshot below its root.
    func typeChildren(code: String, profile: String?) -> [DefinitionNode]? {
        let url = profile ?? (code.contains("/") ? code : Self.corePrefix + code)
        if typeTrees[url] == nil {
            guard let elements = snapshot(url: url), let tree = DefinitionNode.tree(from: elements) else { return nil }
            typeTrees[url] = tree
        }
        let children = typeTrees[url]!.children.map { $0.copy() }
        children.forEach(keepOrigins)
        return children
    }

    /// Remembers, on every node of a base subtree, its definition and children as the base has them:
    /// a slice made later starts from these, not from what this profile has changed since.
    func keepOrigins(_ node: DefinitionNode) {
        node.origin = DefinitionNode(name: node.name, definition: node.definition, children: node.children.map { $0.copy() })
        node.children.forEach(keepOrigins)
        node.slices.forEach(keepOrigins)
    }
}
