#if canImport(Glibc)
import Glibc
#endif

/// An output written as it is produced, with a bounded buffer: stdout, or a file that appears only
/// when complete and durable (written under a temporary name in the same folder, flushed and
/// renamed by ``finish()``, the way ``AtomicFile`` writes whole files). Memory stays flat however
/// much is written. Standard output that is not a regular file (a pipe, a terminal, a socket) gets
/// each write at once, so a pipeline reading it sees every result as soon as it is made.
package final class StreamingOutput {
    private enum Target {
        case descriptor(Int32, path: String, owned: Bool)
        case replacement(DurableReplacement)
    }
    private let target: Target
    private var buffer: [UInt8] = []
    private static let flushSize = 1 << 20
    private var flushesEachWrite = false

    /// Standard output.
    package init() {
        target = .descriptor(STDOUT_FILENO, path: "<stdout>", owned: false)
        var info = stat()
        flushesEachWrite = fstat(STDOUT_FILENO, &info) != 0 || info.st_mode & S_IFMT != S_IFREG
    }

    /// A file at `path`, replaced atomically by ``finish()``. A path that exists and is no regular
    /// file (`/dev/null`, a named pipe) is written directly: it cannot be replaced by a rename.
    package init(path: String) throws {
        if AtomicFile.isSpecialFile(path) {
            let fd = open(path, O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else { throw FileWriteError(path: path, operation: "open", code: errno) }
            target = .descriptor(fd, path: path, owned: true)
        } else {
            target = .replacement(try DurableReplacement(path: path))
        }
    }

    deinit {
        if case .descriptor(let fd, _, true) = target { close(fd) }
    }

    /// Appends bytes (written out once a megabyte has gathered, or at once to a pipe).
    package func write(_ bytes: [UInt8]) throws {
        buffer.append(contentsOf: bytes)
        if flushesEachWrite || buffer.count >= Self.flushSize { try flush() }
    }

    package func write(_ text: String) throws { try write(Array(text.utf8)) }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { bytes in
            switch target {
            case .descriptor(let fd, let path, _): try POSIXFile.writeAll(fd, bytes, reportedAs: path)
            case .replacement(let file): try file.write(bytes)
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is left and, for a file, puts it in place.
    package func finish() throws {
        try flush()
        if case .replacement(let file) = target { try file.commit() }
    }

    /// Removes an unfinished file.
    package func abandon() {
        if case .replacement(let file) = target { file.discard() }
    }
}
