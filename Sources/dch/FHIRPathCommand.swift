import ArgumentParser
import Foundation
import FHIRModel
import FHIRConversion
import FHIRPath
import MessageChecking

/// `dch fhirpath`: evaluates a FHIRPath expression on each message and prints the result.
struct FHIRPathCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fhirpath",
        abstract: "Evaluate a FHIRPath expression on each message and print the result collection.",
        discussion: """
            The expression is evaluated on each message's root resource, which is also %resource and \
            %context (%ucum, %sct, %loinc and the %"vs-..." / %"ext-..." shorthands are known; resolve() \
            searches the message). With no INPUT or with '-', reads stdin; inputs are read as `dch validate` \
            reads them (XML, JSON, or NDJSON with one message per line). \
            Formats: text (one line per item: its type and value, e.g. `date 2019-03-01`, `string Jane`, \
            `HumanName {"family":"Smith"}`, `System.Boolean true` for a computed value; lines are prefixed \
            with the file, and the line for NDJSON, when there is more than one message), json (one object \
            per message per line: {"file","index","line"(NDJSON),"result":[{"type","value"}]}, or "error"). \
            Exit codes: 0 every message evaluated; 1 a message could not be read or evaluated (the others \
            still are); 2 usage error (an expression that does not parse or cannot be evaluated) or I/O error.
            """)

    enum Format: String, ExpressibleByArgument { case text, json }

    @Argument(help: "The FHIRPath expression.")
    var expression: String

    @Argument(help: "Input files; '-' or none for stdin.")
    var inputs: [String] = []

    @Option(name: .long, help: "Output format: text|json.")
    var format: Format = .text

    func validate() throws {
        if inputs.filter({ $0 == "-" }).count > 1 {
            throw ValidationError("stdin ('-') can be read only once")
        }
    }

    func run() throws {
        let converter = try runReportingIssues { try Converter() }
        let engine = FHIRPathEngine(pack: converter.pack)
        let compiled = try compile(engine)
        let renderer = FHIRPathResultRenderer(engine: engine)
        let output = StreamingOutput()
        let names = inputs.isEmpty ? ["-"] : inputs
        var exit = ExitStatus()
        for input in names {
            let name = input == "-" ? "<stdin>" : input
            guard let data = readInput(input, name: name, exit: &exit) else { continue }
            let messages = InputMessages.split(data)
            for (index, message) in messages.enumerated() {
                let location = MessagePlace(file: name, index: index, line: message.line,
                                            prefixed: names.count > 1 || message.line != nil)
                let outcome = evaluate(compiled, message.bytes, at: location, converter: converter, renderer: renderer)
                if case let .failure(why) = outcome {
                    exit.record(.failed)
                    printError(why.description)
                }
                try output.write(format == .json ? location.jsonLine(outcome) : location.textLines(outcome))
            }
        }
        try output.finish()
        try exit.finish()
    }

    /// The compiled expression; a syntax error or an unsupported part ends the command (exit 2).
    private func compile(_ engine: FHIRPathEngine) throws -> FHIRPathExpression {
        switch engine.compile(expression) {
        case let .failure(error):
            printError("error: the expression does not parse: column \(error.column): \(error.message)")
            printError("  " + expression)
            printError("  " + String(repeating: " ", count: max(0, error.column - 1)) + "^")
            throw ExitCode(2)
        case let .success(compiled):
            if let why = compiled.unsupportedReason {
                printError("error: the expression cannot be evaluated: \(why)")
                throw ExitCode(2)
            }
            return compiled
        }
    }

    /// One message read and evaluated: its items, or why there are none.
    private func evaluate(_ expression: FHIRPathExpression, _ bytes: Data, at location: MessagePlace,
                          converter: Converter, renderer: FHIRPathResultRenderer) -> Result<[FHIRPathResultItem], MessageFailure> {
        let root: Element
        do {
            root = try converter.read(bytes).root
        } catch {
            var issues = (error as? IssuesError)?.issues
                ?? [Issue(.fatal, .processing, rule: ReadingRule.read, "cannot read: \(error.localizedDescription)")]
            InputMessages.place(&issues, file: location.file, index: location.index, line: location.line)
            return .failure(MessageFailure(lines: issues.map(\.description), summary: "cannot read the message"))
        }
        do {
            return .success(renderer.render(try renderer.engine.evaluate(expression, onResource: root)))
        } catch {
            let line = location.line.map { ":\($0)" } ?? ""
            let which = location.line == nil ? "" : "message \(location.index): "
            return .failure(MessageFailure(lines: ["\(location.file)\(line): error: \(which)cannot evaluate: \(error)"],
                                           summary: "cannot evaluate: \(error)"))
        }
    }
}

/// Why a message has no result, as stderr lines and a one-line summary for the JSON output.
struct MessageFailure: Error, CustomStringConvertible {
    var lines: [String]
    var summary: String
    var description: String { lines.joined(separator: "\n") }
}

/// Where a message is (file, index, NDJSON line) and how its results are printed.
struct MessagePlace {
    var file: String
    var index: Int
    var line: Int?
    /// Text lines start with `file:` (and `line:`) when the run has more than one message.
    var prefixed: Bool

    /// One line per item (nothing for an empty result or a failure, which stderr reports).
    func textLines(_ outcome: Result<[FHIRPathResultItem], MessageFailure>) -> String {
        guard case let .success(items) = outcome else { return "" }
        let prefix = prefixed ? file + (line.map { ":\($0)" } ?? "") + ": " : ""
        return items.map { prefix + $0.line + "\n" }.joined()
    }

    /// `{"file":…,"index":…,["line":…,]"result":[…]}` or `…"error":"…"}` and a line break.
    func jsonLine(_ outcome: Result<[FHIRPathResultItem], MessageFailure>) -> String {
        var s = "{\"file\":\(JSONString.quoted(file)),\"index\":\(index)"
        if let line { s += ",\"line\":\(line)" }
        switch outcome {
        case let .success(items): s += ",\"result\":[" + items.map(\.jsonObject).joined(separator: ",") + "]"
        case let .failure(why): s += ",\"error\":\(JSONString.quoted(why.summary))"
        }
        return s + "}\n"
    }
}
