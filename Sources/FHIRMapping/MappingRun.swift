import Foundation
import FHIRModel
import FHIRPath

/// The state of one transformation: consumed source paths, log lines, the FHIRPath environment.
final class MappingRun {
    let engine: MappingEngine
    let sourceRoot: Element
    private(set) var log: [Issue] = []
    /// Source paths some rule matched.
    private var consumed: Set<String> = []
    /// Source paths copied whole (their subtrees are carried over).
    private var consumedWhole: Set<String> = []
    private lazy var environment: FHIRPathEnvironment? = engine.fhirPath.map { FHIRPathEnvironment(root: sourceRoot, engine: $0) }
    /// `share` targets of the running group call.
    var shared: [[String: TargetNode]] = []
    private var depth = 0

    init(engine: MappingEngine, root: Element) {
        self.engine = engine
        sourceRoot = root
    }

    // MARK: groups and rules

    /// Runs a group: its base group (`extends`) first with the same variables, then its rules.
    func runGroup(_ ref: GroupReference, _ variables: Variables) throws {
        depth += 1
        defer { depth -= 1 }
        guard depth < 200 else { throw MappingFailure("group calls nest too deep (at \(ref.group.name))", at: ref.group.position) }
        if let base = ref.group.extends {
            let baseRef = try withPosition(ref.group.position) { try engine.resolver.group(named: base, from: ref.map) }
            try runGroup(baseRef, variables)
        }
        shared.append([:])
        defer { shared.removeLast() }
        for rule in ref.group.rules { try runRule(rule, in: ref, variables) }
    }

    private func withPosition<T>(_ position: SourcePosition, _ body: () throws -> T) throws -> T {
        do { return try body() } catch var failure as MappingFailure {
            if failure.position == nil { failure.position = position }
            throw failure
        }
    }

    func runRule(_ rule: Rule, in ref: GroupReference, _ variables: Variables) throws {
        try withPosition(rule.position) {
            // Several sources iterate as a cartesian product; each match binds its variable.
            var combinations: [Variables] = [variables]
            for source in rule.sources {
                var next: [Variables] = []
                for vars in combinations {
                    for item in try items(of: source, vars) {
                        var bound = vars
                        if let name = source.variable { bound.sources[name] = item }
                        next.append(bound)
                    }
                }
                combinations = next
            }
            for vars in combinations { try runMatch(rule, in: ref, vars) }
        }
    }

    private func runMatch(_ rule: Rule, in ref: GroupReference, _ matched: Variables) throws {
        var vars = matched
        let ruleSource = rule.sources.first?.variable.flatMap { matched.sources[$0] }
        for target in rule.targets { try runTarget(target, in: ref, &vars, ruleSource: ruleSource) }
        if !rule.rules.isEmpty {
            for nested in rule.rules { try runRule(nested, in: ref, vars) }
        } else if !rule.dependents.isEmpty {
            for call in rule.dependents { try invoke(call, from: ref, vars) }
        } else if rule.sources.count == 1, let sv = rule.sources[0].variable, rule.targets.count == 1,
                  let tv = rule.targets[0].variable, rule.targets[0].transform == .create, rule.targets[0].parameters.isEmpty,
                  let value = vars.sources[sv], case let .target(node)? = vars.targets[tv] {
            // `src.a -> tgt.a;` (parsed as `src.a as vvv -> tgt.a = create() as vvv`): convert the
            // value with the default group for (its type, the created type).
            try convert(value, into: node, from: ref.map)
        }
    }

    /// Runs the default group for a value and a created node; a primitive with no group is
    /// copied (the reference engine's reading of `src.id -> tgt.id`).
    private func convert(_ value: MapValue, into node: TargetNode, from map: StructureMap) throws {
        guard let sourceType = value.typeCode, let targetType = node.type?.code else {
            copyContent(of: value, into: node)
            return
        }
        guard let group = engine.resolver.defaultGroup(source: sourceType, target: targetType, from: map) else {
            if engine.isPrimitive(targetType, target: true) || engine.isPrimitive(sourceType, target: false) {
                copyContent(of: value, into: node)
                return
            }
            throw MappingFailure("no default group converts \(sourceType) to \(targetType)")
        }
        var inputs = Variables()
        let sourceInput = group.group.inputs.first { $0.mode == .source }
        let targetInput = group.group.inputs.first { $0.mode == .target }
        if let s = sourceInput { inputs.sources[s.name] = value }
        if let t = targetInput { inputs.targets[t.name] = .target(node) }
        try runGroup(group, inputs)
    }

