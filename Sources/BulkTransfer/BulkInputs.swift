import Foundation
import FHIRModel
import MessageChecking
import MessageStreams
#if canImport(Glibc)
import Glibc
#endif

/// One readable unit of a bulk run's inputs: a file, standard input, or an entry of a zip archive.
public final class BulkUnit: Sendable {
    /// The input argument it comes from.
    public let input: String
    /// How sidecars and diagnostics name it: `in/a.xml`, `<stdin>`, `in/b.zip:x/y.xml`.
    public let name: String
    /// Its path in the output tree, without extension: `a`, `sub/a`, `b/x/y`.
    public let outputPath: String
    /// The zip entry's path, for an entry of a zip archive.
    public var zipEntry: String? { entry?.path }
    /// The entry, for an entry of a zip archive.
    let entry: ZipEntry?
    /// Why the unit cannot be read, when that is known before opening it (a damaged zip listing).
    let failure: String?

    init(input: String, name: String, outputPath: String, entry: ZipEntry? = nil, failure: String? = nil) {
        self.input = input
        self.name = name
        self.outputPath = outputPath
        self.entry = entry
        self.failure = failure
    }
}

/// One message of a bulk run's inputs, numbered across the whole run.
public struct BulkItem: Sendable {
    /// What was read.
    public enum Content: Sendable {
        /// A message.
        case message(InputMessages.Message)
        /// The unit (or the rest of it) could not be read, and why.
        case unreadable(String)
    }

    /// The message's number in the run (0-based, input order): what a checkpoint counts.
    public let sequence: Int
    /// The unit it is in.
    public let unit: BulkUnit
    /// Its index in the unit.
    public let index: Int
    /// True when the unit holds no other message.
    public let sole: Bool
    /// The message or the failure.
    public let content: Content
}

/// The units of a run's inputs, in order: each file argument, every file under a folder argument
/// (recursively, in name order, hidden files left out), each entry of a zip archive among them (in
/// archive order), standard input for `-`.
struct BulkUnits: Sequence, IteratorProtocol {
    private var inputs: IndexingIterator<[String]>
    private let prefixed: Bool
    /// Folders still to walk: (input argument, folder path, path relative to the input).
    private var pending: [(input: String, path: String, relative: String)] = []
    private var ready: [BulkUnit] = []
    /// The zip archive whose entries are being listed: (input argument, path, output path).
    private var archive: (input: String, path: String, outputPath: String, zip: ZipInput)?

    /// The units of `inputs`. With several inputs, output paths start with each input's base name.
    init(_ inputs: [String]) {
        self.inputs = inputs.makeIterator()
        prefixed = inputs.count > 1
    }

    mutating func next() -> BulkUnit? {
        while true {
            if let archive {
                do {
                    if let entry = try archive.zip.nextEntry() {
                        return BulkUnit(input: archive.input, name: archive.path + ":" + entry.path,
                                        outputPath: archive.outputPath + "/" + Self.withoutExtension(entry.path), entry: entry)
                    }
                    self.archive = nil
                } catch {
                    self.archive = nil
                    return BulkUnit(input: archive.input, name: archive.path, outputPath: archive.outputPath,
                                    failure: error.localizedDescription)
                }
            }
            if !ready.isEmpty {
                let unit = ready.removeFirst()
                if let opened = openArchive(unit) { return opened }
                continue
            }
            if let folder = pending.popLast() {
                walk(folder)
                continue
            }
            guard let input = inputs.next() else { return nil }
            if input == "-" {
                return BulkUnit(input: input, name: "<stdin>", outputPath: "stdin")
            }
            let base = Self.baseName(input)
            if POSIXFile.isDirectory(input) {
                pending.append((input, input, prefixed ? base : ""))
                continue
            }
            ready.append(BulkUnit(input: input, name: input, outputPath: Self.withoutExtension(base)))
        }
    }

    /// A file that is a zip archive starts the listing of its entries (nil: go on with them); any
    /// other file is a unit itself.
    private mutating func openArchive(_ unit: BulkUnit) -> BulkUnit? {
        guard Self.isZip(unit.name) else { return unit }
        do {
            archive = (unit.input, unit.name, unit.outputPath, try ZipInput(path: unit.name))
            return nil
        } catch {
            return BulkUnit(input: unit.input, name: unit.name, outputPath: unit.outputPath, failure: error.localizedDescription)
        }
    }

