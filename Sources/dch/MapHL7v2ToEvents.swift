import ArgumentParser
import Foundation
import FHIRConversion
import HL7v2
import EventMapping

/// The edge HL7 v2 -> events of `dch map`: every message of every input (plain, back to back,
/// batches, MLLP frames) is mapped by the `hl7v2` mapping whose conditions it meets, each item
/// written as it is made; an ACK per message when `--ack` asks for one.
enum MapHL7v2ToEvents {
    static func run(_ command: MapCommand) throws {
        let mapper = HL7v2EventMapper(engine: try command.engine(kind: "hl7v2"))
        let converter = try runReportingIssues { try Converter() }
        let format: Generate.OutputFormat = command.to == .xml ? .xml : (command.to == .json ? .json : .ndjson)
        var writer = try MessageWriter(format: format, output: command.output, defects: false)
        var acks = try command.ack.map { try AckWriter(path: $0) }
        var exit = ExitStatus()
        var index = 0
        let acknowledger = HL7v2Acknowledger()
        for path in command.inputPaths {
            let name = path == "-" ? "<stdin>" : path
            guard let data = readInput(path, name: name, exit: &exit) else { continue }
            let parsed = HL7v2Parser().parse([UInt8](data))
            for issue in parsed.issues { printError("\(name): \(issue.description)") }
            if parsed.messages.isEmpty, parsed.issues.isEmpty {
                printError("\(name): error: no HL7 v2 message (no MSH segment)")
                exit.record(.failed)
            }
            for message in parsed.messages {
                let result = mapper.map(message, input: name)
                for error in result.errors { printError(error.description) }
                if !result.errors.isEmpty { exit.record(.failed) }
                if command.report, !result.unusedPositions.isEmpty {
                    var where_ = "\(name): message \(message.index + 1)"
                    if let id = message.controlID { where_ += " (MSH-10 \(id))" }
                    printError("\(where_): unused fields: \(result.unusedPositions.joined(separator: ", "))")
                }
                for mapped in result.mapped {
                    do {
                        try writer.write(mapped.message, index: index, event: mapped.event, defects: [], converter: converter)
                        index += 1
                    } catch {
                        printError("\(name): error: \(error)")
                        exit.record(.ioError)
                    }
                }
                if acks != nil {
                    let ack = acknowledger.acknowledgement(of: message, errors: result.acknowledgementErrors)
                    do { try acks!.write(ack, of: message) } catch {
                        printError("error: cannot write the ACK: \(error)")
                        exit.record(.ioError)
                    }
                }
            }
        }
        do {
            try writer.finish()
            try acks?.finish()
        } catch {
            printError("error: \(error)")
            exit.record(.ioError)
        }
        try exit.finish()
    }
}

/// Where `--ack` puts the ACKs: one file with every ACK back to back (CR-terminated segments), or a
/// folder (a path ending in `/`, or an existing folder) with one file per message, named after
/// the message's MSH-10 (`ACK-<MSH-10>.hl7`, else `ACK-<n>.hl7`).
struct AckWriter {
    private let folder: URL?
    private var bytes: [UInt8] = []
    private let path: String
    private var count = 0

    init(path: String) throws {
        self.path = path
        var isFolder: ObjCBool = false
        if path.hasSuffix("/") || (FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue) {
            let url = URL(fileURLWithPath: path)
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            folder = url
        } else {
            folder = nil
        }
    }

    mutating func write(_ ack: HL7v2Message, of message: HL7v2Message) throws {
        count += 1
        let text = HL7v2Writer().write(ack)
        guard let folder else { bytes += text; return }
        let id = message.controlID.map { String($0.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }) }
        let name = "ACK-\(id.map { $0.isEmpty ? String(count) : $0 } ?? String(count)).hl7"
        try writeAtomically(text, to: folder.appendingPathComponent(name).path)
    }

    func finish() throws {
        if folder == nil { try writeAtomically(bytes, to: path) }
    }
}
