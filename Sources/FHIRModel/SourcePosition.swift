/// A place in a source document: 1-based line and column (column counted in UTF-8 bytes).
/// `line == 0` means unknown (a tree built in code rather than parsed).
public struct SourcePosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// 1-based line; 0 when unknown.
    public var line: Int32
    /// 1-based column in UTF-8 bytes; 0 when unknown.
    public var column: Int32

    /// A position (values beyond `Int32` are clamped).
    public init(line: Int, column: Int) {
        self.line = Int32(clamping: line)
        self.column = Int32(clamping: column)
    }

    /// A position from values already in range (no clamping to do).
    @inlinable
    init(exactLine line: Int32, column: Int32) {
        self.line = line
        self.column = column
    }

    /// No known position.
    public static let unknown = SourcePosition(line: 0, column: 0)

    /// True when the position came from a source.
    public var isKnown: Bool { line > 0 }

    /// `line:column`, or `?` when unknown.
    public var description: String { isKnown ? "\(line):\(column)" : "?" }

    /// Document order: by line, then column.
    public static func < (a: SourcePosition, b: SourcePosition) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }
}

/// Encoded as `[line, column]`.
extension SourcePosition: Codable {
    /// Decodes `[line, column]`.
    public init(from decoder: Decoder) throws {
        var c = try decoder.unkeyedContainer()
        self.init(line: try c.decode(Int.self), column: try c.decode(Int.self))
    }

    /// Encodes `[line, column]`.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.unkeyedContainer()
        try c.encode(Int(line))
        try c.encode(Int(column))
    }
}

