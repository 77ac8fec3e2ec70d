import FHIRModel
import FHIRDefinitions

/// One walk over a message tree: every element is visited once, against the compiled definition
/// of where it stands, and every layer-1 rule is applied on the way.
struct StructureWalker {
    let cache: DefinitionCache
    let syntax: MessageFormat
    let checkOrder: Bool
    var issues: [Issue] = []
    var path = PathStack()
    /// Occurrence counts per child definition of the elements being walked, one stacked frame per
    /// element (made and freed by ``validateRoot(_:)``; no allocation per element).
    var counts = IntStack()
    /// Layer 3: check bound elements against their value sets (``checkBinding(_:_:)``).
    var checkTerminology = true
    var terminology = TerminologyReport()

    init(cache: DefinitionCache, syntax: MessageFormat, checkOrder: Bool) {
        self.cache = cache
        self.syntax = syntax
        self.checkOrder = checkOrder
    }

    // Elements are borrowed in place from their parent's children (or the root): looking at an
    // element then reads only the fields used, where copying the struct would retain all four.

    /// The message's root must be a resource.
    mutating func validateRoot(_ root: Element) {
        path.push(root.resourceType ?? root.name)
        if root.resourceType == nil {
            report(.error, .structure, StructureRule.resourceMissing,
                   "the root element '\(root.name)' is not a resource", at: root)
        } else {
            walkResource(root)
        }
        path.pop()
    }

    /// A resource node (root, `contained`, `entry.resource`): its type decides its definition.
    mutating func walkResource(_ e: borrowing Element) {
        let type = e.resourceType ?? e.name
        let node: NodeDef
        do {
            switch try cache.resource(named: type) {
            case let .found(found):
                node = found
            case let .notAResource(why):
                report(.error, .structure, StructureRule.unknownResourceType, "unknown resource type: \(why)", at: e)
                return
            }
        } catch {
            reportDefinitionProblem(error, at: e)
            return
        }
        if e.children.isEmpty {
            report(.error, .invariant, StructureRule.empty,
                   "the \(type) resource is empty: an element needs a value or children (ele-1)", at: e)
            return
        }
        walkChildren(of: e, node)
    }

    /// Checks and walks an element's children against its definition, then its required children.
    mutating func walkChildren(of e: borrowing Element, _ node: NodeDef) {
        let base = counts.push(node.slotCount)
        let children = e.children.span
        var lastOrder = -1
        var lastOrdered = 0   // the child that set lastOrder (its name is read only to report)
        var siblings = SiblingIndex()
        for k in children.indices {
            guard let def = node.children[children[k].name] else {
                let name = children[k].name
                let runIndex = siblings.next(k, of: e)
                let repeated = runIndex > 0 || (k + 1 < children.count && children[k + 1].name == name)
                report(.error, .structure, StructureRule.unknownElement,
                       "unknown element '\(name)': \(node.path) has no such element",
                       at: children[k], path: path.text(appending: repeated ? "\(name)[\(runIndex)]" : name))
                continue
            }
            // The index among same-named siblings is counted only where it is used.
            let index = def.repeats ? siblings.next(k, of: e) : -1
            if syntax == .json && children[k].inJSONArray != def.repeats
                && (def.repeats ? index : siblings.next(k, of: e)) == 0 {
                checkJSONArray(children[k], def)
            }
            let count = counts.increment(base + def.slot)
            if count > def.max {
                reportMax(children[k], def, count: count, index: index)
            }
            if checkOrder {
                if def.order < lastOrder {
                    let name = children[k].name
                    report(.error, .structure, StructureRule.order,
                           "element '\(name)' is out of order: the definition puts it before '\(children[lastOrdered].name)'",
                           at: children[k], path: path.text(appending: step(name, index)))
                } else {
                    lastOrder = def.order
                    lastOrdered = k
                }
            }
            path.push(children[k].name, index: index)
            walkChild(children[k], def)
            path.pop()
        }
        if !node.required.isEmpty {
            for r in node.required where counts[base + r.slot] < r.min {
                report(.error, .required, StructureRule.min,
                       "missing required element '\(r.name)' (\(node.path).\(r.name) needs at least \(r.min))",
                       at: e, path: path.text(appending: r.name))
            }
        }
        counts.pop(to: base)
    }

