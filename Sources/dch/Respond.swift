import ArgumentParser
import Foundation
import FHIRModel
import FHIRConversion
import FHIRValidation
import EventResponse
import MessageChecking

/// `dch respond`: the acknowledgement a receiver returns for an event message.
struct Respond: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "respond",
        abstract: "Build the EMS response (acceptance or rejection) to an event message.",
        discussion: """
            Reads one XML or JSON message (INPUT, or stdin for '-' or none), validates it with every \
            layer of 'dch validate', and writes the EMS event message response (event EMS01): an \
            EMS-Bundle-1 with an EMS-MessageHeader-1 addressed to the message's source and an \
            EMS-EventMessageResponse-Task-1 citing the message id. With no error the response accepts \
            (reason R00, level 001); otherwise it rejects (R10, or R08 when the message cannot be read; \
            level 002) and carries a Spine-OperationOutcome-1 listing each error with its rule, path and \
            line. Prints 'accepted' or 'rejected' on stderr.
            --id and --timestamp make the response reproducible; by default it gets a random UUID and \
            the current time.
            Exit codes: 0 a response was written (accepted or rejected); 2 usage or I/O error.
            """
    )

    @Option(name: .long, help: "Response format: xml|json (default: the input's, else xml).")
    var format: MessageFormat?

    @Option(name: [.short, .customLong("output")], help: "Write the response to OUT instead of stdout.")
    var output: String?

    @Option(name: .long, help: ArgumentHelp("Our endpoint, the response's MessageHeader.source.endpoint.",
                                            valueName: "URI"))
    var sourceEndpoint: String

    @Option(name: .long, help: "Our system's name (MessageHeader.source.name).")
    var sourceName: String?

    @Option(name: .long, help: ArgumentHelp("ODS code of the organisation responsible for the response.",
                                            valueName: "CODE"))
    var odsCode: String

    @Option(name: .long, help: "Name of that organisation (MessageHeader.responsible.display).")
    var organizationName: String?

    @Option(name: .long, help: ArgumentHelp("The response's MessageHeader id (a UUID); default: random.",
                                            valueName: "UUID"))
    var id: String?

    @Option(name: .long, help: ArgumentHelp("MessageHeader.timestamp, e.g. 2026-03-14T10:15:00+00:00; default: now.",
                                            valueName: "DATETIME"))
    var timestamp: String?

    @Argument(help: "The message; '-' or none for stdin.")
    var input: String = "-"

    func validate() throws {
        try OutputGuard.refuse(output, overwriting: [input])
        if let id, UUID(uuidString: id) == nil { throw ValidationError("--id must be a UUID, not '\(id)'") }
        if let timestamp, !ResponseSettings.isTimestamp(timestamp) {
            throw ValidationError("--timestamp must be a dateTime with seconds and a zone, not '\(timestamp)'")
        }
        if sourceEndpoint.isEmpty || odsCode.isEmpty {
            throw ValidationError("--source-endpoint and --ods-code must not be empty")
        }
    }

    func run() throws {
        let checker = try runReportingIssues { try MessageChecker() }
        let data: Data
        do {
            data = try readInput(input)
        } catch {
            printError("\(input): error: cannot read: \(error.localizedDescription)")
            throw ExitCode(2)
        }
        let settings = ResponseSettings(sourceEndpoint: sourceEndpoint, sourceName: sourceName, odsCode: odsCode,
                                        organizationName: organizationName, id: id?.lowercased(), timestamp: timestamp)
        let response = Responder(checker: checker).respond(to: data, name: input == "-" ? "<stdin>" : input, settings: settings)
        var bytes = try runReportingIssues {
            try checker.converter.write(response.bundle, format: format ?? response.inputFormat ?? .xml).bytes
        }
        if bytes.last != 0x0A { bytes.append(0x0A) }
        if let output {
            do {
                try writeAtomically(bytes, to: output)
            } catch {
                printError("\(output): error: cannot write the response: \(error.localizedDescription)")
                throw ExitCode(2)
            }
        } else {
            FileHandle.standardOutput.write(Data(bytes))
        }
        let name = input == "-" ? "<stdin>" : input
        let count = response.errors.count
        printError(response.verdict == .accepted ? "\(name): accepted"
                   : "\(name): rejected (\(count) error\(count == 1 ? "" : "s"))")
    }
}
