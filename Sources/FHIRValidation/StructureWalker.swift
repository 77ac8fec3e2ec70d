import FHIRModel
import FHIRDefinitions

/// One walk over a message tree: every element is visited once, against the compiled definition
/// of where it stands, and every layer-1 rule is applied on the way.
struct StructureWalker {
    let cache: DefinitionCache
    let syntax: SourceSyntax
    let checkOrder: Bool
    var issues: [Issue] = []
    var path = PathStack()
    /// Occurrence counts per child definition of the elements being walked, one stacked frame per
    /// element (grows to the tree depth once; no allocation per element).
    var counts: [Int] = []
    /// Layer 3: check bound elements against their value sets (``checkBinding(_:_:)``).
    var checkTerminology = true
    var terminology = TerminologyReport()

    init(cache: DefinitionCache, syntax: SourceSyntax, checkOrder: Bool) {
        self.cache = cache
        self.syntax = syntax
        self.checkOrder = checkOrder
        counts.reserveCapacity(256)
    }

    /// The message's root must be a resource.
    mutating func validateRoot(_ root: Element) {
        path.push(root.resourceType ?? root.name)
        if root.resourceType == nil {
            report(.error, .structure, "struct.resource-missing",
                   "the root element '\(root.name)' is not a resource", at: root)
        } else {
            walkResource(root)
        }
        path.pop()
    }

    /// A resource node (root, `contained`, `entry.resource`): its type decides its definition.
    mutating func walkResource(_ e: Element) {
        let type = e.resourceType ?? e.name
        let node: NodeDef
        do {
            switch try cache.resource(named: type) {
            case let .found(found):
                node = found
            case let .notAResource(why):
                report(.error, .structure, "struct.unknown-resource-type", "unknown resource type: \(why)", at: e)
                return
            }
        } catch {
            reportDefinitionProblem(error, at: e)
            return
        }
        if e.children.isEmpty {
            report(.error, .invariant, "struct.empty",
                   "the \(type) resource is empty: an element needs a value or children (ele-1)", at: e)
            return
        }
        walkChildren(of: e, node)
    }

    /// Checks and walks an element's children against its definition, then its required children.
    mutating func walkChildren(of e: Element, _ node: NodeDef) {
        let base = counts.count
        counts.append(contentsOf: repeatElement(0, count: node.slotCount))
        var lastOrder = -1
        var lastOrdered = 0   // the child that set lastOrder (its name is read only to report)
        var siblings = SiblingIndex()
        let children = e.children
        for k in children.indices {
            let c = children[k]
            let runIndex = siblings.next(k, in: children)
            guard let def = node.children[c.name] else {
                let repeated = runIndex > 0 || (k + 1 < children.count && children[k + 1].name == c.name)
                report(.error, .structure, "struct.unknown-element",
                       "unknown element '\(c.name)': \(node.path) has no such element",
                       at: c, path: path.text(appending: repeated ? "\(c.name)[\(runIndex)]" : c.name))
                continue
            }
            let index = def.repeats ? runIndex : -1
            if syntax == .json && c.inJSONArray != def.repeats && runIndex == 0 {
                checkJSONArray(c, def)
            }
            counts[base + def.slot] += 1
            if counts[base + def.slot] > def.max {
                reportMax(c, def, count: counts[base + def.slot], index: index)
            }
            if checkOrder {
                if def.order < lastOrder {
                    report(.error, .structure, "struct.order",
                           "element '\(c.name)' is out of order: the definition puts it before '\(children[lastOrdered].name)'",
                           at: c, path: path.text(appending: step(c.name, index)))
                } else {
                    lastOrder = def.order
                    lastOrdered = k
                }
            }
            path.push(c.name, index: index)
            walkChild(c, def)
            path.pop()
        }
        if !node.required.isEmpty {
            for r in node.required where counts[base + r.slot] < r.min {
                report(.error, .required, "struct.min",
                       "missing required element '\(r.name)' (\(node.path).\(r.name) needs at least \(r.min))",
                       at: e, path: path.text(appending: r.name))
            }
        }
        counts.removeLast(node.slotCount)
    }

    /// One known child: its content by kind, then its own children.
    mutating func walkChild(_ c: Element, _ def: ChildDef) {
        if let id = c.id { checkAttribute(id, .string, name: "id", of: c) }
        if def.isResource {
            guard c.resourceType != nil else {
                report(.error, .required, "struct.resource-missing",
                       "'\(c.name)' must hold a resource", at: c)
                return
            }
            walkResource(c)
            return
        }
        if c.resourceType != nil {
            report(.error, .structure, "struct.unexpected-resource",
                   "a resource (\(c.resourceType!)) is not allowed in '\(c.name)' (type \(def.info.typeCode))", at: c)
            return
        }
        if def.isXHTML {
            if (c.value ?? "").isEmpty { reportEmpty(c) }
            return
        }
        if let primitive = def.primitive {
            if let value = c.value {
                let found = issues.count
                checkPrimitive(value, primitive, def, c)
                // A value already wrong by its lexical rule is not looked up in its value set too.
                if def.binding != nil && issues.count == found { checkBinding(c, def) }
            } else if c.children.isEmpty {
                reportEmpty(c)
            }
        } else {
            if c.value != nil {
                report(.error, .structure, "struct.unexpected-value",
                       "'\(c.name)' is a \(def.info.typeCode), not a primitive: it cannot have a value", at: c)
            }
            if let node = def.node, node.isExtension { checkExtensionURL(c) }
            if c.children.isEmpty && c.url == nil {
                reportEmpty(c)
                return
            }
        }
        if def.binding != nil && def.primitive == nil { checkBinding(c, def) }
        if let node = def.node, !c.children.isEmpty { walkChildren(of: c, node) }
    }

    /// JSON writes a repeating element as an array, even for one item, and any other as a single
    /// value (F17): the base definition's max decides, not a profile's. Reported
    /// at the first item; extensions are left to the JSON reader, which reports them while reading.
    mutating func checkJSONArray(_ c: Element, _ def: ChildDef) {
        if c.name == "extension" || c.name == "modifierExtension" { return }
        let message = def.repeats
            ? "'\(c.name)' repeats (base max *): JSON needs an array, even for one item"
            : "'\(c.name)' does not repeat (base max 1): JSON needs a single value, not an array"
        report(.error, .structure, "struct.json-array", message, at: c,
               path: path.text(appending: step(c.name, def.repeats ? 0 : -1)))
    }

    /// `Extension.url` is required (1..1) and a uri; it is an attribute, so not in the child tables.
    mutating func checkExtensionURL(_ c: Element) {
        guard let url = c.url else {
            report(.error, .required, "struct.min", "missing required element 'url' (Extension.url needs at least 1)",
                   at: c, path: path.text(appending: "url"))
            return
        }
        checkAttribute(url, .uri, name: "url", of: c)
    }

    /// `Element.id` / `Extension.url` attribute values: not empty, and their type's rule.
    mutating func checkAttribute(_ value: String, _ type: PrimitiveType, name: String, of c: Element) {
        let at = path.text(appending: name)
        if value.isEmpty {
            report(.error, .value, "value.empty", "'\(name)' is empty: a value needs at least one character", at: c, path: at)
            return
        }
        checkLexical(value, type, element: c, path: at)
    }

    func step(_ name: String, _ index: Int) -> String {
        index >= 0 ? "\(name)[\(index)]" : name
    }
}
