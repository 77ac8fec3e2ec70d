import FHIRModel
import ValidationReports
import MessageStreams

/// What a bulk run reads, does and writes (`dch bulk`'s options).
public struct BulkOptions: Sendable {
    /// The form of each output message.
    public enum OutputFormat: String, Sendable, CaseIterable {
        /// FHIR XML.
        case xml
        /// FHIR JSON.
        case json
        /// FHIR JSON, one message per line (the stream form of ``json``).
        case ndjson

        /// The message format written.
        public var messageFormat: MessageFormat { self == .xml ? .xml : .json }
    }

    /// Input paths: files, folders (read recursively), zip archives, gzip files, `-` for stdin.
    public var inputs: [String]
    /// The input messages' format, when not detected from each message.
    public var from: MessageFormat?
    /// How inputs are split into messages (`--from ndjson`: strictly one per line).
    public var framing = MessageFramer.Framing.detect
    /// The output messages' format.
    public var to: OutputFormat = .ndjson
    /// Also validate each message (every layer and the event rules); failing ones are quarantined.
    public var validate = false
    /// The least severity that fails a message under ``validate``.
    public var failOn: FailureThreshold = .error
    /// Messages worked on at once.
    public var jobs: Int
    /// Where failing messages go; nil: beside the output (`OUT.quarantine`) or `dch-quarantine`.
    public var quarantine: String?
    /// Continue an interrupted run from its last checkpoint.
    public var resume = false
    /// Where the summary is written as JSON, if anywhere.
    public var summaryJSON: String?
    /// The output: nil for stdout (a stream), a `.zip` path, a `.ndjson`/`.jsonl` path (a stream),
    /// or a folder (one file per message).
    public var output: String?
    /// The largest message read.
    public var maximumMessageBytes = MessageFramer.defaultMaximumMessageBytes
    /// The deepest nesting and the most items per array (children per element) a message is read
    /// with; its size limit is ``maximumMessageBytes``.
    public var readLimits = ReadLimits()
    /// Messages between checkpoints (a checkpoint is also taken every ``checkpointSeconds``).
    public var checkpointEvery = 5_000
    /// Seconds between checkpoints at most.
    public var checkpointSeconds = 5.0

    /// Options for these inputs, on `jobs` threads.
    public init(inputs: [String], jobs: Int) {
        self.inputs = inputs
        self.jobs = max(jobs, 1)
    }

    /// Where the output goes, from ``output`` and ``to``.
    public var destination: BulkDestination {
        guard let output else { return .stream(path: nil) }
        let lower = output.lowercased()
        if lower.hasSuffix(".zip") { return .zip(path: output) }
        if to == .ndjson || lower.hasSuffix(".ndjson") || lower.hasSuffix(".jsonl") { return .stream(path: output) }
        return .tree(folder: output)
    }

    /// The quarantine folder.
    public var quarantineFolder: String {
        if let quarantine { return quarantine }
        if let output { return (output.hasSuffix("/") ? String(output.dropLast()) : output) + ".quarantine" }
        return "dch-quarantine"
    }
}

/// Where a bulk run's output goes.
public enum BulkDestination: Sendable, Equatable {
    /// One message per line, to stdout (nil) or a file.
    case stream(path: String?)
    /// One file per message in a folder tree that mirrors the inputs.
    case tree(folder: String)
    /// One entry per message in a zip archive.
    case zip(path: String)
}
