import FHIRModel

/// The rule ids of layer 4, the Bundle as a whole (FHIR STU3 Bundle and messaging pages).
public enum BundleRule: String, RuleRegistry {
    /// An entry with neither a resource, a request nor a response (bdl-5).
    case entryEmpty = "bundle.entry-empty"
    /// A message Bundle whose first entry is not a MessageHeader.
    case messageHeaderFirst = "bundle.messageheader-first"
    /// A fullUrl that is not an absolute URL or urn:uuid.
    case fullURLAbsolute = "bundle.fullurl-absolute"
    /// A fullUrl with a version (/_history/) (bdl-8).
    case fullURLHistory = "bundle.fullurl-history"
    /// A fullUrl that contradicts (or, for urn:uuid, differs from) its resource's id.
    case fullURLID = "bundle.fullurl-id"
    /// An entry of a message Bundle without a fullUrl.
    case fullURLMissing = "bundle.fullurl-missing"
    /// Two entries with one fullUrl (bdl-7).
    case fullURLDuplicate = "bundle.fullurl-duplicate"
    /// A resource of a message without an id.
    case resourceIDMissing = "bundle.resource-id-missing"
    /// One business identifier on two resources of a message.
    case identifierDuplicate = "bundle.identifier-duplicate"
    /// A reference that matches no entry of the Bundle.
    case referenceUnresolved = "bundle.reference-unresolved"
    /// A reference outside the Bundle (noted, not checked).
    case referenceExternal = "bundle.reference-external"
    /// A local reference (#id) that matches no contained resource (ref-1).
    case containedUnresolved = "bundle.contained-unresolved"

    /// The layer these rules belong to.
    public static let layer = RuleLayer.bundle

    /// What the rule checks, in one line (listings, SARIF rule descriptions).
    public var summary: String {
        switch self {
        case .entryEmpty: return "an entry with neither a resource, a request nor a response (bdl-5)"
        case .messageHeaderFirst: return "a message Bundle whose first entry is not a MessageHeader"
        case .fullURLAbsolute: return "a fullUrl that is not an absolute URL or urn:uuid"
        case .fullURLHistory: return "a fullUrl with a version (/_history/) (bdl-8)"
        case .fullURLID: return "a fullUrl that contradicts (or, for urn:uuid, differs from) its resource's id"
        case .fullURLMissing: return "an entry of a message Bundle without a fullUrl"
        case .fullURLDuplicate: return "two entries with one fullUrl (bdl-7)"
        case .resourceIDMissing: return "a resource of a message without an id"
        case .identifierDuplicate: return "one business identifier on two resources of a message"
        case .referenceUnresolved: return "a reference that matches no entry of the Bundle"
        case .referenceExternal: return "a reference outside the Bundle (noted, not checked)"
        case .containedUnresolved: return "a local reference (#id) that matches no contained resource (ref-1)"
        }
    }

    /// True for the rules about references that point at nothing checked in the Bundle (the
    /// Spine's `REFERENCE_NOT_FOUND`).
    public var isUnfoundReference: Bool { self == .referenceUnresolved || self == .referenceExternal }
}
