import Foundation
import FHIRModel
import FHIRConversion
import LawfulSharing
import MessageChecking
import EventMapping

/// What `dch share` does with each message, the same on every worker thread.
struct MessageShareTask: Sendable {
    /// Input name (as diagnostics call it) -> its position among the inputs, from 1.
    let positions: [String: Int]
    /// The output format; nil: the input's. Ignored when `csv` is set.
    let format: MessageFormat?
    /// Each shared message becomes a CSV row (`--to csv`) instead of a message.
    let csv: Bool
    let pretty: Bool
    let explain: Bool
    let audit: Bool
    /// The audit names inputs as given (else by a keyed hash of the name).
    let auditNames: Bool
    let maxMessageBytes: Int
    let key: SharingKey

    /// Each input's first position (an input given twice is one file).
    static func positions(of inputs: [String]) -> [String: Int] {
        var positions: [String: Int] = [:]
        for (offset, input) in inputs.enumerated() {
            let name = input == "-" ? InputMessageSequence.standardInputName : input
            if positions[name] == nil { positions[name] = offset + 1 }
        }
        return positions
    }
}

/// What sharing one message gave: made on a worker, written by the calling thread in input order.
enum SharedMessage: Sendable {
    /// The input could not be read (from this message on): the diagnostic.
    case unreadableInput(String)
    /// The message could not be read, shared or written: the diagnostic (no value of the message).
    case failed(String)
    /// The output message (nil: withheld, explained, not asked or a CSV row), the CSV row (`--to csv`,
    /// nil when withheld), the audit lines, the explanation, and a diagnostic when the shared
    /// message gave no row (the audit is still written: the message was shared).
    case done(output: [UInt8]?, row: ExtractedRow?, audit: [UInt8]?, explanation: String?, problem: String?)
}

/// One worker thread's converter and sharer (its own definitions and caches, see
/// `InputOrderPipeline.run(_:workers:...)`); with no sharer, it decrypts.
struct MessageShareWorker: Sendable {
    let task: MessageShareTask
    let converter: Converter
    let sharer: MessageSharer?
    /// The CSV extraction of this worker (`--to csv`).
    let extractor: SharedRowExtractor?
    private let auditWriter = SharingAudit()
    private let transforms: KeyedTransforms

    init(task: MessageShareTask, converter: Converter, sharer: MessageSharer?, extractor: SharedRowExtractor?) {
        self.task = task
        self.converter = converter
        self.sharer = sharer
        self.extractor = extractor
        transforms = KeyedTransforms(key: task.key)
    }

    func share(_ item: InputMessageSequence.Item) -> SharedMessage {
        switch item {
        case .unreadable(let name, let index, let reason):
            return .unreadableInput("\(name): error: message \(index): cannot read the input: \(reason)")
        case .message(let name, let index, let message, _):
            if let skipped = message.skippedByteCount {
                let issue = InputMessages.tooLargeIssue(skipped, limit: task.maxMessageBytes)
                return .failed("\(name): error: message \(index): \(issue.message) (\(issue.rule))")
            }
            let decoded: Decoded
            do {
                decoded = try converter.read(message.bytes)
            } catch {
                // Rule ids and places only: a reader's message may quote the input.
                let issues = (error as? IssuesError)?.issues ?? []
                let first = issues.first.map { "\($0.position.map { "\($0.line):\($0.column)" } ?? "?") (\($0.rule))" } ?? ""
                return .failed("\(name): error: message \(index): cannot read the message \(first)")
            }
            let format = task.format ?? decoded.format
            do {
                guard let sharer else {
                    return .done(output: try write(try ElementDecryption.decrypt(decoded.root, key: task.key), format: format),
                                 row: nil, audit: nil, explanation: nil, problem: nil)
                }
                let outcome = sharer.share(decoded.root)
                var audit: [UInt8]?
                if task.audit {
                    let position = task.positions[name] ?? 0
                    let input = task.auditNames ? AuditedInput.named(item.input, position: position)
                                                : AuditedInput.hashed(item.input, position: position, using: transforms)
                    audit = Array(try auditWriter.lines(for: outcome, input: input, message: index, policy: sharer.policy))
                }
                if task.explain {
                    return .done(output: nil, row: nil, audit: audit,
                                 explanation: SharingAudit.explanation(of: outcome, input: name, message: index, policy: sharer.policy),
                                 problem: nil)
                }
                if let extractor {
                    guard let shared = outcome.root else { return .done(output: nil, row: nil, audit: audit, explanation: nil, problem: nil) }
                    do {
                        let row = try extractor.row(input: decoded.root, shared: shared, location: "\(name): message \(index)")
                        return .done(output: nil, row: row, audit: audit, explanation: nil, problem: nil)
                    } catch let error as UnmappedEvent {
                        return .done(output: nil, row: nil, audit: audit, explanation: nil, problem: error.description)
                    } catch let error as MappingError {
                        // The column only: a transform's message may quote the value.
                        let column = error.message.split(separator: ":").first.map(String.init) ?? "?"
                        return .done(output: nil, row: nil, audit: audit, explanation: nil,
                                     problem: "\(name): error: message \(index): cannot read the column \(column) from the shared message")
                    }
                }
                return .done(output: try outcome.root.map { try write($0, format: format) }, row: nil, audit: audit, explanation: nil, problem: nil)
            } catch {
                return .failed("\(name): error: message \(index): \(error is IssuesError ? "cannot write the result" : "\(error)")")
            }
        }
    }

    private func write(_ root: Element, format: MessageFormat) throws -> [UInt8] {
        var bytes = try converter.write(root, format: format, pretty: task.pretty).bytes
        if bytes.last != 0x0A { bytes.append(0x0A) }
        return Array(bytes)
    }
}
