import Foundation
import FHIRModel
import FHIRDefinitions
import FHIRJSON

/// A direction between FHIR releases, as the official cross-version maps name them.
public enum ReleaseDirection: String, Sendable, CaseIterable {
    /// STU3 (3.0.1) to R4 (4.0.1): the `R3toR4` maps, URLs `…/{Type}3to4`.
    case stu3ToR4 = "R3toR4"
    /// R4 to STU3: the `R4toR3` maps, URLs `…/{Type}4to3`.
    case r4ToSTU3 = "R4toR3"

    /// The release of the input.
    public var source: FHIRVersion { self == .stu3ToR4 ? .stu3 : .r4 }
    /// The release of the output.
    public var target: FHIRVersion { self == .stu3ToR4 ? .r4 : .stu3 }
    /// The suffix of the official map URLs and names (`3to4`).
    public var suffix: String { self == .stu3ToR4 ? "3to4" : "4to3" }
    /// The folder of the maps in the official repository and in the shipped copy.
    public var folder: String { rawValue }
    /// The URL prefix of the official maps.
    public static let officialPrefix = "http://hl7.org/fhir/uv/xver/StructureMap/"
    /// The older URL scheme (`http://hl7.org/fhir/StructureMap/{Type}3to4`) the HL7 validator asks
    /// for and profile maps (NHS England's) import: every official map is also registered under it.
    public static let legacyPrefix = "http://hl7.org/fhir/StructureMap/"
}

/// The maps dch ships for moving resources between releases (`Schemas/maps/`, written by
/// `dch pack build` from the official HL7 maps with dch's fixes applied; see the README).
///
/// Layout: `R3toR4/*.fml` and `R4toR3/*.fml` (one map per file), `conceptmaps.ndjson` (the code
/// ConceptMaps the maps translate with, one JSON resource a line) and `nhs/*.fml` (NHS England's
/// CareConnect -> UK Core profile maps, the example of a profile-level map; not loaded by default).
/// Read only when a release mapping is asked for, so no other command pays for it.
public struct ReleaseMapSet: Sendable {
    /// The folder holding the maps.
    public let folder: URL

    /// The name of the maps folder inside the definition pack folder.
    public static let folderName = "maps"
    /// The ConceptMaps file in the maps folder.
    public static let conceptMapsFile = "conceptmaps.ndjson"
    /// The folder of the NHS England profile maps.
    public static let profileMapsFolder = "nhs"

    /// The maps in `folder`.
    public init(folder: URL) { self.folder = folder }

    /// The maps shipped with dch, beside the definition pack.
    public static func shipped() throws -> ReleaseMapSet {
        guard let pack = DefinitionPackLayout.locateShippedPack() else {
            throw IssuesError(Issue(.fatal, .processing, rule: DefinitionRule.packMissing, DefinitionPackLayout.notFoundMessage))
        }
        return ReleaseMapSet(folder: pack.appendingPathComponent(folderName))
    }

    /// The FML files of a direction, sorted by name.
    public func mapFiles(_ direction: ReleaseDirection) throws -> [URL] {
        try Self.fmlFiles(in: folder.appendingPathComponent(direction.folder))
    }

    /// The NHS England profile maps, sorted by name.
    public func profileMapFiles() throws -> [URL] {
        try Self.fmlFiles(in: folder.appendingPathComponent(Self.profileMapsFolder))
    }

    static func fmlFiles(in folder: URL) throws -> [URL] {
        guard FileManager.default.fileExists(atPath: folder.path) else {
            throw IssuesError(Issue(.fatal, .processing, rule: FMLRule.execution,
                "the release maps are missing (\(folder.path)); regenerate the pack with `dch pack build`"))
        }
        return try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "fml" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// The library of a direction: every map of it under its URL and the legacy URL
    /// (``ReleaseDirection/legacyPrefix`` + its name), and every ConceptMap. A shipped map that does
    /// not parse is an error (the pack is broken).
    public func library(_ direction: ReleaseDirection) throws -> MapLibrary {
        var library = MapLibrary()
        for file in try mapFiles(direction) {
            let parsed = FMLParser.parse(try String(contentsOf: file, encoding: .utf8))
            if let issue = parsed.issues.first(where: { $0.severity >= .error }) {
                throw IssuesError(Issue(.fatal, .processing, rule: FMLRule.syntax,
                    "shipped map \(direction.folder)/\(file.lastPathComponent): \(issue.message)", position: issue.position))
            }
            library.add(parsed.map, alsoAs: [ReleaseDirection.legacyPrefix + parsed.map.name])
        }
        try addConceptMaps(to: &library)
        return library
    }

    /// Adds every shipped ConceptMap to `library`.
    public func addConceptMaps(to library: inout MapLibrary) throws {
        let data = try Data(contentsOf: folder.appendingPathComponent(Self.conceptMapsFile))
        let reader = FHIRJSONReader()
        for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            library.add(conceptMap: try reader.read(Data(line)).root)
        }
    }
}
