import ArgumentParser
import Foundation
import FHIRModel
import FHIRConversion
import MessageChecking
import MessageStreams
#if canImport(Glibc)
import Glibc
#endif

/// `dch convert`: XML <-> JSON, files or stdin/stdout.
struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert FHIR STU3 and R4 messages between XML and JSON, losslessly.",
        discussion: """
            With no INPUT or with '-', reads stdin and writes stdout. An input holds one message, NDJSON \
            (one JSON message per line) or several XML or JSON messages back to back; it is read a chunk \
            at a time and each message converted as it arrives. The input format is detected from \
            content unless --from is given; the output format defaults to the other one. Several inputs \
            need -o DIR (one output per input: same base name, new extension) or --compact. With \
            --compact, stdout and -o FILE are streams of lines: one converted message per line, XML or \
            JSON (NDJSON), in input order, each written as soon as it is done (at once to a pipe); a \
            message that cannot be converted leaves an empty line, so output lines stay in step with \
            input messages (in XML, a comment's line breaks become spaces, with a warning). Outputs are \
            written to a temporary name and renamed, so a failed run never leaves a partial file.
            --fhir-version 3|4 converts every message as FHIR STU3 or R4 (R4: the R4 core 4.0.1 and UK \
            Core definitions; R4 JSON has no fhir_comments, so XML comments are left out with a warning). \
            Without it each message's release is detected: the first meta.profile or extension URL of \
            a known family (UK Core, NHS England R4, hl7.org/fhir/R4, |4.0 versions: R4; CareConnect, \
            DCH/NEMS STU3, hl7.org/fhir/STU3, |3.0 versions: STU3), else resource types or elements \
            only R4 defines, else STU3.
            Diagnostics go to stderr as 'file:line:col: error: message (path)'.
            Exit codes: 0 all converted; 1 some input could not be converted (the others still are); \
            2 usage or I/O error.
            """
    )

    @Option(name: .long, help: "Input format (xml|json); detected from content when absent.")
    var from: MessageFormat?

    @Option(name: .long, help: "Output format (xml|json); the other format when absent.")
    var to: MessageFormat?

    @Option(name: .customLong("fhir-version"), help: "FHIR release of the messages: 3 (STU3) or 4 (R4); detected per message when absent.")
    var fhirVersion: FHIRVersion?

    @Flag(help: "Indented output (the default) or one-line output.")
    var layout: Layout = .pretty

    @Option(name: [.short, .customLong("output")], help: "Output file, or folder for several inputs.")
    var output: String?

    @OptionGroup var jobs: JobsOption

    @OptionGroup var limit: MessageLimitOption

    @Argument(help: "Input files; '-' or none for stdin.")
    var inputs: [String] = []

    enum Layout: EnumerableFlag {
        case pretty, compact
    }

    func validate() throws {
        try OutputGuard.refuse(output, overwriting: inputs)
        let inputs = self.inputs.isEmpty ? ["-"] : self.inputs
        if inputs.count > 1, output == nil, layout != .compact {
            throw ValidationError("several inputs need -o DIR, or --compact for one message per line on stdout")
        }
        if inputs.filter({ $0 == "-" }).count > 1 {
            throw ValidationError("stdin ('-') can be read only once")
        }
    }

    func run() throws {
        var converter = try runReportingIssues { try Converter(fhirVersion: fhirVersion) }
        converter.limits = limit.readLimits
        let inputs = self.inputs.isEmpty ? ["-"] : self.inputs
        let outputIsDirectory = output.map { inputs.count > 1 || POSIXFile.isDirectory($0) } ?? false
        var destination = try ConvertDestination(output: output, isFolder: outputIsDirectory)
        destination.protect(inputs)
        var exit = ExitStatus()
        // Compact output to stdout or one file is a stream of lines: one line per input message.
        let oneLine = layout == .compact && !outputIsDirectory
        let (from, to, pretty) = (self.from, self.to, layout == .pretty)
        // A folder output is written when its input is done: for an input of one message, at once.
        let items = InputMessageSequence(inputs, maximumMessageBytes: limit.maxMessageBytes, framing: limit.framing, tellsSoleMessage: outputIsDirectory)
        // Outputs are written to the folder here, on the delivering thread, not on the workers: file
        // creations in one folder take turns on the folder's lock in the kernel, and measured, a
        // worker waiting there cost more than the delivering thread writing while workers convert.
        let converters = try runReportingIssues {
            try InputOrderPipeline.perWorker(jobs.count, first: converter) { try $0.independentCopy() }
        }
        let limit = self.limit.maxMessageBytes
        let workers = converters.map { converter in { @Sendable (item: InputMessageSequence.Element) in
            ConvertedMessage(item: item, converter: converter, from: from, to: to, pretty: pretty, oneLine: oneLine,
                             limit: limit)
        } }
        try InputOrderPipeline.run(items, workers: workers, batch: InputOrderPipeline.batchSize(inputs: inputs),
                                   weight: InputMessageSequence.weight) { converted in
            let name = converted.name
            switch converted.outcome {
            case .unreadable(let reason):
                printError("\(name): error: cannot read: \(reason)")
                exit.record(.ioError)
            case .failed(let issues):
                report(issues, file: name)
                exit.record(.failed)
                // In a stream of lines, an empty line keeps the outputs in step with the inputs.
                if oneLine { destination.skipLine() }
            case .error(let reason):
                printError("\(name): error: \(reason)")
                exit.record(.ioError)
                if oneLine { destination.skipLine() }
            case .converted(let bytes, let format, let issues):
                report(issues, file: name)
                destination.write(bytes, of: converted.input, named: name, format: format, sole: converted.sole, exit: &exit)
            }
        }
        destination.finish(exit: &exit)
        try exit.finish()
    }

}

