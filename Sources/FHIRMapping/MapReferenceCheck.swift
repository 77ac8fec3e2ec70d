import FHIRModel

/// Checks the names a map uses, as a map author needs before running it: every variable a rule
/// reads is in scope, every group a rule calls or a group extends exists (in the map or, when the
/// library has them, in its imports) and takes that many arguments, every `#id` ConceptMap is
/// declared, and no group name is used twice. Each finding is an `Issue` with rule
/// `fml.reference` and the line:column of the name.
public enum MapReferenceCheck {
    /// The reference errors of `map` (and warnings: imports that match no map in `library`).
    /// Without a library, groups that are not in the map are not checked when the map imports others.
    public static func check(_ map: StructureMap, library: MapLibrary? = nil) -> [Issue] {
        var issues: [Issue] = []
        func error(_ message: String, _ position: SourcePosition) {
            issues.append(Issue(.error, .invalid, rule: FMLRule.reference, message, position: position))
        }
        var imported: [StructureMap] = []
        var importsResolved = map.imports.isEmpty
        if let library {
            importsResolved = true
            for mask in map.imports {
                let found = library.imported(mask).filter { $0.url != map.url }
                if found.isEmpty {
                    importsResolved = false
                    issues.append(Issue(.warning, .notSupported, rule: FMLRule.reference,
                                        "imports \"\(mask)\" matches no loaded map: calls into it are not checked", position: map.position))
                }
                imported += found
            }
        }
        var seen: [String: SourcePosition] = [:]
        for g in map.groups {
            if let first = seen[g.name] {
                error("group '\(g.name)' is already defined at \(first)", g.position)
            } else {
                seen[g.name] = g.position
            }
        }
        func findGroup(_ name: String) -> Group?? {
            if let local = map.groups.first(where: { $0.name == name }) { return .some(local) }
            let found = imported.flatMap { $0.groups.filter { $0.name == name } }
            if found.count == 1 { return .some(found[0]) }
            if found.count > 1 { return .some(nil) }   // ambiguous: reported at run time
            return importsResolved ? nil : .some(nil)
        }
        let conceptMaps = Set(map.conceptMaps.map(\.id))

        func checkRules(_ rules: [Rule], scope: Set<String>) {
            for rule in rules {
                var inScope = scope
                for source in rule.sources {
                    if !inScope.contains(source.context) {
                        error("unknown variable '\(source.context)'", source.position)
                    }
                    if let v = source.variable { inScope.insert(v) }
                }
                for target in rule.targets {
                    if let context = target.context, !inScope.contains(context) {
                        error("unknown variable '\(context)'", target.position)
                    }
                    for case let .variable(v) in target.parameters where !inScope.contains(v) {
                        error("unknown variable '\(v)'", target.position)
                    }
                    if target.transform == .translate, target.parameters.count > 1, case let .string(url) = target.parameters[1],
                       url.hasPrefix("#"), !conceptMaps.contains(String(url.dropFirst())) {
                        error("no conceptmap \"\(url.dropFirst())\" is declared in the map", target.position)
                    }
                    if let v = target.variable { inScope.insert(v) }
                }
                for call in rule.dependents {
                    for case let .variable(v) in call.parameters where !inScope.contains(v) {
                        error("unknown variable '\(v)'", call.position)
                    }
                    switch findGroup(call.name) {
                    case nil: error("no group '\(call.name)' in the map or its imports", call.position)
                    case let .some(group?) where group.inputs.count != call.parameters.count:
                        error("group '\(call.name)' takes \(group.inputs.count) parameters, not \(call.parameters.count)", call.position)
                    default: break
                    }
                }
                checkRules(rule.rules, scope: inScope)
            }
        }
        for g in map.groups {
            if let base = g.extends, findGroup(base) == nil {
                error("group '\(g.name)' extends '\(base)', which is not in the map or its imports", g.position)
            }
            checkRules(g.rules, scope: Set(g.inputs.map(\.name)))
        }
        return issues.enumerated().sorted { ($0.element.position ?? .unknown, $0.offset) < ($1.element.position ?? .unknown, $1.offset) }
            .map(\.element)
    }
}
