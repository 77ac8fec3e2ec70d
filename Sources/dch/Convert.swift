import ArgumentParser
import Foundation
import FHIRModel
import FHIRConversion

/// `dch convert`: XML <-> JSON, files or stdin/stdout.
struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert FHIR STU3 messages between XML and JSON, losslessly.",
        discussion: """
            With no INPUT or with '-', reads stdin and writes stdout. The input format is detected \
            from content unless --from is given; the output format defaults to the other one. Several \
            inputs need -o DIR (one output per input: same base name, new extension), or --to json \
            --compact, which writes one message per line (NDJSON) to stdout. Outputs are written to a \
            temporary name and renamed, so a failed conversion never leaves a partial file.
            Diagnostics go to stderr as 'file:line:col: error: message (path)'.
            Exit codes: 0 all converted; 1 some input could not be converted (the others still are); \
            2 usage or I/O error.
            """
    )

    @Option(name: .long, help: "Input format (xml|json); detected from content when absent.")
    var from: MessageFormat?

    @Option(name: .long, help: "Output format (xml|json); the other format when absent.")
    var to: MessageFormat?

    @Flag(help: "Indented output (the default) or one-line output.")
    var layout: Layout = .pretty

    @Option(name: [.short, .customLong("output")], help: "Output file, or folder for several inputs.")
    var output: String?

    @Argument(help: "Input files; '-' or none for stdin.")
    var inputs: [String] = []

    enum Layout: EnumerableFlag {
        case pretty, compact
    }

    func validate() throws {
        let inputs = self.inputs.isEmpty ? ["-"] : self.inputs
        if inputs.count > 1, output == nil, !(to == .json && layout == .compact) {
            throw ValidationError("several inputs need -o DIR, or --to json --compact for NDJSON on stdout")
        }
        if inputs.filter({ $0 == "-" }).count > 1 {
            throw ValidationError("stdin ('-') can be read only once")
        }
    }

    func run() throws {
        let converter = try runReportingIssues { try Converter() }
        let inputs = self.inputs.isEmpty ? ["-"] : self.inputs
        let outputIsDirectory = output.map { inputs.count > 1 || isDirectory($0) } ?? false
        if outputIsDirectory, let output {
            try? FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        }
        var exit = ExitStatus()
        var claimed: [String: String] = [:]  // output path -> the input that writes it
        for input in inputs {
            let name = input == "-" ? "<stdin>" : input
            let data: Data
            do {
                data = try readInput(input)
            } catch {
                printError("\(name): error: cannot read: \(error.localizedDescription)")
                exit.record(.ioError)
                continue
            }
            do {
                let encoded = try converter.convert(data, from: from, to: to, pretty: layout == .pretty)
                report(encoded.issues, file: name)
                let target = to ?? (from ?? MessageFormat.detect(data) ?? .xml).opposite
                var bytes = encoded.bytes
                if !(bytes.last == 0x0A) { bytes.append(0x0A) }
                if let output {
                    let path = outputIsDirectory ? outputPath(for: input, in: output, format: target) : output
                    if let other = claimed[path] {
                        printError("\(name): error: not written: \(other) already wrote \(path) (same base name)")
                        exit.record(.ioError)
                        continue
                    }
                    claimed[path] = name
                    try writeAtomically(bytes, to: path)
                } else {
                    FileHandle.standardOutput.write(Data(bytes))
                }
            } catch let error as IssuesError {
                report(error.issues, file: name)
                exit.record(.failed)
            } catch {
                printError("\(name): error: \(error.localizedDescription)")
                exit.record(.ioError)
            }
        }
        try exit.finish()
    }

    private func outputPath(for input: String, in directory: String, format: MessageFormat) -> String {
        let base = input == "-" ? "stdin" : URL(fileURLWithPath: input).deletingPathExtension().lastPathComponent
        return URL(fileURLWithPath: directory).appendingPathComponent(base + "." + format.fileExtension).path
    }

    private func isDirectory(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }
}

extension MessageFormat: ExpressibleByArgument {}
