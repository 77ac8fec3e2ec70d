import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes many files into one folder so that each appears complete or not at all, even after a
/// crash or a power loss, for little more than the cost of writing the bytes.
///
/// ``AtomicFile`` pays two disk flushes per file (the file, then its folder). This writer opens
/// the folder once and commits files in groups:
///
/// 1. ``write(_:named:)-(UnsafeRawBufferPointer,_)`` writes a file to a hidden temporary name in the folder
///    (`.NAME.dch-PID.tmp`: `openat`, `write`, `close`; nothing is flushed yet);
/// 2. once a group holds ``Limits/files`` files or ``Limits/bytes`` bytes, and at ``finish()``,
///    ``commit()`` flushes the whole group's data with one call (`syncfs` on the folder's file
///    system), then renames each file into place (`renameat`, which atomically replaces an
///    existing file), then flushes the folder (`fsync`) so that the renames are on disk too.
///
/// A name therefore never points at a file whose bytes are not on disk. After a crash a group
/// that was not committed leaves only hidden temporary files, never a partial output; an
/// error removes the temporary files of its group, and so does a writer dropped without
/// ``finish()``. Files become visible group by group, in the order they were written.
///
/// Not thread-safe: one thread writes (the outputs of parallel work are handed to it in order).
public final class AtomicFolderWriter {
    /// When a group is committed.
    public struct Limits: Sendable {
        /// Files written before a commit.
        public var files: Int
        /// Bytes written before a commit: bounds the data an interrupted run leaves in temporary files.
        public var bytes: Int

        /// A commit every `files` files or `bytes` bytes, whichever comes first.
        public init(files: Int = 1024, bytes: Int = 64 << 20) {
            self.files = max(1, files)
            self.bytes = max(1, bytes)
        }
    }

    /// One output of a group that failed to be put in place, and why.
    public struct Failure: Error, Sendable, Equatable {
        /// The output's name in the folder.
        public let name: String
        /// The failed operation.
        public let error: FileWriteError
    }

    /// The outputs of a group that were not put in place (their temporary files are removed).
    public struct CommitError: Error, LocalizedError, Sendable {
        /// Every output that is missing, in the order written.
        public let failures: [Failure]

        /// Each missing output with its reason: "a.json: cannot replace out/a.json: Is a directory".
        public var errorDescription: String? {
            failures.map { "\($0.name): \($0.error.localizedDescription)" }.joined(separator: "; ")
        }
    }

    /// The folder the files go to.
    public let folder: String
    /// When groups are committed.
    public let limits: Limits
    private var folderFD: Int32
    /// The group written and not yet committed: output names and their temporary names, in order.
    private var pending: [(name: String, temporary: String)] = []
    private var pendingNames: Set<String> = []
    private var pendingBytes = 0

    /// A writer into `folder`, which is created (with its parents) when missing.
    /// Throws ``FileWriteError`` when the folder cannot be created or opened.
    public init(folder: String, limits: Limits = Limits()) throws {
        self.folder = folder
        self.limits = limits
        do {
            folderFD = try POSIXFile.openFolder(folder)
        } catch {
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            folderFD = try POSIXFile.openFolder(folder)
        }
    }

    deinit {
        discardPending()
        if folderFD >= 0 { close(folderFD) }
    }

    /// Writes `bytes` as the file `name` of the folder (a plain name, no `/`). It appears at the
    /// next commit; writing a name already in the group commits the group first, so the later
    /// bytes win. Throws ``FileWriteError`` (nothing of this file is left), or the
    /// ``CommitError`` of a commit this write started.
    public func write(_ bytes: UnsafeRawBufferPointer, named name: String) throws {
        precondition(folderFD >= 0, "AtomicFolderWriter used after finish()")
        if pendingNames.contains(name) { try commit() }
        let temporary = POSIXFile.temporaryName(for: name)
        let path = pathOf(name)
        let fd = try POSIXFile.create(temporary, in: folderFD, reportedAs: path)
        do {
            do {
                try POSIXFile.writeAll(fd, bytes, reportedAs: path)
            } catch {
                close(fd)
                throw error
            }
            try POSIXFile.closeFile(fd, reportedAs: path)
        } catch {
            unlinkat(folderFD, temporary, 0)
            throw error
        }
        pending.append((name, temporary))
        pendingNames.insert(name)
        pendingBytes += bytes.count
        if pending.count >= limits.files || pendingBytes >= limits.bytes { try commit() }
    }

    /// Writes `bytes` as the file `name` of the folder: see ``write(_:named:)-(UnsafeRawBufferPointer,_)``.
    public func write(_ bytes: [UInt8], named name: String) throws {
        try bytes.withUnsafeBytes { try write($0, named: name) }
    }

    /// Puts the group written so far in place, durably: one flush of the data, the renames, one
    /// flush of the folder. Throws ``CommitError`` naming the outputs that are not in place.
    public func commit() throws {
        guard !pending.isEmpty else { return }
        let group = pending
        pending.removeAll(keepingCapacity: true)
        pendingNames.removeAll(keepingCapacity: true)
        pendingBytes = 0
        // 1. Every byte of the group on disk before any name points at it.
        if let error = flushData() {
            group.forEach { unlinkat(folderFD, $0.temporary, 0) }
            throw CommitError(failures: group.map { Failure(name: $0.name, error: error) })
        }
        // 2. The names.
        var failures: [Failure] = []
        var placed: [String] = []
        placed.reserveCapacity(group.count)
        for (name, temporary) in group {
            if renameat(folderFD, temporary, folderFD, name) == 0 {
                placed.append(name)
            } else {
                failures.append(Failure(name: name, error: FileWriteError(path: pathOf(name), operation: "replace", code: errno)))
                unlinkat(folderFD, temporary, 0)
            }
        }
        // 3. The renames on disk.
        do {
            try POSIXFile.flush(folderFD, reportedAs: folder)
        } catch let error as FileWriteError {
            failures += placed.map { Failure(name: $0, error: error) }
        }
        if !failures.isEmpty { throw CommitError(failures: failures) }
    }

    /// Commits what is left and closes the folder; the writer takes no more files.
    public func finish() throws {
        defer {
            if folderFD >= 0 { close(folderFD) }
            folderFD = -1
        }
        try commit()
    }

    /// Flushes the group's data: `syncfs` writes back the folder's whole file system in one call,
    /// where an `fdatasync` per file would wait for a journal commit per file.
    private func flushData() -> FileWriteError? {
        while Self.syncfs(folderFD) != 0 {
            if errno != EINTR { return FileWriteError(path: folder, operation: "flush", code: errno) }
        }
        return nil
    }

    /// `syncfs(2)`, which Swift's Glibc module does not declare (it is a GNU extension), looked up
    /// once; where the C library lacks it, `sync(2)`, which flushes every file system.
    private static let syncfs: @convention(c) (Int32) -> Int32 = {
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "syncfs") {
            return unsafeBitCast(symbol, to: (@convention(c) (Int32) -> Int32).self)
        }
        return { _ in sync(); return 0 }
    }()

    /// Removes the temporary files of an uncommitted group.
    private func discardPending() {
        guard folderFD >= 0 else { return }
        for file in pending { unlinkat(folderFD, file.temporary, 0) }
        pending.removeAll()
        pendingNames.removeAll()
        pendingBytes = 0
    }

    private func pathOf(_ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }
}
