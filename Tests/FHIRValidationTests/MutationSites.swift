import Foundation
import FHIRModel
import FHIRDefinitions
@testable import FHIRValidation

/// One element of a message tree with what the base definitions say about it: where mutations
/// look for a place to apply.
struct MutationSite {
    /// Child indices from the root to this element (empty for the root).
    let location: [Int]
    /// FHIRPath-style path, as the validator writes it (`Bundle.entry[2].resource.birthDate`).
    let path: String
    let element: Element
    /// Its definition among its parent's children (nil for the root).
    let def: ChildDef?
    /// The compiled definition of its own children (nil for primitives' values and unknown types).
    let node: NodeDef?

    var isResource: Bool { element.resourceType != nil }
    /// The type code of a non-resource element (`date`, `Period`, `BackboneElement`).
    var typeCode: String? { def?.info.typeCode }
}

/// One pairing of a message element with the profile element that describes it, found by walking
/// a claimed profile's tree beside the message (slices are not entered: they are checked from
/// the element they slice).
struct ProfileSite {
    let location: [Int]
    let path: String
    let element: Element
    let node: ProfileNode
    let profile: CompiledProfile
}

/// Lists the sites of a message with the validator's own compiled definitions.
enum MutationSites {
    /// Every element the base definitions know, in document order, resources included.
    static func sites(of root: Element, cache: DefinitionCache) -> [MutationSite] {
        var result: [MutationSite] = []
        walkResource(root, location: [], path: root.resourceType ?? root.name, def: nil, cache: cache, into: &result)
        return result
    }

    private static func walkResource(_ e: Element, location: [Int], path: String, def: ChildDef?,
                                     cache: DefinitionCache, into result: inout [MutationSite]) {
        var node: NodeDef?
        if let type = e.resourceType, case let .found(found)? = try? cache.resource(named: type) { node = found }
        result.append(MutationSite(location: location, path: path, element: e, def: def, node: node))
        if let node { walkChildren(e, node, location: location, path: path, cache: cache, into: &result) }
    }

    private static func walkChildren(_ e: Element, _ node: NodeDef, location: [Int], path: String,
                                     cache: DefinitionCache, into result: inout [MutationSite]) {
        var seen: [String: Int] = [:]
        for (k, c) in e.children.enumerated() {
            let index = seen[c.name, default: 0]
            seen[c.name] = index + 1
            guard let def = node.children[c.name] else { continue }
            let childPath = path + "." + c.name + (def.info.repeats ? "[\(index)]" : "")
            if def.isResource {
                if c.resourceType != nil {
                    walkResource(c, location: location + [k], path: childPath, def: def, cache: cache, into: &result)
                }
                continue
            }
            result.append(MutationSite(location: location + [k], path: childPath, element: c, def: def, node: def.node))
            if let child = def.node, !c.children.isEmpty {
                walkChildren(c, child, location: location + [k], path: childPath, cache: cache, into: &result)
            }
        }
    }

    /// Every (element, profile element) pair of the profiles the message's resources claim, or
    /// with `base`, of each resource's core definition.
    static func profileSites(of sites: [MutationSite], profiles: ProfileCache, base: Bool = false) -> [ProfileSite] {
        var result: [ProfileSite] = []
        for site in sites where site.isResource {
            let claims = site.element.child("meta")?.children(named: "profile").compactMap(\.value) ?? []
            let urls = base ? [DefinitionPack.coreStructurePrefix + site.element.resourceType!] : claims
            for url in urls {
                guard let profile = try? profiles.profile(url), profile.type == site.element.resourceType else { continue }
                walk(site.element, profile.root, profile, location: site.location, path: site.path, into: &result)
            }
        }
        return result
    }

    private static func walk(_ e: Element, _ node: ProfileNode, _ profile: CompiledProfile, location: [Int], path: String,
                             into result: inout [ProfileSite]) {
        result.append(ProfileSite(location: location, path: path, element: e, node: node, profile: profile))
        var seen: [String: Int] = [:]
        for (k, c) in e.children.enumerated() {
            let index = seen[c.name, default: 0]
            seen[c.name] = index + 1
            // Contained and entry resources are checked against their own claims, not from here.
            guard let child = node.children.first(where: { $0.matches(c.name) }), c.resourceType == nil else { continue }
            let childPath = path + "." + c.name + (child.repeats ? "[\(index)]" : "")
            walk(c, child, profile, location: location + [k], path: childPath, into: &result)
        }
    }
}

extension Element {
    /// Edits the descendant at these child indices (the whole element for none).
    mutating func modify(at location: ArraySlice<Int>, _ change: (inout Element) -> Void) {
        guard let first = location.first else { return change(&self) }
        children[first].modify(at: location.dropFirst(), change)
    }

    mutating func modify(at location: [Int], _ change: (inout Element) -> Void) {
        modify(at: location[...], change)
    }
}
