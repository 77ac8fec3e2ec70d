import Foundation

/// Decides from the raw ValueSet and CodeSystem files whether a value set provably lacks a code.
struct RawTerminology {
    let definitions: RawDefinitionLibrary

    /// True only when every part of the value set's `compose` is a closed list: enumerated
    /// concepts, or whole code systems whose `content` is `complete`, none holding the code.
    /// Filters, imported value sets and unknown or partial code systems make it false (unknown).
    func provablyLacks(_ code: String, valueSet url: String) throws -> Bool {
        guard let valueSet = try definitions.terminologyResource(url, kind: "ValueSet"),
              let compose = valueSet.first("compose") else { return false }
        for include in compose.all("include") {
            if include.first("valueSet") != nil || include.first("filter") != nil { return false }
            let concepts = include.all("concept")
            if !concepts.isEmpty {
                if concepts.contains(where: { $0.string("code") == code }) { return false }
                continue
            }
            guard let system = include.string("system"),
                  let codeSystem = try definitions.terminologyResource(system, kind: "CodeSystem"),
                  codeSystem.string("content") == "complete", !Self.defines(codeSystem, code) else { return false }
        }
        return !compose.all("include").isEmpty
    }

    private static func defines(_ node: RawNode, _ code: String) -> Bool {
        node.all("concept").contains { $0.string("code") == code || defines($0, code) }
    }
}
