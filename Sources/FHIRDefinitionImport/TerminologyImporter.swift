import FHIRModel
import FHIRDefinitions

/// Turns ValueSets and CodeSystems (untyped trees) into pack records.
struct TerminologyImporter {
    func valueSet(_ vs: Element, source: String) throws -> ValueSetRecord {
        guard let url = vs.string("url") else {
            throw IssuesError(Issue(.error, .required, rule: DefinitionRule.importIncomplete, "ValueSet without url", file: source))
        }
        let compose = vs.child("compose")
        func includes(_ name: String) -> [ValueSetIncludeRecord]? {
            let list = (compose?.children(named: name) ?? []).map { inc in
                let concepts = inc.children(named: "concept").compactMap { c in
                    c.string("code").map { CodeRecord(code: $0, display: c.string("display")) }
                }
                let filters = inc.children(named: "filter").compactMap { f -> FilterRecord? in
                    guard let p = f.string("property"), let op = f.string("op"), let v = f.string("value") else { return nil }
                    return FilterRecord(property: p, op: op, value: v)
                }
                let valueSets = inc.children(named: "valueSet").compactMap(\.value)
                return ValueSetIncludeRecord(system: inc.string("system"),
                                             concepts: concepts.isEmpty ? nil : concepts,
                                             filters: filters.isEmpty ? nil : filters,
                                             valueSets: valueSets.isEmpty ? nil : valueSets)
            }
            return list.isEmpty ? nil : list
        }
        var expansion: [CodeRecord] = []
        func collect(_ node: Element) {
            for c in node.children(named: "contains") {
                if let code = c.string("code") {
                    expansion.append(CodeRecord(code: code, display: c.string("display"), system: c.string("system")))
                }
                collect(c)
            }
        }
        if let e = vs.child("expansion") { collect(e) }
        return ValueSetRecord(url: url, name: vs.string("name"), includes: includes("include"),
                              excludes: includes("exclude"), expansion: expansion.isEmpty ? nil : expansion)
    }

    func codeSystem(_ cs: Element, source: String) throws -> CodeSystemRecord {
        guard let url = cs.string("url") else {
            throw IssuesError(Issue(.error, .required, rule: DefinitionRule.importIncomplete, "CodeSystem without url", file: source))
        }
        var concepts: [CodeRecord] = []
        func collect(_ node: Element, parent: String?) {
            for c in node.children(named: "concept") {
                guard let code = c.string("code") else { continue }
                concepts.append(CodeRecord(code: code, display: c.string("display"), parent: parent))
                collect(c, parent: code)
            }
        }
        collect(cs, parent: nil)
        return CodeSystemRecord(url: url, name: cs.string("name"), content: cs.string("content"),
                                caseSensitive: cs.bool("caseSensitive"), concepts: concepts.isEmpty ? nil : concepts)
    }
}
