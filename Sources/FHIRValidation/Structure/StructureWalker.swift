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
    var counts = CountStack()
    /// Layer 3: check bound elements against their value sets (``checkBinding(_:_:)``).
    var checkTerminology = true
    var terminology = TerminologyReport()

    init(cache: DefinitionCache, syntax: MessageFormat, checkOrder: Bool) {
        self.cache = cache
        self.syntax = syntax
        self.checkOrder = checkOrder
    }

    // Elements are passed as pointers into their parent's children (or to the root): looking at an
    // element then reads only the fields used, where passing the struct would copy (retain) all four.

    /// The message's root must be a resource.
    mutating func validateRoot(_ root: Element) {
        defer { counts.deallocate() }
        path.push(root.resourceType ?? root.name)
        if root.resourceType == nil {
            report(.error, .structure, StructureRule.resourceMissing,
                   "the root element '\(root.name)' is not a resource", at: root)
        } else {
            withUnsafePointer(to: root) { walkResource($0) }
        }
        path.pop()
    }

    /// A resource node (root, `contained`, `entry.resource`): its type decides its definition.
    mutating func walkResource(_ e: UnsafePointer<Element>) {
        let type = e.pointee.resourceType ?? e.pointee.name
        let node: NodeDef
        do {
            switch try cache.resource(named: type) {
            case let .found(found):
                node = found
            case let .notAResource(why):
                report(.error, .structure, StructureRule.unknownResourceType, "unknown resource type: \(why)", at: e.pointee)
                return
            }
        } catch {
            reportDefinitionProblem(error, at: e.pointee)
            return
        }
        if e.pointee.children.isEmpty {
            report(.error, .invariant, StructureRule.empty,
                   "the \(type) resource is empty: an element needs a value or children (ele-1)", at: e.pointee)
            return
        }
        walkChildren(of: e, node)
    }

    /// Checks and walks an element's children against its definition, then its required children.
    mutating func walkChildren(of e: UnsafePointer<Element>, _ node: NodeDef) {
        let base = counts.push(node.slotCount)
        e.pointee.children.withUnsafeBufferPointer { children in
            var lastOrder = -1
            var lastOrdered = 0   // the child that set lastOrder (its name is read only to report)
            var siblings = SiblingIndex()
            for k in children.indices {
                let c = children.baseAddress! + k
                guard let def = node.children[c.pointee.name] else {
                    let name = c.pointee.name
                    let runIndex = siblings.next(k, in: children)
                    let repeated = runIndex > 0 || (k + 1 < children.count && children[k + 1].name == name)
                    report(.error, .structure, StructureRule.unknownElement,
                           "unknown element '\(name)': \(node.path) has no such element",
                           at: c.pointee, path: path.text(appending: repeated ? "\(name)[\(runIndex)]" : name))
                    continue
                }
                // The index among same-named siblings is counted only where it is used.
                let index = def.repeats ? siblings.next(k, in: children) : -1
                if syntax == .json && c.pointee.inJSONArray != def.repeats
                    && (def.repeats ? index : siblings.next(k, in: children)) == 0 {
                    checkJSONArray(c.pointee, def)
                }
                let count = counts.increment(base + def.slot)
                if count > def.max {
                    reportMax(c.pointee, def, count: count, index: index)
                }
                if checkOrder {
                    if def.order < lastOrder {
                        let name = c.pointee.name
                        report(.error, .structure, StructureRule.order,
                               "element '\(name)' is out of order: the definition puts it before '\(children[lastOrdered].name)'",
                               at: c.pointee, path: path.text(appending: step(name, index)))
                    } else {
                        lastOrder = def.order
                        lastOrdered = k
                    }
                }
                path.push(c.pointee.name, index: index)
                walkChild(c, def)
                path.pop()
            }
        }
        if !node.required.isEmpty {
            for r in node.required where counts[base + r.slot] < r.min {
                report(.error, .required, StructureRule.min,
                       "missing required element '\(r.name)' (\(node.path).\(r.name) needs at least \(r.min))",
                       at: e.pointee, path: path.text(appending: r.name))
            }
        }
        counts.pop(to: base)
    }

    /// One known child: its content by kind, then its own children.
    mutating func walkChild(_ c: UnsafePointer<Element>, _ def: ChildDef) {
        if let id = c.pointee.id { checkAttribute(id, .string, name: "id", of: c.pointee) }
        if def.isResource {
            guard c.pointee.isResource else {
                report(.error, .required, StructureRule.resourceMissing,
                       "'\(c.pointee.name)' must hold a resource", at: c.pointee)
                return
            }
            walkResource(c)
            return
        }
        if let type = c.pointee.resourceType {
            report(.error, .structure, StructureRule.unexpectedResource,
                   "a resource (\(type)) is not allowed in '\(c.pointee.name)' (type \(def.info.typeCode))", at: c.pointee)
            return
        }
        if def.isXHTML {
            if (c.pointee.value ?? "").isEmpty { reportEmpty(c.pointee) }
            return
        }
        let hasChildren = !c.pointee.children.isEmpty
        if let primitive = def.primitive {
            if let value = c.pointee.value {
                let found = issues.count
                checkPrimitive(value, primitive, def, c)
                // A value already wrong by its lexical rule is not looked up in its value set too.
                if def.binding != nil && issues.count == found { checkBinding(c.pointee, def) }
            } else if !hasChildren {
                reportEmpty(c.pointee)
            }
        } else {
            if c.pointee.value != nil {
                report(.error, .structure, StructureRule.unexpectedValue,
                       "'\(c.pointee.name)' is a \(def.info.typeCode), not a primitive: it cannot have a value", at: c.pointee)
            }
            if let node = def.node {
                if node.isExtension { checkExtensionURL(c.pointee) } else if node.isIdentifier { checkIdentifierValue(c) }
            }
            if !hasChildren && c.pointee.url == nil {
                reportEmpty(c.pointee)
                return
            }
            if def.binding != nil { checkBinding(c.pointee, def) }
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
        withUnsafePointer(to: c) { checkLexical(value, type, element: $0, attribute: name) }
    }

    func step(_ name: String, _ index: Int) -> String {
        index >= 0 ? "\(name)[\(index)]" : name
    }
}