    /// One known child: its content by kind, then its own children.
    mutating func walkChild(_ c: borrowing Element, _ def: ChildDef) {
        if let id = c.id { checkAttribute(id, .string, name: "id", of: c) }
        if def.isResource {
            guard c.isResource else {
                report(.error, .required, StructureRule.resourceMissing,
                       "'\(c.name)' must hold a resource", at: c)
                return
            }
            walkResource(c)
            return
        }
        if let type = c.resourceType {
            report(.error, .structure, StructureRule.unexpectedResource,
                   "a resource (\(type)) is not allowed in '\(c.name)' (type \(def.info.typeCode))", at: c)
            return
        }
        if def.isXHTML {
            if (c.value ?? "").isEmpty { reportEmpty(c) }
            return
        }
        let hasChildren = !c.children.isEmpty
        if let primitive = def.primitive {
            if let value = c.value {
                let found = issues.count
                checkPrimitive(value, primitive, def, c)
                // A value already wrong by its lexical rule is not looked up in its value set too.
                if def.binding != nil && issues.count == found { checkBinding(c, def) }
            } else if !hasChildren {
                reportEmpty(c)
            }
        } else {
            if c.value != nil {
                report(.error, .structure, StructureRule.unexpectedValue,
                       "'\(c.name)' is a \(def.info.typeCode), not a primitive: it cannot have a value", at: c)
            }
            if let node = def.node {
                if node.isExtension { checkExtensionURL(c) } else if node.isIdentifier { checkIdentifierValue(c) }
            }
            if !hasChildren && c.url == nil {
                reportEmpty(c)
                return
            }
            if def.binding != nil { checkBinding(c, def) }
        }
        if hasChildren, let node = def.node { walkChildren(of: c, node) }
    }

    /// JSON writes a repeating element as an array, even for one item, and any other as a single
    /// value (FHIR STU3 JSON format: an array exactly where the base definition's max is not 1): the base definition's max decides, not a profile's. Reported
    /// at the first item; extensions are left to the JSON reader, which reports them while reading.
    mutating func checkJSONArray(_ c: Element, _ def: ChildDef) {
        if c.name == "extension" || c.name == "modifierExtension" { return }
        let message = def.repeats
            ? "'\(c.name)' repeats (base max *): JSON needs an array, even for one item"
            : "'\(c.name)' does not repeat (base max 1): JSON needs a single value, not an array"
        report(.error, .structure, StructureRule.jsonArray, message, at: c,
               path: path.text(appending: step(c.name, def.repeats ? 0 : -1)))
    }

    /// `Extension.url` is required (1..1) and a uri; it is an attribute, so not in the child tables.
    mutating func checkExtensionURL(_ c: Element) {
        guard let url = c.url else {
            report(.error, .required, StructureRule.min, "missing required element 'url' (Extension.url needs at least 1)",
                   at: c, path: path.text(appending: "url"))
            return
        }
        checkAttribute(url, .uri, name: "url", of: c)
    }

    /// `Element.id` / `Extension.url` attribute values: not empty, and their type's rule.
    mutating func checkAttribute(_ value: String, _ type: PrimitiveType, name: String, of c: Element) {
        if value.isEmpty {
            report(.error, .value, PrimitiveRule.empty, "'\(name)' is empty: a value needs at least one character", at: c,
                   path: path.text(appending: name))
            return
        }
        checkLexical(value, type, element: c, attribute: name)
    }

    func step(_ name: String, _ index: Int) -> String {
        index >= 0 ? "\(name)[\(index)]" : name
    }
}
