import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where an input's bytes come from, read a chunk at a time so that no input is held whole.
public protocol ByteSource {
    /// Reads up to `buffer.count` bytes into `buffer` and returns how many; 0 at the end.
    /// - Throws: ``ByteSourceError`` when the bytes cannot be read.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
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
    public var errorDescription: String? { reason ?? String(cString: strerror(code)) }
}

/// A file, a pipe or standard input, read with `read(2)`.
public final class FileByteSource: ByteSource {
    /// Internal: the zip reader reads the same open file at offsets.
    let descriptor: Int32
    private let owned: Bool

    /// True when standard input is not a regular file (a pipe, a terminal, a socket): reading it
    /// may wait for a writer, so a filter hands on each message as it comes.
    public static var standardInputMayWait: Bool {
        var info = stat()
        return fstat(STDIN_FILENO, &info) != 0 || info.st_mode & S_IFMT != S_IFREG
    }

    /// True when reading `path` may wait for a writer: standard input (`-`) that is no regular
    /// file (``standardInputMayWait``), or a named pipe, a terminal or a socket given by name
    /// (`<(command)` in a shell). Folders and regular files never wait.
    public static func mayWait(_ path: String) -> Bool {
        if path == "-" { return standardInputMayWait }
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        let kind = info.st_mode & S_IFMT
        return kind == S_IFIFO || kind == S_IFCHR || kind == S_IFSOCK
    }

    /// Standard input (not closed by the source).
    public static func standardInput() -> FileByteSource {
        FileByteSource(descriptor: STDIN_FILENO, owned: false)
    }

    /// The file at `path`, opened for reading.
    /// - Throws: ``ByteSourceError`` when it cannot be opened or is a folder.
    public init(path: String) throws {
        var fd: Int32
        repeat { fd = open(path, O_RDONLY | O_CLOEXEC) } while fd < 0 && errno == EINTR
        guard fd >= 0 else { throw ByteSourceError(operation: "open", code: errno) }
        var info = stat()
        if fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
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

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let n = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno != EINTR { throw ByteSourceError(operation: "read", code: errno) }
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

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(buffer.count, data.endIndex - position)
        guard count > 0 else { return 0 }
        data.copyBytes(to: buffer.bindMemory(to: UInt8.self), from: position ..< position + count)
        position += count
        return count
    }
}
