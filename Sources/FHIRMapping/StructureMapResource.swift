import FHIRModel

/// A ``StructureMap`` as a FHIR StructureMap resource tree, both ways: maps are exchanged as
/// StructureMap JSON/XML (read and written with the codecs), and such resources are run like FML.
///
/// The tree follows R4 (`dependent.variable`, `target.contextType`); reading also accepts R5's
/// `dependent.parameter` and the reference engine's alias form (a target with no context that
/// copies a variable).
public enum StructureMapResource {
    // MARK: writing

    /// The StructureMap resource of a map. Embedded ConceptMaps become contained ConceptMaps.
    public static func element(of map: StructureMap) -> Element {
        var kids: [Element] = []
        func add(_ name: String, _ value: String?) { if let value { kids.append(Element(name: name, value: value)) } }
        add("id", map.name.isEmpty ? nil : map.name.filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." })
        kids += map.conceptMaps.map(containedConceptMap)
        add("url", map.url)
        add("name", map.name)
        add("title", map.metadata("title"))
        add("status", map.metadata("status") ?? "draft")
        add("experimental", map.metadata("experimental"))
        add("description", map.metadata("description"))
        for s in map.structures {
            var parts = [Element(name: "url", value: s.url), Element(name: "mode", value: s.mode.rawValue)]
            if let alias = s.alias { parts.append(Element(name: "alias", value: alias)) }
            kids.append(Element(name: "structure", children: parts))
        }
        for i in map.imports { kids.append(Element(name: "import", value: i)) }
        for g in map.groups { kids.append(group(g)) }
        return Element(name: "StructureMap", resourceType: "StructureMap", children: kids)
    }

    private static func group(_ g: Group) -> Element {
        var parts = [Element(name: "name", value: g.name)]
        if let e = g.extends { parts.append(Element(name: "extends", value: e)) }
        parts.append(Element(name: "typeMode", value: g.typeMode.rawValue))
        for input in g.inputs {
            var i = [Element(name: "name", value: input.name)]
            if let t = input.type { i.append(Element(name: "type", value: t)) }
            i.append(Element(name: "mode", value: input.mode.rawValue))
            parts.append(Element(name: "input", children: i))
        }
        parts += g.rules.map(rule)
        return Element(name: "group", children: parts)
    }

    private static func rule(_ r: Rule) -> Element {
        var parts = [Element(name: "name", value: r.name ?? "rule")]
        for s in r.sources {
            var p: [Element] = [Element(name: "context", value: s.context)]
            func add(_ name: String, _ value: String?) { if let value { p.append(Element(name: name, value: value)) } }
            add("min", s.min.map(String.init))
            add("max", s.max)
            add("type", s.type)
            add("defaultValueString", s.defaultValue)
            add("element", s.element)
            add("listMode", s.listMode?.rawValue)
            add("variable", s.variable)
            add("condition", s.condition)
            add("check", s.check)
            add("logMessage", s.logMessage)
            parts.append(Element(name: "source", children: p))
        }
        for t in r.targets {
            var p: [Element] = []
            func add(_ name: String, _ value: String?) { if let value { p.append(Element(name: name, value: value)) } }
            if let context = t.context, t.element == nil, t.transform == nil {
                // `ctx as v`: the reference engine's form, a copy of the variable.
                add("contextType", "variable")
                add("variable", t.variable)
                add("transform", Transform.copy.rawValue)
                p.append(Element(name: "parameter", children: [Element(name: "valueId", value: context)]))
                parts.append(Element(name: "target", children: p))
                continue
            }
            add("context", t.context)
            add("contextType", t.context == nil ? nil : "variable")
            add("element", t.element)
            add("variable", t.variable)
            for m in t.listModes { add("listMode", m.rawValue) }
            add("listRuleId", t.listRuleId)
            add("transform", t.transform?.rawValue)
            for parameter in t.parameters { p.append(Element(name: "parameter", children: [value(parameter)])) }
            parts.append(Element(name: "target", children: p))
        }
        parts += r.rules.map(rule)
        for d in r.dependents {
            var p = [Element(name: "name", value: d.name)]
            for parameter in d.parameters {
                if case let .variable(v) = parameter { p.append(Element(name: "variable", value: v)) } else {
                    p.append(Element(name: "variable", value: text(parameter)))
                }
            }
            parts.append(Element(name: "dependent", children: p))
        }
        return Element(name: "rule", children: parts)
    }

    private static func value(_ p: Parameter) -> Element {
        switch p {
        case let .variable(v): return Element(name: "valueId", value: v)
        case let .string(s): return Element(name: "valueString", value: s)
        case let .integer(n): return Element(name: "valueInteger", value: String(n))
        case let .decimal(d): return Element(name: "valueDecimal", value: d)
        case let .boolean(b): return Element(name: "valueBoolean", value: b ? "true" : "false")
        }
    }

    private static func text(_ p: Parameter) -> String {
        switch p {
        case let .variable(v), let .string(v), let .decimal(v): return v
        case let .integer(n): return String(n)
        case let .boolean(b): return b ? "true" : "false"
        }
    }

    private static func containedConceptMap(_ cm: EmbeddedConceptMap) -> Element {
        var groups: [String: [Element]] = [:]
        var order: [String] = []
        for m in cm.mappings {
            let source = cm.prefixes[m.sourcePrefix] ?? m.sourcePrefix
            let target = m.targetPrefix.map { cm.prefixes[$0] ?? $0 } ?? ""
            let key = source + "\t" + target
            if groups[key] == nil { order.append(key) }
            var element = [Element(name: "code", value: m.sourceCode)]
            let equivalence = ConceptMapTable.Relationship(code: m.relationship).map(r4Equivalence) ?? "relatedto"
            if let code = m.targetCode {
                element.append(Element(name: "target", children: [Element(name: "code", value: code),
                                                                   Element(name: "equivalence", value: equivalence)]))
            } else {
                element.append(Element(name: "target", children: [Element(name: "equivalence", value: "unmatched")]))
            }
            groups[key, default: []].append(Element(name: "element", children: element))
        }
        var kids = [Element(name: "id", value: cm.id), Element(name: "status", value: "draft")]
        for key in order {
            let systems = key.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            var g = [Element(name: "source", value: systems[0])]
            if !systems[1].isEmpty { g.append(Element(name: "target", value: systems[1])) }
            g += groups[key] ?? []
            kids.append(Element(name: "group", children: g))
        }
        return Element(name: "contained", resourceType: "ConceptMap", children: kids)
    }

    private static func r4Equivalence(_ r: ConceptMapTable.Relationship) -> String {
        switch r {
        case .relatedTo: return "relatedto"
        case .equivalent: return "equivalent"
        case .sourceIsNarrower: return "wider"
        case .sourceIsBroader: return "narrower"
        case .notRelatedTo: return "disjoint"
        }
    }

    // MARK: reading

    /// The map a StructureMap resource holds. Errors (rule `fml.structure-map`) name the path of
    /// the element that cannot be read.
    public static func map(from resource: Element) throws -> StructureMap {
        guard resource.resourceType == "StructureMap" else {
            throw IssuesError(Issue(.error, .structure, rule: FMLRule.structureMap,
                                    "not a StructureMap but \(resource.resourceType ?? resource.name)", position: resource.position))
        }
        var map = StructureMap(url: resource.child("url")?.value ?? "", name: resource.child("name")?.value ?? "",
                               position: resource.position)
        for key in ["url", "name", "title", "status", "experimental", "description"] {
            if let v = resource.child(key)?.value { map.metadata.append(.init(key: key, value: v)) }
        }
        var issues: [Issue] = []
        func problem(_ message: String, _ path: String, _ e: Element) {
            issues.append(Issue(.error, .structure, rule: FMLRule.structureMap, message, path: path, position: e.position))
        }
        for (k, s) in resource.children(named: "structure").enumerated() {
            guard let url = s.child("url")?.value, let mode = s.child("mode")?.value.flatMap(StructureMap.StructureMode.init) else {
                problem("a structure needs a url and a mode", "StructureMap.structure[\(k)]", s)
                continue
            }
            map.structures.append(.init(url: url, mode: mode, alias: s.child("alias")?.value, position: s.position))
        }
        map.imports = resource.children(named: "import").compactMap(\.value)
        for contained in resource.children(named: "contained") where contained.resourceType == "ConceptMap" {
            map.conceptMaps.append(embedded(contained))
        }
        for (k, g) in resource.children(named: "group").enumerated() {
            let path = "StructureMap.group[\(k)]"
            guard let name = g.child("name")?.value else { problem("a group needs a name", path, g); continue }
            var group = Group(name: name, extends: g.child("extends")?.value, position: g.position)
            group.typeMode = g.child("typeMode")?.value.flatMap(GroupTypeMode.init) ?? .none
            for (j, i) in g.children(named: "input").enumerated() {
                guard let inputName = i.child("name")?.value, let mode = i.child("mode")?.value.flatMap(Group.InputMode.init) else {
                    problem("an input needs a name and a mode", path + ".input[\(j)]", i)
                    continue
                }
                group.inputs.append(.init(name: inputName, type: i.child("type")?.value, mode: mode))
            }
            group.rules = g.children(named: "rule").enumerated().map { rule($1, path + ".rule[\($0)]", problem) }
            map.groups.append(group)
        }
        if !issues.isEmpty { throw IssuesError(issues) }
        return map
    }

    private static func rule(_ e: Element, _ path: String, _ problem: (String, String, Element) -> Void) -> Rule {
        var r = Rule(name: e.child("name")?.value, position: e.position)
        for (k, s) in e.children(named: "source").enumerated() {
            guard let context = s.child("context")?.value else { problem("a source needs a context", path + ".source[\(k)]", s); continue }
            let defaultValue = s.children.first { $0.name.hasPrefix("defaultValue") }?.value
            r.sources.append(RuleSource(context: context, element: s.child("element")?.value, type: s.child("type")?.value,
                                        min: s.child("min")?.value.flatMap { Int($0) }, max: s.child("max")?.value,
                                        defaultValue: defaultValue,
                                        listMode: s.child("listMode")?.value.flatMap(SourceListMode.init),
                                        variable: s.child("variable")?.value, condition: s.child("condition")?.value,
                                        check: s.child("check")?.value, logMessage: s.child("logMessage")?.value,
                                        position: s.position))
        }
        for (k, t) in e.children(named: "target").enumerated() {
            var target = RuleTarget(context: t.child("context")?.value, element: t.child("element")?.value,
                                    variable: t.child("variable")?.value, listRuleId: t.child("listRuleId")?.value,
                                    position: t.position)
            target.listModes = t.children(named: "listMode").compactMap { $0.value.flatMap(TargetListMode.init) }
            if let name = t.child("transform")?.value {
                guard let transform = Transform(rawValue: name) else {
                    problem("unknown transform '\(name)'", path + ".target[\(k)]", t)
                    continue
                }
                target.transform = transform
            }
            for p in t.children(named: "parameter") {
                guard let v = p.children.first(where: { $0.name.hasPrefix("value") }), let text = v.value else { continue }
                switch v.name {
                case "valueId": target.parameters.append(.variable(text))
                case "valueBoolean": target.parameters.append(.boolean(text == "true"))
                case "valueInteger": target.parameters.append(Int(text).map(Parameter.integer) ?? .decimal(text))
                case "valueDecimal": target.parameters.append(.decimal(text))
                default: target.parameters.append(.string(text))
                }
            }
            // The reference engine writes `ctx as v` as a context-free copy of `ctx`.
            if target.context == nil, target.element == nil, target.transform == .copy, target.parameters.count == 1,
               case let .variable(v) = target.parameters[0] {
                target.context = v
                target.transform = nil
                target.parameters = []
            }
            r.targets.append(target)
        }
        r.rules = e.children(named: "rule").enumerated().map { rule($1, path + ".rule[\($0)]", problem) }
        for d in e.children(named: "dependent") {
            guard let name = d.child("name")?.value else { continue }
            var parameters: [Parameter] = d.children(named: "variable").compactMap { $0.value.map(Parameter.variable) }
            for p in d.children(named: "parameter") {
                if let v = p.children.first(where: { $0.name.hasPrefix("value") }), let text = v.value {
                    parameters.append(v.name == "valueId" ? .variable(text) : .string(text))
                }
            }
            r.dependents.append(.init(name: name, parameters: parameters, position: d.position))
        }
        return r
    }

    private static func embedded(_ cm: Element) -> EmbeddedConceptMap {
        var map = EmbeddedConceptMap(id: cm.child("id")?.value ?? "", position: cm.position)
        var prefixes: [String: String] = [:]
        func prefix(_ system: String) -> String {
            if let known = prefixes.first(where: { $0.value == system })?.key { return known }
            let p = "p\(prefixes.count)"
            prefixes[p] = system
            return p
        }
        for g in cm.children(named: "group") {
            let s = prefix(g.child("source")?.value ?? "")
            let t = g.child("target")?.value.map(prefix)
            for e in g.children(named: "element") {
                guard let code = e.child("code")?.value else { continue }
                for target in e.children(named: "target") {
                    let relation = ConceptMapTable.Relationship(code: target.child("relationship")?.value
                                                                ?? target.child("equivalence")?.value ?? "-")
                    let symbol: String
                    switch relation {
                    case .equivalent?: symbol = "=="
                    case .sourceIsNarrower?: symbol = "<="
                    case .sourceIsBroader?: symbol = ">="
                    case .notRelatedTo?: symbol = "!="
                    default: symbol = "-"
                    }
                    map.mappings.append(.init(sourcePrefix: s, sourceCode: code, relationship: symbol,
                                              targetPrefix: target.child("code") == nil ? nil : t, targetCode: target.child("code")?.value))
                }
            }
        }
        map.prefixes = prefixes
        return map
    }
}
