import Foundation
import FHIRModel
import FHIRDefinitions

/// Moves resources and whole message Bundles from one FHIR release to the other with the official
/// cross-version maps (``ReleaseMapSet``), plus any maps an integrator adds.
///
/// The map for a resource is chosen by its type: the last added map whose first group's source is
/// that type (``init(direction:library:addedMaps:sourcePack:targetPack:)``), else the official map
/// `…/{Type}3to4` (`4to3`), else the official map whose first group takes that type
/// (`ServiceRequestR4to3`). A Bundle runs the Bundle map; entries whose resource type an added map
/// covers are then mapped again with that map, so a profile map applies inside messages too.
///
/// The source side is typed by `sourcePack`, the target side by `targetPack` (element order,
/// repeats, choice names of the target release).
///
/// ```swift
/// let maps = try ReleaseMapSet.shipped()
/// let mapper = try ReleaseMapper(direction: .stu3ToR4, library: maps.library(.stu3ToR4),
///                                sourcePack: .shipped(), targetPack: .shippedR4())
/// let r4 = try mapper.map(stu3Bundle)   // r4.output, r4.unconsumed
/// ```
public final class ReleaseMapper: Sendable {
    /// The direction mapped.
    public let direction: ReleaseDirection
    /// The engine (maps, ConceptMaps, type information of both sides).
    public let engine: MappingEngine
    /// Map URL per source resource type: added maps first, then the official ones.
    private let mapsByType: [String: String]
    /// The resource types an added map covers (remapped inside Bundles).
    private let addedTypes: Set<String>

    /// A mapper over `library` (the official maps of `direction`, usually
    /// ``ReleaseMapSet/library(_:)``), with `addedMaps` added to it in order (a map with the URL of
    /// another replaces it).
    public init(direction: ReleaseDirection, library: MapLibrary, addedMaps: [StructureMap] = [],
                sourcePack: DefinitionPack, targetPack: DefinitionPack) {
        var library = library
        var byType: [String: String] = [:]
        // Official maps: the `{Type}{suffix}` URL wins; otherwise the first (by URL) taking the type.
        for url in Set(library.maps.values.map(\.url)).sorted() where url.hasPrefix(ReleaseDirection.officialPrefix) {
            guard let map = library.maps[url], let type = Self.sourceType(of: map) else { continue }
            if url == ReleaseDirection.officialPrefix + type + direction.suffix || byType[type] == nil { byType[type] = url }
        }
        var added: Set<String> = []
        for map in addedMaps {
            library.add(map)
            if let type = Self.sourceType(of: map) {
                byType[type] = map.url
                added.insert(type)
            }
        }
        self.direction = direction
        mapsByType = byType
        addedTypes = added
        engine = MappingEngine(library: library, sourceTypes: DefinitionPackTypes(pack: sourcePack),
                               targetTypes: DefinitionPackTypes(pack: targetPack), fhirPathPack: sourcePack)
    }

    /// The type the first group of `map` takes as its source (an alias resolved to its structure).
    static func sourceType(of map: StructureMap) -> String? {
        if let structure = map.structures.first(where: { $0.mode == .source }) {
            return GroupResolver.typeCode(ofStructure: structure.url)
        }
        guard let input = map.groups.first?.inputs.first(where: { $0.mode == .source }) else { return nil }
        return GroupResolver.typeCode(input.type, in: map)
    }

    /// The URL of the map that moves a resource of `type`; nil when there is none.
    public func mapURL(forResourceType type: String) -> String? { mapsByType[type] }

    /// Maps one resource (a Bundle with its entries). Throws `IssuesError` when no map covers the
    /// resource type (rule `fml.execution`) or the map fails.
    public func map(_ resource: Element) throws -> MappingResult {
        guard let type = resource.resourceType else {
            throw IssuesError(Issue(.error, .invalid, rule: FMLRule.execution, "the input is no FHIR resource"))
        }
        guard let url = mapURL(forResourceType: type) else {
            throw IssuesError(Issue(.error, .notSupported, rule: FMLRule.execution,
                "no \(direction.folder) map for \(type): \(type) cannot be moved to \(direction.target)"))
        }
        var result = try engine.transform(resource, mapURL: url)
        if type == "Bundle", !addedTypes.isEmpty { try remapEntries(of: resource, in: &result) }
        return result
    }

    /// Maps again, with their added maps, the entry resources an added map covers; their report
    /// lines replace the Bundle run's for those entries.
    private func remapEntries(of bundle: Element, in result: inout MappingResult) throws {
        let inputEntries = bundle.children(named: "entry")
        var children = result.output.children
        for (i, entry) in inputEntries.enumerated() {
            guard let resource = entry.child("resource")?.children.first, let type = resource.resourceType,
                  addedTypes.contains(type), let url = mapsByType[type] else { continue }
            // Output entries follow the input's (the Bundle map keeps one entry per entry).
            guard let slot = Self.index(ofEntry: i, in: children) else { continue }
            let mapped = try engine.transform(resource, mapURL: url)
            guard let r = children[slot].children.firstIndex(where: { $0.name == "resource" }) else { continue }
            children[slot].children[r].children = [mapped.output]
            let prefix = "Bundle.entry" + (inputEntries.count > 1 ? "[\(i)]" : "") + ".resource"
            result.unconsumedElements.removeAll { $0.path == prefix || $0.path.hasPrefix(prefix + ".") }
            result.unconsumedElements += mapped.unconsumedElements.map { element in
                var moved = element
                moved.path = prefix + element.path.drop { $0 != "." }
                return moved
            }
            result.log += mapped.log
        }
        result.output.children = children
    }

    /// The position among `children` of the `n`th `entry`.
    private static func index(ofEntry n: Int, in children: [Element]) -> Int? {
        var seen = 0
        for (k, child) in children.enumerated() where child.name == "entry" {
            if seen == n { return k }
            seen += 1
        }
        return nil
    }
}