/// What converting one message gave (made on a worker thread, reported on the main one).
struct ConvertedMessage: Sendable {
    enum Outcome: Sendable {
        case unreadable(String)
        /// The message's issues when it could not be converted.
        case failed([Issue])
        case error(String)
        /// The output (ending with a line break), its format and the warnings.
        case converted([UInt8], MessageFormat, [Issue])
    }
    /// The input as given (`-` for stdin).
    let input: String
    /// How diagnostics call it.
    let name: String
    /// True when the input is known to hold this message only.
    let sole: Bool
    let outcome: Outcome

    init(item: InputMessageSequence.Item, converter: Converter, from: MessageFormat?, to: MessageFormat?,
         pretty: Bool, oneLine: Bool, limit: Int) {
        input = item.input
        name = item.name
        switch item {
        case .unreadable(_, _, let reason):
            sole = false
            outcome = .unreadable(reason)
        case .message(let name, let index, let message, let sole):
            self.sole = sole
            outcome = Self.convert(message, name: name, index: index, converter: converter, from: from, to: to,
                                   pretty: pretty, oneLine: oneLine, limit: limit)
        }
    }

    private static func convert(_ message: InputMessages.Message, name: String, index: Int, converter: Converter,
                                from: MessageFormat?, to: MessageFormat?, pretty: Bool, oneLine: Bool, limit: Int) -> Outcome {
        func placed(_ issues: [Issue]) -> [Issue] {
            var issues = issues
            InputMessages.place(&issues, file: name, index: index, line: message.line, column: message.column)
            if message.line == nil { for i in issues.indices { issues[i].messageIndex = nil } }
            return issues
        }
        if let skipped = message.skippedByteCount {
            return .failed(placed([InputMessages.tooLargeIssue(skipped, limit: limit)]))
        }
        do {
            let encoded = try converter.convert(message.bytes, from: from, to: to, pretty: pretty)
            let target = to ?? (from ?? MessageFormat.detect(message.bytes) ?? .xml).opposite
            var bytes = encoded.bytes
            var issues = encoded.issues
            if oneLine, target == .xml {
                let joined = XMLSingleLine.joined(bytes)
                bytes = joined.bytes
                issues += joined.issues
            }
            if bytes.last != 0x0A { bytes.append(0x0A) }
            return .converted(bytes, target, placed(issues))
        } catch let error as IssuesError {
            return .failed(placed(error.issues))
        } catch {
            return .error(error.localizedDescription)
        }
    }
}

/// Where `dch convert` puts its outputs: stdout or one file (a stream, written as it goes), or one
/// file per input in a folder (committed in groups, see ``AtomicFolderWriter``). An input of several
/// messages gives one output holding each converted message in turn.
struct ConvertDestination {
    private enum Target {
        case stdout(StreamingOutput)
        case file(String)
        case folder(AtomicFolderWriter)
    }
    private let target: Target
    /// Output name in the folder -> the input that writes it.
    private var claimed: [String: String] = [:]
    /// The `-o FILE` stream, opened at the first output, so that a run that converts nothing
    /// leaves no file; and the empty lines owed before it.
    private var fileStream: StreamingOutput?
    private var owedEmptyLines = 0
    private var fileFailed = false
    /// The folder output of the input being converted, written once its last message is in.
    private var pending: (input: String, name: String, format: MessageFormat, bytes: [UInt8])?
    /// Names of this run's inputs that are in the output folder: no output replaces them.
    private var inputsInFolder: Set<String> = []

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

    /// Notes the inputs that are files of the output folder (`--to json -o in in/*.json` would
    /// otherwise replace them): one `stat` per distinct input folder, none when dch made the folder.
    mutating func protect(_ inputs: [String]) {
        guard case .folder(let writer) = target, !writer.outputFolder.isNew else { return }
        guard let folder = try? POSIXFile.status(writer.folder) else { return }
        var isOutputFolder: [Substring: Bool] = [:]
        for input in inputs where input != "-" {
            let slash = input.utf8.lastIndex(of: UInt8(ascii: "/"))
            let parent = slash.map { input[..<input.index(after: $0)] } ?? "."
            let inFolder = isOutputFolder[parent] ?? {
                let info = try? POSIXFile.status(String(parent))
                let same = info.map { $0.st_dev == folder.st_dev && $0.st_ino == folder.st_ino } ?? false
                isOutputFolder[parent] = same
                return same
            }()
            if inFolder { inputsInFolder.insert(String(slash.map { input[input.index(after: $0)...] } ?? input[...])) }
        }
    }

