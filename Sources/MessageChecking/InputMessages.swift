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
        // Over raw bytes, and out at the first line that does not start with `{`: an XML input
        // (the usual case) costs one look at its first byte instead of a split into lines.
        data.withUnsafeBytes { raw -> [Message]? in
            let bytes = raw.bindMemory(to: UInt8.self)
            var lines: [Range<Int>] = []
            var numbers: [Int] = []
            var number = 0
            var start = 0
            while start <= bytes.count {
                number += 1
                var end = start
                while end < bytes.count && bytes[end] != 0x0A { end += 1 }
                var first = start
                while first < end && (bytes[first] == 0x20 || bytes[first] == 0x09 || bytes[first] == 0x0D) { first += 1 }
                if first < end {
                    guard bytes[first] == UInt8(ascii: "{") else { return nil }
                    lines.append(start ..< end)
                    numbers.append(number)
                }
                start = end + 1
            }
            guard lines.count > 1 else { return nil }
            return zip(lines, numbers).map { Message(bytes: data.subdata(in: $0.0.lowerBound + data.startIndex ..< $0.0.upperBound + data.startIndex), line: $0.1) }
        }
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
