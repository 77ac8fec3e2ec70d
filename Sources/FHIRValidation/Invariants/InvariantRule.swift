import FHIRModel

/// The rule ids of layer 5, the FHIRPath invariants of the base definitions: one per constraint key, made at run time (``constraint(_:)``).
public enum InvariantRule: String, RuleRegistry {
    /// Invariants that could not be evaluated (an unsupported FHIRPath function; noted once).
    case notEvaluated = "invariant.not-evaluated"

    /// The layer these rules belong to.
    public static let layer = RuleLayer.invariants

    /// What the rule checks, in one line (listings, SARIF rule descriptions).
    public var summary: String {
        switch self {
        case .notEvaluated: return "invariants that could not be evaluated (an unsupported FHIRPath function; noted once)"
        }
    }

    /// The id of a failed constraint: `invariant.` and its key (`invariant.per-1`).
    public static func constraint(_ key: String) -> String { constraintPrefix + key }

    /// What every constraint id starts with.
    public static let constraintPrefix = "invariant."

    /// The families of ids made at run time, each with its pattern.
    public static var families: [RuleDescription] {
        [RuleDescription(id: constraintPrefix + "<key>", layer: layer,
                         summary: "a FHIRPath constraint of a base definition fails (its key, e.g. invariant.per-1)",
                         familyPrefix: constraintPrefix)]
    }
}
