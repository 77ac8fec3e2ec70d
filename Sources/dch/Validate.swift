import ArgumentParser
import Foundation
import FHIRModel
import FHIRXML
import FHIRConversion
import FHIRValidation
import ValidationReports
import MessageChecking
import ChildHealthEvents
import MessageStreams

/// `dch validate`: checks messages against the definition pack and writes a report.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate FHIR STU3 and R4 messages (XML, JSON or NDJSON) and report every issue.",
        discussion: """
            With no INPUT or with '-', reads stdin. An input holds one XML or JSON message, NDJSON (one \
            message per line) or several XML or JSON messages back to back; it is read a chunk at a time \
            and each message reported separately, with its index and the input's line numbers. Problems \
            reading a message are errors of that message; a message longer than --max-bytes is \
            skipped (io.too-large). The report goes to stdout, or to REPORT with -o (written to a \
            temporary name and renamed); text, json and messages reports are written message by message \
            as each is checked (to a pipe at once), so dch validate works as a filter in a pipeline.
            --xsd PATH adds layer 0: each XML message is also validated against that W3C XML Schema \
            (e.g. the official fhir-single.xsd; the schemas it imports, xml.xsd and fhir-xhtml.xsd, must \
            be in the same folder), reported with rule xsd.invalid; JSON messages get one information \
            issue xsd.not-applicable. A schema that cannot be loaded is a usage error (exit 2).
            Layers: 1 structure and values against the base STU3 definitions; 2 each resource against \
            the profiles its meta.profile claims and every --profile URL of its type, and every extension \
            against its definition; 3 required and extensible bindings (SNOMED CT and other systems that \
            cannot be checked offline are reported once per message as information); 4 Bundle rules; 5 \
            the FHIRPath invariants of the definitions; then, for every message Bundle, the child-health \
            event rules (event.G3 ... event.G13 from the generic rules, event.E-<code> for an event's \
            resources; `dch events` lists the events). A --profile the definition pack lacks is a usage \
            error (exit 2).
            Formats: text (file:line:col: severity: [rule] message (path), then a summary line), json \
            (one object per issue per line), messages (one object per message per line, clean ones \
            included: its verdict, counts and issues), outcome (a FHIR STU3 OperationOutcome, --outcome-format \
            json|xml), junit (one testcase per message), sarif (SARIF 2.1.0 for GitHub code scanning), \
            html (one self-contained page: summary, filterable issue table, each message's source with \
            the lines that carry issues marked; large runs are capped with a note).
            --fhir-version 3|4 checks every message as FHIR STU3 or R4; without it each message's \
            release is detected as `dch convert` does (the first meta.profile or extension URL of a known \
            family, else resource types or elements only R4 defines, else STU3). R4 messages are checked \
            against R4 core 4.0.1 and UK Core (layers 1 to 5 where the R4 definitions have them); the \
            event rules are STU3 only and are not run, which an information issue format.fhir-version says.
            --list-rules prints every rule id with its layer and summary (families made at run time, \
            such as invariant.<key>, as patterns).
            Exit codes: 0 no errors; 1 errors (or warnings with --fail-on warning); 2 usage or I/O error.
            """
    )

    @Option(name: .long, help: "Report format: text|json|messages|outcome|junit|sarif|html.")
    var format: ReportFormat = .text

    @Option(name: .long, help: "OperationOutcome format for --format outcome: json|xml.")
    var outcomeFormat: MessageFormat = .json

    @Option(name: [.short, .customLong("output")], help: "Write the report to REPORT instead of stdout.")
    var output: String?

    @Option(name: .long, help: "The least severity that fails (exit 1): error|warning.")
    var failOn: FailureThreshold = .error

    @Option(name: .long, help: ArgumentHelp("Also validate XML messages against this XML Schema (e.g. fhir-single.xsd).",
                                            valueName: "PATH"))
    var xsd: String?

    @Option(name: .customLong("fhir-version"), help: "FHIR release of the messages: 3 (STU3) or 4 (R4); detected per message when absent.")
    var fhirVersion: FHIRVersion?

    @Option(name: .customLong("profile"), help: ArgumentHelp(
        "Also check every resource of this profile's type against it (canonical URL; repeatable).", valueName: "URL"))
    var profiles: [String] = []

    @Flag(name: .long, help: "List every rule id with its layer and what it checks (text, or --format json), then exit.")
    var listRules = false

    @OptionGroup var jobs: JobsOption

    @OptionGroup var limit: MessageLimitOption

    @Argument(help: "Input files; '-' or none for stdin.")
    var inputs: [String] = []

    func validate() throws {
        try OutputGuard.refuse(output, overwriting: inputs)
        if inputs.filter({ $0 == "-" }).count > 1 {
            throw ValidationError("stdin ('-') can be read only once")
        }
    }

    func run() throws {
        if listRules { return try listRuleIDs() }
        let schema = try xsd.map { path in try runReportingIssues { try XMLSchemaValidator(schemaPath: path) } }
        let checker = try runReportingIssues {
            try MessageChecker(options: CheckOptions(profiles: profiles, schema: schema, limits: limit.readLimits, fhirVersion: fhirVersion))
        }
        ProcessLifetime.keep(checker)
        let settings = ReportSettings(converter: checker.converter, toolVersion: DCH.configuration.version,
                                      outcomeFormat: outcomeFormat, threshold: failOn,
                                      baseDirectory: FileManager.default.currentDirectoryPath)
        // Only the text report names messages differently when an input holds several.
        let items = InputMessageSequence(inputs.isEmpty ? ["-"] : inputs, maximumMessageBytes: limit.maxMessageBytes, framing: limit.framing,
                                         tellsSoleMessage: format != .json && format != .messages)
        var exit = ExitStatus()
        if let writer = format.streamingWriter(settings) {
            try streamReport(items, checker: checker, writer: writer, exit: &exit)
        } else {
            try wholeReport(items, checker: checker, settings: settings, exit: &exit)
        }
        try exit.finish()
    }

    /// Text, JSON and message lines: each message's lines written as soon as it is checked (to a
    /// pipe at once), nothing kept but the totals.
    private func streamReport(_ items: InputMessageSequence, checker: MessageChecker, writer: any StreamingReportWriter,
                              exit: inout ExitStatus) throws {
        let out = try openReport()
        var totals = RunTotals()
        do {
            try check(items, checker: checker, exit: &exit) { report, sole in
                try out.write(writer.lines(for: report, soleInInput: sole))
                totals.add(report)
            }
            try out.write(writer.ending(totals))
            try out.finish()
        } catch {
            out.abandon()
            printError("\(output ?? "<stdout>"): error: cannot write the report: \(error.localizedDescription)")
            throw ExitCode(2)
        }
        if totals.fails(failOn) { exit.record(.failed) }
    }

    /// OperationOutcome, JUnit, SARIF and HTML: one document over the whole run, written at the end.
    private func wholeReport(_ items: InputMessageSequence, checker: MessageChecker, settings: ReportSettings,
                             exit: inout ExitStatus) throws {
        var settings = settings
        // Sources are kept only for the messages the HTML page can show, so a huge run stays small.
        var sourcesToKeep = format.showsSources ? settings.htmlLimits.messages : 0
        var run = ValidationRun()
        try check(items, checker: checker, exit: &exit) { report, _ in
            run.messages.append(report)
        } source: { report, message in
            if sourcesToKeep > 0, !report.issues.isEmpty {
                sourcesToKeep -= 1
                // A message of several is its own bytes; its issues' lines are already the input's.
                report.source = MessageSource(bytes: message.bytes, firstLine: message.line ?? 1)
            }
        }
        if run.fails(failOn) { exit.record(.failed) }
        settings.ruleSummaries = ValidationRules.summaries(for: Set(run.issues.map(\.rule)))
        let bytes = try runReportingIssues { try format.writer(settings).write(run) }
        if let output {
            do {
                try writeAtomically(bytes, to: output)
            } catch {
                printError("\(output): error: cannot write the report: \(error.localizedDescription)")
                throw ExitCode(2)
            }
        } else {
            FileHandle.standardOutput.write(Data(bytes))
        }
    }

    /// Checks every message on the worker threads and hands each report, in input order, to
    /// `deliver` (with whether its input holds no other message); `source` may attach the message's
    /// text first.
    private func check(_ items: InputMessageSequence, checker: MessageChecker, exit: inout ExitStatus,
                       deliver: (MessageReport, Bool) throws -> Void,
                       source: (inout MessageReport, InputMessages.Message) -> Void = { _, _ in }) throws {
        let limit = self.limit.maxMessageBytes
        let inputs = self.inputs.isEmpty ? ["-"] : self.inputs
        // One checker for every worker: its compiled profiles are shared. A checker per worker (as
        // convert and bulk have a converter each) measured no faster: compiling the profiles once per
        // worker cost what the shared reference counts did.
        try InputOrderPipeline.run(items, jobs: jobs.count, batch: InputOrderPipeline.batchSize(inputs: inputs),
                                   weight: InputMessageSequence.weight) { item in
            CheckedItem(item: item, checker: checker, limit: limit)
        } deliver: { checked in
            switch checked.item {
            case .message(_, _, let message, let sole):
                var report = checked.report
                source(&report, message)
                try deliver(report, sole)
            case .unreadable(let name, let index, let reason):
                let issue = Issue(.fatal, .processing, rule: ReadingRule.read,
                                  "cannot read: \(reason)", file: name, messageIndex: index)
                exit.record(.ioError)
                try deliver(MessageReport(file: name, index: index, issues: [issue]), index == 0)
            }
        }
    }

    /// The report file, or stdout.
    private func openReport() throws -> StreamingOutput {
        guard let output else { return StreamingOutput() }
        do {
            return try StreamingOutput(path: output)
        } catch {
            printError("\(output): error: cannot write the report: \(error.localizedDescription)")
            throw ExitCode(2)
        }
    }
}

/// One message of `dch validate`'s inputs checked on a worker (its tree is freed there), to be
/// reported on the main thread in input order.
struct CheckedItem: Sendable {
    let item: InputMessageSequence.Item
    let report: MessageReport

    init(item: InputMessageSequence.Item, checker: MessageChecker, limit: Int) {
        self.item = item
        if case .message(let name, let index, let message, _) = item {
            report = checker.checkMessage(message, name: name, index: index, limit: limit).report
        } else {
            report = MessageReport(file: "", index: 0)
        }
    }
}

extension ReportFormat: ExpressibleByArgument {}
extension FailureThreshold: ExpressibleByArgument {}
