import Foundation
import ValidationReports
import FHIRModel
import FHIRConversion
import ChildHealthEvents
import EventBuilder

/// Where `dch generate` puts its messages and defect labels: one NDJSON stream, or one file per
/// message in a folder (or one message on stdout).
struct MessageWriter {
    let format: Generate.OutputFormat
    private let folder: AtomicFolderWriter?
    private let stream: StreamingOutput?
    private let sidecar: StreamingOutput?

    init(format: Generate.OutputFormat, output: String?, defects: Bool) throws {
        self.format = format
        if format == .ndjson {
            folder = nil
            stream = try output.map(StreamingOutput.init(path:)) ?? StreamingOutput()
            sidecar = try defects ? output.map { try StreamingOutput(path: $0 + ".defects.ndjson") } : nil
        } else if let output {
            folder = try AtomicFolderWriter(folder: output)
            stream = nil
            sidecar = try defects ? StreamingOutput(path: URL(fileURLWithPath: output).appendingPathComponent("defects.ndjson").path) : nil
        } else {
            folder = nil
            stream = StreamingOutput()
            sidecar = nil
        }
    }

    mutating func write(_ message: Element, index: Int, event: EventDefinition, defects: [Defect], converter: Converter) throws {
        var file: String? = nil
        switch format {
        case .ndjson:
            var bytes = try converter.write(message, format: .json, pretty: false).bytes
            bytes.append(0x0A)
            try stream?.write(bytes)
        case .xml, .json:
            var bytes = try converter.write(message, format: format == .xml ? .xml : .json, pretty: true).bytes
            if bytes.last != 0x0A { bytes.append(0x0A) }
            if let folder {
                let name = String(format: "%07d", index) + "-" + safeName(event.eventCode) + "." + format.rawValue
                file = name
                try folder.write(bytes, named: name)
            } else {
                try stream?.write(bytes)
            }
        }
        if let sidecar {
            try sidecar.write(labelLine(index: index, file: file, event: event, defects: defects))
        }
    }

    /// Puts everything in place: the folder's files before the sidecar that lists them.
    func finish() throws {
        try folder?.finish()
        try stream?.finish()
        try sidecar?.finish()
    }

    /// After an error: the messages already written are complete, so they are put in place; the
    /// streams, which would be cut short, are removed.
    func abandon() {
        try? folder?.finish()
        stream?.abandon()
        sidecar?.abandon()
    }

    /// One JSON line of the sidecar.
    private func labelLine(index: Int, file: String?, event: EventDefinition, defects: [Defect]) -> String {
        let items = defects.map { "{\"rule\":\(JSONText.quoted($0.rule)),\"path\":\(JSONText.quoted($0.path)),\"description\":\(JSONText.quoted($0.description))}" }
        let fileField = file.map { ",\"file\":\(JSONText.quoted($0))" } ?? ""
        return "{\"index\":\(index)\(fileField),\"event\":\(JSONText.quoted(event.eventCode)),\"defects\":[\(items.joined(separator: ","))]}\n"
    }

    private func safeName(_ code: String) -> String {
        String(code.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" })
    }
}
