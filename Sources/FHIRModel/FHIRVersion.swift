/// A FHIR release dch reads, writes and validates: STU3 (3.0.1, the DCH, NEMS and CareConnect
/// messages) or R4 (4.0.1, UK Core). Each has its own definition pack.
public enum FHIRVersion: String, Sendable, CaseIterable, Hashable {
    /// FHIR STU3, 3.0.1: the default, and what every DCH and NEMS message is.
    case stu3 = "3"
    /// FHIR R4, 4.0.1 (UK Core is R4).
    case r4 = "4"

    /// The release's full version number (`3.0.1`, `4.0.1`).
    public var release: String {
        switch self {
        case .stu3: return "3.0.1"
        case .r4: return "4.0.1"
        }
    }

    /// The release's name (`STU3`, `R4`), as the specification calls it.
    public var name: String {
        switch self {
        case .stu3: return "STU3"
        case .r4: return "R4"
        }
    }

    /// The version named by `text`: `3`, `4`, a release number (`3.0.1`, `4.0`), or a name
    /// (`stu3`, `r4`, any case); nil for anything else.
    public init?(named text: String) {
        let lower = text.lowercased()
        switch lower {
        case "3", "stu3", "r3": self = .stu3
        case "4", "r4": self = .r4
        default:
            if lower.hasPrefix("3.0") { self = .stu3 } else if lower.hasPrefix("4.0") { self = .r4 } else { return nil }
        }
    }
}
