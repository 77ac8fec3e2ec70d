import FHIRModel

/// The rule ids of layer 1, the structure of the base definitions (FHIR STU3 resource and datatype StructureDefinitions).
public enum StructureRule: String, RuleRegistry {
    /// A required element is missing (fewer than the base definition's min).
    case min = "struct.min"
    /// An element occurs more often than the base definition's max, or where max is 0.
    case max = "struct.max"
    /// An element the base definition does not define.
    case unknownElement = "struct.unknown-element"
    /// XML elements out of the order the definition gives (FHIR XML keeps definition order).
    case order = "struct.order"
    /// An element with neither a value, children nor extensions (ele-1).
    case empty = "struct.empty"
    /// The root is not a resource, or an element that must hold a resource holds none.
    case resourceMissing = "struct.resource-missing"
    /// A resource type the definitions do not know.
    case unknownResourceType = "struct.unknown-resource-type"
    /// A resource inside an element whose type is not Resource.
    case unexpectedResource = "struct.unexpected-resource"
    /// A value on an element of a complex type, which cannot have one.
    case unexpectedValue = "struct.unexpected-value"
    /// JSON: an array for an element that does not repeat, or a single value for one that does.
    case jsonArray = "struct.json-array"
    /// The definition pack cannot be read (no fault of the message).
    case definitions = "struct.definitions"

    /// The layer these rules belong to.
    public static let layer = RuleLayer.structure

    /// What the rule checks, in one line (listings, SARIF rule descriptions).
    public var summary: String {
        switch self {
        case .min: return "a required element is missing (fewer than the base definition's min)"
        case .max: return "an element occurs more often than the base definition's max, or where max is 0"
        case .unknownElement: return "an element the base definition does not define"
        case .order: return "XML elements out of the order the definition gives (FHIR XML keeps definition order)"
        case .empty: return "an element with neither a value, children nor extensions (ele-1)"
        case .resourceMissing: return "the root is not a resource, or an element that must hold a resource holds none"
        case .unknownResourceType: return "a resource type the definitions do not know"
        case .unexpectedResource: return "a resource inside an element whose type is not Resource"
        case .unexpectedValue: return "a value on an element of a complex type, which cannot have one"
        case .jsonArray: return "JSON: an array for an element that does not repeat, or a single value for one that does"
        case .definitions: return "the definition pack cannot be read (no fault of the message)"
        }
    }

    /// The layer 2 rule that checks the same thing against a profile (`struct.min` and `profile.min`):
    /// one element breaking both is reported once.
    public var profileCounterpart: ProfileRule? {
        switch self {
        case .min: return .min
        case .max: return .max
        default: return nil
        }
    }
}
