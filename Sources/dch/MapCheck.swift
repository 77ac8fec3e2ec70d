import ArgumentParser
import Foundation
import FHIRModel
import FHIRJSON
import FHIRXML
import FHIRMapping

/// `dch map --check`: reads maps (FML, Markdown with an FML block, StructureMap JSON or XML) and
/// reports each syntax or reference error in compiler style, `FILE:LINE:COL: error: message`.
///
/// Imports are resolved against the other maps given and the `.fml` files beside each map, so
/// that an official map's calls into its sibling maps are checked too.
enum MapCheck {
    /// Checks every file; returns true when none has an error.
    static func run(_ files: [String]) -> Bool {
        var loaded: [(file: String, map: StructureMap?, issues: [Issue])] = []
        for file in files { loaded.append(load(file)) }
        var library = MapLibrary()
        var folders = Set<String>()
        for file in files { folders.insert((file as NSString).deletingLastPathComponent) }
        for folder in folders.sorted() {
            let path = folder.isEmpty ? "." : folder
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            for name in names.sorted() where name.hasSuffix(".fml") {
                if let text = try? String(contentsOfFile: (path as NSString).appendingPathComponent(name), encoding: .utf8) {
                    let parsed = FMLParser.parse(text)
                    if parsed.issues.isEmpty { library.add(parsed.map) }
                }
            }
        }
        for entry in loaded { if let map = entry.map { library.add(map) } }
        var clean = true
        for entry in loaded {
            var issues = entry.issues
            if let map = entry.map {
                issues += MapReferenceCheck.check(map, library: library)
            }
            issues.sort { ($0.position ?? .unknown) < ($1.position ?? .unknown) }
            for var issue in issues {
                issue.file = entry.file
                printError(issue.description)
            }
            if issues.contains(where: { $0.severity >= .error }) { clean = false }
        }
        return clean
    }

    /// A map from a file: FML (or Markdown holding FML), or a StructureMap resource.
    static func load(_ file: String) -> (file: String, map: StructureMap?, issues: [Issue]) {
        let data: Data
        do {
            data = try readInput(file)
        } catch {
            return (file, nil, [Issue(.fatal, .processing, rule: FMLRule.syntax, "cannot read: \(error.localizedDescription)")])
        }
        let text = String(decoding: data, as: UTF8.self)
        let start = text.drop { $0.isWhitespace }.first
        do {
            if start == "{" {
                return (file, try StructureMapResource.map(from: try FHIRJSONReader().read(data).root), [])
            }
            if start == "<" {
                return (file, try StructureMapResource.map(from: try FHIRXMLReader().read(data).root), [])
            }
        } catch let error as IssuesError {
            return (file, nil, error.issues)
        } catch {
            return (file, nil, [Issue(.error, .structure, rule: FMLRule.structureMap, "\(error)")])
        }
        let parsed = FMLParser.parse(text)
        return (file, parsed.map, parsed.issues)
    }
}
