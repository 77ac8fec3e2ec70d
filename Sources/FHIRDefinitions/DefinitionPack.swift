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
    /// The FHIR release whose definitions the pack holds: the codecs and validators follow it
    /// (R4 JSON has no `fhir_comments`, for one).
    public let fhirVersion: FHIRVersion
    private let lock = NSLock()
    private var parsedIndex: PackIndex?
    private var dataFiles: [String: Data] = [:]
    private var structures: [String: StructureRecord] = [:]
    private var models: [String: TypeModel] = [:]
    private var codecFile: CodecTableFile?
    private var valueSets: [String: ValueSetRecord] = [:]
    private var codeSystems: [String: CodeSystemRecord] = [:]
    private var derivedValues: [String: any Sendable] = [:]

    /// Canonical URL prefix of the FHIR core StructureDefinitions.
    public static let coreStructurePrefix = "http://hl7.org/fhir/StructureDefinition/"

    /// Opens the pack in `directory` (which holds ``DefinitionPackLayout/indexFileName``). Nothing is
    /// read yet but a check that the index exists: the codecs need only the slim codec table, so a
    /// conversion never parses the index of records. `fhirVersion` says which release the pack's
    /// definitions are (the shipped STU3 pack, or its R4 part, ``DefinitionPackLayout/r4Folder``).
    public init(directory: URL, fhirVersion: FHIRVersion = .stu3) throws {
        self.directory = directory
        self.fhirVersion = fhirVersion
        let indexURL = directory.appendingPathComponent(DefinitionPackLayout.indexFileName)
        guard FileManager.default.isReadableFile(atPath: indexURL.path) else {
            throw IssuesError(Issue(.fatal, .processing, rule: DefinitionRule.packMissing,
                                    "definition pack index not found at \(indexURL.path)"))
        }
    }

    /// Another pack over the same folder that shares no object with this one, decoding what it is
    /// asked for by itself: for a worker thread, so that threads converting side by side do not
    /// update the same reference counts (an atomic write to a shared cache line, whose cost grows
    /// with every core that joins in).
    public func independentCopy() throws -> DefinitionPack {
        try DefinitionPack(directory: directory, fhirVersion: fhirVersion)
    }

    /// The index of records, read on first use.
    private var index: PackIndex {
        get throws {
            if let parsed = lock.withLock({ parsedIndex }) { return parsed }
            let indexURL = directory.appendingPathComponent(DefinitionPackLayout.indexFileName)
            guard let data = try? Data(contentsOf: indexURL) else {
                throw IssuesError(Issue(.fatal, .processing, rule: DefinitionRule.packMissing,
                                        "definition pack index cannot be read at \(indexURL.path)"))
            }
            let parsed = try PackIndex(bytes: [UInt8](data), source: indexURL.path)
            lock.withLock { parsedIndex = parsed }
            return parsed
        }
    }

    /// The pack shipped with dch, found by ``DefinitionPackLayout/locateShippedPack()``; opened once.
    public static func shipped() throws -> DefinitionPack {
        try shippedPack.get()
    }

    private static let shippedPack = Result { try openShipped(.stu3) }

    /// Opens the shipped pack of a release: the STU3 pack's folder, or its R4 part inside it.
    private static func openShipped(_ version: FHIRVersion) throws -> DefinitionPack {
        guard let dir = DefinitionPackLayout.locateShippedPack() else {
            throw IssuesError(Issue(.fatal, .processing, rule: DefinitionRule.packMissing,
                DefinitionPackLayout.notFoundMessage))
        }
        let folder = version == .r4 ? dir.appendingPathComponent(DefinitionPackLayout.r4Folder) : dir
        return try DefinitionPack(directory: folder, fhirVersion: version)
    }

    /// The R4 part of the shipped pack (R4 core 4.0.1 and UK Core, in ``DefinitionPackLayout/r4Folder``
    /// beside the STU3 pack); opened once, on first use, so that STU3-only work never touches it.
    public static func shippedR4() throws -> DefinitionPack {
        try shippedR4Pack.get()
    }

    private static let shippedR4Pack = Result { try openShipped(.r4) }

    /// The shipped pack of a FHIR release: ``shipped()`` or ``shippedR4()``.
    public static func shipped(_ version: FHIRVersion) throws -> DefinitionPack {
        switch version {
        case .stu3: return try shipped()
        case .r4: return try shippedR4()
        }
    }

    /// Canonical URLs of every entry of a kind, sorted.
    public func urls(of kind: PackEntryKind) throws -> [String] {
        try index.urls(of: kind).sorted()
    }

    /// True when the pack has an entry of this kind and URL (without decoding it).
    public func contains(_ kind: PackEntryKind, url: String) throws -> Bool {
        try index.entry(kind, url: url) != nil
    }

    /// The StructureDefinition with this canonical URL (a `|version` suffix is ignored).
    public func structure(url: String) throws -> StructureRecord? {
        try record(.structure, url: url, cache: \.structures)
    }

    /// The compiled model of a core type by name (`Patient`, `HumanName`, `string`), or nil.
    /// Built from the slim codec table (``CodecType``), not from the full record.
    public func type(named name: String) throws -> TypeModel? {
        if let cached = lock.withLock({ models[name] }) { return cached }
        let table = try codecTable()
        guard let range = table.lines[name] else { return nil }
        guard let codec = CodecType(bytes: table.bytes, range) else {
            throw IssuesError(Issue(.fatal, .processing, rule: DefinitionRule.packCorrupt,
                "\(CodecType.fileName): the line of \(name) cannot be read; regenerate the pack"))
        }
        let model = TypeModel(codec: codec)
        // The first model made wins: another thread may have made one meanwhile, and every caller
        // must get the same object (caches key on its children's identities).
        return lock.withLock {
            if let first = models[name] { return first }
            models[name] = model
            return model
        }
    }

    /// Number of full records decoded so far (start-up cost is proportional to it).
    public var decodedRecordCount: Int {
        lock.withLock { structures.count + valueSets.count + codeSystems.count }
    }

    /// The codec table: its bytes and each type's line range, found with a byte scan (parsing a
    /// line into a model happens when the type is first used).
    private func codecTable() throws -> CodecTableFile {
        if let table = lock.withLock({ codecFile }) { return table }
        let url = directory.appendingPathComponent(CodecType.fileName)
        guard let data = try? Data(contentsOf: url) else {
            throw IssuesError(Issue(.fatal, .processing, rule: DefinitionRule.packMissing, "\(url.path) cannot be read"))
        }
        let firstLine = data.prefix { $0 != 0x0A }
        try DefinitionPackLayout.checkHeader(Substring(decoding: firstLine, as: UTF8.self),
                                             expected: DefinitionPackLayout.codecTableHeader, file: url.path)
        let table = CodecTableFile(bytes: [UInt8](data))
        lock.withLock { codecFile = table }
        return table
    }

    /// A value worked out from the pack once and shared by every user of it (an index that
    /// several compilations need, such as the core elements by path): made by `make` on first use
    /// under `key`, then returned as stored. `make` runs outside the pack's lock and may run twice
    /// when two threads ask at once; the first result stored wins.
    package func derived<T: Sendable>(_ key: String, _ make: () -> T) -> T {
        if let known = lock.withLock({ derivedValues[key] }) as? T { return known }
        let value = make()
        return lock.withLock {
            if let known = derivedValues[key] as? T { return known }
            derivedValues[key] = value
            return value
        }
    }

    /// Where the index files the StructureDefinition of this canonical URL (no `|version`), or nil.
    package func structureEntry(url: String) throws -> PackIndexEntry? {
        try index.entry(.structure, url: url)
    }

    /// A file of the pack folder beside the records (memory-mapped, read once), or nil when the
    /// pack has no such file: for optional parts such as precompiled tables.
    package func optionalFile(named name: String) -> Data? {
        guard FileManager.default.isReadableFile(atPath: directory.appendingPathComponent(name).path) else { return nil }
        return try? dataFile(name)
    }

    /// The ValueSet with this canonical URL (a `|version` suffix is ignored).
    public func valueSet(url: String) throws -> ValueSetRecord? {
        try record(.valueSet, url: url, cache: \.valueSets)
    }

    /// The CodeSystem with this canonical URL (a `|version` suffix is ignored).
    public func codeSystem(url: String) throws -> CodeSystemRecord? {
        try record(.codeSystem, url: url, cache: \.codeSystems)
    }

    /// A record by URL: from its cache, or decoded from the pack and cached.
    private func record<T: Decodable>(_ kind: PackEntryKind, url: String,
                                      cache: ReferenceWritableKeyPath<DefinitionPack, [String: T]>) throws -> T? {
        let url = Self.stripVersion(url)
        if let cached = lock.withLock({ self[keyPath: cache][url] }) { return cached }
        guard let entry = try index.entry(kind, url: url) else { return nil }
        let record = try decode(T.self, entry)
        lock.withLock { self[keyPath: cache][url] = record }
        return record
    }

    private static func stripVersion(_ url: String) -> String {
        // Bytes, not Characters: every record lookup passes here.
        guard let bar = url.utf8.firstIndex(of: UInt8(ascii: "|")) else { return url }
        return String(url[..<bar])
    }

    private func decode<T: Decodable>(_ type: T.Type, _ entry: PackIndexEntry) throws -> T {
        let data = try dataFile(entry.file)
        guard entry.offset >= 0, entry.offset + entry.length <= data.count else {
            throw IssuesError(Issue(.fatal, .processing, rule: DefinitionRule.packCorrupt,
                "definition pack entry \(entry.url) lies outside \(entry.file); regenerate the pack"))
        }
        let slice = data[data.startIndex + entry.offset ..< data.startIndex + entry.offset + entry.length]
        do {
            return try PackJSONDecoder.decode(T.self, from: slice)
        } catch {
            throw IssuesError(Issue(.fatal, .processing, rule: DefinitionRule.packCorrupt,
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
            throw IssuesError(Issue(.fatal, .processing, rule: DefinitionRule.packMissing,
                                    "definition pack file \(url.path) cannot be read: \(error.localizedDescription)"))
        }
        lock.withLock { dataFiles[name] = data }
        return data
    }
}

/// One line of the pack index: which record lives where.
public struct PackIndexEntry: Sendable, Hashable {
    /// What the record is: a StructureDefinition, ValueSet or CodeSystem.
    public var kind: PackEntryKind
    /// Canonical URL of the record.
    public var url: String
    /// The data file holding it, relative to the pack folder.
    public var file: String
    /// Byte offset of its JSON line in that file.
    public var offset: Int
    /// Byte length of its JSON (without the newline).
    public var length: Int

    /// An entry from its fields.
    public init(kind: PackEntryKind, url: String, file: String, offset: Int, length: Int) {
        self.kind = kind; self.url = url; self.file = file; self.offset = offset; self.length = length
    }

    /// The index line: `kind TAB url TAB file TAB offset TAB length`.
    public var line: String { "\(kind.rawValue)\t\(url)\t\(file)\t\(offset)\t\(length)" }
}

/// The codec table file in memory: bytes plus the line range of each type name.
private struct CodecTableFile {
    let bytes: [UInt8]
    let lines: [String: Range<Int>]

    init(bytes: [UInt8]) {
        self.bytes = bytes
        var lines: [String: Range<Int>] = [:]
        let b = bytes.span
        var start = 0
        while start < b.count {
            var end = start
            while end < b.count && b[end] != 0x0A { end += 1 }
            if b[start] != UInt8(ascii: "#") {
                var tab = start
                while tab < end && b[tab] != 0x09 { tab += 1 }
                lines[String(decoding: bytes[start..<tab], as: UTF8.self)] = start..<end
            }
            start = end + 1
        }
        self.lines = lines
    }
}
