import Foundation
import CSV

/// RFC 4180 rows, written with CSV.swift: fields with a comma, quote or line break are quoted,
/// quotes doubled, lines end in CRLF, text is UTF-8.
public enum CSVRowEncoder {
    /// One row's bytes, CRLF included.
    public static func encode(_ cells: [String]) -> [UInt8] {
        // CSV.swift writes a scalar at a time to its stream: into memory here, then handed to the
        // caller's buffered output in one piece.
        guard let writer = try? CSVWriter(stream: .toMemory(), newline: .crlf) else { return [] }
        try? writer.write(row: cells)
        writer.stream.close()
        var bytes = [UInt8]((writer.stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data) ?? Data())
        bytes.append(0x0D)
        bytes.append(0x0A)
        return bytes
    }
}

/// The rows of one CSV input (a file or standard input), read a row at a time with CSV.swift:
/// memory stays flat for any number of rows. The first row is the header.
public final class CSVRowReader: Sequence, IteratorProtocol {
    /// The header row.
    public let header: [String]
    /// The input's name in messages.
    public let name: String
    private let reader: CSVReader
    private let index: [String: Int]
    private var row = 1

    /// Why an input cannot be read as CSV.
    public struct Failure: Error, CustomStringConvertible {
        /// For a person.
        public var description: String
    }

    /// The rows of the file at `path` (`-`: standard input).
    public convenience init(path: String) throws {
        let name = path == "-" ? "<stdin>" : path
        guard let stream = path == "-" ? InputStream(fileAtPath: "/dev/stdin") : InputStream(fileAtPath: path) else {
            throw Failure(description: "\(name): cannot open")
        }
        try self.init(stream: stream, name: name)
    }

    /// The rows of CSV text already in memory; `name` names it in messages.
    public convenience init(data: Data, name: String) throws {
        try self.init(stream: InputStream(data: data), name: name)
    }

    private init(stream: InputStream, name: String) throws {
        self.name = name
        do {
            reader = try CSVReader(stream: stream, hasHeaderRow: true)
        } catch {
            throw Failure(description: "\(name): not CSV: \(error)")
        }
        var header = reader.headerRow ?? []
        // A UTF-8 byte order mark (spreadsheets write one) is not part of the first column's name.
        if let first = header.first, first.hasPrefix("\u{FEFF}") { header[0] = String(first.dropFirst()) }
        guard !header.isEmpty, header != [""] else { throw Failure(description: "\(name): no header row") }
        self.header = header
        index = CSVRowSource.index(header)
    }

    /// The next row, or nil at the end (``error`` then says whether the input was cut short).
    public func next() -> CSVRowSource? {
        guard let cells = reader.next() else { return nil }
        row += 1
        return CSVRowSource(header: header, columnIndex: index, cells: cells, rowNumber: row, file: name)
    }

    /// Why reading stopped early, when it did.
    public var error: Error? {
        // CSV.swift reports the end of a stream that only says "no more" at the final read as
        // `cannotReadFile`; a real read failure is `streamErrorHasOccurred`.
        if let error = reader.error as? CSVError, case .cannotReadFile = error { return nil }
        return reader.error
    }
}