    /// Writes one message's output (`sole` when its input holds no other); a failure is reported
    /// against its input.
    mutating func write(_ bytes: [UInt8], of input: String, named name: String, format: MessageFormat, sole: Bool,
                        exit: inout ExitStatus) {
        do {
            switch target {
            case .stdout(let stream):
                try stream.write(bytes)
            case .file(let path):
                guard !fileFailed else { return }
                do {
                    if fileStream == nil { fileStream = try StreamingOutput(path: path) }
                    try fileStream?.write(Array(repeating: 0x0A, count: owedEmptyLines) + bytes)
                    owedEmptyLines = 0
                } catch {
                    // Nothing of a file that could not be written whole is left.
                    fileStream?.abandon()
                    fileFailed = true
                    throw error
                }
            case .folder:
                if let pending, pending.input == input {
                    self.pending?.bytes += bytes
                } else {
                    try writePending(exit: &exit)
                    pending = (input, name, format, bytes)
                    if sole { try writePending(exit: &exit) }
                }
            }
        } catch let error as AtomicFolderWriter.CommitError {
            reportNotWritten(error, exit: &exit)
        } catch {
            printError("\(name): error: \(error.localizedDescription)")
            exit.record(.ioError)
        }
    }

    /// Records that input `name` writes `file`; false (reported) when another input already does,
    /// or when `file` is an input: no output overwrites another output or an input.
    private mutating func claim(_ file: String, by name: String, in folder: AtomicFolderWriter, exit: inout ExitStatus) -> Bool {
        if inputsInFolder.contains(file) {
            printError("\(name): error: not written: \(folder.folder)/\(file) is an input")
            exit.record(.ioError)
            return false
        }
        if let other = claimed[file] {
            printError("\(name): error: not written: \(other) already wrote \(folder.folder)/\(file) (same base name)")
            exit.record(.ioError)
            return false
        }
        claimed[file] = name
        return true
    }

    /// An empty line in place of a message that could not be converted (stdout and file streams).
    mutating func skipLine() {
        switch target {
        case .stdout(let stream): try? stream.write([0x0A])
        case .file: if let fileStream, !fileFailed { try? fileStream.write([0x0A]) } else { owedEmptyLines += 1 }
        case .folder: break
        }
    }

    /// Hands the finished input's output to the folder writer.
    private mutating func writePending(exit: inout ExitStatus) throws {
        guard let (input, name, format, bytes) = pending, case .folder(let folder) = target else { return }
        pending = nil
        let file = Self.outputName(for: input, format: format)
        guard claim(file, by: name, in: folder, exit: &exit) else { return }
        try folder.write(bytes, named: file)
    }

    /// Puts the last outputs in place.
    mutating func finish(exit: inout ExitStatus) {
        do {
            switch target {
            case .stdout(let stream): try stream.finish()
            case .file: if !fileFailed { try fileStream?.finish() }
            case .folder(let folder):
                try writePending(exit: &exit)
                try folder.finish()
            }
        } catch let error as AtomicFolderWriter.CommitError {
            reportNotWritten(error, exit: &exit)
        } catch {
            fileStream?.abandon()
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
        if input != "-", let name = asciiOutputName(for: input, format: format) { return name }
        var base = input == "-" ? "stdin" : input.split(separator: "/").last.map(String.init) ?? input
        if let dot = base.lastIndex(of: "."), dot != base.startIndex, base.index(after: dot) != base.endIndex {
            base = String(base[..<dot])
        }
        return base + "." + format.fileExtension
    }

    /// ``outputName(for:format:)`` over the bytes of an ASCII path (nil for any other), where
    /// bytes and characters are one: the `Character` scans above cost 30,000 instructions for
    /// a path of the mixed set, 5% of converting it.
    private static func asciiOutputName(for input: String, format: MessageFormat) -> String? {
        let path = input.utf8.span
        for i in path.indices where path[i] >= 0x80 { return nil }
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        var end = path.count
        while end > 0, path[end - 1] == slash { end -= 1 }
        guard end > 0 else { return nil }
        var start = end
        while start > 0, path[start - 1] != slash { start -= 1 }
        // The extension goes when its dot is neither the first character nor the last.
        var last = end - 1
        while last > start, path[last] != dot { last -= 1 }
        if last != start, last != end - 1 { end = last }
        // ASCII: byte offsets are character boundaries.
        let utf8 = input.utf8
        let name = input[utf8.index(utf8.startIndex, offsetBy: start) ..< utf8.index(utf8.startIndex, offsetBy: end)]
        return String(name) + "." + format.fileExtension
    }
}

extension MessageFormat: ExpressibleByArgument {}

extension FHIRVersion: ExpressibleByArgument {
    /// `3` or `4` (also `stu3`, `r4`, `3.0.1`, `4.0.1`).
    public init?(argument: String) { self.init(named: argument) }
    /// The values `--help` and completions offer.
    public static var allValueStrings: [String] { ["3", "4"] }
}
