import ArgumentParser
import Foundation
import FHIRModel
import FHIRDefinitions
import FHIRConversion
import FHIRMapping

/// The options `dch map --from stu3|r4 --to r4|stu3` adds to `dch map` (which shares `--from`,
/// `--to`, `--report` and `-o` with its other edges).
struct ReleaseMapOptions: ParsableArguments {
    @Option(name: .customLong("map"), help: "STU3 <-> R4: an FML map (.fml, .fml.md), a StructureMap (.json/.xml) or the URL of a shipped map, added to the official maps or replacing the map of the same URL or resource type; repeatable.")
    var maps: [String] = []

    @Option(name: .customLong("format"), help: "STU3 <-> R4: output format (xml|json); by default that of -o FILE's extension, else the input's.")
    var format: MessageFormat?

    /// The direction `--from`/`--to` name, nil when they name no pair of releases.
    static func direction(_ from: MapCommand.Format?, _ to: MapCommand.Format?) -> ReleaseDirection? {
        switch (from, to) {
        case (.stu3?, .r4?): return .stu3ToR4
        case (.r4?, .stu3?): return .r4ToSTU3
        default: return nil
        }
    }

    func validate(inputs: [String], output: String?) throws {
        try OutputGuard.refuse(output, overwriting: inputs)
        if inputs.count > 1, output == nil { throw ValidationError("several inputs need -o DIR") }
    }
}

/// `dch map --from stu3 --to r4` (and back): whole messages and single resources moved between
/// releases with the official HL7 maps dch ships (``ReleaseMapSet``), plus `--map` maps.
///
/// Input XML or JSON (detected); output in `--format`, else the extension of `-o FILE`, else the
/// input's format; written with the target release's codecs. What no rule carried over is counted
/// on stderr (`--report` lists it). Exit codes: 0 every input mapped; 1 an input could not be read
/// as FHIR or mapped (no map for its type, a map failed); 2 usage or I/O error.
enum MapFHIRVersions {
    static func run(_ command: MapCommand) throws {
        guard let direction = ReleaseMapOptions.direction(command.from, command.to) else { return }
        let options = command.release, inputs = command.inputPaths, output = command.output
        let mapper = try runReportingIssues { try makeMapper(direction, extraMaps: options.maps) }
        let reader = try runReportingIssues { try Converter(fhirVersion: direction.source) }
        let writer = try runReportingIssues { try Converter(fhirVersion: direction.target) }
        let toFolder = output.map { inputs.count > 1 || POSIXFile.isDirectory($0) } ?? false
        var exit = ExitStatus()
        for input in inputs {
            let name = input == "-" ? "<stdin>" : input
            guard let data = readInput(input, name: name, exit: &exit) else { continue }
            do {
                let decoded = try reader.read(data)
                let result = try mapper.map(decoded.root)
                let format = options.format ?? fileFormat(output, isFolder: toFolder) ?? decoded.format
                let encoded = try writer.write(result.output, format: format)
                report(decoded.issues.filter { $0.severity >= .warning } + encoded.issues, file: name)
                try write(encoded.bytes, input: input, format: format, output: output, toFolder: toFolder)
                summarise(result, name: name, listing: command.report)
            } catch let error as IssuesError {
                report(error.issues, file: name)
                exit.record(.failed)
            } catch {
                printError("\(name): error: \(error.localizedDescription)")
                exit.record(.ioError)
            }
        }
        try exit.finish()
    }

    /// The mapper of a direction: the shipped maps and ConceptMaps, then each `--map` in order.
    static func makeMapper(_ direction: ReleaseDirection, extraMaps: [String]) throws -> ReleaseMapper {
        let shipped = try ReleaseMapSet.shipped()
        let library = try shipped.library(direction)
        var added: [StructureMap] = []
        for given in extraMaps { added.append(try loadMap(given, shipped: shipped)) }
        return ReleaseMapper(direction: direction, library: library, addedMaps: added,
                             sourcePack: try DefinitionPack.shipped(direction.source),
                             targetPack: try DefinitionPack.shipped(direction.target))
    }

    /// A `--map`: a file (FML, Markdown with FML, StructureMap JSON/XML), or the URL of a shipped
    /// profile map (`nhs/`).
    static func loadMap(_ given: String, shipped: ReleaseMapSet) throws -> StructureMap {
        if given.contains("://"), !FileManager.default.fileExists(atPath: given) {
            for file in try shipped.profileMapFiles() {
                let parsed = FMLParser.parse(try String(contentsOf: file, encoding: .utf8))
                if parsed.map.url == given { return parsed.map }
            }
            throw IssuesError(Issue(.fatal, .processing, rule: FMLRule.execution,
                "--map \(given): no shipped profile map has this URL (the official maps are loaded already)"))
        }
        let loaded = MapCheck.load(given)
        var issues = loaded.issues.filter { $0.severity >= .error }
        for i in issues.indices { issues[i].file = given }
        guard issues.isEmpty, let map = loaded.map else {
            throw IssuesError(issues.isEmpty ? [Issue(.fatal, .processing, rule: FMLRule.syntax, "\(given): no map")] : issues)
        }
        return map
    }

    static func fileFormat(_ output: String?, isFolder: Bool) -> MessageFormat? {
        guard let output, !isFolder else { return nil }
        switch (output as NSString).pathExtension.lowercased() {
        case "xml": return .xml
        case "json": return .json
        default: return nil
        }
    }

    static func write(_ bytes: [UInt8], input: String, format: MessageFormat, output: String?, toFolder: Bool) throws {
        guard let output else {
            FileHandle.standardOutput.write(Data(bytes))
            return
        }
        var path = output
        if toFolder {
            let base = input == "-" ? "stdin" : ((input as NSString).lastPathComponent as NSString).deletingPathExtension
            path = (output as NSString).appendingPathComponent(base + "." + format.rawValue)
        }
        try writeAtomically(bytes, to: path)
    }

    /// What was not carried over: counted, or listed with `--report`.
    static func summarise(_ result: MappingResult, name: String, listing: Bool) {
        let lost = result.unconsumedElements
        if listing {
            for element in lost { printError("\(name): not mapped: \(element.path) (\(element.kind.rawValue))") }
        }
        if !lost.isEmpty {
            printError("\(name): \(lost.count) element\(lost.count == 1 ? "" : "s") not mapped\(listing ? "" : " (--report lists them)")")
        }
    }
}
