import Foundation
import FHIRModel
import MessageStreams

/// How one input holds its messages: one XML or JSON message, NDJSON (one JSON message per line,
/// the form bulk tools write), or several XML or JSON messages back to back (see
/// `MessageFramer` in MessageStreams for where each one ends).
public enum InputMessages {
    /// One message of an input: its bytes and where it starts in the input.
    public struct Message: Sendable {
        /// The message's bytes (for NDJSON, its line without the line break); empty when it was
        /// too large to keep (``skippedByteCount`` says how large).
        public let bytes: Data
        /// The 1-based line of the input the message starts on; nil when the input is one message.
        public let line: Int?
        /// The 1-based column its first byte is in (1 unless messages share a line).
        public let column: Int
        /// The message's size when it was longer than the limit and not kept; nil when kept.
        public let skippedByteCount: Int?

        /// The message's size in the input, kept or not.
        public var byteCount: Int { skippedByteCount ?? bytes.count }

        /// A message of an input.
        public init(bytes: Data, line: Int?, column: Int = 1, skippedByteCount: Int? = nil) {
            self.bytes = bytes
            self.line = line
            self.column = column
            self.skippedByteCount = skippedByteCount
        }

        /// A message as the framer found it; `sole` when it is its input's only one.
        public init(_ framed: FramedMessage, sole: Bool) {
            switch framed.content {
            case .bytes(let data): self.init(bytes: data, line: sole ? nil : framed.line, column: framed.column)
            case .tooLarge(let count):
                self.init(bytes: Data(), line: sole ? nil : framed.line, column: framed.column, skippedByteCount: count)
            }
        }
    }

    /// The messages of `data`: one, or each of an NDJSON input or a stream of XML or JSON
    /// messages. An input of one message is that message whole.
    public static func split(_ data: Data, maximumMessageBytes: Int = MessageFramer.defaultMaximumMessageBytes) -> [Message] {
        var framer = MessageFramer(maximumMessageBytes: maximumMessageBytes)
        framer.append(data)
        framer.finish()
        var framed: [FramedMessage] = []
        while let message = framer.nextMessage() { framed.append(message) }
        if framed.count == 1, case .bytes = framed[0].content { return [Message(bytes: data, line: nil)] }
        return framed.map { Message($0, sole: framed.count == 1) }
    }

    /// The issue of a message too large to read.
    public static func tooLargeIssue(_ byteCount: Int, limit: Int) -> Issue {
        Issue(.fatal, .tooCostly, rule: ReadingRule.tooLarge,
              "the message is \(byteCount) bytes, more than the largest one read (\(limit) bytes; --max-bytes); it was skipped")
    }

    /// Gives the issues of one message of an input its file and index and, for a message of
    /// several in an input, the input's positions (the message's line 1 is the input's line
    /// `line`, and its column 1 the input's column `column`).
    public static func place(_ issues: inout [Issue], file: String, index: Int, line: Int?, column: Int = 1) {
        for i in issues.indices {
            issues[i].file = file
            issues[i].messageIndex = index
            if let line {
                let p = issues[i].position
                let messageLine = Int(p?.line ?? 1)
                let messageColumn = Int(p?.column ?? 1)
                issues[i].position = SourcePosition(line: line + messageLine - 1,
                                                    column: messageLine == 1 ? column + messageColumn - 1 : messageColumn)
            }
        }
    }
}
