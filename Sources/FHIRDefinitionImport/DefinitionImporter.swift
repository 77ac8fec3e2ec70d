import Foundation
import FHIRModel
import FHIRDefinitions
import FHIRXML
import FHIRJSON
import ZIPFoundation
import FHIRConversion

/// Builds the definition pack from the official definition files.
///
/// The inputs are the FHIR STU3 core package (JSON) and the NHS / CareConnect assets (XML), laid out as
/// in the project's `shared/` folder. Both formats are read with dch's own codecs, untyped, so the
/// importer needs no pack to build the pack.
public struct DefinitionImporter {
    /// One group of input files and the pack file its records go to.
    public struct Source: Sendable {
        /// The pack data file the records go to.
        public var packFile: String
        /// Folder (all `.xml`/`.json` files in it) or single file, relative to the shared root.
        public var path: String
        /// When false, a missing path is an error; when true it is skipped with a note.
        public var optional: Bool
        /// For a `.zip` path: only members whose name starts with one of these prefixes (all when empty).
        public var zipMemberPrefixes: [String]
        /// File names of a folder that are not definitions to ship (the R4 package's two spec examples).
        public var excludedFiles: Set<String>
        /// When true, a StructureDefinition with a differential only gets its snapshot from
        /// ``SnapshotGenerator`` (UK Core publishes no snapshots); when false it is left out.
        public var generateSnapshots: Bool

        /// A source: a folder, a file or a zip under the shared root.
        public init(packFile: String, path: String, optional: Bool = false, zipMemberPrefixes: [String] = [],
                    excludedFiles: Set<String> = [], generateSnapshots: Bool = false) {
            self.packFile = packFile; self.path = path; self.optional = optional
            self.zipMemberPrefixes = zipMemberPrefixes; self.excludedFiles = excludedFiles
            self.generateSnapshots = generateSnapshots
        }
    }

    /// What an import did.
    public struct Report: Sendable {
        /// Number of StructureDefinitions imported.
        public var structures = 0
        /// How many of them got a snapshot generated from their differential.
        public var generatedSnapshots = 0
        /// Number of ValueSets imported.
        public var valueSets = 0
        /// Number of CodeSystems imported.
        public var codeSystems = 0
        /// Number of files (and zip members) read.
        public var filesRead = 0
        /// Definitions left out (with why): duplicates of an earlier source, no snapshot, other resources;
        /// and what snapshot generation found (one line per issue, naming profile and element id).
        public var notes: [String] = []
        /// The issues of snapshot generation, each with the source file.
        public var snapshotIssues: [Issue] = []
    }

    /// The standard sources, in precedence order (an earlier source wins a duplicate URL).
    public static let standardSources: [Source] = [
        Source(packFile: "core-structures.ndjson", path: "fhir-stu3/hl7.fhir.core-3.0.1/StructureDefinition"),
        Source(packFile: "core-extensions.ndjson", path: "fhir-stu3/hl7.fhir.core-3.0.1/Bundle-extensions.json"),
        Source(packFile: "core-terminology.ndjson", path: "fhir-stu3/hl7.fhir.core-3.0.1-package-subset.zip",
               zipMemberPrefixes: ["ValueSet-", "CodeSystem-"]),
        Source(packFile: "nhs-structures.ndjson", path: "corpus/nhs-stu3-assets/StructureDefinitions"),
        Source(packFile: "nhs-other-structures.ndjson", path: "corpus/nhs-stu3-assets/StructureDefinitions-other-families.zip"),
        Source(packFile: "nhs-terminology.ndjson", path: "corpus/nhs-stu3-assets/ValueSets"),
        Source(packFile: "nhs-terminology.ndjson", path: "corpus/nhs-stu3-assets/CodeSystems"),
        Source(packFile: "careconnect-structures.ndjson", path: "corpus/careconnect-stu3/StructureDefinitions", optional: true),
        Source(packFile: "careconnect-terminology.ndjson", path: "corpus/careconnect-stu3/ValueSets", optional: true),
        Source(packFile: "careconnect-terminology.ndjson", path: "corpus/careconnect-stu3/CodeSystems", optional: true),
    ]

