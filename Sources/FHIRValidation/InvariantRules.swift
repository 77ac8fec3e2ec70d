import FHIRModel
import FHIRDefinitions
import FHIRPath

/// Layer 5: every element of a message against the invariants of its base STU3 definitions
/// (see ``InvariantSiteCache`` for which constraints apply where, and ``InvariantRun`` for the issues).
struct InvariantRules {
    let sites: InvariantSiteCache
    var run: InvariantRun
    var path = PathStack()

    init(checker: InvariantChecker, root: Element) {
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
        evaluate(site, typed)
        walkChildren(typed)
    }

    private mutating func walkChildren(_ parent: TypedElement) {
        guard let table = parent.context?.table, let model = parent.context?.model else { return }
        let children = parent.element.children
        var siblings = SiblingIndex()
        for k in children.indices {
            let c = children[k]
            let runIndex = siblings.next(k, in: children)
            guard let info = table[c.name] else { continue }   // unknown element: layer 1's
            path.push(c.name, index: info.repeats ? runIndex : -1)
            defer { path.pop() }
            if case .resource = info.content {
                if c.isResource { walkResource(c, contained: c.name == "contained") }
                continue
            }
            let site = sites.child(info, owner: model)
            let typed = TypedElement(element: c, type: site.type)
            evaluate(site, typed)
            if !c.children.isEmpty { walkChildren(typed) }
        }
    }

    private mutating func evaluate(_ site: InvariantSite, _ typed: TypedElement) {
        guard !site.constraints.isEmpty else { return }
        let path = self.path
        run.check(site.constraints, on: typed, path: { path.text() })
    }
}
