import Foundation
import FHIRModel
import FHIRDefinitions

/// The pack's precompiled profiles (``PrecompiledProfileFile/fileName``): every StructureDefinition
/// of the pack compiled by `ProfileCompiler` at `dch pack build` time and stored in the compact
/// form of `ProfileNodeCoding`, so that a run reads the profiles it meets instead of decoding
/// their records' JSON and compiling them (about 4M instructions a profile; reading one is a
/// small fraction of that).
///
/// The file: a header line, the number of profiles (little-endian `UInt32`), then per profile, in
/// the byte order of the URLs, six `UInt32`s: where its URL and its block are (offset and length
/// in the file) and where its source record is in the pack (offset and length, as the pack index
/// files it: a profile whose record has moved is stale and compiled from the record instead); then
/// the URLs, then the blocks. A lookup is a binary search over the URLs' bytes: nothing is read
/// or allocated for the profiles a run does not use.
public enum PrecompiledProfileFile {
    /// The file's name in the pack folder.
    public static let fileName = "compiled-profiles.bin"
    /// Its first bytes. Bump the version when `ProfileNodeCoding` or what the compiler stores changes.
    static let header = Array("# dch compiled profiles v1\n".utf8)
    static let entryWords = 6

    /// The file's bytes for `pack`: every StructureDefinition it holds, compiled (those the
    /// compiler cannot build are left out, and compiled, to the same nil, when asked for).
    public static func render(pack: DefinitionPack) throws -> [UInt8] {
        render(try compileAll(pack))
    }

    /// Every StructureDefinition of `pack` that compiles, by URL, with where its record is.
    static func compileAll(_ pack: DefinitionPack) throws -> [(url: String, record: PackIndexEntry, profile: CompiledProfile)] {
        try pack.urls(of: .structure).compactMap { url in
            guard let entry = try pack.structureEntry(url: url), let record = try pack.structure(url: url),
                  let compiled = ProfileCompiler.compile(record, pack: pack) else { return nil }
            return (url, entry, compiled)
        }
    }

    /// The file's bytes for these compiled profiles.
    static func render(_ compiled: [(url: String, record: PackIndexEntry, profile: CompiledProfile)]) -> [UInt8] {
        var profiles: [(url: [UInt8], block: [UInt8], record: PackIndexEntry)] = compiled.map { c in
            var w = CompactWriter()
            ProfileNodeCoding.encode(c.profile, into: &w)
            return (Array(c.url.utf8), w.block(), c.record)
        }
        profiles.sort { $0.url.lexicographicallyPrecedes($1.url) }
        var out = header
        appendWord(profiles.count, to: &out)
        var at = header.count + 4 + profiles.count * entryWords * 4
        let urlStart = at
        let blockStart = urlStart + profiles.reduce(0) { $0 + $1.url.count }
        at = blockStart
        var urlAt = urlStart
        for p in profiles {
            for word in [urlAt, p.url.count, at, p.block.count, p.record.offset, p.record.length] { appendWord(word, to: &out) }
            urlAt += p.url.count
            at += p.block.count
        }
        for p in profiles { out += p.url }
        for p in profiles { out += p.block }
        return out
    }

    private static func appendWord(_ value: Int, to out: inout [UInt8]) {
        precondition(value >= 0 && value <= Int(UInt32.max), "the precompiled profiles outgrow 4 GB")
        let word = UInt32(value)
        for k in 0..<4 { out.append(UInt8(truncatingIfNeeded: word >> (8 * k))) }   // little-endian
    }
}

/// Reads ``PrecompiledProfileFile`` from a pack, a profile at a time.
final class PrecompiledProfiles: @unchecked Sendable {
    /// The file's bytes (memory-mapped), nil when the pack has none or it is not of this version.
    private let data: Data?
    private let count: Int

    init(pack: DefinitionPack) {
        let file = pack.optionalFile(named: PrecompiledProfileFile.fileName)
        let headerSize = PrecompiledProfileFile.header.count
        guard let file, file.count >= headerSize + 4, file.prefix(headerSize).elementsEqual(PrecompiledProfileFile.header) else {
            data = nil
            count = 0
            return
        }
        let n = Self.word(file, at: headerSize)
        let fits = headerSize + 4 + n * PrecompiledProfileFile.entryWords * 4 <= file.count
        data = fits ? file : nil
        count = fits ? n : 0
    }

    /// The precompiled profiles of `pack`, read once per pack.
    static func of(_ pack: DefinitionPack) -> PrecompiledProfiles {
        pack.derived("FHIRValidation.PrecompiledProfiles") { PrecompiledProfiles(pack: pack) }
    }

    /// Whether the pack has precompiled profiles at all.
    var isEmpty: Bool { count == 0 }

    /// The profile of canonical `url` as the compiler built it at pack time, or nil when the file
    /// does not hold it, holds it for another record than the pack's (stale), or cannot be read.
    func profile(url: String, record: PackIndexEntry) -> CompiledProfile? {
        guard let data, count > 0 else { return nil }
        let file = data.span
        guard let entry = find(url, in: file) else { return nil }
        let blockAt = Self.word(file, at: entry + 8), blockLength = Self.word(file, at: entry + 12)
        guard Self.word(file, at: entry + 16) == record.offset, Self.word(file, at: entry + 20) == record.length,
              blockLength <= file.count, blockAt <= file.count - blockLength else { return nil }
        do {
            let start = data.startIndex + blockAt
            var reader = try CompactReader(block: [UInt8](data[start..<(start + blockLength)]))
            let profile = try ProfileNodeCoding.decode(from: &reader)
            return profile.url == url ? profile : nil
        } catch {
            return nil
        }
    }

    /// The offset of `url`'s directory entry: a binary search over the URLs' bytes.
    private func find(_ url: String, in file: Span<UInt8>) -> Int? {
        let key = url.utf8.span
        let first = PrecompiledProfileFile.header.count + 4
        let stride = PrecompiledProfileFile.entryWords * 4
        var low = 0, high = count
        while low < high {
            let mid = (low + high) / 2
            let entry = first + mid * stride
            let at = Self.word(file, at: entry), length = Self.word(file, at: entry + 4)
            guard length <= file.count, at <= file.count - length else { return nil }
            let order = Self.compare(file.extracting(at..<(at + length)), key)
            if order == 0 { return entry }
            if order < 0 { low = mid + 1 } else { high = mid }
        }
        return nil
    }

    /// Byte order, as `lexicographicallyPrecedes` sorted the file: negative, zero or positive.
    private static func compare(_ a: Span<UInt8>, _ b: Span<UInt8>) -> Int {
        for k in 0..<min(a.count, b.count) where a[k] != b[k] { return Int(a[k]) - Int(b[k]) }
        return a.count - b.count
    }

    /// The little-endian 32-bit word at byte `offset`.
    private static func word(_ bytes: Span<UInt8>, at offset: Int) -> Int {
        let four = bytes.extracting(offset..<(offset + 4))
        return Int(four[0]) | Int(four[1]) << 8 | Int(four[2]) << 16 | Int(four[3]) << 24
    }

    private static func word(_ data: Data, at offset: Int) -> Int {
        word(data.span, at: offset)
    }
}
