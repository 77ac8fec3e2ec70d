import Foundation
import FHIRModel
import MessageStreams
#if canImport(Glibc)
import Glibc
#endif

/// Where a bulk run writes its output messages, in input order, on one thread.
protocol BulkOutput: AnyObject {
    /// Writes one message's output; `path` names it in a tree or a zip.
    func write(_ bytes: [UInt8], path: String) throws
    /// Makes everything written so far durable and says how to come back to this point.
    func checkpoint() throws -> OutputCheckpoint
    /// Puts the output in place (complete, durable).
    func finish() throws
}

/// How to return an output to a checkpoint after an interruption.
struct OutputCheckpoint: Codable, Equatable {
    /// A stream file's length at the checkpoint (the bytes after it are cut off on resume).
    var bytes: Int?
    /// A zip output's entries and length at the checkpoint.
    var zip: ZipCheckpoint?
}

/// One message per line to standard output (see ``StreamingOutput``: at once to a pipe, so that a
/// pipeline sees each message as soon as it is done). Cannot be resumed.
final class StandardOutputStream: BulkOutput {
    private let output = StreamingOutput()

    func write(_ bytes: [UInt8], path: String) throws {
        try output.write(bytes)
    }

    func checkpoint() throws -> OutputCheckpoint {
        OutputCheckpoint()
    }

    func finish() throws { try output.finish() }
}

/// One message per line to a file, written under a fixed hidden name beside it
/// (`.NAME.dch-bulk.partial`) and renamed into place at the end; a checkpoint flushes it to disk and
/// records its length, and a resumed run cuts it back to that length and appends.
final class ResumableStreamFile: BulkOutput {
    let path: String
    let partialPath: String
    private let fd: Int32
    private var length: Int
    private var buffer: [UInt8] = []

    /// Opens the partial file: empty for a new run, cut back to `resumeAt` bytes to resume.
    init(path: String, resumeAt: Int?) throws {
        self.path = path
        partialPath = ResumableStreamFile.partialPath(for: path)
        var flags = O_RDWR | O_CREAT | O_CLOEXEC
        if resumeAt == nil { flags |= O_TRUNC }
        do {
            fd = try POSIXFile.open(partialPath, flags: flags, mode: 0o644)
        } catch {
            throw FileWriteError(path: partialPath, operation: "create", code: error.code)
        }
        length = resumeAt ?? 0
        guard ftruncate(fd, off_t(length)) == 0 else { throw FileWriteError(path: partialPath, operation: "truncate", code: errno) }
        guard lseek(fd, off_t(length), SEEK_SET) >= 0 else { throw FileWriteError(path: partialPath, operation: "seek", code: errno) }
    }

    deinit { close(fd) }

    /// The hidden name the file is written under until it is complete.
    static func partialPath(for path: String) -> String {
        let (folder, name) = POSIXFile.split(path)
        return (folder == "." && !path.hasPrefix("./") ? "" : folder + "/") + "." + name + ".dch-bulk.partial"
    }

    func write(_ bytes: [UInt8], path: String) throws {
        buffer += bytes
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func flush() throws {
        do {
            // A local copy of the array (one retain): a span of a class's property cannot be taken.
            let pending = buffer
            try POSIXFile.writeAll(fd, pending.span, reportedAs: partialPath)
        }
        length += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    func checkpoint() throws -> OutputCheckpoint {
        try flush()
        try POSIXFile.flush(fd, reportedAs: partialPath)
        return OutputCheckpoint(bytes: length)
    }

    func finish() throws {
        try flush()
        try POSIXFile.flush(fd, reportedAs: partialPath)
        try BulkFiles.rename(partialPath, to: path)
        try BulkFiles.flushFolder(of: path)
    }
}

/// One entry per message in a zip archive, written under a fixed hidden name beside it
/// (`.NAME.dch-bulk.partial`) by a ``ZipOutputWriter`` (deflate level 1: the writing thread's
/// share of the work stays small) and renamed into place at the end; a checkpoint flushes it and
/// records its entries, and a resumed run cuts it back there.
final class ZipOutput: BulkOutput {
    let path: String
    private let writer: ZipOutputWriter

    init(path: String, resumeAt: ZipCheckpoint?) throws {
        self.path = path
        let partial = ResumableStreamFile.partialPath(for: path)
        if let resumeAt {
            writer = try ZipOutputWriter(resuming: partial, from: resumeAt, compressionLevel: 1)
        } else {
            writer = try ZipOutputWriter(creating: partial, compressionLevel: 1)
        }
    }

    func write(_ bytes: [UInt8], path: String) throws {
        try writer.add(name: path, bytes: bytes)
    }

    func checkpoint() throws -> OutputCheckpoint {
        OutputCheckpoint(zip: try writer.checkpoint())
    }

    func finish() throws {
        try writer.finish()
        try BulkFiles.rename(writer.path, to: path)
        try BulkFiles.flushFolder(of: path)
    }
}

/// One file per message in a folder tree (`OUT/sub/a.json`), each written by an
/// ``AtomicFolderWriter`` of its folder: complete or absent, committed in groups and at each
/// checkpoint. A resumed run writes the messages after the checkpoint again, under the same names.
final class TreeOutput: BulkOutput {
    let folder: String
    private var writers: [String: AtomicFolderWriter] = [:]

    init(folder: String) throws {
        self.folder = folder
        try BulkFiles.makeFolders(folder)
    }

    func write(_ bytes: [UInt8], path: String) throws {
        let (sub, name) = POSIXFile.split(path)
        let target = sub == "." && !path.contains("/") ? folder : folder + "/" + sub
        if writers[target] == nil {
            try BulkFiles.makeFolders(target)
            writers[target] = try AtomicFolderWriter(folder: target)
        }
        try writers[target]!.write(bytes, named: name)
    }

    func checkpoint() throws -> OutputCheckpoint {
        try finish()
        return OutputCheckpoint()
    }

    func finish() throws {
        // Writers are let go at each checkpoint: the folders a run has open stay few.
        let open = writers
        writers = [:]
        for (_, writer) in open.sorted(by: { $0.key < $1.key }) { try writer.finish() }
    }
}

/// File-system helpers of the bulk outputs.
enum BulkFiles {
    /// `mkdir -p`.
    static func makeFolders(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw FileWriteError(path: path, operation: "create the folder", code: (error as NSError).code == 0 ? EIO : Int32((error as NSError).code))
        }
    }

    /// Renames `from` to `path`, replacing what is there. Throws ``FileWriteError``.
    static func rename(_ from: String, to path: String) throws {
        do {
            try POSIXFile.rename(from, path)
        } catch {
            throw FileWriteError(path: path, operation: "rename", code: error.code)
        }
    }

    /// Flushes the folder holding `path`, so that a rename in it is durable.
    static func flushFolder(of path: String) throws {
        let folder = POSIXFile.split(path).folder
        let fd = try POSIXFile.openFolder(folder)
        defer { close(fd) }
        try POSIXFile.flush(fd, reportedAs: folder)
    }
}
