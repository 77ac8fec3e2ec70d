import ArgumentParser
import Foundation
import FHIRModel
import BulkTransfer
import ValidationReports
import MessageStreams
#if canImport(Glibc)
import Glibc
#endif

/// `dch bulk`: the streaming bulk converter for whole caseloads.
struct Bulk: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bulk",
        abstract: "Convert (and validate) many messages at once, streaming, with a quarantine and resume.",
        discussion: """
            Reads every message of the inputs - files, folders (recursively), '-' for stdin; each holds \
            one message, NDJSON or messages back to back - a chunk at a time, works on them on --jobs \
            threads, and writes them in input order to one output: stdout or a .ndjson/.jsonl file \
            (one message per line: NDJSON, or XML on one line each with --to xml), a folder (one file \
            per message, mirroring the inputs: a unit's only message as sub/a.json, the Nth of several \
            as sub/a/00000N.json). A message that cannot be read or converted, or (with --validate) \
            fails validation, goes to the quarantine folder (default: OUT.quarantine, or \
            dch-quarantine for stdout) as its original bytes and a NNNNNNNNN.reasons.json sidecar \
            naming its source and the reasons. read = written + quarantined, always.
            Crash-safe: the output appears under its name only when the run is complete; every 5,000 \
            messages or 5 seconds a checkpoint makes the output and the quarantine durable and records \
            how far the run got (a hidden .NAME.dch-bulk.state file beside the output, inside a \
            folder output). After a crash or kill, the same command with --resume carries on from the \
            checkpoint, and the output holds each message exactly once.
            Progress goes to stderr when it is a terminal; a summary (read, written, quarantined by \
            reason, by event) at the end, and as JSON with --summary-json FILE.
            Exit codes: 0 every message written; 1 some quarantined; 2 usage or I/O error.
            """
    )

    @Option(name: .long, help: "Input messages' format (xml|json|ndjson: strictly one JSON message per line); detected per message when absent.")
    var from: String?

    @Option(name: .long, help: "Output format: xml|json|ndjson (default ndjson; one message per line in a stream).")
    var to: BulkOptions.OutputFormat = .ndjson

    @Flag(name: .customLong("validate"), help: "Also validate every message (all layers and the event rules); failing ones are quarantined.")
    var validating = false

    @Option(name: .long, help: "With --validate, the least severity that quarantines a message: error|warning.")
    var failOn: FailureThreshold = .error

    @Option(name: .long, help: ArgumentHelp("Where failing messages go (default: OUT.quarantine).", valueName: "DIR"))
    var quarantine: String?

    @Flag(name: .long, help: "Continue an interrupted run with the same inputs and options from its last checkpoint.")
    var resume = false

    @Option(name: .long, help: ArgumentHelp("Also write the summary as JSON to FILE.", valueName: "FILE"))
    var summaryJSON: String?

    @Option(name: [.short, .customLong("output")], help: "Output: a .ndjson/.jsonl file, or a folder; stdout when absent.")
    var output: String?

    @Option(name: .long, help: ArgumentHelp("Messages between checkpoints (default 5000; one is also taken every 5 seconds).", valueName: "N"))
    var checkpointEvery: Int = 5_000

    @OptionGroup var jobs: JobsOption

    @OptionGroup var limit: MessageLimitOption

    @Argument(help: "Inputs: files, folders, '-' for stdin.")
    var inputs: [String] = []

    func validate() throws {
        try OutputGuard.refuse(output, overwriting: inputs)
        if let from, !["xml", "json", "ndjson"].contains(from) { throw ValidationError("--from must be xml, json or ndjson") }
        let inputs = self.inputs.isEmpty ? ["-"] : self.inputs
        if inputs.filter({ $0 == "-" }).count > 1 { throw ValidationError("stdin ('-') can be read only once") }
        let bases = inputs.map { ($0.hasSuffix("/") ? String($0.dropLast()) : $0).split(separator: "/").last.map(String.init) ?? $0 }
        if inputs.count > 1, Set(bases).count < bases.count {
            throw ValidationError("inputs with the same base name would write the same output paths: \(bases.sorted().joined(separator: ", "))")
        }
    }

    func run() throws {
        var options = BulkOptions(inputs: inputs.isEmpty ? ["-"] : inputs, jobs: jobs.count)
        options.from = from.map { $0 == "xml" ? .xml : .json }
        if from == "ndjson" || limit.lines { options.framing = .lines }
        options.to = to
        options.validate = validating
        options.failOn = failOn
        options.quarantine = quarantine
        options.resume = resume
        options.summaryJSON = summaryJSON
        options.output = output
        options.maximumMessageBytes = limit.maxMessageBytes
        options.readLimits = limit.readLimits
        options.checkpointEvery = max(checkpointEvery, 1)
        let job: BulkJob
        do {
            job = try BulkJob(options: options)
        } catch {
            printError("error: \(error.localizedDescription)")
            throw ExitCode(2)
        }
        Interruption.advice = options.output == nil
            ? "stdout cannot be resumed"
            : "the last checkpoint is kept: the same command with --resume carries on from it"
        let meter = ProgressMeter.make(inputs: options.inputs)
        let summary: BulkSummary
        do {
            summary = try job.run(progress: meter.map { m in { m.show($0) } })
        } catch {
            meter?.clear()
            printError("error: \(error.localizedDescription)")
            throw ExitCode(2)
        }
        meter?.clear()
        printError(summary.text)
        if summary.quarantined > 0 {
            printError("quarantined messages and their reasons: \(options.quarantineFolder)")
            throw ExitCode(1)
        }
    }
}

extension BulkOptions.OutputFormat: ExpressibleByArgument {}

/// Progress on stderr, a line rewritten in place twice a second, when stderr is a terminal.
final class ProgressMeter {
    private let start = Date()
    private var last = Date.distantPast

    /// The inputs' size, when known, for the time left.
    private let totalBytes: Int?

    /// A meter, or nil when stderr is not a terminal.
    static func make(inputs: [String]) -> ProgressMeter? {
        isatty(STDERR_FILENO) == 1 ? ProgressMeter(totalBytes: BulkJob.inputByteCount(inputs)) : nil
    }

    private init(totalBytes: Int?) {
        self.totalBytes = totalBytes
    }

    func show(_ summary: BulkSummary) {
        let now = Date()
        guard now.timeIntervalSince(last) >= 0.5 else { return }
        last = now
        let seconds = now.timeIntervalSince(start)
        let rate = seconds > 0 ? Double(summary.read - summary.resumedAt) / seconds : 0
        var line = String(format: "\r%d messages, %.0f messages/s, %.1f MB, %d quarantined",
                          summary.read, rate, Double(summary.bytesRead) / 1e6, summary.quarantined)
        if let totalBytes, summary.resumedAt == 0, summary.bytesRead > 0 {
            let left = Double(max(totalBytes - summary.bytesRead, 0)) / (Double(summary.bytesRead) / seconds)
            line += String(format: ", ETA %d:%02d", Int(left) / 60, Int(left) % 60)
        }
        line += " "
        FileHandle.standardError.write(Data(line.utf8))
    }

    func clear() {
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
