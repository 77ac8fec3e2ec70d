import Foundation

/// A reader of one message format into the element tree. Conformers implement the entry point
/// over a span of bytes; the other inputs (Data, byte arrays, strings, files) come with it.
public protocol MessageReader {
    /// Reads one document from UTF-8 bytes (only during the call; the tree owns copies).
    /// - Throws: ``IssuesError`` carrying every error found, each with rule, path and line:column.
    func read(_ bytes: Span<UInt8>) throws -> Decoded
}

extension MessageReader {
    /// Reads one document from `data`.
    public func read(_ data: Data) throws -> Decoded {
        try read(data.span)
    }

    /// Reads one document from a byte array.
    public func read(_ bytes: [UInt8]) throws -> Decoded {
        try read(bytes.span)
    }

    /// Reads one document from a string.
    public func read(_ text: String) throws -> Decoded {
        try read(text.utf8.span)
    }

    /// Reads the file at `url`; every issue, thrown or returned, carries the file's path.
    public func read(contentsOf url: URL) throws -> Decoded {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw IssuesError(Issue(.fatal, .processing, rule: ReadingRule.read,
                                    "cannot read \(url.path): \(error.localizedDescription)", file: url.path))
        }
        do {
            var decoded = try read(data)
            for i in decoded.issues.indices { decoded.issues[i].file = url.path }
            return decoded
        } catch var error as IssuesError {
            for i in error.issues.indices { error.issues[i].file = url.path }
            throw error
        }
    }
}
