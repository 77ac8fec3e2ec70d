import Foundation
import FHIRModel
import FHIRValidation
import ChildHealthEvents

/// A rule at a path: what a mutation expects the validator to report.
struct ExpectedFinding: Hashable, CustomStringConvertible {
    let rule: String
    let path: String
    var description: String { "\(rule) at \(path)" }
}

/// What a mutation expects: the defect's own finding(s), which must be reported as errors, and
/// the errors the standard makes follow from it (each with why), which may be. Any other error
/// fails the test.
struct Mutation {
    var expected: [ExpectedFinding]
    var consequences: [(finding: ExpectedFinding, why: String)] = []

    init(_ rule: String, at path: String) { expected = [ExpectedFinding(rule: rule, path: path)] }

    /// Adds an error that the defect entails.
    func entailing(_ rule: String, at path: String, because why: String) -> Mutation {
        var copy = self
        copy.consequences.append((ExpectedFinding(rule: rule, path: path), why))
        return copy
    }
}

/// A valid message ready to be mutated: its tree and the places mutations can use.
struct MutationTarget {
    let name: String
    /// The message's number in the run: spreads the places the kinds pick over the candidates,
    /// so that different messages get the same defect at different places.
    var seed: Int
    let root: Element
    let syntax: MessageFormat
    let sites: [MutationSite]
    let profileSites: [ProfileSite]
    /// Locations whose value a claimed profile constrains (fixed or pattern) or that lie in an
    /// element it slices: a value changed there also changes what the profile matches, so
    /// kinds that aim at one layer's rule keep away from them.
    let profiled: Set<[Int]>
    /// Each site's index in ``sites`` by location.
    let siteIndex: [[Int]: Int]
    /// True when the event rules recognise the message's event (they then check it).
    let isEventMessage: Bool
    let definitions: RawDefinitionLibrary
    let dataItems: EventPageDataItems

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

    /// The site at a location.
    func site(at location: [Int]) -> MutationSite? { siteIndex[location].map { sites[$0] } }

    /// True when a claimed profile fixes or patterns the element at `location` or one enclosing
    /// it, or slices it or one enclosing it.
    func isProfiled(_ location: [Int]) -> Bool {
        (0...location.count).contains { profiled.contains(Array(location.prefix($0))) }
    }

    /// True in an event message when an event page names one of `items` (element names or
    /// slice names) of a profile that the resource enclosing `location` claims as a mandatory
    /// data item: the event rules check it.
    func isEventDataItem(_ items: [String], in location: [Int]) -> Bool {
        guard isEventMessage,
              let resource = ([site(at: location)].compactMap { $0 } + ancestors(of: location)).first(where: \.isResource)
        else { return false }
        let claims = resource.element.child("meta")?.children(named: "profile").compactMap(\.value) ?? []
        return claims.contains { url in items.contains { dataItems.contains(profile: url, item: $0) } }
    }

    /// True when the element at `location` is (or lies in) what the event rules read of a
    /// message Bundle's MessageHeader: of any message, `event`, which tells its family and event
    /// (G5); of an event message, all of it (focus, responsible, routing demographics: G3, G4, G10).
    func isReadByEventRules(_ location: [Int]) -> Bool {
        guard bundleType == "message", location.count >= 2 else { return false }
        let header = root.children[location[0]].children[location[1]]
        guard header.resourceType == "MessageHeader" else { return false }
        return isEventMessage || location.count == 2 || header.children[location[2]].name == "event"
    }
}

/// What the mutation targets are made from: the raw definitions and the event rules.
struct MutationTools {
    let definitions: RawDefinitionLibrary
    let events: EventRules
    let dataItems: EventPageDataItems

    func target(name: String, seed: Int, root: Element, syntax: MessageFormat) throws -> MutationTarget {
        let walker = MutationSites(definitions: definitions)
        let sites = try walker.sites(of: root)
        let profileSites = try walker.profileSites(of: sites)
        var profiled = Set<[Int]>()
        for site in profileSites where site.isInSlicing || site.def.isConstrainedValue {
            profiled.insert(site.location)
        }
        let isEvent = EventMessage(root).flatMap { events.event(of: $0) } != nil
        return MutationTarget(name: name, seed: seed, root: root, syntax: syntax, sites: sites, profileSites: profileSites,
                              profiled: profiled,
                              siteIndex: Dictionary(sites.indices.map { (sites[$0].location, $0) }, uniquingKeysWith: { a, _ in a }),
                              isEventMessage: isEvent, definitions: definitions,
                              dataItems: dataItems)
    }
}

/// One kind of defect: finds a place for it in a valid message, applies it to `root` (a copy of
/// the target's tree) and says what must be found; nil when the message offers no such place.
struct MutationKind {
    let name: String
    let apply: (MutationTarget, inout Element) throws -> Mutation?
}
