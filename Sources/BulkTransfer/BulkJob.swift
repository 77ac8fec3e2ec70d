import Foundation
import FHIRModel
import FHIRConversion
import MessageChecking
import MessageStreams
import ChildHealthEvents
#if canImport(Glibc)
import Glibc
#endif

/// Why a bulk run could not start or go on (a usage or I/O error, not a message's failure).
public struct BulkError: Error, LocalizedError, Sendable {
    /// What went wrong.
    public let reason: String
    /// The reason, for `localizedDescription`.
    public var errorDescription: String? { reason }
}

/// A streaming bulk conversion: every message of the inputs read a chunk at a time, worked on by
/// `jobs` threads (read, optionally validated, written in the output format), and written in
/// input order to one output; each message that fails goes to the quarantine with its reasons.
///
/// Memory holds the messages in flight (at most 4 × jobs batches of 32) and the counts, whatever the input's
/// size. Every few thousand messages (or seconds) the run takes a checkpoint: the output and the
/// quarantine are flushed to disk, then a state file beside the output records how many messages
/// are done; after a crash, `resume` cuts the output back to that point and carries on, so the
/// final output holds each message exactly once. The output appears under its name only when the
/// run is complete (a stream file is written under a hidden name and renamed; a tree's files and a
/// zip likewise).
public final class BulkJob {
    /// What the job reads, does and writes.
    public let options: BulkOptions
    /// One per job, each with its own definition pack (see ``InputOrderPipeline/run(_:workers:window:batch:weight:deliver:)``).
    private let processors: [BulkProcessor]

    /// A job with these options; the definition pack is opened here.
    /// - Throws: ``BulkError`` or the pack's `IssuesError`.
    public init(options: BulkOptions) throws {
        self.options = options
        var oneLine = false
        if case .stream = options.destination { oneLine = true }
        var first = try Converter()
        first.limits = options.readLimits
        first.limits.maxBytes = options.maximumMessageBytes
        let converters = try InputOrderPipeline.perWorker(options.jobs, first: first) { try $0.independentCopy() }
        processors = try converters.map { converter in
            let checker = options.validate
                ? try MessageChecker(converter: converter, catalogue: try EventCatalogue.shipped(), options: CheckOptions())
                : nil
            return BulkProcessor(options: options, converter: converter, checker: checker, oneLine: oneLine)
        }
    }

    /// The state file of a run writing to `destination`; nil for stdout (which cannot resume).
    static func statePath(_ destination: BulkDestination) -> String? {
        switch destination {
        case .stream(nil): return nil
        case .stream(let path?), .zip(let path):
            let (folder, name) = POSIXFile.split(path)
            return (folder == "." && !path.hasPrefix("./") ? "" : folder + "/") + "." + name + ".dch-bulk.state"
        case .tree(let folder): return folder + "/.dch-bulk.state"
        }
    }

    private var settings: BulkState.Settings {
        BulkState.Settings(inputs: options.inputs, from: options.from?.rawValue, to: options.to.rawValue,
                           validate: options.validate, failOn: options.failOn.rawValue, output: options.output,
                           quarantine: options.quarantineFolder)
    }

