import Foundation
import FHIRModel
import FHIRConversion
import MessageChecking
import MessageStreams
import ValidationReports

/// What became of one message, made on a worker and handed to the writing thread in input order.
public struct ProcessedMessage: Sendable {
    /// Where the message went.
    public enum Outcome: Sendable {
        /// Converted (and, with validation, passed): the output bytes and the path they go to.
        case written(bytes: [UInt8], path: String)
        /// Failed at `stage`: the original bytes (nil when too large to keep) and the reasons.
        case quarantined(stage: BulkStage, original: Data?, reasons: [Issue])
    }

    /// The message as read.
    public let item: BulkItem
    /// Its outcome.
    public let outcome: Outcome
    /// The event code of its MessageHeader (`MessageHeader.event.code`), when it could be read.
    public let event: String?
}

/// The step at which a message failed.
public enum BulkStage: String, Sendable, Codable {
    /// Reading: the input or the message could not be read or parsed.
    case read
    /// Validation found errors (or warnings under `--fail-on warning`).
    case validate
    /// The message could not be written in the output format.
    case convert
}

/// The work done on each message: read, optionally validate, write in the output format.
struct BulkProcessor: Sendable {
    let options: BulkOptions
    let converter: Converter
    let checker: MessageChecker?
    /// One message per line: the stream output.
    let oneLine: Bool

    func process(_ item: BulkItem) -> ProcessedMessage {
        let message: InputMessages.Message
        switch item.content {
        case .message(let m): message = m
        case .unreadable(let reason):
            let issue = Issue(.fatal, .processing, rule: ReadingRule.read, "cannot read: \(reason)")
            return ProcessedMessage(item: item, outcome: .quarantined(stage: .read, original: nil, reasons: [issue]), event: nil)
        }
        func quarantined(_ stage: BulkStage, _ issues: [Issue], event: String? = nil) -> ProcessedMessage {
            var issues = issues
            InputMessages.place(&issues, file: item.unit.name, index: item.index, line: message.line, column: message.column)
            let original = message.skippedByteCount == nil ? message.bytes : nil
            return ProcessedMessage(item: item, outcome: .quarantined(stage: stage, original: original, reasons: issues), event: event)
        }
        if let skipped = message.skippedByteCount {
            return quarantined(.read, [InputMessages.tooLargeIssue(skipped, limit: options.maximumMessageBytes)])
        }
        if let checker {
            let checked = checker.checkMessage(message.bytes, name: item.unit.name, index: item.index)
            guard let root = checked.root else { return quarantined(.read, checked.report.issues) }
            let event = MessageEvent.code(of: root)
            if checked.report.fails(options.failOn) {
                let failing = checked.report.issues.filter { $0.severity >= options.failOn.severity }
                return quarantined(.validate, failing, event: event)
            }
            do {
                return written(try converter.write(root, format: options.to.messageFormat, pretty: false).bytes, event: event)
            } catch {
                return quarantined(.convert, Self.issues(of: error), event: event)
            }
        }
        do {
            // The direct JSON -> XML path where it applies, as `dch convert` takes it.
            let converted = try converter.convertMessage(message.bytes, from: options.from, to: options.to.messageFormat, pretty: false)
            return written(converted.encoded.bytes, event: converted.event)
        } catch {
            // Only a failing message is read again, to tell a message that cannot be read from one
            // that cannot be written.
            let readable = (try? converter.read(message.bytes, format: options.from)) != nil
            return quarantined(readable ? .convert : .read, Self.issues(of: error))
        }

        func written(_ output: [UInt8], event: String?) -> ProcessedMessage {
            var bytes = output
            if oneLine, options.to == .xml { bytes = XMLSingleLine.joined(bytes).bytes }
            if bytes.last != 0x0A { bytes.append(0x0A) }
            return ProcessedMessage(item: item, outcome: .written(bytes: bytes, path: outputPath(item)), event: event)
        }
    }

    /// The issues of a failed read or write.
    private static func issues(of error: Error) -> [Issue] {
        (error as? IssuesError)?.issues
            ?? [Issue(.fatal, .processing, rule: ReadingRule.read, "cannot read: \(error.localizedDescription)")]
    }

    /// `sub/a.json` for a unit's only message, `sub/a/000002.json` for its second of several.
    func outputPath(_ item: BulkItem) -> String {
        let ext = options.to.messageFormat.fileExtension
        if item.sole { return item.unit.outputPath + "." + ext }
        return item.unit.outputPath + "/" + Self.number(item.index + 1) + "." + ext
    }

    /// Six digits at least, so that names sort in message order.
    static func number(_ n: Int) -> String {
        let digits = String(n)
        return digits.count >= 6 ? digits : String(repeating: "0", count: 6 - digits.count) + digits
    }
}
