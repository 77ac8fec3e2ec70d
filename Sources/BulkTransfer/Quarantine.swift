import Foundation
import FHIRModel

/// The folder where a bulk run puts each message it could not read, convert or (with validation)
/// pass: the original bytes as `NNNNNNNNN.xml|json|bin` (none for a message too large to keep) and
/// beside them `NNNNNNNNN.reasons.json`, a sidecar naming the message's source and why it is there
/// (`NNNNNNNNN` is the message's number in the run). Files are written by an ``AtomicFolderWriter``:
/// complete or absent, committed at each checkpoint; a resumed run writes the same names again.
final class Quarantine {
    let folder: String
    private var writer: AtomicFolderWriter?

    init(folder: String) {
        self.folder = folder
    }

    /// What the sidecar says of one message.
    struct Record: Codable {
        /// Where the message came from.
        struct Source: Codable {
            /// The input argument.
            var input: String
            /// The unit: a file path, `<stdin>`, or `archive.zip:entry`.
            var name: String
            /// The zip entry's path, for a message from a zip archive.
            var zipEntry: String?
            /// The message's index in the unit (0-based) and, when it shares the unit, its line.
            var index: Int
            var line: Int?
        }
        /// One reason, as the JSON report writes an issue (positions are the unit's).
        struct Reason: Codable {
            var severity: String
            var type: String
            var rule: String
            var message: String
            var path: String?
            var line: Int?
            var column: Int?

            init(_ issue: Issue) {
                severity = issue.severity.rawValue
                type = issue.type.rawValue
                rule = issue.rule
                message = issue.message
                path = issue.path
                line = issue.position.map { Int($0.line) }
                column = issue.position.map { Int($0.column) }
            }
        }
        var sequence: Int
        var source: Source
        var stage: BulkStage
        /// The original bytes' file in the quarantine, or nil when they were not kept.
        var original: String?
        var reasons: [Reason]
    }

    func add(_ message: ProcessedMessage) throws {
        guard case .quarantined(let stage, let original, let reasons) = message.outcome else { return }
        if writer == nil {
            try BulkFiles.makeFolders(folder)
            writer = try AtomicFolderWriter(folder: folder)
        }
        let item = message.item
        let base = Self.name(item.sequence)
        var originalName: String?
        if let original {
            originalName = base + "." + Self.extensionOf(original)
            try writer!.write(Array(original), named: originalName!)
        }
        var line: Int?
        if case .message(let m) = item.content { line = m.line }
        let record = Record(sequence: item.sequence,
                            source: .init(input: item.unit.input, name: item.unit.name, zipEntry: item.unit.zipEntry,
                                          index: item.index, line: line),
                            stage: stage, original: originalName, reasons: reasons.map(Record.Reason.init))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try writer!.write(Array(try encoder.encode(record)) + [0x0A], named: base + ".reasons.json")
    }

    /// Commits what was written (a checkpoint, the end).
    func commit() throws {
        try writer?.commit()
    }

    func finish() throws {
        try writer?.finish()
        writer = nil
    }

    /// Nine digits at least, so that the files sort in message order.
    static func name(_ sequence: Int) -> String {
        let digits = String(sequence)
        return digits.count >= 9 ? digits : String(repeating: "0", count: 9 - digits.count) + digits
    }

    /// `xml` or `json` from the first significant byte, else `bin`.
    static func extensionOf(_ data: Data) -> String {
        MessageFormat.detect(data)?.fileExtension ?? "bin"
    }
}
