#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One file being written under its hidden temporary name (`.NAME.dch-PID.tmp`, same folder), put
/// in place by ``commit()``: flushed (`fsync`), renamed over the destination, the folder flushed.
/// Until then, and after ``discard()``, the destination is as it was. The protocol of
/// ``AtomicFile``, open for outputs written piece by piece.
package final class DurableReplacement {
    /// The destination, as given.
    package let path: String
    private let folderPath: String
    private let name: String
    private let temporary: String
    /// The temporary file's path as ``TemporaryFiles`` knows it.
    private let temporaryPath: String
    private var folder: Int32
    private var fd: Int32

    /// Creates the temporary file. Throws ``FileWriteError``.
    package init(path: String) throws {
        self.path = path
        (folderPath, name) = POSIXFile.split(path)
        temporary = POSIXFile.temporaryName(for: name)
        temporaryPath = POSIXFile.join(folderPath, temporary)
        folder = try POSIXFile.openFolder(folderPath)
        do {
            fd = try TemporaryFiles.create(temporaryPath) { [temporary, folder, path] in
                try POSIXFile.create(temporary, in: folder, reportedAs: path)
            }
        } catch {
            close(folder)
            throw error
        }
    }

    deinit { discard() }

    /// Appends bytes to the temporary file.
    package func write(_ bytes: Span<UInt8>) throws {
        precondition(fd >= 0, "DurableReplacement written after commit or discard")
        try POSIXFile.writeAll(fd, bytes, reportedAs: path)
    }

    /// Puts the file in place durably; on failure the temporary file is removed.
    package func commit() throws {
        do {
            try POSIXFile.flush(fd, reportedAs: path)
            let written = fd
            fd = -1
            try POSIXFile.closeFile(written, reportedAs: path)
            do {
                try POSIXFile.rename(temporary, name, in: folder)
            } catch {
                throw FileWriteError(path: path, operation: "replace", code: error.code)
            }
            TemporaryFiles.finished(temporaryPath)
        } catch {
            discard()
            throw error
        }
        // The rename is done: what is left is making it survive a power loss.
        defer {
            close(folder)
            folder = -1
        }
        try POSIXFile.flush(folder, reportedAs: folderPath)
    }

    /// Removes the temporary file (nothing once committed).
    package func discard() {
        guard folder >= 0 else { return }
        if fd >= 0 { close(fd) }
        fd = -1
        POSIXFile.remove(temporary, in: folder)
        TemporaryFiles.finished(temporaryPath)
        close(folder)
        folder = -1
    }
}
