import FHIRModel
import FHIRDefinitions
import FHIRPath

/// Layer 5: every element of a message against the invariants of its base STU3 definitions
/// (see ``InvariantSiteCache`` for which constraints apply where, and ``InvariantRun`` for the issues).
struct InvariantRules {
    let sites: InvariantSiteCache
    var run: InvariantRun
    var path = PathStack()
    /// Sites met in this message, by child definition: most repeat, and this needs no lock.
    var siteMemo: InvariantSiteMemo

    init(checker: InvariantChecker, root: Element, siteMemo: InvariantSiteMemo = InvariantSiteMemo()) {
        self.siteMemo = siteMemo
        sites = checker.sites
        run = checker.run(root: root)
        // ref-1 (a `#id` reference has its contained resource): in a message or document Bundle
        // layer 4 resolves every reference, `#id` ones included (`bundle.reference-unresolved`).
        if root.resourceType == "Bundle", let type = root.child("type")?.value, type == "message" || type == "document" {
            run.skippedKeys = ["ref-1"]
        }
    }

    mutating func check(_ root: Element) {
        guard root.isResource else { return }
        path.push(root.resourceType ?? root.name)
        walkResource(root, contained: false)
        path.pop()
    }

    /// A resource: its own constraints, then its children. `%resource` becomes this resource unless
    /// it is contained (contained resources are reached through their container).
    private mutating func walkResource(_ e: Element, contained: Bool) {
        let (typed, site) = sites.resource(e)
        guard typed.context != nil else { return }   // unknown type: layer 1 reports it
        let environment = run.environment
        let saved = environment.resource
        if !contained { environment.resource = typed }
        defer { environment.resource = saved }
        let decided = withUnsafePointer(to: e) { site.shortcuts.decided(on: $0) }
        evaluate(site, typed, skipping: decided)
        walkChildren(e.children, of: typed.type)
    }

    /// The children of an element of type `type`: each one's constraints, then its own children.
    /// Children are read in place and copied (as typed elements) only when they have constraints.
    private mutating func walkChildren(_ children: [Element], of type: ElementType?) {
        guard let context = type?.context, let table = context.table else { return }
        let model = context.model
        var siblings = SiblingIndex()
        for k in children.indices {
            let name = children[k].name
            let runIndex = siblings.next(k, in: children)
            guard let info = table[name] else { continue }   // unknown element: layer 1's
            let site = site(of: info, owner: model)
            if site.holdsResource {
                if children[k].isResource {
                    path.push(name, index: site.repeats ? runIndex : -1)
                    walkResource(children[k], contained: name == "contained")
                    path.pop()
                }
                continue
            }
            let hasChildren = !children[k].children.isEmpty
            guard hasChildren || !site.constraints.isEmpty else { continue }   // a leaf without rules
            path.push(name, index: site.repeats ? runIndex : -1)
            if !site.constraints.isEmpty {
                // Built (a copy of the element) only when some constraint needs evaluating.
                let decided = children.withUnsafeBufferPointer { site.shortcuts.decided(on: $0.baseAddress! + k) }
                if !site.shortcuts.decidesAll(decided) {
                    evaluate(site, TypedElement(element: children[k], type: site.type), skipping: decided)
                }
            }
            if hasChildren { walkChildren(children[k].children, of: site.type) }
            path.pop()
        }
    }

    /// A child definition's site: from this message's memo, else from the shared (locked) cache.
    private mutating func site(of info: ChildInfo, owner: TypeModel) -> InvariantSite {
        let id = ObjectIdentifier(info)
        if let known = siteMemo[id] { return known }
        let site = sites.child(info, owner: owner)
        siteMemo.insert(site, for: id)
        return site
    }

    private mutating func evaluate(_ site: InvariantSite, _ typed: TypedElement, skipping decided: UInt64) {
        guard !site.constraints.isEmpty, !site.shortcuts.decidesAll(decided) else { return }
        let path = self.path
        run.check(site.constraints, on: typed, skipping: decided, path: { path.text() })
    }
}
