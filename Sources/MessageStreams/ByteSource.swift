import FHIRModel
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where an input's bytes come from, read a chunk at a time so that no input is held whole.
public protocol ByteSource {
    /// Reads up to `buffer.count` bytes into the start of `buffer` (its length stays as it is) and
    /// returns how many; 0 at the end.
    /// - Throws: ``ByteSourceError`` when the bytes cannot be read.
    mutating func read(into buffer: inout [UInt8]) throws -> Int
}

/// Why an input could not be read, with the system's reason.
public struct ByteSourceError: Error, LocalizedError, Sendable, Equatable {
    /// What failed, e.g. "open" or "read".
    public let operation: String
    /// The system's error number.
    public let code: Int32
    /// Or, where no system call failed, the reason in words.
    public let reason: String?

    /// An error of a system call.
    public init(operation: String, code: Int32) {
        self.operation = operation
        self.code = code
        reason = nil
    }

    /// An error with its reason in words (a damaged compressed stream).
    public init(operation: String, reason: String) {
        self.operation = operation
        code = 0
        self.reason = reason
    }

    /// The reason, e.g. "No such file or directory".
    public var errorDescription: String? { reason ?? POSIXFile.describe(code) }
}

/// A file, a pipe or standard input, read with `read(2)`.
public final class FileByteSource: ByteSource {
    /// Internal: the zip reader reads the same open file at offsets.
    let descriptor: Int32
    private let owned: Bool

    /// True when standard input is not a regular file (a pipe, a terminal, a socket): reading it
    /// may wait for a writer, so a filter hands on each message as it comes.
    public static var standardInputMayWait: Bool {
        (try? POSIXFile.status(of: STDIN_FILENO)).map { POSIXFile.kind($0) != S_IFREG } ?? true
    }

    /// True when reading `path` may wait for a writer: standard input (`-`) that is no regular
    /// file (``standardInputMayWait``), or a named pipe, a terminal or a socket given by name
    /// (`<(command)` in a shell). Folders and regular files never wait.
    public static func mayWait(_ path: String) -> Bool {
        if path == "-" { return standardInputMayWait }
        guard let info = try? POSIXFile.status(path) else { return false }
        let kind = POSIXFile.kind(info)
        return kind == S_IFIFO || kind == S_IFCHR || kind == S_IFSOCK
    }

    /// Standard input (not closed by the source).
    public static func standardInput() -> FileByteSource {
        FileByteSource(descriptor: STDIN_FILENO, owned: false)
    }

    /// The file at `path`, opened for reading.
    /// - Throws: ``ByteSourceError`` when it cannot be opened or is a folder.
    public init(path: String) throws {
        let fd: Int32
        do {
            fd = try POSIXFile.open(path, flags: O_RDONLY | O_CLOEXEC)
        } catch {
            throw ByteSourceError(operation: "open", code: error.code)
        }
        if let info = try? POSIXFile.status(of: fd), POSIXFile.kind(info) == S_IFDIR {
            close(fd)
            throw ByteSourceError(operation: "open", code: EISDIR)
        }
        descriptor = fd
        owned = true
    }

    /// An open descriptor; closed by the source when `owned`.
    public init(descriptor: Int32, owned: Bool) {
        self.descriptor = descriptor
        self.owned = owned
    }

    deinit {
        if owned { close(descriptor) }
    }

    public func read(into buffer: inout [UInt8]) throws -> Int {
        do {
            return try POSIXFile.read(descriptor, into: &buffer, 0..<buffer.count)
        } catch {
            throw ByteSourceError(operation: "read", code: error.code)
        }
    }
}

/// Bytes already in memory.
public struct DataByteSource: ByteSource {
    private let data: Data
    private var position: Int

    /// A source over `data`.
    public init(_ data: Data) {
        self.data = data
        position = data.startIndex
    }

    public mutating func read(into buffer: inout [UInt8]) throws -> Int {
        let count = min(buffer.count, data.endIndex - position)
        guard count > 0 else { return 0 }
        buffer.replaceSubrange(0..<count, with: data[position ..< position + count])
        position += count
        return count
    }
}
