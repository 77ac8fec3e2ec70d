import ArgumentParser
import Foundation
import FHIRModel
import FHIRDefinitions
import FHIRConversion
import ChildHealthEvents
import EventBuilder

/// `dch generate`: synthetic event messages, reproducible for a seed, streamed.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate synthetic, valid DCH/NEMS event messages (test NHS numbers, made-up people and places).",
        discussion: """
            Message i of a run depends only on --seed and i: the same options give the same bytes. \
            With --event all, message i is of the catalogue's event i modulo its size (see `dch events`).
            Output: ndjson (the default) writes one compact JSON message per line to stdout or to the \
            file -o OUT; xml and json write one pretty message to stdout when --count is 1, otherwise \
            one file per message into the folder -o DIR, named NNNNNNN-EVENTCODE.xml|json. Messages are \
            written as they are made, so memory stays flat for any --count; files appear only complete \
            (temporary name, then rename).
            --defects K breaks each message in K labelled ways (different elements; see the README for \
            the kinds) and writes the labels to a sidecar, one JSON line per message \
            ({"index","file","event","defects":[{"rule","path","description"}]}): OUT.defects.ndjson \
            beside an NDJSON file, or DIR/defects.ndjson. --defects needs -o.
            Exit codes: 0 success; 2 usage or I/O error.
            """
    )

    @Option(name: .long, help: "Event name or code (see `dch events`), or 'all'.")
    var event: String

    @Option(name: .long, help: "Number of messages.")
    var count: Int = 1

    @Option(name: .long, help: "Seed of the random choices.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Output format: ndjson, xml or json.")
    var format: OutputFormat = .ndjson

    @Option(name: [.short, .customLong("output")], help: "Output file (ndjson) or folder (xml, json); stdout when absent.")
    var output: String?

    @Option(name: .long, help: "Labelled defects per message (negative test cases).")
    var defects: Int = 0

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case ndjson, xml, json
    }

    func validate() throws {
        guard count >= 0 else { throw ValidationError("--count must be 0 or more") }
        guard defects >= 0 else { throw ValidationError("--defects must be 0 or more") }
        if format != .ndjson, count > 1, output == nil {
            throw ValidationError("--format \(format.rawValue) with --count > 1 needs -o DIR (one file per message)")
        }
        if defects > 0, output == nil {
            throw ValidationError("--defects needs -o (the labels go to a sidecar file beside the output)")
        }
    }

    func run() throws {
        let (pack, catalogue) = try runReportingIssues { (try DefinitionPack.shipped(), try EventCatalogue.shipped()) }
        let events: [EventDefinition]
        if event.lowercased() == "all" {
            events = catalogue.events
        } else if let e = catalogue.event(named: event) {
            events = [e]
        } else {
            printError("error: unknown event '\(event)'; known events: "
                       + catalogue.events.map { "\($0.name) (\($0.eventCode))" }.joined(separator: ", "))
            throw ExitCode(2)
        }
        let converter = Converter(pack: pack)
        let generator = MessageGenerator(pack: pack, catalogue: catalogue)
        var writer = try MessageWriter(format: format, output: output, defects: defects > 0)
        do {
            for index in 0..<count {
                let event = events[index % events.count]
                var message = try generator.message(event: event, seed: seed, index: index)
                var labels: [Defect] = []
                if defects > 0 {
                    var random = MessageGenerator.random(seed: seed ^ 0xDEFEC7, index: index)
                    labels = DefectInjector.inject(defects, into: &message, using: &random)
                    if labels.count < defects {
                        printError("warning: message \(index) (\(event.eventCode)) takes only \(labels.count) of the \(defects) defects asked for")
                    }
                }
                try writer.write(message, index: index, event: event, defects: labels, converter: converter)
            }
            try writer.finish()
        } catch {
            writer.abandon()
            if let issues = error as? IssuesError { issues.issues.forEach { printError($0.description) } }
            else { printError("error: \(error)") }
            throw ExitCode(2)
        }
    }
}
