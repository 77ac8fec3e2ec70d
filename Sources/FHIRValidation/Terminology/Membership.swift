/// Whether a code belongs to a value set, in three-valued logic: the pack may not hold what it
/// takes to decide (SNOMED CT, LOINC, a fragment of a code system, an unsupported filter).
public enum Membership: Sendable, Hashable {
    /// The code is in the value set.
    case member
    /// The code is not in the value set.
    case notMember
    /// The pack cannot decide; says which system and why.
    case cannotTell(Undecided)

    /// Why a membership cannot be decided offline.
    public struct Undecided: Sendable, Hashable {
        /// The code system that cannot be checked, when one is to blame (nil: e.g. an imported value
        /// set that is not in the pack).
        public var system: String?
        /// For a person: what is missing.
        public var reason: String

        /// A reason, optionally naming the system.
        public init(system: String?, reason: String) {
            self.system = system
            self.reason = reason
        }
    }

    /// Either side may be a member (`include` after `include`).
    func or(_ other: @autoclosure () -> Membership) -> Membership {
        if case .member = self { return .member }
        let b = other()
        switch (self, b) {
        case (_, .member): return .member
        case (.cannotTell, _): return self
        default: return b
        }
    }

    /// Both sides must be members (the conditions of one `include`).
    func and(_ other: @autoclosure () -> Membership) -> Membership {
        if case .notMember = self { return .notMember }
        let b = other()
        switch (self, b) {
        case (_, .notMember): return .notMember
        case (.cannotTell, _): return self
        default: return b
        }
    }

    /// This side, unless `excluded` says the code is excluded (`exclude`).
    func minus(_ excluded: @autoclosure () -> Membership) -> Membership {
        if case .notMember = self { return .notMember }
        switch excluded() {
        case .notMember: return self
        case .member: return .notMember
        case let .cannotTell(why): return .cannotTell(why)
        }
    }
}
