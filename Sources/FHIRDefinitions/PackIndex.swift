import Foundation
import FHIRModel

/// The pack index (`pack-index.tsv`) in memory: its bytes, each line's fields as offsets, and an
/// open-addressing table from (kind, URL) to the line.
///
/// Every `dch validate` opens the index, and a run asks it for a few dozen of its ~3,800 records:
/// building a dictionary of URL strings cost 11M instructions per run (a String and a SipHash per
/// line), where this costs a byte scan and an FNV-1a hash per line. Strings are made only for the
/// entries asked for.
struct PackIndex: Sendable {
    /// One line's fields, as offsets into ``bytes``.
    private struct Line: Sendable {
        var urlStart: Int32
        var urlEnd: Int32
        var offset: Int
        var length: Int
        var kind: UInt8
        var file: UInt16
    }

    private let bytes: [UInt8]
    private var lines: [Line] = []
    /// Line numbers by hash (`-1`: empty); a power of two at least twice the number of lines.
    private var slots: [Int32]
    /// The distinct data file names, in the order first met.
    private var files: [String] = []
    private static let kinds = PackEntryKind.allCases.map { (kind: $0, bytes: Array($0.rawValue.utf8)) }

    /// Reads the index's bytes; `source` names the file in errors. Throws on a wrong header or a
    /// malformed line (with its line number). A URL listed twice keeps its last line.
    init(bytes: [UInt8], source: String) throws {
        self.bytes = bytes
        let lineCount = bytes.count / 64   // lines are ~90 bytes: a table at most half full
        var capacity = 16
        while capacity < 2 * (lineCount + 1) { capacity <<= 1 }
        slots = Array(repeating: -1, count: capacity)
        lines.reserveCapacity(lineCount)
        try read(source: source)
    }

    private mutating func read(source: String) throws {
        let bytes = self.bytes
        var lastFile = (start: 0, count: -1)
        var lineNumber = 0
        var start = 0
        // Fields found with memchr: a byte loop over the 350 KB cost 8M instructions per run.
        func next(_ byte: UInt8, from i: Int, to end: Int) -> Int {
            LibCByteScan.firstIndex(of: byte, in: bytes, from: i, to: end)
        }
        while start < bytes.count {
            let end = next(0x0A, from: start, to: bytes.count)
            lineNumber += 1
            defer { start = end + 1 }
            if lineNumber == 1 {
                try DefinitionPackLayout.checkHeader(Substring(decoding: bytes[start..<end], as: UTF8.self),
                                                     expected: DefinitionPackLayout.indexHeader, file: source)
                continue
            }
            if start == end || bytes[start] == UInt8(ascii: "#") { continue }
            // kind TAB url TAB file TAB offset TAB length (offsets within the line; count: tabs found)
            var tabs = (0, 0, 0, 0)
            var count = 0
            var tab = next(0x09, from: start, to: end)
            while tab < end && count < 5 {
                switch count {
                case 0: tabs.0 = tab - start
                case 1: tabs.1 = tab - start
                case 2: tabs.2 = tab - start
                case 3: tabs.3 = tab - start
                default: break
                }
                count += 1
                tab = next(0x09, from: tab + 1, to: end)
            }
            let kindBytes = bytes[start..<(start + tabs.0)]
            let kind = Self.kinds.firstIndex { $0.bytes.elementsEqual(kindBytes) }
            let offset = count == 4 ? Self.number(bytes[(start + tabs.2 + 1)..<(start + tabs.3)]) : nil
            let length = count == 4 ? Self.number(bytes[(start + tabs.3 + 1)..<end]) : nil
            guard let kind, let offset, let length else {
                throw IssuesError(Issue(.fatal, .processing, rule: DefinitionRule.packCorrupt,
                    "malformed definition pack index line", position: SourcePosition(line: lineNumber, column: 1),
                    file: source))
            }
            let file = (start: start + tabs.1 + 1, count: tabs.2 - tabs.1 - 1)
            if file.count != lastFile.count || !LibCByteScan.equal(bytes, file.start, lastFile.start, count: file.count) {
                lastFile = file
                let name = String(decoding: bytes[file.start..<(file.start + file.count)], as: UTF8.self)
                if files.last != name { files.append(name) }
            }
            insert(Line(urlStart: Int32(start + tabs.0 + 1), urlEnd: Int32(start + tabs.1), offset: offset,
                        length: length, kind: UInt8(kind), file: UInt16(files.count - 1)))
        }
    }

    private mutating func insert(_ line: Line) {
        let bytes = self.bytes   // a local copy: the span must not overlap the writes to self below
        let all = bytes.span
        let url = all.extracting(Int(line.urlStart)..<Int(line.urlEnd))
        let mask = slots.count - 1
        var slot = Self.hash(url, kind: line.kind) & mask
        while slots[slot] >= 0 {
            let other = lines[Int(slots[slot])]
            if other.kind == line.kind && Self.equal(url, all.extracting(Int(other.urlStart)..<Int(other.urlEnd))) {
                lines[Int(slots[slot])] = line   // listed again: the last line wins
                return
            }
            slot = (slot + 1) & mask
        }
        slots[slot] = Int32(lines.count)
        lines.append(line)
    }

    /// The entry of a kind and URL (exactly as listed), or nil.
    func entry(_ kind: PackEntryKind, url: String) -> PackIndexEntry? {
        guard let k = Self.kinds.firstIndex(where: { $0.kind == kind }) else { return nil }
        let query = url.utf8.span
        let b = bytes.span
        let mask = slots.count - 1
        var slot = Self.hash(query, kind: UInt8(k)) & mask
        while slots[slot] >= 0 {
            let line = lines[Int(slots[slot])]
            if line.kind == UInt8(k), Self.equal(query, b.extracting(Int(line.urlStart)..<Int(line.urlEnd))) {
                return PackIndexEntry(kind: kind, url: url, file: files[Int(line.file)],
                                      offset: line.offset, length: line.length)
            }
            slot = (slot + 1) & mask
        }
        return nil
    }

    /// The URLs of every entry of a kind, unsorted.
    func urls(of kind: PackEntryKind) -> [String] {
        guard let k = Self.kinds.firstIndex(where: { $0.kind == kind }) else { return [] }
        return lines.lazy.filter { $0.kind == UInt8(k) }.map { line in
            String(decoding: bytes[Int(line.urlStart)..<Int(line.urlEnd)], as: UTF8.self)
        }
    }

    /// FNV-1a over the URL's bytes, seeded with the kind.
    private static func hash(_ url: Span<UInt8>, kind: UInt8) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(kind)
        for i in url.indices { h = (h ^ UInt64(url[i])) &* 0x0000_0100_0000_01B3 }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }

    /// Whether two byte runs are equal.
    private static func equal(_ a: Span<UInt8>, _ b: Span<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        for i in a.indices where a[i] != b[i] { return false }
        return true
    }

    /// A decimal number of at most 18 digits; nil for anything else.
    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        guard !digits.isEmpty, digits.count < 19 else { return nil }
        var value = 0
        for d in digits {
            guard d >= 0x30 && d <= 0x39 else { return nil }
            value = value * 10 + Int(d - 0x30)
        }
        return value
    }
}
