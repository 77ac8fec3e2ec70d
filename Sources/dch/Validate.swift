import ArgumentParser
import Foundation
import FHIRModel
import FHIRXML
import FHIRConversion
import FHIRValidation
import ValidationReports
import MessageChecking
import ChildHealthEvents

/// `dch validate`: checks messages against the definition pack and writes a report.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate FHIR STU3 messages (XML, JSON or NDJSON) and report every issue.",
        discussion: """
            With no INPUT or with '-', reads stdin. Each input is one XML or JSON message, or NDJSON: \
            several non-empty lines that all start with '{', one message per line (reported with its \
            index and line number). Each message is reported separately; problems reading a message \
            are errors of that message. The report goes to stdout, or to REPORT with -o (written to a \
            temporary name and renamed).
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
            (one object per issue per line), outcome (a FHIR STU3 OperationOutcome, --outcome-format \
            json|xml), junit (one testcase per message), sarif (SARIF 2.1.0 for GitHub code scanning), \
            html (one self-contained page: summary, filterable issue table, each message's source with \
            the lines that carry issues marked; large runs are capped with a note).
            --list-rules prints every rule id with its layer and summary (families made at run time, \
            such as invariant.<key>, as patterns).
            Exit codes: 0 no errors; 1 errors (or warnings with --fail-on warning); 2 usage or I/O error.
            """
    )

    @Option(name: .long, help: "Report format: text|json|outcome|junit|sarif|html.")
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

    @Option(name: .customLong("profile"), help: ArgumentHelp(
        "Also check every resource of this profile's type against it (canonical URL; repeatable).", valueName: "URL"))
    var profiles: [String] = []

    @Flag(name: .long, help: "List every rule id with its layer and what it checks (text, or --format json), then exit.")
    var listRules = false

    @OptionGroup var jobs: JobsOption

    @Argument(help: "Input files; '-' or none for stdin.")
    var inputs: [String] = []

    func validate() throws {
        if inputs.filter({ $0 == "-" }).count > 1 {
            throw ValidationError("stdin ('-') can be read only once")
        }
    }

    func run() throws {
        if listRules { return try listRuleIDs() }
        let schema = try xsd.map { path in try runReportingIssues { try XMLSchemaValidator(schemaPath: path) } }
        let checker = try runReportingIssues { try MessageChecker(options: CheckOptions(profiles: profiles, schema: schema)) }
        ProcessLifetime.keep(checker)
        var settings = ReportSettings(converter: checker.converter, toolVersion: DCH.configuration.version,
                                      outcomeFormat: outcomeFormat, threshold: failOn,
                                      baseDirectory: FileManager.default.currentDirectoryPath)
        // Sources are kept only for the messages the HTML page can show, so a huge run stays small.
        var sourcesToKeep = format.showsSources ? settings.htmlLimits.messages : 0
        var exit = ExitStatus()
        var run = ValidationRun()
        try InputOrderPipeline.run(ValidationItem.items(of: inputs.isEmpty ? ["-"] : inputs), jobs: jobs.count) { item in
            item.checked(by: checker)
        } deliver: { item in
            switch item {
            case .message(let name, let index, let message, let checked):
                var report = checked ?? MessageReport(file: name, index: index)
                if sourcesToKeep > 0, !report.issues.isEmpty {
                    sourcesToKeep -= 1
                    // An NDJSON message is its line; its issues' lines are already the file's.
                    report.source = MessageSource(bytes: message.bytes, firstLine: message.line ?? 1)
                }
                run.messages.append(report)
            case .unreadable(let name, let reason):
                let issue = Issue(.fatal, .processing, rule: ReadingRule.read,
                                  "cannot read: \(reason)", file: name, messageIndex: 0)
                run.messages.append(MessageReport(file: name, index: 0, issues: [issue]))
                exit.record(.ioError)
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
        try exit.finish()
    }
}

/// One message of `dch validate`'s inputs on its way through the pipeline: read on the main
/// thread, checked on a worker, reported on the main thread again in input order.
enum ValidationItem: Sendable {
    /// A message of input `name` (index `index` of the input) and, once checked, its report.
    case message(name: String, index: Int, InputMessages.Message, MessageReport?)
    /// An input that could not be read, and why.
    case unreadable(name: String, reason: String)

    /// The messages of every input, in order, read one input at a time as they are asked for.
    static func items(of inputs: [String]) -> some Sequence<ValidationItem> {
        inputs.lazy.flatMap { input -> [ValidationItem] in
            let name = input == "-" ? "<stdin>" : input
            do {
                return InputMessages.split(try readInput(input)).enumerated().map {
                    .message(name: name, index: $0.offset, $0.element, nil)
                }
            } catch {
                return [.unreadable(name: name, reason: error.localizedDescription)]
            }
        }
    }

    /// The item with its report (the message's tree is freed here, on the worker).
    func checked(by checker: MessageChecker) -> ValidationItem {
        guard case .message(let name, let index, let message, nil) = self else { return self }
        let report = checker.checkMessage(message.bytes, name: name, index: index, line: message.line).report
        return .message(name: name, index: index, message, report)
    }
}

extension ReportFormat: ExpressibleByArgument {}
extension FailureThreshold: ExpressibleByArgument {}
