import Foundation
import FHIRDefinitions

/// Compiles the pack's ValueSets and CodeSystems into ``ValueSetExpansion``s and
/// ``CodeSystemIndex``es on first use and caches them by URL for its lifetime.
///
/// Thread-safe: compiling happens under one lock (a value set with everything it imports), and
/// what comes out is immutable, so a membership test takes no lock. Imports that loop back are
/// cut: the import that closes the cycle cannot be decided (never a hang).
public final class TerminologyResolver: @unchecked Sendable {
    /// The definitions the terminology comes from.
    public let pack: DefinitionPack
    private let lock = NSLock()
    /// Compiled value sets; `.none` remembers a URL the pack does not have.
    private var valueSets: [String: ValueSetExpansion?] = [:]
    private var codeSystems: [String: CodeSystemIndex?] = [:]
    /// Value sets and notes binding checks ask for often, answered without the lock and hashing
    /// above (shared by every checker and message over this resolver).
    let memo = ValueSetMemo()

    /// A resolver over a pack.
    public init(pack: DefinitionPack) {
        self.pack = pack
    }

    /// The compiled value set with this canonical URL, or nil when the pack has none.
    /// Throws only when the pack cannot be read.
    public func valueSet(url: String) throws -> ValueSetExpansion? {
        try lock.withLock {
            var resolving: [String] = []
            return try compileValueSet(url, resolving: &resolving)
        }
    }

    /// The compiled code system with this canonical URL, or nil when the pack has none.
    public func codeSystem(url: String) throws -> CodeSystemIndex? {
        try lock.withLock { try compileCodeSystem(url) }
    }

    /// Lock held. `resolving` is the chain of value sets being compiled (for cycles).
    private func compileValueSet(_ url: String, resolving: inout [String]) throws -> ValueSetExpansion? {
        if let known = valueSets[url] { return known }
        guard let record = try pack.valueSet(url: url) else {
            valueSets[url] = .some(nil)
            return nil
        }
        resolving.append(url)
        defer { resolving.removeLast() }
        let includes = try (record.includes ?? []).map { try part($0, of: url, resolving: &resolving) }
        let excludes = try (record.excludes ?? []).map { try part($0, of: url, resolving: &resolving) }
        var expansion: [String: Set<String>]?
        if let codes = record.expansion {
            var bySystem: [String: Set<String>] = [:]
            for c in codes { bySystem[c.system ?? "", default: []].insert(c.code) }
            expansion = bySystem
        }
        let compiled = ValueSetExpansion(url: record.url, name: record.name, includes: includes,
                                         excludes: excludes, expansion: expansion)
        valueSets[url] = compiled
        return compiled
    }

    private func part(_ inc: ValueSetIncludeRecord, of owner: String,
                      resolving: inout [String]) throws -> ValueSetExpansion.Part {
        var imports: [ValueSetExpansion.Import] = []
        for vs in inc.valueSets ?? [] {
            if resolving.contains(vs) {
                imports.append(.unresolved(.init(system: nil,
                    reason: "value set \(owner) imports \(vs), which imports it back (a cycle)")))
            } else if let compiled = try compileValueSet(vs, resolving: &resolving) {
                imports.append(.resolved(compiled))
            } else {
                imports.append(.unresolved(.init(system: nil,
                    reason: "value set \(owner) imports \(vs), which is not in the pack")))
            }
        }
        guard let system = inc.system else {
            return .init(system: nil, selection: .codes([], caseSensitive: true), valueSets: imports)
        }
        let cs = try compileCodeSystem(system)
        return .init(system: system, selection: selection(inc, system: system, cs), valueSets: imports, codeSystem: cs)
    }

    /// What an include takes of its system (`cs`, when the pack has it): listed codes, the whole
    /// system, or filtered codes.
    private func selection(_ inc: ValueSetIncludeRecord, system: String,
                           _ cs: CodeSystemIndex?) -> ValueSetExpansion.Selection {
        let caseSensitive = cs?.isCaseSensitive ?? TerminologyNames.caseSensitiveExternal.contains(system)
        if let concepts = inc.concepts {
            // Listed codes need no code system: they are members whatever the pack knows.
            return .codes(Set(concepts.map { caseSensitive ? $0.code : $0.code.lowercased() }), caseSensitive: caseSensitive)
        }
        guard let cs else {
            return .unknown(.init(system: system,
                reason: "\(TerminologyNames.label(ofSystem: system)) is not in the pack and cannot be checked offline"))
        }
        guard let filters = inc.filters, !filters.isEmpty else { return .all(cs) }
        guard cs.isComplete else { return .unknown(.init(system: system, reason: TerminologyNames.partial(cs))) }
        return FilterEvaluator(cs: cs).select(filters)
    }

    /// Lock held.
    private func compileCodeSystem(_ url: String) throws -> CodeSystemIndex? {
        if let known = codeSystems[url] { return known }
        let compiled = try pack.codeSystem(url: url).map(CodeSystemIndex.init)
        codeSystems[url] = .some(compiled)
        return compiled
    }
}
