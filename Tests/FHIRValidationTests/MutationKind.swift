import Foundation
import FHIRModel
import FHIRDefinitions
import ChildHealthEvents
@testable import FHIRValidation

/// What a mutation expects the validator to report: this rule at this path.
struct ExpectedFinding: Hashable, CustomStringConvertible {
    let rule: String
    let path: String
    var description: String { "\(rule) at \(path)" }
}

/// A valid message ready to be mutated: its tree and the places mutations can use.
struct MutationTarget {
    let name: String
    /// The message's number in the run: spreads the places the kinds pick over the candidates,
    /// so that different messages get the same defect at different places.
    var seed: Int
    let root: Element
    let syntax: SourceSyntax
    let sites: [MutationSite]
    let profileSites: [ProfileSite]
    /// The same pairs for each resource's core definition.
    let baseSites: [ProfileSite]
    /// True when the event rules recognise the message's event (they then check it).
    let isEventMessage: Bool
    let tools: MutationTools

    /// One of the candidate places, chosen by ``seed``; nil when there is none.
    func pick<T>(_ candidates: [T]) -> T? {
        candidates.isEmpty ? nil : candidates[seed % candidates.count]
    }

    /// The root's Bundle.type, when the root is a Bundle.
    var bundleType: String? { root.resourceType == "Bundle" ? root.child("type")?.value : nil }

    /// The entries' fullUrls with their resources' types and the entries' locations.
    var entries: [(location: Int, fullUrl: String?, type: String?)] {
        guard root.resourceType == "Bundle" else { return [] }
        return root.children.indices.filter { root.children[$0].name == "entry" }.map { k in
            let entry = root.children[k]
            return (k, entry.child("fullUrl")?.value, entry.child("resource")?.resourceType)
        }
    }
}

/// The validator's compiled definitions, reused by every mutation (they compile once).
struct MutationTools {
    let pack: DefinitionPack
    let cache: DefinitionCache
    let profiles: ProfileCache
    let events: EventRules

    init(validator: Validator, events: EventRules) {
        pack = validator.pack
        cache = validator.cache
        profiles = validator.profileCache
        self.events = events
    }

    func target(name: String, seed: Int, root: Element, syntax: SourceSyntax) -> MutationTarget {
        let sites = MutationSites.sites(of: root, cache: cache)
        let isEvent = EventMessage(root).flatMap { events.event(of: $0) } != nil
        return MutationTarget(name: name, seed: seed, root: root, syntax: syntax, sites: sites,
                              profileSites: MutationSites.profileSites(of: sites, profiles: profiles),
                              baseSites: MutationSites.profileSites(of: sites, profiles: profiles, base: true),
                              isEventMessage: isEvent, tools: self)
    }
}

/// One kind of defect: finds a place for it in a valid message, applies it to `root` (a copy of
/// the target's tree) and says what must be found; nil when the message offers no such place.
struct MutationKind {
    let name: String
    let apply: (MutationTarget, inout Element) -> ExpectedFinding?
}
