import FHIRDefinitions

/// A code of a value set, with its system and display when the pack knows them.
struct PickedCode: Sendable, Hashable {
    var system: String?
    var code: String
    var display: String?
}

/// Picks a member code of a value set from the pack's definitions, so that a builder can fill a
/// bound element with a code the validator accepts. Results are cached per value set.
final class TerminologyPicker {
    let pack: DefinitionPack
    private var cache: [String: PickedCode?] = [:]

    init(pack: DefinitionPack) {
        self.pack = pack
    }

    /// The first code the value set lists (explicit concepts first, then a whole code system's
    /// first concept, then included value sets, then a stored expansion); nil when none is known.
    func firstCode(of valueSetURL: String) -> PickedCode? {
        let url = valueSetURL.split(separator: "|").first.map(String.init) ?? valueSetURL
        if let hit = cache[url] { return hit }
        cache[url] = .some(nil)  // guards against value sets that include each other
        let picked = lookUp(url)
        cache[url] = picked
        return picked
    }

    private func lookUp(_ url: String) -> PickedCode? {
        guard let vs = try? pack.valueSet(url: url) else { return nil }
        for include in vs.includes ?? [] {
            if let concept = include.concepts?.first {
                return PickedCode(system: include.system, code: concept.code,
                                  display: concept.display ?? display(of: concept.code, in: include.system))
            }
            if let system = include.system, include.filters?.isEmpty ?? true, include.valueSets?.isEmpty ?? true,
               let cs = try? pack.codeSystem(url: system), let first = cs.concepts?.first {
                return PickedCode(system: system, code: first.code, display: first.display)
            }
            // A SNOMED CT style filter on one concept (`is-a` / `in` / `=`): the concept itself belongs.
            if let system = include.system, let f = include.filters?.first, f.property == "concept",
               ["is-a", "in", "="].contains(f.op) {
                return PickedCode(system: system, code: f.value, display: nil)
            }
            for nested in include.valueSets ?? [] {
                if let code = firstCode(of: nested) { return code }
            }
        }
        if let first = vs.expansion?.first {
            return PickedCode(system: first.system, code: first.code, display: first.display)
        }
        return nil
    }

    /// A code's display in the pack's code system, when it is there.
    func display(of code: String, in system: String?) -> String? {
        guard let system, let cs = try? pack.codeSystem(url: system) else { return nil }
        return cs.concepts?.first { $0.code == code }?.display
    }
}