    /// The R4 part of the pack (``DefinitionPackLayout/r4Folder``): the R4 core 4.0.1 package and UK Core,
    /// in precedence order. UK Core's released line (STU2 2.0.2) comes before its current build, which
    /// adds what the release lacks (UKCore-Bundle, UKCore-MessageHeader, vital signs).
    public static let r4Sources: [Source] = [
        Source(packFile: "core-structures.ndjson", path: "fhir-r4/hl7.fhir.r4.core-4.0.1/StructureDefinition",
               excludedFiles: ["StructureDefinition-example-composition.json", "StructureDefinition-example-section-library.json"]),
        Source(packFile: "core-terminology.ndjson", path: "fhir-r4/hl7.fhir.r4.core-4.0.1-package.zip",
               zipMemberPrefixes: ["ValueSet-", "CodeSystem-"]),
        Source(packFile: "ukcore-structures.ndjson", path: "fhir-r4/uk-core/stu2-2.0.2/structuredefinitions",
               generateSnapshots: true),
        Source(packFile: "ukcore-structures.ndjson", path: "fhir-r4/uk-core/stu3-currentbuild-main/structuredefinitions",
               generateSnapshots: true),
        Source(packFile: "ukcore-terminology.ndjson", path: "fhir-r4/uk-core/stu2-2.0.2/valuesets"),
        Source(packFile: "ukcore-terminology.ndjson", path: "fhir-r4/uk-core/stu2-2.0.2/codesystems"),
        Source(packFile: "ukcore-terminology.ndjson", path: "fhir-r4/uk-core/stu3-currentbuild-main/valuesets"),
        Source(packFile: "ukcore-terminology.ndjson", path: "fhir-r4/uk-core/stu3-currentbuild-main/codesystems"),
    ]

    /// The folder holding `fhir-stu3/` and `corpus/`.
    public var sharedRoot: URL
    /// What to read, in precedence order.
    public var sources: [Source]

    /// An importer over a shared folder.
    public init(sharedRoot: URL, sources: [Source] = DefinitionImporter.standardSources) {
        self.sharedRoot = sharedRoot
        self.sources = sources
    }

    /// Reads every source and returns the pack writer holding the records, with a report.
    public func run() throws -> (DefinitionPackWriter, Report) {
        var writer = DefinitionPackWriter()
        var report = Report()
        var seen = Set<String>()
        let structures = StructureImporter()
        let terminology = TerminologyImporter()
        // Differential-only definitions wait until every source is read: their bases may come later.
        let generator = sources.contains(where: \.generateSnapshots) ? SnapshotGenerator() : nil
        var differentialOnly: [(definition: Element, file: String, packFile: String)] = []
        for source in sources {
            for input in try inputs(of: source, report: &report) {
                report.filesRead += 1
                let relative = input.name
                for resource in try resources(in: input.data, name: relative, report: &report) {
                    guard let url = resource.string("url") else { continue }
                    let key = "\(resource.resourceType ?? "")|\(url)"
                    guard seen.insert(key).inserted else {
                        report.notes.append("\(relative): \(url) already imported from an earlier source; skipped")
                        continue
                    }
                    switch resource.resourceType {
                    case "StructureDefinition":
                        generator?.register(resource)
                        if resource.child("snapshot") == nil, source.generateSnapshots, resource.child("differential") != nil {
                            differentialOnly.append((resource, relative, source.packFile))
                            continue
                        }
                        guard resource.child("snapshot") != nil else {
                            report.notes.append("\(relative): \(url) has no snapshot; skipped")
                            continue
                        }
                        try writer.add(try structures.record(from: resource, source: relative), file: source.packFile)
                        report.structures += 1
                    case "ValueSet":
                        try writer.add(try terminology.valueSet(resource, source: relative), file: source.packFile)
                        report.valueSets += 1
                    case "CodeSystem":
                        try writer.add(try terminology.codeSystem(resource, source: relative), file: source.packFile)
                        report.codeSystems += 1
                    default:
                        report.notes.append("\(relative): \(resource.resourceType ?? "?") is not a definition; skipped")
                    }
                }
            }
        }
        if let generator {
            for pending in differentialOnly {
                let outcome = generator.generate(pending.definition)
                for var issue in outcome.issues {
                    issue.file = pending.file
                    report.snapshotIssues.append(issue)
                    report.notes.append("\(pending.file): snapshot: \(issue.severity.rawValue): \(issue.message) (\(issue.path ?? ""))")
                }
                guard let definition = outcome.structureDefinition else { continue }
                try writer.add(try structures.record(from: definition, source: pending.file), file: pending.packFile)
                report.structures += 1
                report.generatedSnapshots += 1
            }
        }
        return (writer, report)
    }

