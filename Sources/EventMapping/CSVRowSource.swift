/// A CSV row as a ``MappingSource``: source paths are column names of the header row.
public struct CSVRowSource: MappingSource {
    /// The header row's column names.
    public let header: [String]
    /// The row's cells, in header order (missing trailing cells read as empty).
    public let cells: [String]
    /// The row's number in its file, the header row being row 1.
    public let rowNumber: Int
    /// The file the row is in, for messages.
    public let file: String
    private let columnIndex: [String: Int]

    /// A row of `file` under `header`; `columnIndex` maps each column name to its position
    /// (built once per file by ``CSVRowSource/index(_:)``).
    public init(header: [String], columnIndex: [String: Int], cells: [String], rowNumber: Int, file: String) {
        self.header = header; self.columnIndex = columnIndex; self.cells = cells; self.rowNumber = rowNumber; self.file = file
    }

    /// Column name to position; the first of duplicated names wins.
    public static func index(_ header: [String]) -> [String: Int] {
        var index: [String: Int] = [:]
        for (i, name) in header.enumerated() where index[name] == nil { index[name] = i }
        return index
    }

    public func value(at path: String) -> SourceValue? {
        guard let i = columnIndex[path], i < cells.count, !cells[i].isEmpty else { return nil }
        return SourceValue(text: cells[i], positions: [path])
    }

    public var presentPositions: [String] {
        zip(header, cells).compactMap { $1.isEmpty ? nil : $0 }
    }

    public var location: String { "\(file): row \(rowNumber)" }

    public var identity: [UInt8] {
        var bytes: [UInt8] = []
        for cell in cells { bytes += Array(cell.utf8); bytes.append(0x1F) }
        return bytes
    }
}
