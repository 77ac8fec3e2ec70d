import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file operation that failed: what was done, to which path, and the system's reason.
public struct FileWriteError: Error, LocalizedError, Sendable, Equatable {
    /// The file or folder it was done to.
    public let path: String
    /// What was being done (`create`, `write`, `flush`, `rename`, `open the folder`...).
    public let operation: String
    /// The `errno` it failed with.
    public let code: Int32

    /// An error of `operation` on `path` with `errno` `code`.
    public init(path: String, operation: String, code: Int32) {
        self.path = path
        self.operation = operation
        self.code = code
    }

    /// "cannot write out/a.json: No space left on device".
    public var errorDescription: String? {
        "cannot \(operation) \(path): \(String(cString: strerror(code)))"
    }
}

/// The system calls the atomic writers share, retried on `EINTR` and throwing ``FileWriteError``.
package enum POSIXFile {
    /// New files get `0666` less the umask, as `open(2)` and shells make them.
    package static let newFileMode: mode_t = 0o666

    /// Opens (creating or truncating) `name` relative to the folder `folder` (`AT_FDCWD` for a path).
    package static func create(_ name: String, in folder: Int32, reportedAs path: String) throws -> Int32 {
        while true {
            let fd = openat(folder, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, newFileMode)
            if fd >= 0 { return fd }
            if errno != EINTR { throw FileWriteError(path: path, operation: "create", code: errno) }
        }
    }

    /// Opens a folder for `fsync` and `*at` calls.
    package static func openFolder(_ path: String) throws -> Int32 {
        while true {
            let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if fd >= 0 { return fd }
            if errno != EINTR { throw FileWriteError(path: path, operation: "open the folder", code: errno) }
        }
    }

    /// Writes every byte, however many calls it takes.
    package static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, reportedAs path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw FileWriteError(path: path, operation: "write", code: errno)
            }
            offset += written
        }
    }

    /// `fsync(2)`: the file's data and metadata are on stable storage when it returns.
    package static func flush(_ fd: Int32, reportedAs path: String) throws {
        while fsync(fd) != 0 {
            if errno != EINTR { throw FileWriteError(path: path, operation: "flush", code: errno) }
        }
    }

    /// Closes a descriptor; an error from `close` (a delayed write error on some file systems) is
    /// an error of the file.
    package static func closeFile(_ fd: Int32, reportedAs path: String) throws {
        // Linux closes the descriptor even when close fails, so it is never retried.
        if close(fd) != 0, errno != EINTR {
            throw FileWriteError(path: path, operation: "write", code: errno)
        }
    }

    /// True when `path` names a folder (following symbolic links).
    package static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    /// The folder part of a path ("." for a bare name) and its last component.
    package static func split(_ path: String) -> (folder: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let folder = String(path[..<slash])
        return (folder.isEmpty ? "/" : folder, String(path[path.index(after: slash)...]))
    }

    /// `folder/name` (no second slash when `folder` ends with one).
    package static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    /// The hidden name an output is written under until it is complete: `.NAME.dch-PID.tmp`, or
    /// `.NAME.dch-PID-N.tmp` for the `N`th attempt when the earlier names are taken.
    package static func temporaryName(for name: String, attempt: Int = 1) -> String {
        attempt == 1 ? ".\(name).dch-\(processID).tmp" : ".\(name).dch-\(processID)-\(attempt).tmp"
    }

    /// True when the rest of the file open at `fd` is exactly `bytes` (read in slices of at most
    /// 64 KB on the stack, then the end of the file checked).
    package static func contentEquals(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        withUnsafeTemporaryAllocation(byteCount: min(max(bytes.count, 1), 1 << 16), alignment: 16) { buffer in
            var offset = 0
            while true {
                // One byte more than is left: a longer file shows at once.
                let wanted = min(buffer.count, bytes.count - offset + 1)
                let got = read(fd, buffer.baseAddress!, wanted)
                if got < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                if got == 0 { return offset == bytes.count }
                if offset + got > bytes.count
                    || memcmp(buffer.baseAddress!, bytes.baseAddress! + offset, got) != 0 { return false }
                offset += got
            }
        }
    }

    /// This process's id, asked for once (dch never forks).
    private static let processID = getpid()
}
