import FHIRModel

/// The rule ids of layer 3, terminology bindings (FHIR STU3 terminology module: binding strengths).
public enum TerminologyRule: String, RuleRegistry {
    /// A code outside the value set of a required binding.
    case required = "terminology.required"
    /// A code outside the value set of an extensible binding.
    case extensible = "terminology.extensible"
    /// A display that differs from the code system's display of the code.
    case display = "terminology.display"
    /// A binding that could not be checked (value set or code system not in the pack; noted once).
    case notChecked = "terminology.not-checked"

    /// The layer these rules belong to.
    public static let layer = RuleLayer.terminology

    /// What the rule checks, in one line (listings, SARIF rule descriptions).
    public var summary: String {
        switch self {
        case .required: return "a code outside the value set of a required binding"
        case .extensible: return "a code outside the value set of an extensible binding"
        case .display: return "a display that differs from the code system's display of the code"
        case .notChecked: return "a binding that could not be checked (value set or code system not in the pack; noted once)"
        }
    }
}
