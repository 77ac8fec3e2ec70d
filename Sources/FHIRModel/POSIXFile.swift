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
        "cannot \(operation) \(path): \(POSIXFile.describe(code))"
    }
}

/// A system call that failed, with its `errno`: what ``POSIXFile``'s wrappers throw, for the
/// caller to report in its own terms (``FileWriteError``, a reader's error).
package struct SystemCallError: Error, Sendable, Equatable {
    /// The `errno` the call failed with.
    package let code: Int32

    /// A failure with `errno` `code`.
    package init(code: Int32) { self.code = code }

    /// The error of the call that just failed (this thread's `errno`).
    package static var last: SystemCallError { SystemCallError(code: errno) }
}

/// The one place in FHIRModel where system calls are lent pointers (paths as C strings, buffers,
/// `stat` records): small wrappers, retried on `EINTR`, that take and give Swift values only
/// (`String`, `[UInt8]`, `Span<UInt8>`, `stat`), so the writers and readers built on them stay
/// safe code. Descriptors are plain `Int32`s, closed with `close(2)` (which takes no pointer).
package enum POSIXFile {
    /// New files get `0666` less the umask, as `open(2)` and shells make them.
    package static let newFileMode: mode_t = 0o666

    // MARK: Opening

    /// `open(2)`: the descriptor of `path`.
    package static func open(_ path: String, flags: Int32, mode: mode_t = 0) throws(SystemCallError) -> Int32 {
        while true {
            let fd = systemOpen(path, flags, mode)
            if fd >= 0 { return fd }
            if errno != EINTR { throw .last }
        }
    }

    /// `openat(2)`: the descriptor of `name` in the folder open at `folder` (`AT_FDCWD` for a path).
    package static func open(_ name: String, in folder: Int32, flags: Int32, mode: mode_t = 0) throws(SystemCallError) -> Int32 {
        while true {
            let fd = unsafe openat(folder, name, flags, mode)
            if fd >= 0 { return fd }
            if errno != EINTR { throw .last }
        }
    }

    /// Opens (creating or truncating) `name` relative to the folder `folder` (`AT_FDCWD` for a path).
    package static func create(_ name: String, in folder: Int32, reportedAs path: String) throws -> Int32 {
        do {
            return try open(name, in: folder, flags: O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode: newFileMode)
        } catch {
            throw FileWriteError(path: path, operation: "create", code: error.code)
        }
    }

    /// Opens a folder for `fsync` and `*at` calls.
    package static func openFolder(_ path: String) throws -> Int32 {
        do {
            return try open(path, flags: O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        } catch {
            throw FileWriteError(path: path, operation: "open the folder", code: error.code)
        }
    }

    // MARK: Status

    /// `stat(2)`: what `path` names, following symbolic links.
    package static func status(_ path: String) throws(SystemCallError) -> stat {
        var info = stat()
        guard unsafe stat(path, &info) == 0 else { throw .last }
        return info
    }

    /// `fstat(2)`: what the descriptor `fd` is open on.
    package static func status(of fd: Int32) throws(SystemCallError) -> stat {
        var info = stat()
        guard unsafe fstat(fd, &info) == 0 else { throw .last }
        return info
    }

    /// `fstatat(2)` without following a symbolic link: what `name` in the folder `folder` is.
    package static func linkStatus(_ name: String, in folder: Int32) throws(SystemCallError) -> stat {
        var info = stat()
        guard unsafe fstatat(folder, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { throw .last }
        return info
    }

    /// The file type bits (`S_IFMT`) of `info`: `S_IFREG`, `S_IFDIR`, `S_IFIFO`...
    package static func kind(_ info: stat) -> mode_t { info.st_mode & S_IFMT }

    /// True when `path` names a folder (following symbolic links).
    package static func isDirectory(_ path: String) -> Bool {
        (try? status(path)).map { kind($0) == S_IFDIR } ?? false
    }

    // MARK: Reading

    /// One `read(2)` into `buffer[range]`: how many bytes came (0 at the end of the input).
    package static func read(_ fd: Int32, into buffer: inout [UInt8], _ range: Range<Int>) throws(SystemCallError) -> Int {
        precondition(range.lowerBound >= 0 && range.upperBound <= buffer.count, "range outside the buffer")
        while true {
            let n = unsafe buffer.withUnsafeMutableBytes { unsafe systemRead(fd, $0.baseAddress! + range.lowerBound, range.count) }
            if n >= 0 { return n }
            if errno != EINTR { throw .last }
        }
    }

    /// `pread(2)` until `buffer[range]` is full or the file ends: how many bytes came.
    package static func read(_ fd: Int32, into buffer: inout [UInt8], _ range: Range<Int>, at offset: UInt64) throws(SystemCallError) -> Int {
        precondition(range.lowerBound >= 0 && range.upperBound <= buffer.count, "range outside the buffer")
        var done = 0
        while done < range.count {
            let n = unsafe buffer.withUnsafeMutableBytes {
                unsafe pread(fd, $0.baseAddress! + range.lowerBound + done, range.count - done, off_t(offset) + off_t(done))
            }
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                throw .last
            }
            done += n
        }
        return done
    }

    /// The rest of the file open at `fd`, read to its end (`sizeHint`: the size expected, from
    /// `fstat`; one byte more is asked for, so a file of that size ends in one pass).
    package static func readAll(_ fd: Int32, sizeHint: Int = 0) throws(SystemCallError) -> Data {
        var data = Data(count: max(sizeHint, 1) + 1)
        var length = 0
        while true {
            if length == data.count { data.count *= 2 }
            let got = unsafe data.withUnsafeMutableBytes { unsafe systemRead(fd, $0.baseAddress! + length, $0.count - length) }
            if got < 0 {
                if errno == EINTR { continue }
                throw .last
            }
            if got == 0 { break }
            length += got
        }
        data.count = length
        return data
    }

    // MARK: Writing

    /// Writes every byte of `bytes`, however many `write(2)` calls it takes.
    package static func writeAll(_ fd: Int32, _ bytes: Span<UInt8>) throws(SystemCallError) {
        var offset = 0
        while offset < bytes.count {
            let written = unsafe bytes.withUnsafeBufferPointer { unsafe write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw .last
            }
            offset += written
        }
    }

    /// Writes every byte of `bytes` at file offset `offset` (`pwrite(2)`), however many calls it takes.
    package static func writeAll(_ fd: Int32, _ bytes: Span<UInt8>, at offset: UInt64) throws(SystemCallError) {
        var done = 0
        while done < bytes.count {
            let n = unsafe bytes.withUnsafeBufferPointer {
                unsafe pwrite(fd, $0.baseAddress! + done, $0.count - done, off_t(offset) + off_t(done))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw .last
            }
            done += n
        }
    }

    /// Writes every byte, however many calls it takes; a failure is a ``FileWriteError`` of `path`.
    package static func writeAll(_ fd: Int32, _ bytes: Span<UInt8>, reportedAs path: String) throws {
        do {
            try writeAll(fd, bytes)
        } catch {
            throw FileWriteError(path: path, operation: "write", code: error.code)
        }
    }

    /// `fsync(2)`: the file's data and metadata are on stable storage when it returns.
    package static func flush(_ fd: Int32, reportedAs path: String) throws {
        while fsync(fd) != 0 {
            if errno != EINTR { throw FileWriteError(path: path, operation: "flush", code: errno) }
        }
    }

    /// `syncfs(2)` on the file system holding `fd`: every dirty page and inode of it on stable
    /// storage (see ``AtomicFolderWriter``).
    package static func flushFileSystem(of fd: Int32) throws(SystemCallError) {
        while syncfs(fd) != 0 {
            if errno != EINTR { throw .last }
        }
    }

    /// `syncfs(2)`, which Swift's Glibc module does not declare (it is a GNU extension), looked up
    /// once; where the C library lacks it, `sync(2)`, which flushes every file system.
    private static let syncfs: @convention(c) (Int32) -> Int32 = {
        if let symbol = unsafe dlsym(UnsafeMutableRawPointer(bitPattern: 0), "syncfs") {
            return unsafe unsafeBitCast(symbol, to: (@convention(c) (Int32) -> Int32).self)
        }
        return { _ in sync(); return 0 }
    }()

    /// Closes a descriptor; an error from `close` (a delayed write error on some file systems) is
    /// an error of the file.
    package static func closeFile(_ fd: Int32, reportedAs path: String) throws {
        // Linux closes the descriptor even when close fails, so it is never retried.
        if close(fd) != 0, errno != EINTR {
            throw FileWriteError(path: path, operation: "write", code: errno)
        }
    }

    /// Sets the modification (and access) time of the file open at `fd` to now (`futimens(2)`).
    package static func touch(_ fd: Int32) -> Bool {
        futimens(fd, nil) == 0
    }

    // MARK: Names

    /// `rename(2)`: `from` takes the name `to`, atomically replacing what was there.
    package static func rename(_ from: String, _ to: String) throws(SystemCallError) {
        guard systemRename(from, to) == 0 else { throw .last }
    }

    /// `renameat(2)` within the folder open at `folder`.
    package static func rename(_ from: String, _ to: String, in folder: Int32) throws(SystemCallError) {
        guard unsafe renameat(folder, from, folder, to) == 0 else { throw .last }
    }

    /// `unlink(2)`: removes the file `path` (an error, such as a file already gone, is ignored:
    /// callers remove what they may have left).
    package static func remove(_ path: String) {
        _ = unsafe unlink(path)
    }

    /// `unlinkat(2)`: removes `name` from the folder open at `folder`, errors ignored as in ``remove(_:)``.
    package static func remove(_ name: String, in folder: Int32) {
        _ = unsafe unlinkat(folder, name, 0)
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
    /// 64 KB, then the end of the file checked).
    package static func contentEquals(_ fd: Int32, _ bytes: Span<UInt8>) -> Bool {
        var buffer = [UInt8](repeating: 0, count: min(max(bytes.count, 1), 1 << 16))
        var offset = 0
        while true {
            // One byte more than is left: a longer file shows at once.
            let wanted = min(buffer.count, bytes.count - offset + 1)
            guard let got = try? read(fd, into: &buffer, 0..<wanted) else { return false }
            if got == 0 { return offset == bytes.count }
            if offset + got > bytes.count { return false }
            for i in 0..<got where buffer[i] != bytes[offset + i] { return false }
            offset += got
        }
    }

    /// `strerror(3)`: the system's words for `errno` `code` ("No space left on device").
    package static func describe(_ code: Int32) -> String {
        unsafe String(cString: strerror(code))
    }

    /// This process's id, asked for once (dch never forks).
    private static let processID = getpid()
}

// The C functions whose names ``POSIXFile``'s own members take (inside it, `open` is its own).
private func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { unsafe open(path, flags, mode) }
@unsafe private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { unsafe read(fd, buffer, count) }
private func systemRename(_ from: String, _ to: String) -> Int32 { unsafe rename(from, to) }
