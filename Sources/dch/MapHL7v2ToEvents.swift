import ArgumentParser
import Foundation
import FHIRModel
import FHIRConversion
import HL7v2
import EventMapping
import MessageStreams

/// The edge HL7 v2 -> events of `dch map`: every message of every input (plain, back to back,
/// batches, MLLP frames) is mapped by the `hl7v2` mapping whose conditions it meets, each item
/// written as it is made; an ACK per message when `--ack` asks for one. Inputs are read a chunk
/// at a time (``HL7v2StreamParser``): one message is held at a time, and on a pipe each message's
/// events are out before the next message has arrived.
enum MapHL7v2ToEvents {
    static func run(_ command: MapCommand) throws {
        var run = try Run(command)
        for path in command.inputPaths { run.map(input: path) }
        try run.finish()
    }

    /// One `dch map --from hl7v2` run: the mapper, the writers, and how it went.
    private struct Run {
        let command: MapCommand
        let mapper: HL7v2EventMapper
        let converter: Converter
        let acknowledger = HL7v2Acknowledger()
        var writer: MessageWriter
        var acks: AckWriter?
        var exit = ExitStatus()
        var index = 0
        /// How much is read from an input at a time.
        static let chunkSize = 64 << 10

        init(_ command: MapCommand) throws {
            self.command = command
            mapper = HL7v2EventMapper(engine: try command.engine(kind: "hl7v2"))
            converter = try runReportingIssues { try Converter() }
            let format: Generate.OutputFormat = command.to == .xml ? .xml : (command.to == .json ? .json : .ndjson)
            writer = try MessageWriter(format: format, output: command.output, defects: false)
            acks = try command.ack.map { try AckWriter(path: $0) }
        }

        /// Reads one input (a path, `-` for stdin) a chunk at a time, mapping each message as it completes.
        mutating func map(input path: String) {
            let name = path == "-" ? "<stdin>" : path
            let source: FileByteSource
            do {
                source = path == "-" ? FileByteSource.standardInput() : try FileByteSource(path: path)
            } catch {
                printError("\(name): error: cannot read: \(error.localizedDescription)")
                exit.record(.ioError)
                return
            }
            var reader = HL7v2StreamParser(options: HL7v2ParseOptions(maxMessageBytes: command.limit.maxMessageBytes))
            var chunk = [UInt8](repeating: 0, count: Self.chunkSize)
            while true {
                let count: Int
                do {
                    count = try source.read(into: &chunk)
                } catch {
                    printError("\(name): error: cannot read: \(error.localizedDescription)")
                    exit.record(.ioError)
                    break
                }
                if count == 0 { break }
                reader.read(chunk.span.extracting(0..<count))
                handle(reader.take(), name: name)
            }
            reader.finish()
            handle(reader.take(), name: name)
        }

        /// Reports what the reader found outside messages, and maps each message read.
        private mutating func handle(_ read: HL7v2ParseResult, name: String) {
            for issue in read.issues {
                printError("\(name): \(issue.description)")
                if issue.severity >= .error { exit.record(.failed) }
            }
            for message in read.messages { map(message, name: name) }
        }

        private mutating func map(_ message: HL7v2Message, name: String) {
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

        mutating func finish() throws {
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
        if path.hasSuffix("/") || POSIXFile.isDirectory(path) {
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
