import Foundation
import FHIRModel

/// The definition pack: lazy, thread-safe access to the compact definitions in `Schemas/`.
///
/// Opening a pack reads only its small index; a StructureDefinition, ValueSet or CodeSystem is
/// decoded the first time it is asked for and cached. A one-message conversion therefore decodes
/// the few dozen types that message uses, not the whole pack.
public final class DefinitionPack: @unchecked Sendable {
    /// The folder the pack was opened from.
    public let directory: URL
    private let index: [PackEntryKind: [String: PackIndexEntry]]
    private let lock = NSLock()
    private var dataFiles: [String: Data] = [:]
    private var structures: [String: StructureRecord] = [:]
    private var models: [String: TypeModel] = [:]
    private var valueSets: [String: ValueSetRecord] = [:]
    private var codeSystems: [String: CodeSystemRecord] = [:]

    /// Canonical URL prefix of the FHIR core StructureDefinitions.
    public static let coreStructurePrefix = "http://hl7.org/fhir/StructureDefinition/"

    /// Opens the pack in `directory` (which holds ``DefinitionPackLayout/indexFileName``).
    public init(directory: URL) throws {
        self.directory = directory
        let indexURL = directory.appendingPathComponent(DefinitionPackLayout.indexFileName)
        guard let text = try? String(contentsOf: indexURL, encoding: .utf8) else {
            throw IssuesError(Issue(.fatal, .processing, rule: "pack.missing",
                                    "definition pack index not found at \(indexURL.path)"))
        }
        index = try PackIndexEntry.parseIndex(text, source: indexURL.path)
    }

    /// The pack shipped with dch, found by ``DefinitionPackLayout/locateShippedPack()``; opened once.
    public static func shipped() throws -> DefinitionPack {
        try shippedPack.get()
    }

    private static let shippedPack: Result<DefinitionPack, Error> = Result {
        guard let dir = DefinitionPackLayout.locateShippedPack() else {
            throw IssuesError(Issue(.fatal, .processing, rule: "pack.missing",
                "the definition pack (Schemas/) was not found; set DCH_SCHEMAS to its folder"))
        }
        return try DefinitionPack(directory: dir)
    }

    /// Canonical URLs of every entry of a kind, sorted.
    public func urls(of kind: PackEntryKind) -> [String] {
        (index[kind].map { Array($0.keys) } ?? []).sorted()
    }

    /// True when the pack has an entry of this kind and URL (without decoding it).
    public func contains(_ kind: PackEntryKind, url: String) -> Bool {
        index[kind]?[url] != nil
    }

    /// The StructureDefinition with this canonical URL.
    public func structure(url: String) throws -> StructureRecord? {
        if let cached = lock.withLock({ structures[url] }) { return cached }
        guard let entry = index[.structure]?[url] else { return nil }
        let record = try decode(StructureRecord.self, entry)
        lock.withLock { structures[url] = record }
        return record
    }

    /// The compiled model of a core type by name (`Patient`, `HumanName`, `string`), or nil.
    public func type(named name: String) throws -> TypeModel? {
        if let cached = lock.withLock({ models[name] }) { return cached }
        guard let record = try structure(url: Self.coreStructurePrefix + name) else { return nil }
        let model = TypeModel(record: record)
        lock.withLock { models[name] = model }
        return model
    }

    /// The ValueSet with this canonical URL (a `|version` suffix is ignored).
    public func valueSet(url: String) throws -> ValueSetRecord? {
        let url = Self.stripVersion(url)
        if let cached = lock.withLock({ valueSets[url] }) { return cached }
        guard let entry = index[.valueSet]?[url] else { return nil }
        let record = try decode(ValueSetRecord.self, entry)
        lock.withLock { valueSets[url] = record }
        return record
    }

    /// The CodeSystem with this canonical URL.
    public func codeSystem(url: String) throws -> CodeSystemRecord? {
        let url = Self.stripVersion(url)
        if let cached = lock.withLock({ codeSystems[url] }) { return cached }
        guard let entry = index[.codeSystem]?[url] else { return nil }
        let record = try decode(CodeSystemRecord.self, entry)
        lock.withLock { codeSystems[url] = record }
        return record
    }

    private static func stripVersion(_ url: String) -> String {
        guard let bar = url.firstIndex(of: "|") else { return url }
        return String(url[..<bar])
    }

    private func decode<T: Decodable>(_ type: T.Type, _ entry: PackIndexEntry) throws -> T {
        let data = try dataFile(entry.file)
        guard entry.offset >= 0, entry.offset + entry.length <= data.count else {
            throw IssuesError(Issue(.fatal, .processing, rule: "pack.corrupt",
                "definition pack entry \(entry.url) lies outside \(entry.file); regenerate the pack"))
        }
        let slice = data[data.startIndex + entry.offset ..< data.startIndex + entry.offset + entry.length]
        do {
            return try JSONDecoder().decode(T.self, from: slice)
        } catch {
            throw IssuesError(Issue(.fatal, .processing, rule: "pack.corrupt",
                "definition pack entry \(entry.url) in \(entry.file) cannot be read: \(error)"))
        }
    }

    private func dataFile(_ name: String) throws -> Data {
        if let data = lock.withLock({ dataFiles[name] }) { return data }
        let url = directory.appendingPathComponent(name)
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw IssuesError(Issue(.fatal, .processing, rule: "pack.missing",
                                    "definition pack file \(url.path) cannot be read: \(error.localizedDescription)"))
        }
        lock.withLock { dataFiles[name] = data }
        return data
    }
}

/// One line of the pack index: which record lives where.
public struct PackIndexEntry: Sendable, Hashable {
    public var kind: PackEntryKind
    public var url: String
    public var file: String
    public var offset: Int
    public var length: Int

    public init(kind: PackEntryKind, url: String, file: String, offset: Int, length: Int) {
        self.kind = kind; self.url = url; self.file = file; self.offset = offset; self.length = length
    }

    /// The index line: `kind TAB url TAB file TAB offset TAB length`.
    public var line: String { "\(kind.rawValue)\t\(url)\t\(file)\t\(offset)\t\(length)" }

    static func parseIndex(_ text: String, source: String) throws -> [PackEntryKind: [String: PackIndexEntry]] {
        var result: [PackEntryKind: [String: PackIndexEntry]] = [:]
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            lineNumber += 1
            if line.hasPrefix("#") { continue }
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard f.count == 5, let kind = PackEntryKind(rawValue: String(f[0])),
                  let offset = Int(f[3]), let length = Int(f[4]) else {
                throw IssuesError(Issue(.fatal, .processing, rule: "pack.corrupt",
                    "malformed definition pack index line", position: SourcePosition(line: lineNumber, column: 1),
                    file: source))
            }
            let url = String(f[1])
            result[kind, default: [:]][url] = PackIndexEntry(kind: kind, url: url, file: String(f[2]),
                                                             offset: offset, length: length)
        }
        return result
    }
}
