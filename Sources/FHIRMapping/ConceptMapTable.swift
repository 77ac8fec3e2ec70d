import FHIRModel

/// A ConceptMap reduced to what `translate` needs: per source code, its targets with their
/// relationship, and what to do with unmapped codes.
public struct ConceptMapTable: Sendable, Hashable {
    /// How a target relates to its source code, in R5 terms (STU3/R4 `equivalence` values are
    /// converted: `equal`/`equivalent` → equivalent, `wider`/`subsumes` → source-is-narrower, …).
    public enum Relationship: String, Sendable, Hashable {
        /// `related-to` (`relatedto`, `inexact`).
        case relatedTo = "related-to"
        /// `equivalent` (`equal`, `equivalent`).
        case equivalent
        /// The target is broader (`wider`, `subsumes`).
        case sourceIsNarrower = "source-is-narrower"
        /// The target is narrower (`narrower`, `specializes`).
        case sourceIsBroader = "source-is-broader"
        /// No relation (`unmatched`, `disjoint`).
        case notRelatedTo = "not-related-to"

        /// The relationship of an R5 `relationship`, an STU3/R4 `equivalence` or an FML symbol.
        public init?(code: String) {
            switch code {
            case "related-to", "relatedto", "inexact", "-": self = .relatedTo
            case "equivalent", "equal", "==": self = .equivalent
            case "source-is-narrower", "wider", "subsumes", "<=": self = .sourceIsNarrower
            case "source-is-broader", "narrower", "specializes", ">=": self = .sourceIsBroader
            case "not-related-to", "unmatched", "disjoint", "!=": self = .notRelatedTo
            default: return nil
            }
        }

        /// True when a translation may use the target: every relationship but narrower targets and
        /// no relation (the reference engine's rule).
        public var isUsable: Bool { self != .sourceIsBroader && self != .notRelatedTo }
    }

    /// One target of a source code.
    public struct Target: Sendable, Hashable {
        /// The target code system.
        public var system: String?
        /// The target code.
        public var code: String?
        /// Its display, if given.
        public var display: String?
        /// How it relates to the source; nil when the map does not say.
        public var relationship: Relationship?
    }

    /// One source code and its targets.
    public struct Entry: Sendable, Hashable {
        /// The source system (the group's `source`).
        public var sourceSystem: String?
        /// The source code.
        public var code: String
        /// The targets.
        public var targets: [Target]
        /// True when the map says the code has no target (R5 `noMap`).
        public var noMap: Bool
    }

    /// The entries in map order.
    public var entries: [Entry]
    /// Per source system: `provided` (keep the code) or `fixed` (use ``unmappedCode``).
    public var unmappedMode: [String: String]
    /// The code of a `fixed` unmapped mode, with its system.
    public var unmappedCode: [String: Target]

    /// A table from a map's embedded `conceptmap` declaration.
    public init(_ embedded: EmbeddedConceptMap) {
        entries = embedded.mappings.map { m in
            Entry(sourceSystem: embedded.prefixes[m.sourcePrefix], code: m.sourceCode,
                  targets: m.targetCode.map { code in
                      [Target(system: m.targetPrefix.flatMap { embedded.prefixes[$0] }, code: code, display: nil,
                              relationship: Relationship(code: m.relationship))]
                  } ?? [],
                  noMap: m.targetCode == nil)
        }
        unmappedMode = [:]
        unmappedCode = [:]
        for (prefix, mode) in embedded.unmapped { if let system = embedded.prefixes[prefix] { unmappedMode[system] = mode } }
    }

    /// A table from a ConceptMap resource tree (STU3, R4 or R5).
    public init(resource: Element) {
        entries = []
        unmappedMode = [:]
        unmappedCode = [:]
        for group in resource.children(named: "group") {
            let source = group.child("source")?.value
            let targetSystem = group.child("target")?.value
            for element in group.children(named: "element") {
                guard let code = element.child("code")?.value else { continue }
                let targets = element.children(named: "target").map { t in
                    Target(system: targetSystem, code: t.child("code")?.value, display: t.child("display")?.value,
                           relationship: (t.child("relationship")?.value ?? t.child("equivalence")?.value).flatMap(Relationship.init(code:)))
                }
                entries.append(Entry(sourceSystem: source, code: code, targets: targets,
                                     noMap: element.child("noMap")?.value == "true"))
            }
            if let unmapped = group.child("unmapped"), let mode = unmapped.child("mode")?.value {
                let key = source ?? ""
                unmappedMode[key] = mode
                if mode == "fixed" {
                    unmappedCode[key] = Target(system: targetSystem, code: unmapped.child("code")?.value,
                                               display: unmapped.child("display")?.value, relationship: nil)
                }
            }
        }
    }

    /// Why a code could not be translated.
    public enum Failure: Error, Sendable, Hashable {
        /// The map says the code has no target (`noMap`, or only unusable targets).
        case noMap(String)
        /// Several different usable targets, none equivalent.
        case ambiguous(String, [Target])
    }

    /// The target of `code` (in `system`, when known): nil when the map does not mention it.
    ///
    /// Targets that are the same code twice count once. With several different usable targets the
    /// first `equivalent` one is chosen (EventStatus `aborted` lists stopped, not-done, stopped);
    /// none equivalent is ``Failure/ambiguous(_:_:)``.
    public func translate(code: String, system: String?) throws -> Target? {
        for entry in entries where entry.code == code {
            if let system, let sourceSystem = entry.sourceSystem, sourceSystem != system { continue }
            if entry.noMap { throw Failure.noMap(code) }
            var usable: [Target] = []
            for t in entry.targets where t.relationship?.isUsable ?? true && t.code != nil {
                if !usable.contains(where: { $0.code == t.code && $0.system == t.system }) { usable.append(t) }
            }
            if usable.isEmpty { throw Failure.noMap(code) }
            if usable.count == 1 { return usable[0] }
            if let equivalent = usable.first(where: { $0.relationship == .equivalent }) { return equivalent }
            throw Failure.ambiguous(code, usable)
        }
        let key = system ?? ""
        switch unmappedMode[key] ?? (system == nil ? unmappedMode.values.first : nil) {
        case "provided"?: return Target(system: system, code: code, display: nil, relationship: .equivalent)
        case "fixed"?: return unmappedCode[key] ?? unmappedCode.values.first
        default: return nil
        }
    }
}
