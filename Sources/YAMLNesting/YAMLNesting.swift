import Yams
import CYaml

/// A YAML text that nests deeper than a loader accepts: where, and the limit.
public struct YAMLTooDeep: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line and column of the collection that goes past the limit.
    public var line: Int, column: Int
    /// The deepest nesting accepted.
    public var limit: Int

    public var description: String { "the YAML nests deeper than \(limit) levels" }
}

/// Refuses YAML nested too deeply before Yams composes it. Yams builds its `Node` tree by
/// recursion, one native stack frame (about 800 bytes in a debug build) per level, so a policy or
/// mapping file of `[[[[…` twenty thousand deep ends the process with a stack overflow, and a
/// deep `Node` tree also overflows when it is freed. libyaml's parser keeps its own state on the
/// heap: its events are counted here, without recursion, and nothing is built.
public enum YAMLNesting {
    /// The default limit: real policies and mapping files nest fewer than 10 levels; 100 levels
    /// stay far inside a 512 KiB thread stack.
    public static let defaultLimit = 100

    /// Throws ``YAMLTooDeep`` when `text` opens more than `limit` sequences and mappings one
    /// inside another; syntax errors are left to the composer, which reports them with its own
    /// messages.
    public static func check(_ text: String, limit: Int = defaultLimit) throws {
        var text = text
        let place = text.withUTF8 { bytes -> (line: Int, column: Int)? in
            guard let start = bytes.baseAddress, !bytes.isEmpty else { return nil }
            return firstPlace(deeperThan: limit, in: start, count: bytes.count)
        }
        if let place { throw YAMLTooDeep(line: place.line, column: place.column, limit: limit) }
    }

    /// Where the collection that goes past `limit` starts; nil when none does. The parser reads
    /// `start` only during this call.
    private static func firstPlace(deeperThan limit: Int, in start: UnsafePointer<UInt8>, count: Int) -> (line: Int, column: Int)? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_input_string(&parser, start, count)
        var depth = 0
        var event = yaml_event_t()
        while yaml_parser_parse(&parser, &event) == 1 {
            defer { yaml_event_delete(&event) }
            switch event.type {
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                depth += 1
                if depth > limit { return (Int(event.start_mark.line) + 1, Int(event.start_mark.column) + 1) }
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                depth -= 1
            case YAML_STREAM_END_EVENT:
                return nil
            default:
                break
            }
        }
        return nil
    }
}
