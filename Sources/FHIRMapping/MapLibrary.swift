import FHIRModel

/// The maps and ConceptMaps a transformation may use, indexed by canonical URL: the map that runs,
/// the maps it imports (wildcards such as `…/StructureMap/*3to4` included) and the ConceptMaps its
/// `translate` calls name.
///
/// Build it once, then share it between transformations (it is not changed by running maps).
public struct MapLibrary: Sendable {
    /// The maps by URL (a later map with the same URL replaces the earlier: a profile map replaces
    /// the base map it refines).
    public private(set) var maps: [String: StructureMap] = [:]
    /// The ConceptMaps by URL (and by their predecessors' URLs).
    public private(set) var conceptMaps: [String: ConceptMapTable] = [:]

    /// An empty library.
    public init() {}

    /// Adds a map under its URL and under any extra URLs (`alsoAs`: an alias scheme such as
    /// `http://hl7.org/fhir/StructureMap/{name}`, so that maps importing that scheme find it).
    public mutating func add(_ map: StructureMap, alsoAs extraURLs: [String] = []) {
        maps[map.url] = map
        for url in extraURLs { maps[url] = map }
        for embedded in map.conceptMaps {
            conceptMaps["#" + embedded.id + "|" + map.url] = ConceptMapTable(embedded)
        }
    }

    /// Adds a ConceptMap resource (STU3/R4 `equivalence` or R5 `relationship`), under its URL and
    /// the URLs of the predecessors it names (`relatedArtifact[type=predecessor]`): the official
    /// maps call some ConceptMaps by those older URLs.
    public mutating func add(conceptMap resource: Element) {
        let table = ConceptMapTable(resource: resource)
        if let url = resource.child("url")?.value { conceptMaps[url] = table }
        for artifact in resource.children(named: "relatedArtifact") where artifact.child("type")?.value == "predecessor" {
            if let url = artifact.child("resource")?.value ?? artifact.child("url")?.value {
                conceptMaps[url] = conceptMaps[url] ?? table
            }
        }
    }

    /// Adds a ConceptMap table under a URL (to share tables between libraries).
    public mutating func add(conceptMapTable table: ConceptMapTable, url: String) {
        conceptMaps[url] = table
    }

    /// The ConceptMap a translate call names: `#id` (declared in `map`), `mapURL#id`, or a URL.
    public func conceptMap(_ reference: String, in map: StructureMap) -> ConceptMapTable? {
        if reference.hasPrefix("#") { return conceptMaps[reference + "|" + map.url] }
        if let hash = reference.firstIndex(of: "#"), let owner = maps[String(reference[..<hash])] {
            return conceptMaps[String(reference[hash...]) + "|" + owner.url]
        }
        return conceptMaps[reference]
    }

    /// The maps an `imports` URL names: the map with that URL, or for a wildcard every map whose
    /// URL begins with the text before `*`, ends with the text after it, and is longer than the mask.
    public func imported(_ mask: String) -> [StructureMap] {
        guard let star = mask.firstIndex(of: "*") else { return maps[mask].map { [$0] } ?? [] }
        let prefix = mask[..<star], suffix = mask[mask.index(after: star)...]
        var seen = Set<String>()
        var found: [StructureMap] = []
        for (url, map) in maps.sorted(by: { $0.key < $1.key })
        where url.count > mask.count && url.hasPrefix(prefix) && url.hasSuffix(suffix) {
            if seen.insert(map.url).inserted { found.append(map) }
        }
        return found
    }

    /// The maps whose groups `map` may call beyond its own: those of its direct imports (not
    /// transitive; itself excluded), each once.
    func importedMaps(of map: StructureMap) -> [StructureMap] {
        var seen: Set<String> = [map.url]
        var found: [StructureMap] = []
        for mask in map.imports {
            for imported in imported(mask) where seen.insert(imported.url).inserted { found.append(imported) }
        }
        return found
    }
}
