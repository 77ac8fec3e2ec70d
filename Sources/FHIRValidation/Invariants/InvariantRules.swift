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
    /// Set to list what would be evaluated instead of evaluating it (``InvariantChecker/applications(in:)``):
    /// every constraint of every site, shortcuts and skipped keys included.
    var collected: [InvariantApplication]?
    /// The path of `%resource` while collecting.
    private var resourcePath = ""

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

    // Elements are borrowed in place from their parent's children (or the root): the walk reads
    // names and counts children in place, and copies an element only to evaluate on it.

    /// A resource: its own constraints, then its children. `%resource` becomes this resource unless
    /// it is contained (contained resources are reached through their container).
    private mutating func walkResource(_ e: borrowing Element, contained: Bool) {
        let (typed, site) = resourceSite(copy e)
        guard typed.context != nil else { return }   // unknown type: layer 1 reports it
        let environment = run.environment
        let saved = environment.resource
        let savedPath = resourcePath
        if !contained {
            environment.resource = typed
            if collected != nil { resourcePath = path.text() }
        }
        defer { environment.resource = saved; resourcePath = savedPath }
        evaluate(site, typed, skipping: site.shortcuts.decided(on: e))
        walkChildren(of: e, site: site)
    }

    /// The children of an element of the site `parent`: each one's constraints, then its own children.
    private mutating func walkChildren(of e: borrowing Element, site parent: InvariantSite) {
        guard parent.childTable != nil, let model = parent.childModel else { return }
        let table = parent.childIndex
        let leavesUnconstrained = parent.leavesUnconstrained
        let children = e.children.span
        var siblings = SiblingIndex()
        for k in children.indices {
            // A leaf (not a resource) has nothing to check when no child definition has rules.
            if leavesUnconstrained && children[k].children.isEmpty && !children[k].isResource { continue }
            // Unknown: layer 1's.
            guard let info = table[utf8: children[k].name.utf8.span] else { continue }
            let site = site(of: info, owner: model)
            if site.holdsResource {
                if children[k].isResource {
                    path.push(children[k].name, index: site.repeats ? siblings.next(k, of: e) : -1)
                    walkResource(children[k], contained: children[k].name == "contained")
                    path.pop()
                }
                continue
            }
            let hasChildren = !children[k].children.isEmpty
            guard hasChildren || !site.constraints.isEmpty else { continue }   // a leaf without rules
            path.push(children[k].name, index: site.repeats ? siblings.next(k, of: e) : -1)
            if !site.constraints.isEmpty {
                // The typed element (a copy) is built only when some constraint needs evaluating.
                let decided = site.shortcuts.decided(on: children[k])
                if collected != nil || !site.shortcuts.decidesAll(decided) {
                    evaluate(site, TypedElement(element: children[k], type: site.type), skipping: decided)
                }
            }
            if hasChildren { walkChildren(of: children[k], site: site) }
            path.pop()
        }
    }

    /// A resource's typed form and site: the site from this message's memo, else from the shared
    /// (locked) cache. The typed element takes the site's type, as the shared cache gives it.
    private mutating func resourceSite(_ element: Element) -> (TypedElement, InvariantSite) {
        let name = element.resourceType ?? element.name
        if let known = siteMemo.resource(named: name) { return (TypedElement(element: element, type: known.type), known) }
        let found = sites.resource(element)
        siteMemo.insertResource(found.1, named: name)
        return found
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
        guard !site.constraints.isEmpty else { return }
        let path = self.path
        if collected != nil {
            let text = path.text()
            for constraint in site.constraints {
                guard case let .success(expression) = constraint.expression else { continue }
                collected!.append(InvariantApplication(key: constraint.record.key, expression: expression, element: typed,
                                                       path: text, resource: run.environment.resource,
                                                       resourcePath: resourcePath))
            }
            return
        }
        guard !site.shortcuts.decidesAll(decided) else { return }
        run.check(site.constraints, on: typed, skipping: decided, path: { path.text() })
    }
}