    /// Runs the job; `progress` is called on the writing thread after each message.
    public func run(progress: ((BulkSummary) -> Void)? = nil) throws -> BulkSummary {
        let start = Date()
        let destination = options.destination
        let statePath = Self.statePath(destination)
        var summary = BulkSummary()
        var done = 0
        var resumeAt: OutputCheckpoint?
        var processes = [getpid()]
        if options.resume {
            guard let statePath else { throw BulkError(reason: "--resume needs an output file or folder (-o): stdout cannot be resumed") }
            guard let data = FileManager.default.contents(atPath: statePath) else {
                throw BulkError(reason: "\(statePath): no interrupted run to resume")
            }
            let state = try JSONDecoder().decode(BulkState.self, from: data)
            guard state.settings == settings else {
                throw BulkError(reason: "\(statePath): the interrupted run had other inputs or options; run it with those, or remove the state file")
            }
            done = state.done
            summary = state.summary
            summary.resumedAt = done
            resumeAt = state.output
            processes = state.processes + processes
            // What the interrupted processes wrote after their last checkpoint is written again.
            let leftovers = Set(state.processes)
            Self.removeTemporaryFiles(under: options.quarantineFolder, of: leftovers)
            if case .tree(let folder) = destination { Self.removeTemporaryFiles(under: folder, of: leftovers) }
        } else if let statePath, FileManager.default.fileExists(atPath: statePath) {
            throw BulkError(reason: "\(statePath): an interrupted run's state is there: add --resume to continue it, or remove it to start again")
        }

        let output = try openOutput(destination, resumeAt: resumeAt)
        let quarantine = Quarantine(folder: options.quarantineFolder)
        let items = BulkItems(options.inputs, maximumMessageBytes: options.maximumMessageBytes, framing: options.framing,
                              open: Self.open)
        var sinceCheckpoint = 0
        var lastCheckpoint = Date()
        let batch = InputOrderPipeline.batchSize(inputs: options.inputs)
        try InputOrderPipeline.run(items.dropFirst(done), workers: processors.map { processor in { processor.process($0) } },
                                   batch: batch, weight: Self.weight) { message in
            switch message.outcome {
            case .written(let bytes, let path): try output.write(bytes, path: path)
            case .quarantined: try quarantine.add(message)
            }
            summary.count(message)
            done += 1
            sinceCheckpoint += 1
            progress?(summary)
            if let statePath, sinceCheckpoint >= options.checkpointEvery
                || (sinceCheckpoint > 0 && Date().timeIntervalSince(lastCheckpoint) >= options.checkpointSeconds) {
                try Self.checkpoint(output: output, quarantine: quarantine, state: statePath,
                                    BulkState(settings: settings, processes: processes, done: done, summary: summary,
                                              output: OutputCheckpoint()))
                sinceCheckpoint = 0
                lastCheckpoint = Date()
            }
        }
        try quarantine.finish()
        try output.finish()
        if let statePath { POSIXFile.remove(statePath) }
        summary.seconds = Date().timeIntervalSince(start)
        summary.messagesPerSecond = summary.seconds > 0 ? Double(summary.read - summary.resumedAt) / summary.seconds : 0
        if let path = options.summaryJSON {
            try AtomicFile.write(try summary.json(), to: URL(fileURLWithPath: path))
        }
        return summary
    }

    /// Removes the hidden temporary files (`.NAME.dch-PID.tmp`) that the processes `pids` left
    /// anywhere under `folder`.
    static func removeTemporaryFiles(under folder: String, of pids: Set<Int32>) {
        guard !pids.isEmpty, let walker = FileManager.default.enumerator(atPath: folder) else { return }
        for case let path as String in walker {
            let name = POSIXFile.split(path).name
            guard name.hasPrefix("."), name.hasSuffix(".tmp"), let dash = name.range(of: ".dch-", options: .backwards),
                  let pid = Int32(name[dash.upperBound..<name.index(name.endIndex, offsetBy: -4)]), pids.contains(pid) else { continue }
            POSIXFile.remove(folder + "/" + path)
        }
    }

    /// Output and quarantine durable first, then the state that claims them.
    private static func checkpoint(output: BulkOutput, quarantine: Quarantine, state path: String, _ state: BulkState) throws {
        var state = state
        state.output = try output.checkpoint()
        try quarantine.commit()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try AtomicFile.write(try encoder.encode(state), to: URL(fileURLWithPath: path))
    }

    private func openOutput(_ destination: BulkDestination, resumeAt: OutputCheckpoint?) throws -> BulkOutput {
        switch destination {
        case .stream(nil): return StandardOutputStream()
        case .stream(let path?): return try ResumableStreamFile(path: path, resumeAt: resumeAt.map { $0.bytes ?? 0 })
        case .tree(let folder): return try TreeOutput(folder: folder)
        case .zip(let path): return try ZipOutput(path: path, resumeAt: resumeAt?.zip)
        }
    }

    /// The inputs' total size in bytes (every file under the folders), for an estimate of the time
    /// left; nil when stdin is among them.
    public static func inputByteCount(_ inputs: [String]) -> Int? {
        guard !inputs.contains("-") else { return nil }
        var total = 0
        for unit in BulkUnits(inputs) {
            if let info = try? POSIXFile.status(unit.name) { total += Int(info.st_size) }
        }
        return total
    }

    /// A message's weight in a batch: its size.
    @Sendable static func weight(_ item: BulkItem) -> Int {
        if case .message(let message) = item.content { return message.byteCount }
        return 0
    }

    /// A unit's bytes: standard input, a file or a zip entry, gunzipped when they are gzip.
    @Sendable static func open(_ unit: BulkUnit) throws -> any ByteSource {
        if let failure = unit.failure { throw ByteSourceError(operation: "read", reason: failure) }
        if let entry = unit.entry { return try ByteSources.gunzippingIfNeeded(entry.open()) }
        let file = unit.input == "-" ? FileByteSource.standardInput() : try FileByteSource(path: unit.name)
        return try ByteSources.gunzippingIfNeeded(file)
    }
}
