/// The HL7 v2 reader for inputs of any size: bytes are given in chunks cut anywhere (a file read
/// a block at a time, a pipe as data arrives), and each message is ready as soon as the input
/// shows it is complete: at the next `MSH`, `BHS`, `BTS`, `FHS` or `FTS`, at the end of its MLLP
/// frame, or at the end of the input. Only the message being read is held, and never more than
/// ``HL7v2ParseOptions/maxMessageBytes`` of it, so memory stays flat for any number of messages.
///
/// It reads exactly as ``HL7v2Parser`` does (which is this reader given the whole input at once):
/// the same messages, batches and issues, at the same lines, columns and byte offsets.
///
/// ```swift
/// var reader = HL7v2StreamParser()
/// while let chunk = nextChunk() {
///     reader.read(chunk.span)
///     for message in reader.take().messages { handle(message) }
/// }
/// reader.finish()
/// for message in reader.take().messages { handle(message) }
/// ```
public struct HL7v2StreamParser: Sendable {
    private var framer: HL7v2Framer
    private var run: ParseRun
    private var events: [HL7v2Framer.Event] = []
    private var finished = false

    /// A reader with these options.
    public init(options: HL7v2ParseOptions = HL7v2ParseOptions()) {
        framer = HL7v2Framer(maxLineBytes: options.maxMessageBytes)
        run = ParseRun(options: options)
    }

    /// Reads the next bytes of the input.
    public mutating func read(_ chunk: Span<UInt8>) {
        precondition(!finished, "HL7v2StreamParser.read after finish")
        framer.scan(chunk, into: &events)
        drainEvents()
    }

    /// Reads the next bytes of the input.
    public mutating func read(_ chunk: [UInt8]) {
        read(chunk.span)
    }

    /// Ends the input: the last message is complete, and what is still open (a batch without its
    /// BTS, an MLLP frame without its end block) is reported.
    public mutating func finish() {
        guard !finished else { return }
        finished = true
        framer.finish(into: &events)
        drainEvents()
        run.finish(at: framer.point, sawContent: framer.sawContent)
    }

    /// What has been read since the last call: the messages completed, the batches closed, the
    /// file headers and trailers, and the issues outside messages, in input order.
    public mutating func take() -> HL7v2ParseResult {
        let taken = run.result
        run.result = HL7v2ParseResult(messages: [], batches: [], fileHeaders: [], fileTrailers: [], issues: [])
        return taken
    }

    /// The messages read so far, counting those that could not be read (the next message's ``HL7v2Message/index``).
    public var messageCount: Int { run.messageCount }

    /// For ``HL7v2Parser``: an input larger than it reads is one fatal issue.
    mutating func reportInputTooLarge(_ count: Int) {
        finished = true
        run.report(.fatal, .tooLarge, "the input is \(count) bytes, more than the \(run.options.maxInputBytes) read", at: .start)
    }

    private mutating func drainEvents() {
        for event in events { run.handle(event) }
        events.removeAll(keepingCapacity: true)
    }
}
