import Foundation

/// The messages of one input, read and framed a chunk at a time (see ``MessageFramer``), so that
/// memory holds the message being framed and not the input.
///
/// Each element is a message or, at most once and last, the reason the input could not be read
/// further. When asked to, the first message tells whether it is the input's only one
/// (``StreamedMessage/isSoleMessage``), which reports use to name messages by index only where an
/// input holds several: to know it, the stream reads on until the second message or the end, so a
/// pipeline that needs each result at once does not ask.
public struct MessageStream: Sequence, IteratorProtocol {
    /// One element of the stream.
    public enum Item: Sendable {
        /// A message.
        case message(StreamedMessage)
        /// The input could not be read (further), and why.
        case failure(ByteSourceError)
    }

    /// Bytes read per `read` call (below malloc's mmap threshold, so that a run over thousands
    /// of small files reuses the same memory).
    public static let chunkSize = 1 << 16

    private var source: any ByteSource
    private var framer: MessageFramer
    private var ended = false
    private var failure: ByteSourceError?
    private var first: Bool
    /// The buffer each `read` fills (reused: one allocation per stream).
    private var chunk = [UInt8](repeating: 0, count: MessageStream.chunkSize)

    /// The messages of `source`, each of at most `maximumMessageBytes` bytes; `tellsSoleMessage`
    /// reads ahead to tell whether the first message is the only one.
    public init(source: any ByteSource, maximumMessageBytes: Int = MessageFramer.defaultMaximumMessageBytes,
                framing: MessageFramer.Framing = .detect, tellsSoleMessage: Bool = true) {
        self.source = source
        first = tellsSoleMessage
        framer = MessageFramer(maximumMessageBytes: maximumMessageBytes, framing: framing)
    }

    /// The next message, or the reason the input could not be read further; nil at its end.
    public mutating func next() -> Item? {
        guard let message = nextFramed() else {
            if let failure {
                self.failure = nil
                return .failure(failure)
            }
            return nil
        }
        var isSole = false
        if first {
            first = false
            // Only message when nothing follows it (a failure to read on does not count).
            isSole = peekEnd()
        }
        return .message(StreamedMessage(framed: message, isSoleMessage: isSole))
    }

    private var peeked: FramedMessage?

    /// True when the input has no message after the one just taken.
    private mutating func peekEnd() -> Bool {
        peeked = nextFramed()
        return peeked == nil
    }

    private mutating func nextFramed() -> FramedMessage? {
        if let peeked {
            self.peeked = nil
            return peeked
        }
        while true {
            if let message = framer.nextMessage() { return message }
            guard !ended else { return nil }
            do {
                let count = try source.read(into: &chunk)
                if count == 0 {
                    ended = true
                    framer.finish()
                } else {
                    framer.append(chunk[0..<count])
                }
            } catch {
                ended = true
                failure = error as? ByteSourceError ?? ByteSourceError(operation: "read", reason: error.localizedDescription)
                framer.finish()
            }
        }
    }
}

/// One message of a ``MessageStream``.
public struct StreamedMessage: Sendable {
    /// Where it is in its input, and its bytes.
    public let framed: FramedMessage
    /// True for the first message of an input that holds no other (when the stream was asked to tell).
    public let isSoleMessage: Bool

    /// A streamed message.
    public init(framed: FramedMessage, isSoleMessage: Bool) {
        self.framed = framed
        self.isSoleMessage = isSoleMessage
    }
}