    /// True when the file starts as a zip archive does.
    static func isZip(_ path: String) -> Bool {
        guard let fd = try? POSIXFile.open(path, flags: O_RDONLY | O_CLOEXEC) else { return false }
        defer { close(fd) }
        var prefix = [UInt8](repeating: 0, count: 4)
        let count = (try? POSIXFile.read(fd, into: &prefix, 0..<4, at: 0)) ?? -1
        return count == 4 && InputPacking.detect(prefix) == .zip
    }

    /// Lists one folder: its files become units (in name order), its folders are walked next.
    private mutating func walk(_ folder: (input: String, path: String, relative: String)) {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { !$0.hasPrefix(".") }.sorted()
        var folders: [(String, String, String)] = []
        for name in names {
            let path = folder.path.hasSuffix("/") ? folder.path + name : folder.path + "/" + name
            let relative = folder.relative.isEmpty ? name : folder.relative + "/" + name
            if POSIXFile.isDirectory(path) {
                folders.append((folder.input, path, relative))
            } else {
                ready.append(BulkUnit(input: folder.input, name: path, outputPath: Self.withoutExtension(relative)))
            }
        }
        // Walked depth first, in name order: the last pushed is walked first.
        pending.append(contentsOf: folders.reversed())
    }

    static func baseName(_ path: String) -> String {
        let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
        return trimmed.split(separator: "/").last.map(String.init) ?? trimmed
    }

    /// `a/b.xml` -> `a/b`, `a/b.ndjson.gz` -> `a/b`; `a/.x` and `a/b` unchanged.
    static func withoutExtension(_ path: String) -> String {
        if path.lowercased().hasSuffix(".gz"), path.count > 3 { return withoutLastExtension(String(path.dropLast(3))) }
        return withoutLastExtension(path)
    }

    private static func withoutLastExtension(_ path: String) -> String {
        guard let dot = path.lastIndex(of: "."), dot != path.startIndex,
              path[path.index(before: dot)] != "/", !path[dot...].contains("/") else { return path }
        return String(path[..<dot])
    }
}

/// The messages of a run's inputs, numbered in order across every unit; each unit read a chunk
/// at a time (see ``MessageStream``).
struct BulkItems: Sequence, IteratorProtocol {
    private var units: BulkUnits
    private let maximumMessageBytes: Int
    private let framing: MessageFramer.Framing
    private let open: @Sendable (BulkUnit) throws -> any ByteSource
    private var unit: BulkUnit?
    private var stream: MessageStream?
    private var index = 0
    private var sequence = 0

    init(_ inputs: [String], maximumMessageBytes: Int, framing: MessageFramer.Framing,
         open: @escaping @Sendable (BulkUnit) throws -> any ByteSource) {
        units = BulkUnits(inputs)
        self.maximumMessageBytes = maximumMessageBytes
        self.framing = framing
        self.open = open
    }

    mutating func next() -> BulkItem? {
        while true {
            if stream != nil, let unit, let item = stream!.next() {
                defer {
                    index += 1
                    sequence += 1
                }
                switch item {
                case .message(let message):
                    return BulkItem(sequence: sequence, unit: unit, index: index, sole: message.isSoleMessage,
                                    content: .message(InputMessages.Message(message.framed, sole: message.isSoleMessage)))
                case .failure(let error):
                    stream = nil
                    return BulkItem(sequence: sequence, unit: unit, index: index, sole: index == 0,
                                    content: .unreadable(error.localizedDescription))
                }
            }
            stream = nil
            guard let next = units.next() else { return nil }
            unit = next
            index = 0
            do {
                stream = MessageStream(source: try open(next), maximumMessageBytes: maximumMessageBytes, framing: framing)
            } catch {
                defer { sequence += 1 }
                return BulkItem(sequence: sequence, unit: next, index: 0, sole: true, content: .unreadable(error.localizedDescription))
            }
        }
    }
}
