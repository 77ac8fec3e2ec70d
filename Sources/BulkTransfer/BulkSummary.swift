import Foundation

/// What a bulk run did: `read` = `written` + `quarantined`, always (a resumed run counts the
/// messages done before its checkpoint too).
public struct BulkSummary: Codable, Sendable, Equatable {
    /// Messages read (every message of every input, and every input or part of one that could not
    /// be read).
    public var read = 0
    /// Messages written to the output.
    public var written = 0
    /// Messages put in the quarantine.
    public var quarantined = 0
    /// Quarantined messages by reason: `stage:rule` of the first reason (`validate:struct.unknown-element`).
    public var quarantinedByReason: [String: Int] = [:]
    /// Messages read by event code (`MessageHeader.event.code`; `none` when there is none).
    public var byEvent: [String: Int] = [:]
    /// Input bytes framed into messages.
    public var bytesRead = 0
    /// Messages done by earlier runs this one resumed from.
    public var resumedAt = 0
    /// Seconds this run took.
    public var seconds = 0.0
    /// Messages this run read per second (those before a resumed checkpoint not counted).
    public var messagesPerSecond = 0.0

    /// An empty summary.
    public init() {}

    mutating func count(_ message: ProcessedMessage) {
        read += 1
        byEvent[message.event ?? "none", default: 0] += 1
        if case .message(let m) = message.item.content { bytesRead += m.byteCount }
        switch message.outcome {
        case .written: written += 1
        case .quarantined(let stage, _, let reasons):
            quarantined += 1
            quarantinedByReason["\(stage.rawValue):\(reasons.first?.rule ?? "unknown")", default: 0] += 1
        }
    }

    /// The summary in words, for stderr.
    public var text: String {
        var lines = ["\(read) messages read, \(written) written, \(quarantined) quarantined"
                     + (resumedAt > 0 ? " (resumed after \(resumedAt))" : "")
                     + String(format: "; %.1f s, %.0f messages/s", seconds, messagesPerSecond)]
        if !quarantinedByReason.isEmpty {
            lines.append("quarantined by reason: " + quarantinedByReason.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        if !byEvent.isEmpty {
            // The most frequent events; the JSON summary has them all.
            let top = byEvent.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
            let shown = top.prefix(12).map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            lines.append("by event: " + shown + (top.count > 12 ? ", and \(top.count - 12) more" : ""))
        }
        return lines.joined(separator: "\n")
    }

    /// The summary as JSON (keys sorted).
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data([0x0A])
    }
}

/// A bulk run's checkpoint, saved beside its output: the settings it ran with, how many messages
/// it had finished (each written or quarantined, durably), its counts and the output's position.
struct BulkState: Codable, Equatable {
    /// What must be the same for a run to resume another.
    struct Settings: Codable, Equatable {
        var inputs: [String]
        var from: String?
        var to: String
        var validate: Bool
        var failOn: String
        var output: String?
        var quarantine: String
    }
    var version = 1
    var settings: Settings
    /// The processes that have worked on the run: their hidden temporary files (`.NAME.dch-PID.tmp`)
    /// are removed when it resumes.
    var processes: [Int32] = []
    var done: Int
    var summary: BulkSummary
    var output: OutputCheckpoint
}
