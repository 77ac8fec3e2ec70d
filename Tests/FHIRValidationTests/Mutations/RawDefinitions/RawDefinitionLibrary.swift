import Foundation
import ZIPFoundation
import DCHTestSupport

/// Finds and reads the official definitions in `../shared` by canonical url, independently of
/// dch's importer and pack: the FHIR STU3 core package (JSON), the NHS assets (XML, folder and
/// zip) and the CareConnect profiles (XML). As the pack's sources, an earlier source wins a url
/// that two carry. Files are indexed by the url near their start and parsed when first asked for.
final class RawDefinitionLibrary: @unchecked Sendable {
    /// Where a definition's bytes are: a file, or a member of a zip.
    private enum Location {
        case file(URL)
        case member(Archive, Entry)
    }

    private let root: URL
    private var structureIndex: [String: Location] = [:]
    private var terminologyIndex: [String: Location] = [:]
    private var structures: [String: RawStructureDefinition?] = [:]
    private var terminology: [String: RawNode?] = [:]
    private let coreArchive: Archive
    private let lock = NSLock()

    static let corePrefix = "http://hl7.org/fhir/StructureDefinition/"

    init(sharedRoot: URL) throws {
        root = sharedRoot
        let core = sharedRoot.appendingPathComponent("fhir-stu3/hl7.fhir.core-3.0.1-package-subset.zip")
        guard let archive = try? Archive(url: core, accessMode: .read) else {
            throw Prerequisite.missing("\(core.path) (the FHIR STU3 core package subset) is absent")
        }
        coreArchive = archive
        let nhs = sharedRoot.appendingPathComponent("corpus/nhs-stu3-assets")
        let careConnect = sharedRoot.appendingPathComponent("corpus/careconnect-stu3")
        try index(folder: nhs.appendingPathComponent("StructureDefinitions"), into: &structureIndex)
        let others = nhs.appendingPathComponent("StructureDefinitions-other-families.zip")
        if let zip = try? Archive(url: others, accessMode: .read) {
            for entry in zip where entry.type == .file {
                if let url = try Self.canonicalURL(in: Self.head(of: .member(zip, entry))), structureIndex[url] == nil {
                    structureIndex[url] = .member(zip, entry)
                }
            }
        }
        try? index(folder: careConnect.appendingPathComponent("StructureDefinitions"), into: &structureIndex)
        for folder in [nhs.appendingPathComponent("ValueSets"), nhs.appendingPathComponent("CodeSystems"),
                       careConnect.appendingPathComponent("ValueSets"), careConnect.appendingPathComponent("CodeSystems")] {
            try? index(folder: folder, into: &terminologyIndex)
        }
    }

    /// The StructureDefinition with this canonical url, or nil when `../shared` has none.
    func structure(_ url: String) throws -> RawStructureDefinition? {
        if let known = lock.withLock({ structures[url] }) { return known }
        var location = lock.withLock { structureIndex[url] }
        if location == nil, url.hasPrefix(Self.corePrefix) {
            // The core package names each file after the definition's id, the url's last part.
            let file = root.appendingPathComponent("fhir-stu3/hl7.fhir.core-3.0.1/StructureDefinition")
                .appendingPathComponent("StructureDefinition-\(url.dropFirst(Self.corePrefix.count)).json")
            if FileManager.default.fileExists(atPath: file.path) { location = .file(file) }
        }
        let read = try location.map { try RawStructureDefinition(RawNode.read(Self.data(of: $0))) }
        if let read, read.url != url { throw RawDefinitionError.unreadable("\(url) led to a file of \(read.url)") }
        // updateValue keeps a nil (no such definition) as an answer, where `= nil` would remove it.
        lock.withLock { _ = structures.updateValue(read, forKey: url) }
        return read
    }

    /// The core definition of a type or resource (`Identifier`, `Patient`, `date`).
    func core(_ type: String) throws -> RawStructureDefinition {
        guard let sd = try structure(Self.corePrefix + type) else { throw RawDefinitionError.notFound(Self.corePrefix + type) }
        return sd
    }

    /// A ValueSet or CodeSystem by canonical url: the NHS and CareConnect files, then the core
    /// package's members (named `ValueSet-<id>.json`, `CodeSystem-<id>.json`, the id being the
    /// url's last part, or its last two joined by `-` for v2/v3 systems).
    func terminologyResource(_ url: String, kind: String) throws -> RawNode? {
        let key = kind + "|" + url
        if let known = lock.withLock({ terminology[key] }) { return known }
        var found: RawNode?
        if let location = lock.withLock({ terminologyIndex[url] }) {
            found = try RawNode.read(Self.data(of: location))
        } else {
            let parts = url.split(separator: "/")
            let ids = [parts.last.map(String.init), parts.count > 1 ? "\(parts[parts.count - 2])-\(parts.last!)" : nil].compactMap { $0 }
            for id in ids {
                guard let entry = coreArchive["\(kind)-\(id).json"] else { continue }
                let node = try RawNode.read(Self.data(of: .member(coreArchive, entry)))
                if node.string("url") == url { found = node; break }
            }
        }
        if let found, found.name != kind || found.string("url") != url { throw RawDefinitionError.unreadable("\(url) is not a \(kind)") }
        lock.withLock { _ = terminology.updateValue(found, forKey: key) }
        return found
    }

    private func index(folder: URL, into index: inout [String: Location]) throws {
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { ["xml", "json"].contains($0.pathExtension) }.sorted { $0.path < $1.path }
        for file in files {
            if let url = try Self.canonicalURL(in: Self.head(of: .file(file))), index[url] == nil { index[url] = .file(file) }
        }
    }

    /// The first bytes of a file: enough to hold its canonical url.
    private static func head(of location: Location) throws -> Data {
        switch location {
        case let .file(url):
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            return try handle.read(upToCount: 16_384) ?? Data()
        case let .member(archive, entry):
            // Only the first chunk is inflated: a stop thrown from the consumer ends the read.
            var data = Data()
            do {
                _ = try archive.extract(entry, bufferSize: 16_384, skipCRC32: true) { chunk in
                    data.append(chunk)
                    if data.count >= 16_384 { throw HeadIsRead() }
                }
            } catch is HeadIsRead {}
            return data
        }
    }

    private struct HeadIsRead: Error {}

    private static func data(of location: Location) throws -> Data {
        switch location {
        case let .file(url): return try Data(contentsOf: url)
        case let .member(archive, entry):
            var data = Data()
            _ = try archive.extract(entry, skipCRC32: true) { data.append($0) }
            return data
        }
    }

    /// The canonical url of an NHS or CareConnect definition in XML: its first `<url value>`
    /// element (extensions carry theirs as attributes, so they do not match).
    static func canonicalURL(in head: Data) throws -> String? {
        let text = String(decoding: head, as: UTF8.self)
        guard let start = text.range(of: "<url value=\"") else { return nil }
        guard let end = text[start.upperBound...].firstIndex(of: "\"") else { return nil }
        return String(text[start.upperBound..<end])
    }
}
