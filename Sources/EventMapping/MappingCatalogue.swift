import Foundation
import FHIRPath
import ChildHealthEvents

/// The mapping files of one source kind (`csv`, `hl7v2`), loaded and checked, by event.
///
/// The shipped files are resources of this module (`Sources/EventMapping/Mappings/<kind>/*.yaml`);
/// an integrator's own folder (`dch map --mappings DIR`) is laid out the same way and replaces
/// them. Files whose name starts with `_` are fragments that mapping files `include:`.
public struct MappingCatalogue: Sendable {
    /// The source kind of every mapping.
    public let kind: String
    /// The mappings, ordered by file name.
    public let mappings: [MappingDefinition]
    /// The fields of each fragment (`_common.yaml`), by file name.
    public let fragments: [String: [MappingField]]

    /// The environment variable that points at a mappings folder to use instead of the shipped one.
    public static let overrideVariable = "DCH_MAPPINGS"

    /// The folder of the shipped mapping files: `$DCH_MAPPINGS`; else the module's resource bundle
    /// beside the executable (where SwiftPM puts it); else `../share/dch/Mappings` from the
    /// executable (where scripts/install puts it). Found by hand rather than by `Bundle.module`,
    /// which ends the process when its bundle is missing.
    public static var shippedFolder: URL? {
        if let value = ProcessInfo.processInfo.environment[overrideVariable], !value.isEmpty {
            return URL(fileURLWithPath: value)
        }
        let folder = Bundle.main.bundleURL.resolvingSymlinksInPath()
        #if canImport(Darwin)
        let bundleName = "dch_EventMapping.bundle"
        #else
        let bundleName = "dch_EventMapping.resources"
        #endif
        let bundle = folder.appendingPathComponent(bundleName)
        let candidates = [
            (Bundle(url: bundle)?.resourceURL ?? bundle).appendingPathComponent("Mappings"),
            folder.appendingPathComponent("../share/dch/Mappings").standardizedFileURL,
        ]
        return candidates.first { FileManager.default.fileExists(atPath: $0.path) }
    }

    /// The mapping files of `kind` in `folder` (its `kind` subfolder), or the shipped ones.
    /// - Throws: ``MappingFileError`` for the first file that cannot be used.
    public init(kind: String, folder: URL? = nil, fhirpath: FHIRPathEngine, events: EventCatalogue) throws {
        guard let base = folder ?? Self.shippedFolder else {
            throw MappingFileError(position: .init(file: "Mappings", line: 1, column: 1), key: "",
                                   message: "the shipped mapping files were not found (beside the executable, or ../share/dch/Mappings); reinstall dch (scripts/install) or set \(Self.overrideVariable)")
        }
        let dir = base.appendingPathComponent(kind)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        guard !names.isEmpty else {
            throw MappingFileError(position: .init(file: dir.path, line: 1, column: 1), key: "",
                                   message: "no mapping files (\(kind)/*.yaml) in this folder")
        }
        let loader = MappingFileLoader(fhirpath: fhirpath, events: events) { name, from in
            let url = URL(fileURLWithPath: from).deletingLastPathComponent().appendingPathComponent(name)
            let text = try Self.text(of: url, or: MappingFileError(position: .init(file: from, line: 1, column: 1), key: "include",
                                                                   message: "the fragment '\(name)' cannot be read at \(url.path)"))
            return (text, url.path)
        }
        var mappings: [MappingDefinition] = []
        for name in names.sorted() where name.hasSuffix(".yaml") && !name.hasPrefix("_") {
            let url = dir.appendingPathComponent(name)
            let text = try Self.text(of: url)
            mappings.append(try loader.load(text, file: url.path, name: kind + "/" + String(name.dropLast(5))))
        }
        var fragments: [String: [MappingField]] = [:]
        for name in names where name.hasSuffix(".yaml") && name.hasPrefix("_") {
            let url = dir.appendingPathComponent(name)
            let text = try Self.text(of: url)
            fragments[name] = try loader.loadFragment(text, file: url.path).fields
        }
        self.kind = kind
        self.mappings = mappings
        self.fragments = fragments
    }

    /// The UTF-8 text of the file at `url`, or `failure` (by default: the file cannot be read as text).
    private static func text(of url: URL, or failure: MappingFileError? = nil) throws -> String {
        guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
            throw failure ?? MappingFileError(position: .init(file: url.path, line: 1, column: 1), key: "", message: "cannot be read as UTF-8 text")
        }
        return text
    }

    /// The mapping of the event with this code (and system, when the mapping names one).
    public func mapping(eventCode: String, system: String?) -> MappingDefinition? {
        mappings.first { $0.eventCode == eventCode && ($0.eventSystem == nil || system == nil || $0.eventSystem == system) }
    }

    /// The event codes that have a mapping, in catalogue order.
    public var eventCodes: [String] { mappings.map(\.eventCode) }
}
