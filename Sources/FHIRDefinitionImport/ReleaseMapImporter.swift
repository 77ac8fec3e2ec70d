import Foundation
import FHIRModel

/// Imports the maps dch ships for moving resources between STU3 and R4 (`Schemas/maps/`): the
/// official HL7 cross-version maps (`../shared/fhir-cross-version`: `R3toR4/`, `R4toR3/`, the code
/// ConceptMaps of `codes/` and `resources/`) with dch's fixes (``ReleaseMapFix/all``) applied, and
/// NHS England's CareConnect -> UK Core AllergyIntolerance map (`../shared/nhs-careconnect-to-ukcore`),
/// its FML taken out of its Markdown page.
///
/// The output is a set of files by relative path (``render()``), so a test can compare it with the
/// shipped copy byte for byte. Line ends are normalised to LF; nothing else changes except the fixes.
public struct ReleaseMapImporter {
    /// The shared folder (holding `fhir-cross-version/` and `nhs-careconnect-to-ukcore/`).
    public var sharedRoot: URL
    /// The fixes applied to the official maps.
    public var fixes: [ReleaseMapFix]

    /// The folder of the maps inside the pack folder.
    public static let folderName = "maps"
    /// The NHS England map taken in: the Markdown page holding its FML, and the file it ships as.
    static let profileMaps = [("FML-CareConnet-to-UKCore-AllergyIntolerance3to4.md", "CareConnect-to-UKCore-AllergyIntolerance3to4.fml")]

    /// An importer reading `sharedRoot`.
    public init(sharedRoot: URL, fixes: [ReleaseMapFix] = ReleaseMapFix.all) {
        self.sharedRoot = sharedRoot
        self.fixes = fixes
    }

    /// The files of the maps folder by relative path. Throws when a source is missing or a fix no
    /// longer applies exactly once (the official text changed: review the fix).
    public func render() throws -> [String: Data] {
        let official = sharedRoot.appendingPathComponent("fhir-cross-version")
        var files: [String: Data] = [:]
        var applied = Set<Int>()
        for direction in ["R3toR4", "R4toR3"] {
            let folder = official.appendingPathComponent(direction)
            for name in try listing(folder, suffix: ".fml") {
                var text = Self.normalised(try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8))
                for (k, fix) in fixes.enumerated() where fix.file == direction + "/" + name {
                    text = try fix.apply(to: text)
                    applied.insert(k)
                }
                files[direction + "/" + name] = Data(text.utf8)
            }
        }
        for (k, fix) in fixes.enumerated() where !applied.contains(k) {
            throw IssuesError(Issue(.fatal, .processing, rule: "maps.fix", "fix for \(fix.file) names no official map file"))
        }
        var conceptMaps = Data()
        for sub in ["codes", "resources"] {
            let folder = official.appendingPathComponent(sub)
            for name in try listing(folder, suffix: ".json") {
                conceptMaps.append(try Self.compactJSON(Data(contentsOf: folder.appendingPathComponent(name)), file: sub + "/" + name))
                conceptMaps.append(UInt8(ascii: "\n"))
            }
        }
        files["conceptmaps.ndjson"] = conceptMaps
        let nhs = sharedRoot.appendingPathComponent("nhs-careconnect-to-ukcore")
        for (page, name) in Self.profileMaps {
            let markdown = try String(contentsOf: nhs.appendingPathComponent(page), encoding: .utf8)
            files["nhs/" + name] = Data(Self.fencedCode(Self.normalised(markdown)).utf8)
        }
        return files
    }

    /// Writes the maps into `packFolder/maps/`, replacing what was there.
    public func write(toPack packFolder: URL) throws {
        let folder = packFolder.appendingPathComponent(Self.folderName)
        try? FileManager.default.removeItem(at: folder)
        for (path, data) in try render() {
            let url = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url, options: .atomic)
        }
    }

    private func listing(_ folder: URL, suffix: String) throws -> [String] {
        guard FileManager.default.fileExists(atPath: folder.path) else {
            throw IssuesError(Issue(.fatal, .processing, rule: "maps.missing", "\(folder.path) is missing"))
        }
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(suffix) }.sorted()
    }

    /// LF line ends (279 of the 296 official maps use CRLF).
    static func normalised(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n")
    }

    /// The text of the first ``` fence of a Markdown page (the page itself when it has none).
    static func fencedCode(_ markdown: String) -> String {
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false)
        guard let open = lines.firstIndex(where: { $0.hasPrefix("```") }),
              let close = lines[(open + 1)...].firstIndex(where: { $0.hasPrefix("```") }) else { return markdown }
        return lines[(open + 1)..<close].joined(separator: "\n") + "\n"
    }

    /// A JSON resource on one line, keys sorted (stable across runs).
    static func compactJSON(_ data: Data, file: String) throws -> Data {
        do {
            let object = try JSONSerialization.jsonObject(with: data)
            return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        } catch {
            throw IssuesError(Issue(.fatal, .processing, rule: "maps.conceptmap", "\(file): \(error)"))
        }
    }
}
