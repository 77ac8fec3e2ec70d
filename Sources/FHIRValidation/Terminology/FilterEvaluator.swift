import Foundation
import FHIRDefinitions

/// Evaluates `compose.include.filter`s over a complete code system of the pack.
///
/// The pack keeps a code system's concepts and hierarchy but no other properties, so only
/// filters on the concept itself (`concept`/`code`) can be decided: `is-a`, `descendent-of`,
/// `is-not-a`, `=`, `in`, `not-in` and `regex`. Any other property or operator cannot be decided.
struct FilterEvaluator {
    let cs: CodeSystemIndex

    /// The codes every filter selects (their intersection, as the spec says), or why it cannot be told.
    func select(_ filters: [FilterRecord]) -> ValueSetExpansion.Selection {
        var result: Set<String>?
        for filter in mergedEqualities(filters) {
            guard ["concept", "code"].contains(filter.property) else {
                return unsupported("a filter on property '\(filter.property)'")
            }
            let selected: Set<String>
            switch filter.op {
            case "is-a": selected = cs.subsumed(by: filter.value, includingSelf: true)
            case "descendent-of": selected = cs.subsumed(by: filter.value, includingSelf: false)
            case "is-not-a": selected = cs.allKeys.subtracting(cs.subsumed(by: filter.value, includingSelf: true))
            case "=", "in": selected = Set(codeList(filter.value).filter(cs.contains).map(cs.key))
            case "not-in": selected = cs.allKeys.subtracting(codeList(filter.value).map(cs.key))
            case "regex":
                guard let regex = try? NSRegularExpression(pattern: "^(?:\(filter.value))$") else {
                    return unsupported("the regex filter '\(filter.value)', which does not compile,")
                }
                selected = Set(cs.codes.filter { code in
                    regex.firstMatch(in: code, range: NSRange(code.startIndex..., in: code)) != nil
                }.map(cs.key))
            default:
                return unsupported("the filter operator '\(filter.op)'")
            }
            result = result.map { $0.intersection(selected) } ?? selected
        }
        return .codes(result ?? cs.allKeys, caseSensitive: cs.isCaseSensitive)
    }

    /// Several `concept = X` filters in one include can never all hold; CareConnect value sets
    /// (e.g. CareConnect-AllergyManifestation-1 with `= UNC`, `= ASKU`, `= NI`) write them meaning
    /// "any of these", so we read them as one `in` list rather than as an empty set.
    private func mergedEqualities(_ filters: [FilterRecord]) -> [FilterRecord] {
        let equalities = filters.filter { $0.op == "=" && $0.property == "concept" }
        guard Set(equalities.map(\.value)).count > 1 else { return filters }
        let others = filters.filter { !($0.op == "=" && $0.property == "concept") }
        return others + [FilterRecord(property: "concept", op: "in", value: equalities.map(\.value).joined(separator: ","))]
    }

    private func codeList(_ value: String) -> [String] {
        value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    private func unsupported(_ what: String) -> ValueSetExpansion.Selection {
        .unknown(.init(system: cs.url, reason: "\(what) on \(TerminologyNames.label(of: cs)) cannot be evaluated offline"))
    }
}
