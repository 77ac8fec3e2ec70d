import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes files so that nobody ever sees a partial one: the bytes go to a temporary name in the
/// same folder, which `rename(2)` then puts in place, replacing an existing file atomically. On
/// failure the temporary file is removed and an existing file is left as it was.
///
/// (Foundation's `FileManager.replaceItemAt` is not used: on Linux it fails to replace an existing
/// file and loses it.)
public enum AtomicFile {
    /// Writes `bytes` to `url` atomically.
    public static func write(_ bytes: [UInt8], to url: URL) throws {
        try write(Data(bytes), to: url)
    }

    /// Writes `data` to `url` atomically (a device or pipe such as `/dev/null` directly: see
    /// ``isSpecialFile(_:)``).
    public static func write(_ data: Data, to url: URL) throws {
        if isSpecialFile(url.path) {
            let handle = try FileHandle(forWritingTo: url)
            defer { try? handle.close() }
            try handle.write(contentsOf: data)
            return
        }
        let temp = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).dch-\(ProcessInfo.processInfo.processIdentifier).tmp")
        do {
            try data.write(to: temp)
            guard rename(temp.path, url.path) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [
                    NSLocalizedDescriptionKey: "cannot replace \(url.path): \(String(cString: strerror(errno)))",
                    NSFilePathErrorKey: url.path,
                ])
            }
        } catch {
            try? FileManager.default.removeItem(at: temp)
            throw error
        }
    }

    /// True when `path` exists and is neither a regular file nor a folder (`/dev/null`, a named
    /// pipe, a terminal): it must be written in place, since a rename would replace the device
    /// node itself with a file.
    public static func isSpecialFile(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        let type = info.st_mode & S_IFMT
        return type != S_IFREG && type != S_IFDIR
    }
}
