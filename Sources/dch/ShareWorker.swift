import Foundation
import FHIRModel
import FHIRConversion
import LawfulSharing
import MessageChecking

/// What `dch share` does with each message, the same on every worker thread.
struct MessageShareTask: Sendable {
    /// Input name (as diagnostics call it) -> its position among the inputs, from 1.
    let positions: [String: Int]
    /// The output format; nil: the input's.
    let format: MessageFormat?
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
    /// The output message (nil: withheld, explained or not asked), the audit lines and the explanation.
    case done(output: [UInt8]?, audit: [UInt8]?, explanation: String?)
}

/// One worker thread's converter and sharer (its own definitions and caches, see
/// `InputOrderPipeline.run(_:workers:...)`); with no sharer, it decrypts.
struct MessageShareWorker: Sendable {
    let task: MessageShareTask
    let converter: Converter
    let sharer: MessageSharer?
    private let auditWriter = SharingAudit()
    private let transforms: KeyedTransforms

    init(task: MessageShareTask, converter: Converter, sharer: MessageSharer?) {
        self.task = task
        self.converter = converter
        self.sharer = sharer
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
                                 audit: nil, explanation: nil)
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
                    return .done(output: nil, audit: audit,
                                 explanation: SharingAudit.explanation(of: outcome, input: name, message: index, policy: sharer.policy))
                }
                return .done(output: try outcome.root.map { try write($0, format: format) }, audit: audit, explanation: nil)
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
