import Foundation
import FHIRModel

/// Writes a definition pack: data files of one JSON record per line, and the index.
///
/// Output is deterministic (records sorted by URL, JSON keys sorted) so that regenerating the pack
/// from the same inputs gives the same bytes, which a test checks.
public struct DefinitionPackWriter {
    private var files: [String: [(url: String, kind: PackEntryKind, json: Data)]] = [:]
    private var codecLines: [String: String] = [:]
    private let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    /// An empty pack.
    public init() {}

    /// Adds a StructureDefinition to a data file; core types also go to the codec table.
    public mutating func add(_ record: StructureRecord, file: String) throws {
        try add(record, url: record.url, kind: .structure, file: file)
        // Core types (found by name) also go to the slim table the codecs read.
        if record.url.hasPrefix(DefinitionPack.coreStructurePrefix), record.elements.first?.path == record.type {
            let codec = CodecType(record: record)
            codecLines[codec.name] = codec.line
        }
    }

    /// Adds a ValueSet to a data file.
    public mutating func add(_ record: ValueSetRecord, file: String) throws {
        try add(record, url: record.url, kind: .valueSet, file: file)
    }

    /// Adds a CodeSystem to a data file.
    public mutating func add(_ record: CodeSystemRecord, file: String) throws {
        try add(record, url: record.url, kind: .codeSystem, file: file)
    }

    private mutating func add<T: Encodable>(_ record: T, url: String, kind: PackEntryKind, file: String) throws {
        files[file, default: []].append((url, kind, try encoder.encode(record)))
    }

    /// The files of the pack, by name, as bytes (index included).
    public func render() throws -> [String: Data] {
        var out: [String: Data] = [:]
        var entries: [PackIndexEntry] = []
        var seen: [PackEntryKind: [String: String]] = [:]
        for name in files.keys.sorted() {
            var data = Data()
            let records = files[name]!.sorted { ($0.kind.rawValue, $0.url) < ($1.kind.rawValue, $1.url) }
            for r in records {
                if let other = seen[r.kind]?[r.url] {
                    throw IssuesError(Issue(.error, .processing, rule: DefinitionRule.packDuplicate,
                        "\(r.url) is defined twice (in \(other) and \(name)); keep one source"))
                }
                seen[r.kind, default: [:]][r.url] = name
                entries.append(PackIndexEntry(kind: r.kind, url: r.url, file: name, offset: data.count, length: r.json.count))
                data.append(r.json)
                data.append(0x0A)
            }
            out[name] = data
        }
        entries.sort { ($0.kind.rawValue, $0.url) < ($1.kind.rawValue, $1.url) }
        let index = ([DefinitionPackLayout.indexHeader] + entries.map(\.line)).joined(separator: "\n") + "\n"
        out[DefinitionPackLayout.indexFileName] = Data(index.utf8)
        let codec = codecLines.keys.sorted().map { codecLines[$0]! }
        out[CodecType.fileName] = Data(([DefinitionPackLayout.codecTableHeader] + codec)
            .joined(separator: "\n").appending("\n").utf8)
        return out
    }

    /// Writes the pack into `directory`, each file through a temporary name and a rename, and
    /// removes pack files of an earlier generation that this one no longer has.
    public func write(to directory: URL) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        let rendered = try render()
        for (name, data) in rendered {
            try AtomicFile.write(data, to: directory.appendingPathComponent(name))
        }
        for stale in (try? fm.contentsOfDirectory(atPath: directory.path)) ?? []
        where stale.hasSuffix(".ndjson") && rendered[stale] == nil {
            try fm.removeItem(at: directory.appendingPathComponent(stale))
        }
    }
}
