import FHIRModel

/// The rule ids of the definition pack and of its import from the official definitions: problems
/// of the installation, not of a message.
public enum DefinitionRule: String, RuleRegistry {
    /// The definition pack, or one of its files, was not found or cannot be read.
    case packMissing = "pack.missing"
    /// A file of the definition pack holds what cannot be decoded: regenerate the pack.
    case packCorrupt = "pack.corrupt"
    /// A definition pack of another format version.
    case packVersion = "pack.version"
    /// Building a pack: one URL defined by two sources.
    case packDuplicate = "pack.duplicate"
    /// A definition lookup failed while writing a message (the pack cannot be read).
    case packLookup = "pack.error"
    /// Importing: a definition source file was not found.
    case importMissingSource = "import.missing-source"
    /// Importing: a definition lacks what the pack needs (a url, a type or kind, an element path).
    case importIncomplete = "import.incomplete"
    /// Importing: a StructureDefinition without a snapshot.
    case importNoSnapshot = "import.no-snapshot"
    /// Generating a snapshot: the base definition, or a type's definition needed below an element, is not available.
    case importSnapshotBase = "import.snapshot-base"
    /// Generating a snapshot: a differential element names no element of its base (left out).
    case importSnapshotElement = "import.snapshot-element"
    /// Generating a snapshot: a differential slices an element that has no slicing (not an extension, not a choice).
    case importSnapshotSlicing = "import.snapshot-slicing"
    /// Generating a snapshot: a differential widens its base (min, max or type); kept as the differential says.
    case importSnapshotLoosened = "import.snapshot-loosened"

    /// The layer these rules belong to.
    public static let layer = RuleLayer.definitions

    /// What the rule checks, in one line (listings, SARIF rule descriptions).
    public var summary: String {
        switch self {
        case .packMissing: return "the definition pack, or one of its files, was not found or cannot be read"
        case .packCorrupt: return "a file of the definition pack cannot be decoded: regenerate the pack"
        case .packVersion: return "a definition pack of another format version: regenerate it"
        case .packDuplicate: return "building a pack: one URL defined by two sources"
        case .packLookup: return "a definition lookup failed while writing a message (the pack cannot be read)"
        case .importMissingSource: return "importing: a definition source file was not found"
        case .importIncomplete: return "importing: a definition lacks what the pack needs"
        case .importNoSnapshot: return "importing: a StructureDefinition without a snapshot"
        case .importSnapshotBase: return "generating a snapshot: a base or type definition is not available"
        case .importSnapshotElement: return "generating a snapshot: a differential element names no element of its base"
        case .importSnapshotSlicing: return "generating a snapshot: a differential slices an element that has no slicing"
        case .importSnapshotLoosened: return "generating a snapshot: a differential widens its base's min, max or types"
        }
    }
}
