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
        flushesEachWrite = (try? POSIXFile.status(of: STDOUT_FILENO)).map { POSIXFile.kind($0) != S_IFREG } ?? true
    }

    /// A file at `path`, replaced atomically by ``finish()``. A path that exists and is no regular
    /// file (`/dev/null`, a named pipe) is written directly: it cannot be replaced by a rename.
    package init(path: String) throws {
        if AtomicFile.isSpecialFile(path) {
            do {
                target = .descriptor(try POSIXFile.open(path, flags: O_WRONLY | O_CLOEXEC), path: path, owned: true)
            } catch {
                throw FileWriteError(path: path, operation: "open", code: error.code)
            }
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
        do {
            // A local copy of the array (one retain): a span of a class's property cannot be taken.
            let pending = buffer
            switch target {
            case .descriptor(let fd, let path, _): try POSIXFile.writeAll(fd, pending.span, reportedAs: path)
            case .replacement(let file): try file.write(pending.span)
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
