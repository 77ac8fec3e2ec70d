import Foundation
import FHIRModel
#if canImport(Glibc)
import Glibc
#endif

/// An output written as it is produced, with a bounded buffer: stdout, or a file that appears only
/// when complete (written under a temporary name in the same folder, renamed by ``finish()``, the
/// way ``AtomicFile`` writes whole files). Memory stays flat however much is written.
final class StreamingOutput {
    private let handle: FileHandle
    private let temporary: URL?
    private let destination: URL?
    private var buffer: [UInt8] = []
    private static let flushSize = 1 << 20

    /// Standard output.
    init() {
        handle = FileHandle.standardOutput
        temporary = nil
        destination = nil
    }

    /// A file at `path`, replaced atomically by ``finish()``. A path that exists and is no regular
    /// file (`/dev/null`, a named pipe) is written directly: it cannot be replaced by a rename.
    init(path: String) throws {
        let url = URL(fileURLWithPath: path)
        if AtomicFile.isSpecialFile(path) {
            handle = try FileHandle(forWritingTo: url)
            temporary = nil
            destination = nil
            return
        }
        let temp = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).dch-\(ProcessInfo.processInfo.processIdentifier).tmp")
        guard FileManager.default.createFile(atPath: temp.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "cannot create \(temp.path)"])
        }
        handle = try FileHandle(forWritingTo: temp)
        temporary = temp
        destination = url
    }

    /// Appends bytes (written out once a megabyte has gathered).
    func write(_ bytes: [UInt8]) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.flushSize { try flush() }
    }

    func write(_ text: String) throws { try write(Array(text.utf8)) }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is left and, for a file, puts it in place.
    func finish() throws {
        try flush()
        guard let temporary, let destination else { return }
        try handle.close()
        guard rename(temporary.path, destination.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [
                NSLocalizedDescriptionKey: "cannot replace \(destination.path): \(String(cString: strerror(errno)))"])
        }
    }

    /// Removes an unfinished file.
    func abandon() {
        guard let temporary else { return }
        try? handle.close()
        try? FileManager.default.removeItem(at: temporary)
    }
}
