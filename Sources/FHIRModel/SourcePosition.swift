/// A place in a source document: 1-based line and column (column counted in UTF-8 bytes).
/// `line == 0` means unknown (a tree built in code rather than parsed).
public struct SourcePosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var line: Int32
    public var column: Int32

    public init(line: Int, column: Int) {
        self.line = Int32(clamping: line)
        self.column = Int32(clamping: column)
    }

    /// No known position.
    public static let unknown = SourcePosition(line: 0, column: 0)

    public var isKnown: Bool { line > 0 }

    public var description: String { isKnown ? "\(line):\(column)" : "?" }

    public static func < (a: SourcePosition, b: SourcePosition) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }
}