    /// Copies a value into an existing node: a primitive's value (and its id and extensions when
    /// it is a source element), or a complex value's content.
    private func copyContent(of value: MapValue, into node: TargetNode) {
        switch value {
        case let .primitive(v, _):
            node.value = v
        case let .source(item):
            markWhole(item.path)
            let copy = TargetNode(copying: item.element, name: node.name, type: node.type)
            node.value = copy.value
            node.id = node.id ?? copy.id
            node.url = node.url ?? copy.url
            node.children += copy.children
        case let .target(other):
            node.value = other.value
            node.children += other.children.map { let c = $0.clone(); c.isAttached = true; return c }
        }
    }

    /// Binds a called group's inputs by position and runs it.
    private func invoke(_ call: Rule.Dependent, from ref: GroupReference, _ vars: Variables) throws {
        let target = try withPosition(call.position) { try engine.resolver.group(named: call.name, from: ref.map) }
        guard target.group.inputs.count == call.parameters.count else {
            throw MappingFailure("group \(call.name) takes \(target.group.inputs.count) parameters, not \(call.parameters.count)",
                                 at: call.position)
        }
        var inputs = Variables()
        for (input, parameter) in zip(target.group.inputs, call.parameters) {
            let value = try resolve(parameter, vars, preferTarget: input.mode == .target)
            if input.mode == .source { inputs.sources[input.name] = value } else { inputs.targets[input.name] = value }
        }
        try runGroup(target, inputs)
    }

    func resolve(_ parameter: Parameter, _ vars: Variables, preferTarget: Bool = false) throws -> MapValue {
        switch parameter {
        case let .variable(name):
            guard let value = vars.lookup(name, preferTarget: preferTarget) else { throw MappingFailure("unknown variable '\(name)'") }
            return value
        case let .string(s): return .primitive(s, type: "string")
        case let .integer(n): return .primitive(String(n), type: "integer")
        case let .decimal(d): return .primitive(d, type: "decimal")
        case let .boolean(b): return .primitive(b ? "true" : "false", type: "boolean")
        }
    }

    // MARK: sources

    /// The matches of a source in order, after the type filter, `where`, `check`, `log` and the list mode.
    private func items(of source: RuleSource, _ vars: Variables) throws -> [MapValue] {
        guard let context = vars.lookup(source.context) else { throw MappingFailure("unknown variable '\(source.context)'", at: source.position) }
        var found: [MapValue]
        if let element = source.element {
            found = children(of: context, named: element)
        } else {
            found = [context]
        }
        if let type = source.type { found = found.filter { $0.typeCode == type } }
        if found.isEmpty, let defaultValue = source.defaultValue {
            found = [.primitive(defaultValue, type: "string")]
        }
        if source.condition != nil || source.check != nil || source.logMessage != nil {
            var kept: [MapValue] = []
            for item in found {
                var scope = vars
                if let name = source.variable { scope.sources[name] = item }
                if let condition = source.condition, try !isTrue(condition, focus: item, scope) { continue }
                if let check = source.check, try !isTrue(check, focus: item, scope) {
                    throw MappingFailure("check failed: \(check)", at: source.position)
                }
                if let message = source.logMessage {
                    let text = try evaluate(message, focus: item, scope).compactMap { $0.text }.joined(separator: ", ")
                    log.append(Issue(.information, .informational, rule: FMLRule.execution, text, position: source.position))
                }
                kept.append(item)
            }
            found = kept
        }
        switch source.listMode {
        case .first?: found = Array(found.prefix(1))
        case .last?: found = Array(found.suffix(1))
        case .notFirst?: found = Array(found.dropFirst())
        case .notLast?: found = Array(found.dropLast())
        case .onlyOne?:
            if found.count > 1 { throw MappingFailure("only_one: \(found.count) items match \(source.context).\(source.element ?? "")", at: source.position) }
        case nil: break
        }
        if let min = source.min, found.count < min {
            throw MappingFailure("\(source.context).\(source.element ?? ""): \(found.count) items, at least \(min) required", at: source.position)
        }
        if let max = source.max, max != "*", let limit = Int(max), found.count > limit {
            throw MappingFailure("\(source.context).\(source.element ?? ""): \(found.count) items, at most \(limit) allowed", at: source.position)
        }
        for item in found { if case let .source(s) = item { consumed.insert(s.path) } }
        return found
    }

