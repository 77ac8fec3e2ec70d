import ArgumentParser
import Foundation
import FHIRModel
import FHIRConversion
import FHIRValidation
import ChildHealthEvents
import MessageChecking

/// `dch inspect`: a summary of each event message, with the full validator's verdict in one line.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Summarise event messages: event, new/update/delete, patient, sender, receiver, timestamp, resources, verdict.",
        discussion: """
            Each INPUT is one XML or JSON message ('-' or none: stdin). The patient's NHS number is masked \
            (943 *** **22) unless --show-identifiers is given. The verdict runs the full validation of \
            `dch validate` (every layer and the event rules). Exit codes: 0 every message was read (whatever \
            its verdict); 1 a message could not be read; 2 usage or I/O error.
            """)

    enum Format: String, ExpressibleByArgument { case text, json }

    @Option(name: .long, help: "Output format: text|json (one object per message per line).")
    var format: Format = .text

    @Flag(name: .long, help: "Show NHS numbers whole instead of masked.")
    var showIdentifiers = false

    @Argument(help: "Input files; '-' or none for stdin.")
    var inputs: [String] = []

    func run() throws {
        let checker = try runReportingIssues { try MessageChecker() }
        let catalogue = checker.catalogue
        var exit = ExitStatus()
        for input in inputs.isEmpty ? ["-"] : inputs {
            let name = input == "-" ? "<stdin>" : input
            guard let data = readInput(input, name: name, exit: &exit) else { continue }
            let checked = checker.checkMessage(data, name: name)
            guard let root = checked.root else {
                report(checked.report.issues, file: name)
                exit.record(.failed)
                continue
            }
            let summary = catalogue.flatMap { catalogue in
                EventMessage(root).map { MessageSummary($0, catalogue: catalogue, showIdentifiers: showIdentifiers) }
            }
            try write(Inspection(file: name, resourceType: root.resourceType, summary: summary, verdict: Verdict(checked.report.issues)))
        }
        try exit.finish()
    }

    private func write(_ inspection: Inspection) throws {
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            FileHandle.standardOutput.write(try encoder.encode(inspection) + Data("\n".utf8))
        case .text:
            FileHandle.standardOutput.write(Data(inspection.text.utf8))
        }
    }
}

/// The validation verdict of one message in counts.
struct Verdict: Encodable {
    var valid: Bool
    var errors = 0, warnings = 0, information = 0

    init(_ issues: [Issue]) {
        for issue in issues {
            switch issue.severity {
            case .fatal, .error: errors += 1
            case .warning: warnings += 1
            case .information: information += 1
            }
        }
        valid = errors == 0
    }

    var text: String {
        "\(valid ? "valid" : "invalid"): \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s"), "
            + "\(information) information"
    }
}

/// One inspected input.
struct Inspection: Encodable {
    var file: String
    var resourceType: String?
    /// Nil when the input is not a message Bundle.
    var summary: MessageSummary?
    var verdict: Verdict

    var text: String {
        var rows: [[String]] = []
        if let s = summary {
            let event = s.event.map { "\($0) (\(s.eventCode ?? "-"), \(s.family?.rawValue ?? "-"))" }
                ?? "unknown event code \(s.eventCode ?? "(none)")"
            rows.append(["event", event])
            rows.append(["type", s.messageEventType ?? "-"])
            rows.append(["patient", [s.nhsNumber ?? "no NHS number", s.patientName].compactMap { $0 }.joined(separator: "  ")])
            rows.append(["sender", s.sender ?? "-"])
            rows.append(["receiver", s.receiver ?? "-"])
            rows.append(["timestamp", s.timestamp ?? "-"])
            for (i, r) in s.resources.enumerated() {
                let profiles = r.profiles.map { $0.components(separatedBy: "/").last ?? $0 }.joined(separator: ", ")
                rows.append([i == 0 ? "resources" : "", "\(r.path)  \(r.type)\(profiles.isEmpty ? "" : "  " + profiles)"])
            }
        } else {
            rows.append(["message", "\(resourceType ?? "?") (not a message Bundle: no event)"])
        }
        rows.append(["verdict", verdict.text])
        return file + "\n" + textTable(rows.map { ["  " + $0[0], $0[1]] })
    }
}
