import ArgumentParser
import Foundation
import FHIRModel
import MessageChecking
import MessageStreams

/// The messages of a command's inputs, in order, each input read a chunk at a time and split
/// into messages as they are asked for (see ``MessageStream``): a run over an NDJSON file of a
/// million lines, or over stdin in a pipeline, holds one message at a time, not the input.
struct InputMessageSequence: Sequence, IteratorProtocol {
    /// One element: a message of an input, or an input (or the rest of one) that could not be read.
    enum Item: Sendable {
        /// Message `index` of input `name`; `sole` when the input holds no other.
        case message(name: String, index: Int, InputMessages.Message, sole: Bool)
        /// Input `name` could not be read (from its message `index` on), and why.
        case unreadable(name: String, index: Int, reason: String)

        /// The input's name in diagnostics: its path, or `<stdin>`.
        var name: String {
            switch self {
            case .message(let name, _, _, _), .unreadable(let name, _, _): return name
            }
        }

        /// The input as given: `-` for stdin.
        var input: String { name == InputMessageSequence.standardInputName ? "-" : name }
    }

    /// What diagnostics call standard input.
    static let standardInputName = "<stdin>"

    /// A message's weight in a batch: its size.
    @Sendable static func weight(_ item: Item) -> Int {
        if case .message(_, _, let message, _) = item { return message.byteCount }
        return 0
    }

    private var inputs: IndexingIterator<[String]>
    private let maximumMessageBytes: Int
    private let tellsSoleMessage: Bool
    private let framing: MessageFramer.Framing
    private var name = ""
    private var index = 0
    private var stream: MessageStream?

    /// The messages of `inputs` (paths, `-` for stdin), each of at most `maximumMessageBytes`;
    /// `tellsSoleMessage` reads ahead after an input's first message to tell whether it is the only
    /// one (see ``MessageStream``), so that message waits for the next one or the input's end.
    init(_ inputs: [String], maximumMessageBytes: Int, framing: MessageFramer.Framing = .detect, tellsSoleMessage: Bool) {
        self.inputs = inputs.makeIterator()
        self.maximumMessageBytes = maximumMessageBytes
        self.framing = framing
        self.tellsSoleMessage = tellsSoleMessage
    }

    mutating func next() -> Item? {
        while true {
            // Mutated in place through the optional: a copy would copy the framer's buffer.
            if stream != nil, let item = stream!.next() {
                defer { index += 1 }
                switch item {
                case .message(let message):
                    return .message(name: name, index: index, InputMessages.Message(message.framed, sole: message.isSoleMessage),
                                    sole: message.isSoleMessage)
                case .failure(let error):
                    stream = nil
                    return .unreadable(name: name, index: index, reason: error.localizedDescription)
                }
            }
            stream = nil
            guard let input = inputs.next() else { return nil }
            name = input == "-" ? Self.standardInputName : input
            index = 0
            do {
                let source = input == "-" ? FileByteSource.standardInput() : try FileByteSource(path: input)
                stream = MessageStream(source: source, maximumMessageBytes: maximumMessageBytes, framing: framing,
                                       tellsSoleMessage: tellsSoleMessage)
            } catch {
                return .unreadable(name: name, index: 0, reason: error.localizedDescription)
            }
        }
    }
}

/// How inputs are split into messages and the limits each is read within: `--max-bytes` (the
/// largest message read; a longer one is skipped and reported), `--max-depth`, `--max-entries`, and
/// `--lines` (strictly one message per line). Hostile input meets these in bounded time and memory.
struct MessageLimitOption: ParsableArguments {
    @Option(name: [.customLong("max-bytes"), .customLong("max-message-bytes")], help: ArgumentHelp(
        "The largest message read, in bytes (default 268435456, 256 MiB); a longer one is skipped and reported.",
        valueName: "BYTES"))
    var maxMessageBytes: Int = MessageFramer.defaultMaximumMessageBytes

    @Option(name: .long, help: ArgumentHelp(
        "The deepest nesting read (default \(ReadLimits.defaultMaxDepth)): JSON objects and arrays, XML elements.",
        valueName: "LEVELS"))
    var maxDepth: Int = ReadLimits.defaultMaxDepth

    @Option(name: .long, help: ArgumentHelp(
        "The most items in one JSON array or child elements of one XML element (default \(ReadLimits.defaultMaxEntries)).",
        valueName: "N"))
    var maxEntries: Int = ReadLimits.defaultMaxEntries

    @Flag(name: .long, help: "Strict NDJSON: every input line is one message (blank and broken ones too), for one result per line.")
    var lines = false

    /// The framing the options ask for.
    var framing: MessageFramer.Framing { lines ? .lines : .detect }

    /// The limits each message is read within.
    var readLimits: ReadLimits {
        ReadLimits(maxDepth: maxDepth, maxBytes: maxMessageBytes, maxEntries: maxEntries)
    }

    func validate() throws {
        if maxMessageBytes < 1 { throw ValidationError("--max-bytes must be 1 or more") }
        // The readers recurse once per level on a worker's stack (the main thread's size).
        if maxDepth < 2 || maxDepth > 10_000 { throw ValidationError("--max-depth must be between 2 and 10000") }
        if maxEntries < 1 { throw ValidationError("--max-entries must be 1 or more") }
    }
}
