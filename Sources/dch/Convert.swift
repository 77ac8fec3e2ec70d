import ArgumentParser
import Foundation
import FHIRModel
import FHIRConversion
#if canImport(Glibc)
import Glibc
#endif

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

    @OptionGroup var jobs: JobsOption

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
        var destination = try ConvertDestination(output: output, isFolder: outputIsDirectory)
        var exit = ExitStatus()
        let (from, to, pretty) = (self.from, self.to, layout == .pretty)
        try InputOrderPipeline.run(inputs, jobs: jobs.count) { input in
            ConvertedInput(input: input, converter: converter, from: from, to: to, pretty: pretty)
        } deliver: { converted in
            let name = converted.name
            switch converted.outcome {
            case .unreadable(let reason):
                printError("\(name): error: cannot read: \(reason)")
                exit.record(.ioError)
            case .failed(let issues):
                report(issues, file: name)
                exit.record(.failed)
            case .error(let reason):
                printError("\(name): error: \(reason)")
                exit.record(.ioError)
            case .converted(let bytes, let format, let issues):
                report(issues, file: name)
                destination.write(bytes, of: converted.input, named: name, format: format, exit: &exit)
            }
        }
        destination.finish(exit: &exit)
        try exit.finish()
    }

    private func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }
}

/// What converting one input gave (made on a worker thread, reported on the main one).
struct ConvertedInput: Sendable {
    enum Outcome: Sendable {
        case unreadable(String)
        /// The input's issues when it could not be converted.
        case failed([Issue])
        case error(String)
        /// The output (ending with a line break), its format and the warnings.
        case converted([UInt8], MessageFormat, [Issue])
    }
    /// The input as given (`-` for stdin).
    let input: String
    /// How diagnostics call it.
    let name: String
    let outcome: Outcome

    init(input: String, converter: Converter, from: MessageFormat?, to: MessageFormat?, pretty: Bool) {
        self.input = input
        name = input == "-" ? "<stdin>" : input
        let data: Data
        do {
            data = try readInput(input)
        } catch {
            outcome = .unreadable(error.localizedDescription)
            return
        }
        do {
            let encoded = try converter.convert(data, from: from, to: to, pretty: pretty)
            let target = to ?? (from ?? MessageFormat.detect(data) ?? .xml).opposite
            var bytes = encoded.bytes
            if bytes.last != 0x0A { bytes.append(0x0A) }
            outcome = .converted(bytes, target, encoded.issues)
        } catch let error as IssuesError {
            outcome = .failed(error.issues)
        } catch {
            outcome = .error(error.localizedDescription)
        }
    }
}

/// Where `dch convert` puts its outputs: stdout (buffered), one file, or one file per input in a
/// folder (committed in groups, see ``AtomicFolderWriter``).
struct ConvertDestination {
    private enum Target {
        case stdout(StreamingOutput)
        case file(String)
        case folder(AtomicFolderWriter)
    }
    private let target: Target
    /// Output name in the folder -> the input that writes it.
    private var claimed: [String: String] = [:]

    init(output: String?, isFolder: Bool) throws {
        guard let output else {
            target = .stdout(StreamingOutput())
            return
        }
        guard isFolder else {
            target = .file(output)
            return
        }
        do {
            target = .folder(try AtomicFolderWriter(folder: output))
        } catch {
            printError("\(output): error: \(error.localizedDescription)")
            throw ExitCode(2)
        }
    }

    /// Writes one input's output; a failure is reported against the input.
    mutating func write(_ bytes: [UInt8], of input: String, named name: String, format: MessageFormat,
                        exit: inout ExitStatus) {
        do {
            switch target {
            case .stdout(let stream):
                try stream.write(bytes)
            case .file(let path):
                try writeAtomically(bytes, to: path)
            case .folder(let folder):
                let file = Self.outputName(for: input, format: format)
                if let other = claimed[file] {
                    printError("\(name): error: not written: \(other) already wrote \(folder.folder)/\(file) (same base name)")
                    exit.record(.ioError)
                    return
                }
                claimed[file] = name
                try folder.write(bytes, named: file)
            }
        } catch let error as AtomicFolderWriter.CommitError {
            reportNotWritten(error, exit: &exit)
        } catch {
            printError("\(name): error: \(error.localizedDescription)")
            exit.record(.ioError)
        }
    }

    /// Puts the last outputs in place.
    func finish(exit: inout ExitStatus) {
        do {
            switch target {
            case .stdout(let stream): try stream.finish()
            case .file: break
            case .folder(let folder): try folder.finish()
            }
        } catch let error as AtomicFolderWriter.CommitError {
            reportNotWritten(error, exit: &exit)
        } catch {
            printError("error: \(error.localizedDescription)")
            exit.record(.ioError)
        }
    }

    /// Outputs written but not put in place by a commit, each against its input.
    private func reportNotWritten(_ error: AtomicFolderWriter.CommitError, exit: inout ExitStatus) {
        for failure in error.failures {
            printError("\(claimed[failure.name] ?? failure.name): error: not written: \(failure.error.localizedDescription)")
        }
        exit.record(.ioError)
    }

    /// `in/a.xml` -> `a.json`: the input's base name with the output format's extension.
    static func outputName(for input: String, format: MessageFormat) -> String {
        var base = input == "-" ? "stdin" : input.split(separator: "/").last.map(String.init) ?? input
        if let dot = base.lastIndex(of: "."), dot != base.startIndex, base.index(after: dot) != base.endIndex {
            base = String(base[..<dot])
        }
        return base + "." + format.fileExtension
    }
}

extension MessageFormat: ExpressibleByArgument {}
