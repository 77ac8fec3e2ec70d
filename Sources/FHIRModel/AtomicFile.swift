import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes one file so that nobody ever sees a partial one, even after a crash or a power loss:
/// the bytes go to a hidden temporary name in the same folder (`.NAME.dch-PID.tmp`), which is
/// flushed to disk (`fsync`), renamed over the destination (`rename(2)` replaces an existing file
/// atomically), and the folder is flushed so that the rename itself survives. On failure the
/// temporary file is removed and an existing file is left as it was.
///
/// Plain system calls, no Foundation `URL` file API: that one costs several `stat` and `getcwd`
/// calls per file. For many files in one folder, ``AtomicFolderWriter`` shares the flushes.
/// (Foundation's `FileManager.replaceItemAt` is not used either: on Linux it fails to replace an
/// existing file and loses it.)
public enum AtomicFile {
    /// Writes `bytes` to `url` atomically and durably.
    public static func write(_ bytes: [UInt8], to url: URL) throws {
        try write(bytes.span, toPath: url.path)
    }

    /// Writes `data` to `url` atomically and durably (a device or pipe such as `/dev/null`
    /// directly: see ``isSpecialFile(_:)``).
    public static func write(_ data: Data, to url: URL) throws {
        try write(data.span, toPath: url.path)
    }

    /// Writes `bytes` to the file at `path` atomically and durably. Throws ``FileWriteError``.
    public static func write(_ bytes: [UInt8], toPath path: String) throws {
        try write(bytes.span, toPath: path)
    }

    /// Writes `bytes` to the file at `path` atomically and durably. Throws ``FileWriteError``.
    public static func write(_ bytes: Span<UInt8>, toPath path: String) throws {
        if isSpecialFile(path) { return try writeInPlace(bytes, toPath: path) }
        let file = try DurableReplacement(path: path)
        try file.write(bytes)
        try file.commit()
    }

    /// True when `path` exists and is neither a regular file nor a folder (`/dev/null`, a named
    /// pipe, a terminal): it must be written in place, since a rename would replace the device
    /// node itself with a file.
    public static func isSpecialFile(_ path: String) -> Bool {
        guard let info = try? POSIXFile.status(path) else { return false }
        let type = POSIXFile.kind(info)
        return type != S_IFREG && type != S_IFDIR
    }

    private static func writeInPlace(_ bytes: Span<UInt8>, toPath path: String) throws {
        let fd: Int32
        do {
            fd = try POSIXFile.open(path, flags: O_WRONLY | O_CLOEXEC)
        } catch {
            throw FileWriteError(path: path, operation: "open", code: error.code)
        }
        defer { close(fd) }
        try POSIXFile.writeAll(fd, bytes, reportedAs: path)
    }
}
