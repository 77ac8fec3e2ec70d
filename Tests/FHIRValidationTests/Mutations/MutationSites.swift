import Foundation
import FHIRModel

/// One element of a message tree with what the raw core definitions say about it: where mutations
/// look for a place to apply.
struct MutationSite {
    /// Child indices from the root to this element (empty for the root).
    let location: [Int]
    /// FHIRPath-style path, as the validator writes it (`Bundle.entry[2].resource.birthDate`):
    /// an index where the core definition lets the element repeat.
    let path: String
    let element: Element
    /// Its definition among its parent's children (nil for the root).
    let def: RawElement?
    /// The type its name selects (`valueQuantity`: Quantity); nil for resources.
    let type: RawType?
    /// True when that type is a primitive (its core definition's kind is `primitive-type`).
    let isPrimitive: Bool
    /// The definition whose children are this element's children (nil when unknown).
    let node: RawElement?

    var isResource: Bool { element.resourceType != nil }
    var typeCode: String? { type?.code }
}

/// One pairing of a message element with the element of a claimed profile that describes it,
/// found by walking the profile's snapshot beside the message. Slices are not entered (their
/// members are checked from the element they slice), and only what the snapshot lists is walked.
struct ProfileSite {
    let location: [Int]
    let path: String
    let element: Element
    let def: RawElement
    let profile: RawStructureDefinition
    /// True inside an element the profile slices (a member of a slice or below one).
    let isInSlicing: Bool
}

/// Lists the sites of a message from the raw StructureDefinitions (``RawDefinitionLibrary``).
struct MutationSites {
    let definitions: RawDefinitionLibrary

    /// Every element the core definitions know, in document order, resources included.
    func sites(of root: Element) throws -> [MutationSite] {
        var result: [MutationSite] = []
        try walkResource(root, location: [], path: root.resourceType ?? root.name, def: nil, into: &result)
        return result
    }

    private func walkResource(_ e: Element, location: [Int], path: String, def: RawElement?,
                              into result: inout [MutationSite]) throws {
        let sd = try e.resourceType.flatMap { try definitions.structure(RawDefinitionLibrary.corePrefix + $0) }
        result.append(MutationSite(location: location, path: path, element: e, def: def, type: nil,
                                   isPrimitive: false, node: sd?.root))
        if let sd { try walkChildren(e, sd.root, sd, location: location, path: path, into: &result) }
    }

    private func walkChildren(_ e: Element, _ node: RawElement, _ sd: RawStructureDefinition, location: [Int], path: String,
                              into result: inout [MutationSite]) throws {
        var seen: [String: Int] = [:]
        for (k, c) in e.children.enumerated() {
            let index = seen[c.name, default: 0]
            seen[c.name] = index + 1
            guard let (def, type) = node.child(named: c.name) else { continue }
            let childPath = path + "." + c.name + (def.repeats ? "[\(index)]" : "")
            if c.resourceType != nil {
                try walkResource(c, location: location + [k], path: childPath, def: def, into: &result)
                continue
            }
            var holder: (RawElement, RawStructureDefinition)?
            var primitive = false
            if let reference = def.contentReference {
                holder = sd.byPath[String(reference.drop { $0 == "#" })].map { ($0, sd) }
            } else if !def.children.isEmpty {
                holder = (def, sd)
            } else if let code = type?.code, let typeSD = try definitions.structure(RawDefinitionLibrary.corePrefix + code) {
                holder = (typeSD.root, typeSD)
                primitive = typeSD.kind == "primitive-type"
            }
            result.append(MutationSite(location: location + [k], path: childPath, element: c, def: def, type: type,
                                       isPrimitive: primitive, node: holder?.0))
            if let (childNode, childSD) = holder, !c.children.isEmpty {
                try walkChildren(c, childNode, childSD, location: location + [k], path: childPath, into: &result)
            }
        }
    }

    /// Every (element, profile element) pair of the profiles the message's resources claim and
    /// `../shared` defines.
    func profileSites(of sites: [MutationSite]) throws -> [ProfileSite] {
        let paths = Dictionary(sites.map { ($0.location, $0.path) }, uniquingKeysWith: { a, _ in a })
        var result: [ProfileSite] = []
        for site in sites where site.isResource {
            let claims = site.element.child("meta")?.children(named: "profile").compactMap(\.value) ?? []
            for url in claims {
                guard let profile = try definitions.structure(url), profile.type == site.element.resourceType else { continue }
                walk(site.element, profile.root, profile, location: site.location, paths: paths, inSlicing: false, into: &result)
            }
        }
        return result
    }

    private func walk(_ e: Element, _ def: RawElement, _ profile: RawStructureDefinition, location: [Int],
                      paths: [[Int]: String], inSlicing: Bool, into result: inout [ProfileSite]) {
        guard let path = paths[location] else { return }
        result.append(ProfileSite(location: location, path: path, element: e, def: def, profile: profile, isInSlicing: inSlicing))
        for (k, c) in e.children.enumerated() where c.resourceType == nil {
            guard let (child, _) = def.child(named: c.name) else { continue }
            let node = child.contentReference.flatMap { profile.byPath[String($0.drop { $0 == "#" })] } ?? child
            walk(c, node, profile, location: location + [k], paths: paths,
                 inSlicing: inSlicing || child.isSliced || !child.slices.isEmpty, into: &result)
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