    /// The children FML calls `name`: same-named children, choice variants (`onset` → `onsetAge`),
    /// and the attributes `id`, `url` and a primitive's `value`.
    private func children(of value: MapValue, named name: String) -> [MapValue] {
        switch value {
        case let .source(item):
            let e = item.element
            if name == "value", let v = e.value, !e.isResource {
                return [.primitive(v, type: primitiveSystemType(item.type?.code)).withPath(item.path + ".value", run: self)]
            }
            if name == "id", !e.isResource { return e.id.map { [.source(SourceItem(element: Element(name: "id", value: $0), type: MappingType("string"), path: item.path + ".id"))] } ?? [] }
            if name == "url", let url = e.url {
                return [.source(SourceItem(element: Element(name: "url", value: url), type: MappingType("uri"), path: item.path + ".url"))]
            }
            var out: [MapValue] = []
            var counts: [String: Int] = [:]
            let info = item.type.flatMap { engine.sourceTypes?.child(name, of: $0) }
            for child in e.children {
                let index = counts[child.name, default: 0]
                counts[child.name] = index + 1
                guard let type = matchType(child, name: name, info: info, parent: item.type) else { continue }
                let childType = child.resourceType.map(MappingType.init) ?? type
                out.append(.source(SourceItem(element: child, type: childType,
                                              path: item.path + "." + child.name + (sameNamed(e, child.name) ? "[\(index)]" : ""))))
            }
            return out
        case let .target(node):
            if name == "value", let v = node.value { return [.primitive(v, type: primitiveSystemType(node.type?.code))] }
            if name == "id", node.resourceType == nil, let id = node.id { return [.primitive(id, type: "string")] }
            if name == "url", let url = node.url { return [.primitive(url, type: "uri")] }
            return node.children.filter { $0.name == name || isChoiceVariant($0.name, of: name) }.map { .target($0) }
        case .primitive:
            // A bare value passed to a primitive group (`src.value -> tgt.reference` calls
            // `canonical2string` with the value itself): its `value` is the value.
            return name == "value" ? [value] : []
        }
    }

    /// A primitive's `value` keeps the primitive's type (so `where (v = true)` compares booleans).
    private func primitiveSystemType(_ code: String?) -> String { code ?? "string" }

    private func sameNamed(_ parent: Element, _ name: String) -> Bool {
        var n = 0
        for c in parent.children where c.name == name {
            n += 1
            if n > 1 { return true }
        }
        return false
    }

    /// The type of `child` when it is what FML calls `name` in its parent; nil when it is not.
    private func matchType(_ child: Element, name: String, info: MappingChild?, parent: MappingType?) -> MappingType?? {
        if let info {
            if !info.isChoice {
                guard child.name == name else { return nil }
                return .some(info.types[info.typeCodes.first ?? ""] ?? info.typeCodes.first.map(MappingType.init))
            }
            for code in info.typeCodes where child.name == info.wireName(for: code) {
                return .some(info.types[code] ?? MappingType(code))
            }
            return nil
        }
        if child.name == name {
            // Untyped: a value-only element is a string, else unknown.
            return .some(nil)
        }
        if isChoiceVariant(child.name, of: name) {
            let suffix = String(child.name.dropFirst(name.count))
            let code = Self.knownTypeCode(suffix)
            return .some(MappingType(code))
        }
        return nil
    }

    private func isChoiceVariant(_ wire: String, of name: String) -> Bool {
        guard wire.count > name.count, wire.hasPrefix(name) else { return false }
        let suffix = wire.dropFirst(name.count)
        return Self.choiceSuffixes.contains(String(suffix))
    }

    /// The type codes a choice suffix stands for (`DateTime` → `dateTime`), for sources without
    /// type information.
    static let choiceSuffixes: Set<String> = Set((MappingEngine.primitiveCodes.subtracting(["xhtml"]) .map { MappingChild.capitalised($0) })
        + ["Address", "Age", "Annotation", "Attachment", "CodeableConcept", "Coding", "ContactPoint", "Count", "Distance",
           "Duration", "HumanName", "Identifier", "Money", "Period", "Quantity", "Range", "Ratio", "Reference",
           "SampledData", "Signature", "Timing", "Meta", "Dosage", "Expression", "ContactDetail", "Contributor",
           "DataRequirement", "ParameterDefinition", "RelatedArtifact", "TriggerDefinition", "UsageContext"])

    static func knownTypeCode(_ suffix: String) -> String {
        let lowered = suffix.prefix(1).lowercased() + suffix.dropFirst()
        return MappingEngine.primitiveCodes.contains(lowered) ? lowered : suffix
    }

    // MARK: FHIRPath

    private func fhirPathValue(_ value: MapValue) -> FHIRPathValue {
        switch value {
        case let .source(item):
            if item.element.isResource, let fp = engine.fhirPath { return .element(fp.typedResource(item.element)) }
            return .element(TypedElement(element: item.element, type: engine.elementType(item.type)))
        case let .target(node):
            return .element(TypedElement(element: node.element(isRoot: true) ?? Element(name: node.name), type: nil))
        case let .primitive(v, type):
            return .element(TypedElement(element: Element(name: "value", value: v), typeName: type, context: nil))
        }
    }

