import Foundation
import FHIRModel

/// How one input holds its messages: a single XML or JSON message, or NDJSON (one JSON message per
/// line), the form bulk tools write.
public enum InputMessages {
    /// One message of an input: its bytes and, for an NDJSON line, the line's number in the input.
    public struct Message: Sendable {
        /// The message's bytes (for NDJSON, its line without the line break).
        public let bytes: Data
        /// The 1-based line of the input the message is on; nil when the input is one message.
        public let line: Int?

        /// A message of an input.
        public init(bytes: Data, line: Int?) {
            self.bytes = bytes
            self.line = line
        }
    }

    /// The messages of `data`: its non-empty lines when there are more than one and each starts
    /// with `{` (after spaces and tabs), else the whole input as one message.
    public static func split(_ data: Data) -> [Message] {
        ndjsonLines(data) ?? [Message(bytes: data, line: nil)]
    }

    /// The non-empty lines of an NDJSON input with their 1-based numbers; nil unless there are more
    /// than one and each starts with `{`.
    public static func ndjsonLines(_ data: Data) -> [Message]? {
        var lines: [Message] = []
        var number = 0
        for raw in data.split(separator: 0x0A, omittingEmptySubsequences: false) {
            number += 1
            guard let first = raw.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { continue }
            guard first == UInt8(ascii: "{") else { return nil }
            lines.append(Message(bytes: Data(raw), line: number))
        }
        return lines.count > 1 ? lines : nil
    }

    /// Gives the issues of one message of an input its file and index and, for an NDJSON line, the
    /// input's line numbers (the message's line 1 is the input's line `line`).
    public static func place(_ issues: inout [Issue], file: String, index: Int, line: Int?) {
        for i in issues.indices {
            issues[i].file = file
            issues[i].messageIndex = index
            if let line {
                let p = issues[i].position
                issues[i].position = SourcePosition(line: line + Int(p?.line ?? 1) - 1, column: Int(p?.column ?? 1))
            }
        }
    }
}
