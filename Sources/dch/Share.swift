import ArgumentParser
import Foundation
import FHIRModel
import FHIRConversion
import FHIRPath
import LawfulSharing

/// `dch share`: passes on what a data-sharing policy allows of each message, and audits it.
struct Share: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "share",
        abstract: "Share messages under a data-sharing policy: minimise, pseudonymise, apply consent, audit.",
        discussion: """
            Each message of the inputs (XML or JSON files, NDJSON, messages back to back, or '-' for stdin) \
            is passed through the policy (YAML, see the README's `dch share` section): events and consent \
            decide whether it flows, rules select elements with FHIRPath and keep, remove, redact, generalise, \
            date-shift, pseudonymise, encrypt or substitute them; whatever no rule allows is removed. The key \
            comes from --key-file or the DCH_SHARE_KEY environment variable, never from the policy. Output is \
            in the input's format (or --to); a withheld message writes nothing (the audit says why). \
            --decrypt recovers the values an `encrypt` rule sealed (needs the key, not the policy). \
            Exit codes: 0 every message was read (shared or withheld); 1 a message could not be read or \
            written; 2 usage or I/O error (a policy with problems, no key).
            """)

    enum Format: String, ExpressibleByArgument { case xml, json }

    @Option(name: .long, help: "The sharing policy (YAML).")
    var policy: String?

    @Option(name: .long, help: "The key file (else the DCH_SHARE_KEY environment variable).")
    var keyFile: String?

    @Option(name: .long, help: "Write the audit (NDJSON: one record per message and per decision) to this file.")
    var audit: String?

    @Flag(name: .long, help: "Show what the policy would do to each message, without writing it.")
    var explain = false

    @Flag(name: .long, help: "Recover the values an `encrypt` rule sealed (no policy needed).")
    var decrypt = false

    @Option(name: .long, help: "Output format: xml|json (default: the input's).")
    var to: Format?

    @Flag(name: .long, help: "One message per line (NDJSON, or one XML document per line).")
    var compact = false

    @Option(name: .shortAndLong, help: "Output file (default: stdout).")
    var output: String?

    @Option(name: .long, help: "The largest message read, in bytes.")
    var maxMessageBytes: Int = 256 << 20

    @Argument(help: "Input files; '-' or none for stdin.")
    var inputs: [String] = []

    func validate() throws {
        if !decrypt && policy == nil { throw ValidationError("--policy is required (except with --decrypt)") }
        if decrypt && (explain || audit != nil) { throw ValidationError("--decrypt takes no --explain or --audit") }
        if inputs.filter({ $0 == "-" }).count > 1 { throw ValidationError("stdin ('-') can be read only once") }
    }

    func run() throws {
        let key = try loadKey()
        let converter = try runReportingIssues { try Converter() }
        let engine = FHIRPathEngine(pack: converter.pack)
        var sharer: MessageSharer?
        if let policy {
            do {
                sharer = MessageSharer(policy: try PolicyLoader(engine: engine).load(path: policy), engine: engine, key: key)
            } catch let error as PolicyError {
                printError(error.description)
                throw ExitCode(2)
            }
        }
        let out = try open(output)
        let auditOut = try audit.map(openAudit)
        let auditWriter = SharingAudit()
        var exit = ExitStatus()
        var stdout: StreamingOutput?
        if explain { stdout = StreamingOutput() }
        for item in InputMessageSequence(inputs.isEmpty ? ["-"] : inputs, maximumMessageBytes: maxMessageBytes, tellsSoleMessage: false) {
            switch item {
            case .unreadable(let name, let index, let reason):
                printError("\(name): error: message \(index): cannot read the input: \(reason)")
                exit.record(.ioError)
            case .message(let name, let index, let message, _):
                let decoded: Decoded
                do {
                    decoded = try converter.read(message.bytes)
                } catch {
                    // Rule ids and places only: a reader's message may quote the input.
                    let issues = (error as? IssuesError)?.issues ?? []
                    let first = issues.first.map { "\($0.position.map { "\($0.line):\($0.column)" } ?? "?") (\($0.rule))" } ?? ""
                    printError("\(name): error: message \(index): cannot read the message \(first)")
                    exit.record(.failed)
                    continue
                }
                let format: MessageFormat = to.map { $0 == .xml ? .xml : .json } ?? decoded.format
                do {
                    if let sharer {
                        let outcome = sharer.share(decoded.root)
                        try auditOut?.write(Array(try auditWriter.lines(for: outcome, input: name, message: index, policy: sharer.policy)))
                        if explain {
                            try stdout?.write(SharingAudit.explanation(of: outcome, input: name, message: index, policy: sharer.policy))
                        } else if let root = outcome.root {
                            try write(root, format: format, converter: converter, to: out)
                        }
                    } else {
                        try write(try ElementDecryption.decrypt(decoded.root, key: key), format: format, converter: converter, to: out)
                    }
                } catch {
                    printError("\(name): error: message \(index): \(error is IssuesError ? "cannot write the result" : "\(error)")")
                    exit.record(.failed)
                }
            }
        }
        try stdout?.finish()
        try out?.finish()
        try auditOut?.finish()
        try exit.finish()
    }

    private func write(_ root: Element, format: MessageFormat, converter: Converter, to out: StreamingOutput?) throws {
        var bytes = try converter.write(root, format: format, pretty: !compact).bytes
        if bytes.last != 0x0A { bytes.append(0x0A) }
        try out?.write(Array(bytes))
    }

    /// The output (nil under --explain, which writes no message).
    private func open(_ path: String?) throws -> StreamingOutput? {
        if explain && path == output { return nil }
        do {
            return try path.map(StreamingOutput.init(path:)) ?? StreamingOutput()
        } catch {
            printError("error: cannot write \(path ?? "stdout"): \(error.localizedDescription)")
            throw ExitCode(2)
        }
    }

    private func openAudit(_ path: String) throws -> StreamingOutput {
        do {
            return try StreamingOutput(path: path)
        } catch {
            printError("error: cannot write \(path): \(error.localizedDescription)")
            throw ExitCode(2)
        }
    }

    private func loadKey() throws -> SharingKey {
        do {
            if let keyFile { return try SharingKey(file: keyFile) }
            if let key = try SharingKey.fromEnvironment() { return key }
        } catch {
            printError("error: \(error)")
            throw ExitCode(2)
        }
        printError("error: no key: give --key-file KEY or set \(SharingKey.environmentVariable)")
        throw ExitCode(2)
    }
}
