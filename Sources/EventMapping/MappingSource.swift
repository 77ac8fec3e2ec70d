/// A value read from a source record, with the source positions it came from.
public struct SourceValue: Sendable, Hashable {
    /// The value's text (a CSV cell; an HL7 v2 component with its escapes decoded).
    public var text: String
    /// The record's positions the value was read from, as ``MappingSource/presentPositions`` names
    /// them (a CSV column name; a v2 `PID-3[1].1`): what `--report` marks as used.
    public var positions: [String]

    /// A value read from `positions`.
    public init(text: String, positions: [String]) {
        self.text = text; self.positions = positions
    }
}

/// One source record a mapping runs over: a CSV row now, an HL7 v2 message later. The engine asks
/// it for the value at each source path the mapping names; what the record has that no path asked
/// for is what `--report` lists as unused.
public protocol MappingSource {
    /// The value at a source path (a CSV column name; a v2 path such as `PID-3.1`), nil when the
    /// record has none there or it is empty.
    func value(at path: String) -> SourceValue?
    /// Every position at which the record has a non-empty value, in record order.
    var presentPositions: [String] { get }
    /// Where the record is, for messages (`row 4`, `message 2`).
    var location: String { get }
    /// The record's content, from which the message's ids are derived: the same record gives the
    /// same message, byte for byte.
    var identity: [UInt8] { get }
}