    func evaluate(_ text: String, focus: MapValue?, _ vars: Variables) throws -> [MapValue] {
        guard let fp = engine.fhirPath, let environment else {
            throw MappingFailure("FHIRPath is not available (no definitions given): \(text)")
        }
        let expression: FHIRPathExpression
        switch fp.compile(text) {
        case let .success(e): expression = e
        case let .failure(error): throw MappingFailure("FHIRPath '\(text)': \(error)")
        }
        var table: [String: FHIRPathCollection] = [:]
        for (name, value) in vars.targets { table[name] = [fhirPathValue(value)] }
        for (name, value) in vars.sources { table[name] = [fhirPathValue(value)] }
        environment.variables = table
        let focusValue = focus.map(fhirPathValue) ?? .element(TypedElement(element: Element(name: "focus"), type: nil))
        guard case let .element(typed) = focusValue else { return [] }
        do {
            let result = try fp.evaluate(expression, on: typed, in: environment)
            return result.map(mapValue)
        } catch let error as FHIRPathEvaluationError {
            throw MappingFailure("FHIRPath '\(text)': \(error.message)")
        }
    }

    private func mapValue(_ value: FHIRPathValue) -> MapValue {
        switch value {
        case let .element(t):
            return .source(SourceItem(element: t.element, type: t.typeName.map(MappingType.init), path: ""))
        case let .boolean(b): return .primitive(b ? "true" : "false", type: "boolean")
        case let .integer(n): return .primitive(String(n), type: "integer")
        case let .decimal(d): return .primitive("\(d)", type: "decimal")
        case let .string(s): return .primitive(s, type: "string")
        case let .dateTime(d): return .primitive(d.text, type: d.text.contains("T") ? "dateTime" : "date")
        case let .quantity(d, unit):
            let node = TargetNode(name: "Quantity", type: MappingType("Quantity"))
            node.children = [TargetNode(name: "value", type: MappingType("decimal"), value: "\(d)"),
                             TargetNode(name: "unit", type: MappingType("string"), value: unit)]
            return .target(node)
        }
    }

    private func isTrue(_ text: String, focus: MapValue, _ vars: Variables) throws -> Bool {
        let result = try evaluate(text, focus: focus, vars)
        guard !result.isEmpty else { return false }
        guard result.count == 1 else { throw MappingFailure("condition '\(text)' gives \(result.count) items, not one boolean") }
        if case let .primitive(v, "boolean") = result[0] { return v == "true" }
        if case let .source(item) = result[0], item.type?.code == "boolean" { return item.element.value == "true" }
        return true
    }

    // MARK: consumption

    func markWhole(_ path: String) { if !path.isEmpty { consumedWhole.insert(path) } }
    func markConsumed(_ path: String) { if !path.isEmpty { consumed.insert(path) } }

    /// The source elements no rule matched and no whole copy carried, in document order.
    func unconsumedElements() -> [UnconsumedElement] {
        var out: [UnconsumedElement] = []
        let rootPath = sourceRoot.resourceType ?? sourceRoot.name
        walk(sourceRoot, path: rootPath, into: &out)
        return out
    }

    private func walk(_ e: Element, path: String, into out: inout [UnconsumedElement]) {
        if consumedWhole.contains(path) { return }
        if e.id != nil, !e.isResource, !consumed.contains(path + ".id") { out.append(UnconsumedElement(path: path + ".id", kind: .id)) }
        // `Extension.url` names what a matched extension is (rules select extensions by it): it
        // goes with its element, as the resource's own type does.
        if e.value != nil, !consumed.contains(path + ".value"), !e.isResource {
            out.append(UnconsumedElement(path: path + ".value", kind: .primitiveValue))
        }
        var counts: [String: Int] = [:]
        for child in e.children {
            let index = counts[child.name, default: 0]
            counts[child.name] = index + 1
            let childPath = path + "." + child.name + (sameNamed(e, child.name) ? "[\(index)]" : "")
            if consumedWhole.contains(childPath) { continue }
            if !consumed.contains(childPath) {
                out.append(UnconsumedElement(path: childPath, kind: UnconsumedElement.Kind(of: child)))
                continue
            }
            walk(child, path: childPath, into: &out)
        }
    }
}

extension MapValue {
    /// A primitive value read from a source element: marks its path consumed when read.
    fileprivate func withPath(_ path: String, run: MappingRun) -> MapValue {
        run.markConsumed(path)
        return self
    }
}
