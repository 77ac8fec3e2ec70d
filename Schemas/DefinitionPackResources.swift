/// The target that carries the generated definition pack: the files beside this one, written by
/// `scripts/regenerate-pack`. SwiftPM ships only a target's own files as resources, so the pack's
/// top-level folder is a target of its own; FHIRDefinitions depends on it and finds its bundle.
package enum DefinitionPackResources {
    /// The resource bundle SwiftPM builds from this target (`<package>_<target>`), beside the
    /// executable that links it; the pack's files are at its root.
    #if canImport(Darwin)
    package static let bundleName = "dch_DCHSchemas.bundle"
    #else
    package static let bundleName = "dch_DCHSchemas.resources"
    #endif
}
