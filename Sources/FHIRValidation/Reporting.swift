import FHIRModel

/// Building issues: the path is rendered here, only when there is something to report.
extension StructureWalker {
    mutating func report(_ severity: Severity, _ type: IssueType, _ rule: some RuleRegistry, _ message: String,
                         at e: Element, path at: String? = nil) {
        issues.append(Issue(severity, type, rule: rule, message, path: at ?? path.text(), position: e.position))
    }

    mutating func reportEmpty(_ e: Element) {
        report(.error, .invariant, StructureRule.empty,
               "'\(e.name)' is empty: an element needs a value, children or extensions (ele-1)", at: e)
    }

    mutating func reportMax(_ c: Element, _ def: ChildDef, count: Int, index: Int) {
        let at = path.text(appending: step(c.name, index))
        if def.max == 0 {
            report(.error, .structure, StructureRule.max, "'\(def.definitionName)' is not allowed here (max 0)", at: c, path: at)
        } else if count == def.max + 1 {
            // Once per element and definition: the first occurrence beyond the maximum.
            report(.error, .structure, StructureRule.max,
                   "'\(def.definitionName)' occurs more than its maximum of \(def.max)", at: c, path: at)
        }
    }

    /// A pack that cannot be read is no fault of the message: one fatal issue, and the walk stops below.
    mutating func reportDefinitionProblem(_ error: Error, at e: Element) {
        let detail = (error as? IssuesError)?.issues.map(\.message).joined(separator: "; ") ?? "\(error)"
        report(.fatal, .processing, StructureRule.definitions, "the definitions cannot be read: \(detail)", at: e)
    }
}
