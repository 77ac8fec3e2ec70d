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

    /// Writes `data` to `url` atomically.
    public static func write(_ data: Data, to url: URL) throws {
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
}
