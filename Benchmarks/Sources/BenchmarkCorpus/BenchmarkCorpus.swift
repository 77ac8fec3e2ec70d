import Foundation
import FHIRConversion
import FHIRDefinitions

/// The messages the benchmarks convert, loaded once into memory: every XML message of the corpus
/// (`../shared/corpus`, or `Samples/` when the corpus is absent) and their JSON forms made by dch.
public struct BenchmarkCorpus {
    public let converter: Converter
    public let xml: [Data]
    public let json: [Data]
    public let xmlFiles: [URL]

    public var xmlBytes: Int { xml.reduce(0) { $0 + $1.count } }
    public var jsonBytes: Int { json.reduce(0) { $0 + $1.count } }

    public static func packageRoot() -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    public init() throws {
        let root = Self.packageRoot()
        converter = Converter(pack: try DefinitionPack(directory: root.appendingPathComponent(DefinitionPackLayout.packageFolder)))
        let shared = root.deletingLastPathComponent().appendingPathComponent("shared/corpus")
        // DCH_BENCH_PREFIX=DCH- restricts every row to the files whose names start so.
        let only = ProcessInfo.processInfo.environment["DCH_BENCH_PREFIX"] ?? ""
        let folders = FileManager.default.fileExists(atPath: shared.path)
            ? [shared.appendingPathComponent("nems-examples"), shared.appendingPathComponent("nhs-stu3-assets/Examples")]
            : [root.appendingPathComponent("Samples")]
        xmlFiles = try folders.flatMap { folder in
            try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "xml" && $0.lastPathComponent.hasPrefix(only) }
        }.sorted { $0.path < $1.path }
        xml = try xmlFiles.map { try Data(contentsOf: $0) }
        let converter = self.converter
        json = try xml.map { Data(try converter.convert($0, to: .json, pretty: false).bytes) }
    }
}
