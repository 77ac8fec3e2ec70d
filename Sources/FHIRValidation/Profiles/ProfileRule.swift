import FHIRModel

/// The rule ids of layer 2, the profiles a resource claims (meta.profile) or the caller requests, and every extension by its URL.
public enum ProfileRule: String, RuleRegistry {
    /// A profile requires an element that is missing (its min).
    case min = "profile.min"
    /// An element occurs more often than a profile allows (its max, or max 0).
    case max = "profile.max"
    /// A type choice the profile does not allow.
    case type = "profile.type"
    /// A value that differs from the profile's fixed value.
    case fixed = "profile.fixed"
    /// A value that does not match the profile's pattern.
    case pattern = "profile.pattern"
    /// The profile fixes a value that its own slice fixes differently (a fault of the profile).
    case fixedConflict = "profile.fixed-conflict"
    /// A slice occurs fewer times than its min.
    case sliceMin = "profile.slice-min"
    /// A slice occurs more times than its max.
    case sliceMax = "profile.slice-max"
    /// An element matches none of the slices of a closed slicing.
    case sliceClosed = "profile.slice-closed"
    /// Slices out of the order an ordered slicing requires.
    case sliceOrder = "profile.slice-order"
    /// An element gives several values at a discriminator (noted; matched by any).
    case sliceSeveralValues = "profile.slice-several-values"
    /// Slices that cannot be told apart: their rules are not checked.
    case slicingUnevaluable = "profile.slicing-unevaluable"
    /// A reference resolves to a resource type the profile does not allow.
    case targetType = "profile.target-type"
    /// A reference resolves to a resource that does not conform to the target profile.
    case targetProfile = "profile.target-profile"
    /// An extension (or modifier extension, then an error) not in the definition pack.
    case extensionUnknown = "profile.extension-unknown"
    /// A profile for another resource type, or an extension URL that names no extension.
    case wrongType = "profile.wrong-type"
    /// A claimed or requested profile that is not in the definition pack.
    case unknown = "profile.unknown"
    /// A profile confines an element to codes its own binding's value set does not hold (a fault of the profile).
    case bindingConflict = "profile.binding-conflict"
    /// A profile's definitions cannot be read (no fault of the message).
    case definitions = "profile.definitions"

    /// The layer these rules belong to.
    public static let layer = RuleLayer.profiles

    /// What the rule checks, in one line (listings, SARIF rule descriptions).
    public var summary: String {
        switch self {
        case .min: return "a profile requires an element that is missing (its min)"
        case .max: return "an element occurs more often than a profile allows (its max, or max 0)"
        case .type: return "a type choice the profile does not allow"
        case .fixed: return "a value that differs from the profile's fixed value"
        case .pattern: return "a value that does not match the profile's pattern"
        case .fixedConflict: return "the profile fixes a value that its own slice fixes differently (a fault of the profile)"
        case .sliceMin: return "a slice occurs fewer times than its min"
        case .sliceMax: return "a slice occurs more times than its max"
        case .sliceClosed: return "an element matches none of the slices of a closed slicing"
        case .sliceOrder: return "slices out of the order an ordered slicing requires"
        case .sliceSeveralValues: return "an element gives several values at a discriminator (noted; matched by any)"
        case .slicingUnevaluable: return "slices that cannot be told apart: their rules are not checked"
        case .targetType: return "a reference resolves to a resource type the profile does not allow"
        case .targetProfile: return "a reference resolves to a resource that does not conform to the target profile"
        case .extensionUnknown: return "an extension (or modifier extension, then an error) not in the definition pack"
        case .wrongType: return "a profile for another resource type, or an extension URL that names no extension"
        case .unknown: return "a claimed or requested profile that is not in the definition pack"
        case .bindingConflict: return "a profile confines an element to codes its own binding's value set does not hold (a fault of the profile)"
        case .definitions: return "a profile's definitions cannot be read (no fault of the message)"
        }
    }
}