    /// The named inputs of a source: the files of a folder, a file, or the members of a zip.
    private func inputs(of source: Source, report: inout Report) throws -> [(name: String, data: Data)] {
        let url = sharedRoot.appendingPathComponent(source.path)
        if url.pathExtension == "zip" && FileManager.default.fileExists(atPath: url.path) {
            let archive = try Archive(url: url, accessMode: .read)
            return try archive.filter { entry in
                let member = entry.path.split(separator: "/").last.map(String.init) ?? entry.path
                return entry.type == .file && ["xml", "json"].contains(URL(fileURLWithPath: member).pathExtension.lowercased())
                    && (source.zipMemberPrefixes.isEmpty || source.zipMemberPrefixes.contains { member.hasPrefix($0) })
            }
            .sorted { $0.path < $1.path }
            .map { entry in
                var data = Data()
                _ = try archive.extract(entry, skipCRC32: false) { data.append($0) }
                return (source.path + "!" + entry.path, data)
            }
        }
        return try files(of: source, report: &report).map { file in
            let name = file.path == url.path ? source.path : source.path + "/" + file.lastPathComponent
            return (name, try Data(contentsOf: file))
        }
    }

    private func files(of source: Source, report: inout Report) throws -> [URL] {
        let url = sharedRoot.appendingPathComponent(source.path)
        guard let info = try? POSIXFile.status(url.path) else {
            if source.optional {
                report.notes.append("\(source.path): not present; skipped")
                return []
            }
            throw IssuesError(Issue(.fatal, .processing, rule: DefinitionRule.importMissingSource,
                                    "definition source \(url.path) not found"))
        }
        guard POSIXFile.kind(info) == S_IFDIR else { return [url] }
        return try FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)
            .filter { ["xml", "json"].contains($0.pathExtension.lowercased()) && !source.excludedFiles.contains($0.lastPathComponent) }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// The resources of a file: the file's resource, or the entries of a Bundle.
    private func resources(in data: Data, name: String, report: inout Report) throws -> [Element] {
        let decoded: Decoded
        do {
            // Some official files lack the FHIR namespace, one has a stray character: read them, and say so in the report.
            decoded = MessageFormat.detect(data) == .xml
                ? try FHIRXMLReader(options: XMLReadOptions(lenientNamespaces: true, lenientText: true)).read(data)
                : try FHIRJSONReader().read(data)
        } catch var error as IssuesError {
            for i in error.issues.indices { error.issues[i].file = name }
            throw error
        }
        if let first = decoded.issues.first {
            report.notes.append("\(name): read with \(decoded.issues.count) warning(s), first: \(first.message)")
        }
        let root = decoded.root
        guard root.resourceType == "Bundle" else { return [root] }
        return root.children(named: "entry").compactMap { $0.child("resource") }
    }
}
