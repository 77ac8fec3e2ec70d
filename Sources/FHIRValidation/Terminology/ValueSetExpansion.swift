/// A ValueSet of the pack compiled for membership tests: its includes and excludes with their
/// code-system parts resolved to sets of codes (or to "cannot tell"), and imported value sets
/// linked. Built by ``TerminologyResolver``; immutable, so shared between threads without a lock.
///
/// Semantics (FHIR STU3 `ValueSet.compose`): a code is in the value set when some include takes
/// it and no exclude does; within one include every condition must hold (its system's selection
/// and every value set it names).
public final class ValueSetExpansion: Sendable {
    /// Canonical URL.
    public let url: String
    /// Computer-friendly name, when the ValueSet has one.
    public let name: String?
    let includes: [Part]
    let excludes: [Part]
    /// Codes of the source's stored expansion, by system: consulted when there is no composition
    /// or it cannot decide.
    let expansion: [String: Set<String>]?

    /// `'Name' (url)`, for messages.
    public let label: String
    /// The first part naming each system: what the resolver answered for that code system when
    /// the value set was compiled (nil: not in the pack).
    private let systems: [Part]

    init(url: String, name: String?, includes: [Part], excludes: [Part], expansion: [String: Set<String>]?) {
        self.url = url
        self.name = name
        self.includes = includes
        self.excludes = excludes
        self.expansion = expansion
        label = name.map { "'\($0)' (\(url))" } ?? "'\(url)'"
        var systems: [Part] = []
        for part in includes + excludes {
            if let system = part.system, !systems.contains(where: { $0.system == system }) { systems.append(part) }
        }
        self.systems = systems
    }

    /// The pack's code system `system` when the value set names that system (`.some(nil)`: the pack
    /// has none), nil when it does not (ask the resolver): the same answer as
    /// ``TerminologyResolver/codeSystem(url:)``, without its lock and hashed lookup.
    func codeSystem(named system: String) -> CodeSystemIndex?? {
        for part in systems where part.names(system) { return .some(part.codeSystem) }
        return nil
    }

    /// Whether `code` of `system` is in the value set. With `system` nil (a `code` element, whose
    /// system is implied) the code is looked for in every system the value set takes.
    public func contains(system: String?, code: String) -> Membership {
        var result: Membership = .notMember
        if !includes.isEmpty {
            for part in includes {
                result = result.or(part.contains(system: system, code: code))
                if case .member = result { break }
            }
            for part in excludes {
                if case .notMember = result { break }
                result = result.minus(part.contains(system: system, code: code))
            }
        }
        guard let expansion else {
            return includes.isEmpty
                ? .cannotTell(.init(system: system, reason: "the value set \(label) has neither a composition nor an expansion in the pack"))
                : result
        }
        if case .notMember = result, !includes.isEmpty { return result }
        if case .member = result { return result }
        // No composition, or one that cannot decide: the stored expansion lists the codes.
        if let system {
            return expansion[system]?.contains(code) == true ? .member : .notMember
        }
        return expansion.values.contains { $0.contains(code) } ? .member : .notMember
    }

    /// One `compose.include` or `compose.exclude` (a class: iterating parts then copies no fields).
    final class Part: Sendable {
        /// The code system, when the part names one.
        let system: String?
        /// UTF-8 length of ``system`` (-1 when nil): most systems asked about differ in length.
        private let systemLength: Int
        /// What the part takes of ``system`` (unused when ``system`` is nil).
        let selection: Selection
        /// Value sets whose codes the part takes (all must contain the code).
        let valueSets: [Import]
        /// The pack's code system ``system`` as the resolver compiled it (nil: none, or no system).
        let codeSystem: CodeSystemIndex?

        init(system: String?, selection: Selection, valueSets: [Import], codeSystem: CodeSystemIndex? = nil) {
            self.system = system
            self.systemLength = system?.utf8.count ?? -1
            self.selection = selection
            self.valueSets = valueSets
            self.codeSystem = codeSystem
        }

        /// True when the part names exactly `codeSystem` (lengths first).
        @inline(__always)
        func names(_ codeSystem: String) -> Bool {
            codeSystem.utf8.count == systemLength && codeSystem == system
        }

        func contains(system codeSystem: String?, code: String) -> Membership {
            var result: Membership = .member
            if let system {
                if let codeSystem, codeSystem.utf8.count != systemLength || codeSystem != system { return .notMember }
                result = selection.contains(code, system: system)
            }
            for vs in valueSets {
                if case .notMember = result { break }
                switch vs {
                case let .resolved(expansion):
                    result = result.and(expansion.contains(system: codeSystem, code: code))
                case let .unresolved(why):
                    result = result.and(.cannotTell(why))
                }
            }
            return result
        }
    }

    /// An imported value set: compiled, or why it cannot be (not in the pack, a cycle).
    enum Import: Sendable {
        case resolved(ValueSetExpansion)
        case unresolved(Membership.Undecided)
    }

    /// What an include or exclude takes of its code system.
    enum Selection: Sendable {
        /// Every code of a code system in the pack (found: member; not found: not a member when the
        /// system is complete, cannot tell otherwise).
        case all(CodeSystemIndex)
        /// A finite set of codes, as keys; `caseSensitive` says how codes are compared.
        case codes(Set<String>, caseSensitive: Bool)
        /// Nothing can be decided offline.
        case unknown(Membership.Undecided)

        func contains(_ code: String, system: String) -> Membership {
            switch self {
            case let .all(cs):
                if cs.contains(code) { return .member }
                return cs.isComplete ? .notMember : .cannotTell(.init(system: system,
                    reason: TerminologyNames.partial(cs)))
            case let .codes(keys, caseSensitive):
                return keys.contains(caseSensitive ? code : code.lowercased()) ? .member : .notMember
            case let .unknown(why):
                return .cannotTell(why)
            }
        }
    }
}
