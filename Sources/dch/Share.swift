import ArgumentParser
import Foundation
import FHIRModel
import FHIRConversion
import FHIRPath
import LawfulSharing
import MessageStreams
import ChildHealthEvents
import EventMapping

/// `dch share`: passes on what a data-sharing policy allows of each message, and audits it.
struct Share: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "share",
        abstract: "Share messages under a data-sharing policy: minimise, pseudonymise, apply consent, audit.",
        discussion: """
            Each message of the inputs (XML or JSON files, NDJSON, messages back to back, or '-' for stdin) \
            is passed through the policy (YAML, see the README's `dch share` section): events and consent \
            decide whether it flows, rules select elements with FHIRPath and keep, remove, redact, generalise, \
            date-shift, pseudonymise, encrypt or substitute them; whatever no rule allows is removed. The key \
            comes from --key-file or the DCH_SHARE_KEY environment variable, never from the policy. Output is \
            in the input's format (or --to); a withheld message writes nothing (the audit says why). \
            --decrypt recovers the values an `encrypt` rule sealed (needs the key, not the policy). \
            --to csv writes each shared message as a row of its event's CSV (the columns of `dch map --describe \
            csv`, read from the shared message; -o DIR/ for one file per event type); the policy's \
            `extract: {identifiers: token-only|pseudonymised|as-shared}` says what the person-identifying \
            columns carry (token-only: only linkage_token). A withheld message gives no row. \
            The audit names each input by its position and a keyed hash of its name, since a file may be \
            named after a child (--audit-input-names: by the name as given). With --jobs N, N messages are \
            shared at once; outputs and audit keep the input order, the bytes of one job. \
            Exit codes: 0 every message was read (shared or withheld); 1 a message could not be read or \
            written, or (--to csv) its event has no CSV mapping; 2 usage or I/O error (a policy with problems, no key).
            """)

    enum Format: String, ExpressibleByArgument { case xml, json, csv }

    @Option(name: .long, help: "The sharing policy (YAML).")
    var policy: String?

    @Option(name: .long, help: "The key file (else the DCH_SHARE_KEY environment variable).")
    var keyFile: String?

    @Option(name: .long, help: "Write the audit (NDJSON: one record per message and per decision) to this file.")
    var audit: String?

    @Flag(name: .long, help: "Show what the policy would do to each message, without writing it.")
    var explain = false

    @Flag(name: .long, help: "Recover the values an `encrypt` rule sealed (no policy needed).")
    var decrypt = false

    @Option(name: .long, help: "Output format: xml|json (default: the input's), or csv: one row per shared message (see the policy's extract:).")
    var to: Format?

    @Option(name: .long, help: "With --to csv: the CSV mapping files of this folder (DIR/csv/*.yaml) instead of the shipped ones.")
    var mappings: String?

    @Flag(name: .long, help: "One message per line (NDJSON, or one XML document per line).")
    var compact = false

    @Option(name: .shortAndLong, help: "Output file (default: stdout); with --to csv, DIR/ writes one DIR/EVENTCODE.csv per event type.")
    var output: String?

    @Flag(name: .long, help: "Record input file names in the audit as given (default: each input's position and a keyed hash of its name, since a file may be named after a child).")
    var auditInputNames = false

    @OptionGroup var jobs: JobsOption

    @OptionGroup var limit: MessageLimitOption

    @Argument(help: "Input files; '-' or none for stdin.")
    var inputs: [String] = []

    func validate() throws {
        if !decrypt && policy == nil { throw ValidationError("--policy is required (except with --decrypt)") }
        if decrypt && (explain || audit != nil || auditInputNames) {
            throw ValidationError("--decrypt takes no --explain, --audit or --audit-input-names")
        }
        if inputs.filter({ $0 == "-" }).count > 1 { throw ValidationError("stdin ('-') can be read only once") }
        if to == .csv && (decrypt || explain) { throw ValidationError("--to csv takes no --decrypt or --explain") }
        if mappings != nil && to != .csv { throw ValidationError("--mappings is for --to csv") }
    }

    func run() throws {
        let key = try loadKey()
        var converter = try runReportingIssues { try Converter() }
        converter.limits = limit.readLimits
        var sharer: MessageSharer?
        if let policy {
            do {
                let engine = FHIRPathEngine(pack: converter.pack)
                sharer = MessageSharer(policy: try PolicyLoader(engine: engine).load(path: policy), engine: engine, key: key)
            } catch let error as PolicyError {
                printError(error.description)
                throw ExitCode(2)
            }
        }
        let csv = to == .csv
        let out = csv ? nil : try open(output)
        var rows = csv ? try openCSV() : nil
        let auditOut = try audit.map(openAudit)
        var exit = ExitStatus()
        let explainOut = explain ? StreamingOutput() : nil
        let inputs = self.inputs.isEmpty ? ["-"] : self.inputs
        // Each worker thread its own converter and sharer (definitions, FHIRPath caches, compiled rules).
        let converters = try runReportingIssues {
            try InputOrderPipeline.perWorker(jobs.count, first: converter) { try $0.independentCopy() }
        }
        let extractors = try csv ? extractors(for: converters, policy: sharer?.policy, key: key) : nil
        let task = MessageShareTask(positions: MessageShareTask.positions(of: inputs), format: to.map { $0 == .xml ? .xml : .json }, csv: csv,
                                    pretty: !compact, explain: explain, audit: auditOut != nil,
                                    auditNames: auditInputNames, maxMessageBytes: limit.maxMessageBytes, key: key)
        let workers = converters.enumerated().map { index, converter in
            let worker = MessageShareWorker(task: task, converter: converter,
                                            sharer: index == 0 ? sharer : sharer?.independentCopy(over: converter.pack),
                                            extractor: extractors?[index])
            return { @Sendable (item: InputMessageSequence.Element) in worker.share(item) }
        }
        let items = InputMessageSequence(inputs, maximumMessageBytes: limit.maxMessageBytes, framing: limit.framing, tellsSoleMessage: false)
        try InputOrderPipeline.run(items, workers: workers, batch: InputOrderPipeline.batchSize(inputs: inputs),
                                   weight: InputMessageSequence.weight) { shared in
            switch shared {
            case .unreadableInput(let diagnostic):
                printError(diagnostic)
                exit.record(.ioError)
            case .failed(let diagnostic):
                printError(diagnostic)
                exit.record(.failed)
            case .done(let output, let row, let auditLines, let explanation, let problem):
                do {
                    if let auditLines { try auditOut?.write(auditLines) }
                    if let explanation { try explainOut?.write(explanation) }
                    if let output { try out?.write(output) }
                    if let problem {
                        printError(problem)
                        exit.record(.failed)
                    }
                    if let row, let refusal = try rows?.write(row.cells, mapping: row.mapping) {
                        printError("error: \(refusal)")
                        exit.record(.failed)
                    }
                } catch {
                    printError("error: cannot write: \(error.localizedDescription)")
                    exit.record(.failed)
                }
            }
        }
        try explainOut?.finish()
        try out?.finish()
        try rows?.finish()
        try auditOut?.finish()
        try exit.finish()
    }

    /// The output (nil under --explain, which writes no message).
    private func open(_ path: String?) throws -> StreamingOutput? {
        if explain && path == output { return nil }
        do {
            return try path.map(StreamingOutput.init(path:)) ?? StreamingOutput()
        } catch {
            printError("error: cannot write \(path ?? "stdout"): \(error.localizedDescription)")
            throw ExitCode(2)
        }
    }

    /// The CSV output: one file or stdout, or a folder (`-o DIR/` or an existing folder) with a file per event type.
    private func openCSV() throws -> CSVSink {
        do {
            return try CSVSink(output: output, folder: output.map { POSIXFile.isDirectory($0) || $0.hasSuffix("/") } ?? false)
        } catch {
            printError("error: cannot write \(output ?? "stdout"): \(error.localizedDescription)")
            throw ExitCode(2)
        }
    }

    /// One CSV extractor per worker, each over that worker's definitions.
    private func extractors(for converters: [Converter], policy: SharingPolicy?, key: SharingKey) throws -> [SharedRowExtractor] {
        let events = try runReportingIssues { try EventCatalogue.shipped() }
        do {
            return try converters.map {
                try SharedRowExtractor(pack: $0.pack, events: events, mappingsFolder: mappings,
                                       identifiers: policy?.extract.identifiers ?? .asShared, key: key)
            }
        } catch let error as MappingFileError {
            printError(error.description)
            throw ExitCode(2)
        }
    }

    private func openAudit(_ path: String) throws -> StreamingOutput {
        do {
            return try StreamingOutput(path: path)
        } catch {
            printError("error: cannot write \(path): \(error.localizedDescription)")
            throw ExitCode(2)
        }
    }

    private func loadKey() throws -> SharingKey {
        do {
            if let keyFile { return try SharingKey(file: keyFile) }
            if let key = try SharingKey.fromEnvironment() { return key }
        } catch {
            printError("error: \(error)")
            throw ExitCode(2)
        }
        printError("error: no key: give --key-file KEY or set \(SharingKey.environmentVariable)")
        throw ExitCode(2)
    }
}
