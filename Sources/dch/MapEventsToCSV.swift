import ArgumentParser
import Foundation
import FHIRModel
import FHIRConversion
import EventMapping

/// The edge events -> CSV of `dch map`: each message read, mapped to its event's row and written,
/// one at a time.
enum MapEventsToCSV {
    static func run(_ command: MapCommand) throws {
        let engine = try command.engine(kind: "csv")
        let converter = try runReportingIssues { try Converter() }
        let format: MessageFormat? = command.from == .xml ? .xml : (command.from == .json || command.from == .ndjson ? .json : nil)
        let toFolder = command.output.map { POSIXFile.isDirectory($0) || $0.hasSuffix("/") } ?? false
        var sink = try CSVSink(output: command.output, folder: toFolder)
        var exit = ExitStatus()
        for item in InputMessageSequence(command.inputPaths, maximumMessageBytes: command.limit.maxMessageBytes,
                                         framing: command.limit.framing, tellsSoleMessage: false) {
            switch item {
            case .unreadable(let name, _, let reason):
                printError("\(name): error: cannot read: \(reason)")
                exit.record(.ioError)
            case .message(let name, let index, let message, _):
                let location = message.line.map { "\(name):\($0)" } ?? "\(name): message \(index + 1)"
                guard message.skippedByteCount == nil else {
                    printError("\(location): error: message longer than --max-message-bytes, skipped")
                    exit.record(.failed)
                    continue
                }
                do {
                    let root = try converter.read(message.bytes, format: format).root
                    guard let mapping = engine.mapping(for: root) else {
                        let code = EventMappingEngine.eventCoding(of: root)?.code ?? "none"
                        printError("\(location): error: no CSV mapping for event '\(code)'; mapped events: \(engine.mappings.eventCodes.joined(separator: ", "))")
                        exit.record(.failed)
                        continue
                    }
                    let row = try engine.record(of: root, mapping: mapping, location: location)
                    if let refusal = try sink.write(row, mapping: mapping) {
                        printError("\(location): error: \(refusal)")
                        exit.record(.failed)
                    }
                } catch let error as MappingError {
                    printError(error.description)
                    exit.record(.failed)
                } catch let error as IssuesError {
                    report(error.issues, file: location)
                    exit.record(.failed)
                } catch {
                    printError("\(location): error: \(error)")
                    exit.record(.ioError)
                }
            }
        }
        do {
            try sink.finish()
        } catch {
            printError("error: \(error)")
            exit.record(.ioError)
        }
        if command.report {
            for (code, count) in sink.counts.sorted(by: { $0.key < $1.key }) { printError("\(code): \(count) rows") }
        }
        try exit.finish()
    }
}

/// Where the rows go: one stream (stdout or a file) holding one event type, or a folder with a
/// file per event type (`EVENTCODE.csv`), each starting with its header.
struct CSVSink {
    private let folder: String?
    private var single: StreamingOutput?
    private var singleEvent: String?
    private var files: [String: StreamingOutput] = [:]
    /// Rows written, by event code.
    private(set) var counts: [String: Int] = [:]

    init(output: String?, folder: Bool) throws {
        if folder, let output {
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            self.folder = output
        } else {
            self.folder = nil
            single = try output.map(StreamingOutput.init(path:)) ?? StreamingOutput()
        }
    }

    /// Writes a row (and its file's header first); returns why not when the single stream already
    /// holds another event type.
    mutating func write(_ row: [String], mapping: MappingDefinition) throws -> String? {
        let code = mapping.eventCode
        let stream: StreamingOutput
        if let folder {
            if let open = files[code] {
                stream = open
            } else {
                let safe = String(code.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" })
                stream = try StreamingOutput(path: URL(fileURLWithPath: folder).appendingPathComponent(safe + ".csv").path)
                try stream.write(CSVRowEncoder.encode(mapping.columns))
                files[code] = stream
            }
        } else {
            if let held = singleEvent, held != code {
                return "this message is of event '\(code)' but the output holds '\(held)' rows (different columns); use -o DIR for one CSV per event type"
            }
            stream = single!
            if singleEvent == nil {
                singleEvent = code
                try stream.write(CSVRowEncoder.encode(mapping.columns))
            }
        }
        try stream.write(CSVRowEncoder.encode(row))
        counts[code, default: 0] += 1
        return nil
    }

    func finish() throws {
        try single?.finish()
        for (_, file) in files { try file.finish() }
    }
}
