import Foundation
import FHIRModel

/// A group and the map that holds it (names in it resolve from that map).
struct GroupReference {
    var group: Group
    var map: StructureMap
}

/// Finds groups by name and by type, as the reference engine does: the groups of the map holding
/// the calling group first; only when none matches, the groups of that map's direct imports. Two
/// matches on one level are an error. Answers are cached (the library does not change).
final class GroupResolver: @unchecked Sendable {
    let library: MapLibrary
    private let lock = NSLock()
    private var byName: [String: Result<GroupReference, MappingFailure>] = [:]
    private var defaults: [String: GroupReference?] = [:]
    private var targetTypes: [String: String?] = [:]

    init(library: MapLibrary) { self.library = library }

    /// The group `name` as seen from `map`.
    func group(named name: String, from map: StructureMap) throws -> GroupReference {
        let key = map.url + "|" + name
        if let known = lock.withLock({ byName[key] }) { return try known.get() }
        let result: Result<GroupReference, MappingFailure>
        if let local = map.groups.first(where: { $0.name == name }) {
            result = .success(GroupReference(group: local, map: map))
        } else {
            var found: [GroupReference] = []
            for imported in library.importedMaps(of: map) {
                for g in imported.groups where g.name == name { found.append(GroupReference(group: g, map: imported)) }
            }
            if found.count == 1 {
                result = .success(found[0])
            } else if found.isEmpty {
                result = .failure(MappingFailure("no group '\(name)' in map \(map.url) or its imports"))
            } else {
                result = .failure(MappingFailure("group '\(name)' is defined in several imported maps: "
                                                 + found.map(\.map.url).joined(separator: ", ")))
            }
        }
        lock.withLock { byName[key] = result }
        return try result.get()
    }

    /// The type code a group input's declared type names: an alias of `uses` becomes the type of
    /// the structure at its URL (`AllergyIntoleranceR3` → `AllergyIntolerance`).
    static func typeCode(_ declared: String?, in map: StructureMap) -> String? {
        guard let declared else { return nil }
        if let structure = map.structures.first(where: { $0.alias == declared }) { return typeCode(ofStructure: structure.url) }
        if declared.contains("/") { return typeCode(ofStructure: declared) }
        return declared
    }

    /// The type a StructureDefinition URL defines (its last segment, version suffix dropped).
    static func typeCode(ofStructure url: String) -> String {
        let bare = url.split(separator: "|").first.map(String.init) ?? url
        return bare.split(separator: "/").last.map(String.init) ?? bare
    }

    private func typedGroups(_ map: StructureMap, where accept: (Group) -> Bool) -> [GroupReference] {
        map.groups.filter { $0.typeMode != .none && accept($0) }.map { GroupReference(group: $0, map: map) }
    }

    private func searchLevels(from map: StructureMap, where accept: (Group, StructureMap) -> Bool) -> [GroupReference] {
        let local = map.groups.filter { $0.typeMode != .none && accept($0, map) }.map { GroupReference(group: $0, map: map) }
        if !local.isEmpty { return local }
        var found: [GroupReference] = []
        for imported in library.importedMaps(of: map) {
            for g in imported.groups where g.typeMode != .none && accept(g, imported) {
                found.append(GroupReference(group: g, map: imported))
            }
        }
        return found
    }

    private static func inputTypes(_ g: Group, _ map: StructureMap) -> (source: String?, target: String?) {
        let source = g.inputs.first { $0.mode == .source }
        let target = g.inputs.first { $0.mode == .target }
        return (typeCode(source?.type, in: map), typeCode(target?.type, in: map))
    }

    /// The default group for a (source type, target type) pair: the unique `<<types>>` or
    /// `<<type+>>` group with those input types; nil when there is none (or several).
    func defaultGroup(source: String, target: String, from map: StructureMap) -> GroupReference? {
        let key = map.url + "|" + source + "|" + target
        if let known = lock.withLock({ defaults[key] }) { return known }
        let found = searchLevels(from: map) { g, m in
            let types = Self.inputTypes(g, m)
            return types.source == source && types.target == target
        }
        let made = found.count == 1 ? found[0] : nil
        lock.withLock { defaults[key] = made }
        return made
    }

    /// The target type a `<<type+>>` group chooses for a source type (`create()` without a type).
    func targetType(forSource source: String, from map: StructureMap) -> String? {
        let key = map.url + "|" + source
        if let known = lock.withLock({ targetTypes[key] }) { return known }
        let found = searchLevels(from: map) { g, m in g.typeMode == .typeAndTypes && Self.inputTypes(g, m).source == source }
        let made = found.count == 1 ? Self.inputTypes(found[0].group, found[0].map).target : nil
        lock.withLock { targetTypes[key] = made }
        return made
    }
}

/// An error while running a map (converted to an ``Issue`` with the rule's position).
struct MappingFailure: Error {
    var message: String
    var position: SourcePosition?
    init(_ message: String, at position: SourcePosition? = nil) {
        self.message = message
        self.position = position
    }
}
