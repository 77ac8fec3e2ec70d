import Foundation
import Synchronization
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
/// ``AtomicFile`` pays two disk flushes per file (the file, then its folder). This writer shares
/// them among a group of files:
///
/// 1. each file is staged (``OutputFolder/stage(_:named:)-(Span<UInt8>,_)``): written
///    to a hidden temporary name in the folder (`openat`, `write`, `close`; nothing is flushed
///    yet), or found already holding its bytes and kept (no new file, no old one to free);
/// 2. ``add(_:)`` (or ``write(_:named:)-(Span<UInt8>,_)``, which stages and adds)
///    puts it in the group; once a group holds ``Limits/files`` files or ``Limits/bytes``
///    bytes, and at ``finish()``, ``commit()`` puts the group in place.
///
/// Which call guarantees what, in ``commit()``:
/// - `syncfs` on the folder's file system writes every dirty page and inode of that file system
///   to stable storage (and flushes the device's cache) before it returns: the group's bytes,
///   and a kept file's bytes too, however it was written. It is one call for the whole group,
///   where an `fdatasync` per file would wait for the disk once per file.
/// - only then `renameat` gives each temporary file its name. A rename atomically replaces the
///   old file: a reader sees the old bytes or the new ones, never a mix or a missing file. Since
///   the bytes were already on disk, no name ever points at a file whose bytes are not.
/// - `fsync` on the folder makes the renames themselves durable.
///
/// A name therefore never points at a partial file. After a crash, or `kill -9`, a group that
/// was not committed leaves only hidden temporary files, never a partial output; an error
/// removes the temporary files of its group, and so does dropping a ``StagedFile`` or a writer
/// without ``finish()``. Files become visible group by group, in the order they were added (but
/// for a group replacing many files, whose renames run on several threads at once).
///
/// Not thread-safe: one thread adds and commits (staging may run on other threads).
public final class AtomicFolderWriter {
    /// When a group is committed.
    public struct Limits: Sendable {
        /// Files written before a commit.
        public var files: Int
        /// Bytes written before a commit: bounds the data an interrupted run leaves in temporary files.
        public var bytes: Int
        /// How long (nanoseconds) a commit's first 16 renames over existing files may take before
        /// the rest run on several threads (see ``AtomicFolderWriter/commit()``).
        public var slowReplacements: UInt64

        /// A commit every `files` files or `bytes` bytes, whichever comes first.
        public init(files: Int = 1024, bytes: Int = 64 << 20, slowReplacements: UInt64 = 2_000_000) {
            self.files = max(1, files)
            self.bytes = max(1, bytes)
            self.slowReplacements = slowReplacements
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

    /// The folder the files go to, as given.
    public var folder: String { outputFolder.path }
    /// The folder open for staging files from any thread; ``add(_:)`` takes what it stages.
    public let outputFolder: OutputFolder
    /// When groups are committed.
    public let limits: Limits
    /// The group added and not yet committed, in order (dropping a file removes its temporary file).
    private var pending: [StagedFile] = []
    private var pendingNames: Set<String> = []
    private var pendingBytes = 0
    private var finished = false

    /// A writer into `folder`, which is created (with its parents) when missing.
    /// Throws ``FileWriteError`` when the folder cannot be created or opened.
    public convenience init(folder: String, limits: Limits = Limits()) throws {
        self.init(try OutputFolder(path: folder), limits: limits)
    }

    /// A writer that puts in place the files staged in `folder`.
    public init(_ folder: OutputFolder, limits: Limits = Limits()) {
        outputFolder = folder
        self.limits = limits
    }

    /// Writes `bytes` as the file `name` of the folder (a plain name, no `/`). It appears at the
    /// next commit; writing a name already in the group commits the group first, so the later
    /// bytes win. Throws ``FileWriteError`` (nothing of this file is left), or the
    /// ``CommitError`` of a commit this write started.
    public func write(_ bytes: Span<UInt8>, named name: String) throws {
        precondition(!finished, "AtomicFolderWriter used after finish()")
        // Before staging: a file compared with the folder's copy must be compared with the bytes
        // the earlier write of the name put there.
        if pendingNames.contains(name) { try commit() }
        try add(outputFolder.stage(bytes, named: name))
    }

    /// Writes `bytes` as the file `name` of the folder: see ``write(_:named:)-(Span<UInt8>,_)``.
    public func write(_ bytes: [UInt8], named name: String) throws {
        try write(bytes.span, named: name)
    }

    /// Adds a file staged in ``outputFolder`` to the group; it appears at the next commit.
    /// Its name must not be in the group already (a kept file was compared with the folder as
    /// it was, not with the group's bytes). Throws the ``CommitError`` of a commit this add started.
    public func add(_ file: StagedFile) throws {
        precondition(!finished, "AtomicFolderWriter used after finish()")
        precondition(!pendingNames.contains(file.name), "\(file.name) added twice to one group")
        pending.append(file)
        pendingNames.insert(file.name)
        pendingBytes += file.byteCount
        if pending.count >= limits.files || pendingBytes >= limits.bytes { try commit() }
    }

    /// Puts the group added so far in place, durably: one flush of the data, the renames, one
    /// flush of the folder. Throws ``CommitError`` naming the outputs that are not in place.
    public func commit() throws {
        guard !pending.isEmpty else { return }
        let group = pending
        pending.removeAll(keepingCapacity: true)
        pendingNames.removeAll(keepingCapacity: true)
        pendingBytes = 0
        // 1. Every byte of the group on disk before any name points at it.
        if let error = flushData() {
            throw CommitError(failures: group.map { Failure(name: $0.name, error: error) })
        }
        // 2. The names (a file that fails is dropped with the group: its temporary file goes).
        let codes = Self.place(group, slowAfter: limits.slowReplacements)
        var failures: [Failure] = []
        var placed: [String] = []
        placed.reserveCapacity(group.count)
        for (file, code) in zip(group, codes) {
            if code == 0 {
                placed.append(file.name)
            } else {
                failures.append(Failure(name: file.name, error: FileWriteError(path: outputFolder.pathOf(file.name), operation: "replace", code: code)))
            }
        }
        // 3. The renames on disk.
        do {
            try POSIXFile.flush(outputFolder.descriptor, reportedAs: folder)
        } catch let error as FileWriteError {
            failures += placed.map { Failure(name: $0, error: error) }
        }
        if !failures.isEmpty { throw CommitError(failures: failures) }
    }

    /// Renames each file of a group into place: the `errno` of each, 0 when placed.
    ///
    /// A rename over an existing file frees the old file's blocks, and where the file system
    /// discards freed blocks at once (ext4 without a journal, mounted with `discard`, as on the VM
    /// of the README's figures) that can wait for the device, file after file: 300 such renames
    /// took 0.76–0.86 s on one thread and 0.09 s on four. So the renames run in order until 16
    /// replacing ones have taken over `slowAfter` (2 ms); the rest then run on
    /// ``replacingThreads`` threads, so that the waits overlap (when the device answers at once,
    /// threads would only add work).
    private static func place(_ group: [StagedFile], slowAfter: UInt64) -> [Int32] {
        var codes = [Int32](repeating: 0, count: group.count)
        var replaced = 0
        let start = DispatchTime.now().uptimeNanoseconds
        var next = 0
        while next < group.count {
            codes[next] = group[next].place()
            if group[next].replaces { replaced += 1 }
            next += 1
            if replaced == 16 {
                replaced += 1
                if DispatchTime.now().uptimeNanoseconds - start >= slowAfter { break }
            }
        }
        guard next < group.count else { return codes }
        let rest = next..<group.count
        let threads = min(replacingThreads, (rest.count + 7) / 8)
        // Each thread renames every `threads`-th file from its share and hands back its codes,
        // which are put in their slots once all have finished.
        let shares = ShareCodes(count: threads)
        let done = DispatchGroup()
        for share in 0..<threads {
            done.enter()
            Thread.detachNewThread {
                let mine = stride(from: rest.lowerBound + share, to: rest.upperBound, by: threads).map { group[$0].place() }
                shares.post(mine, share: share)
                done.leave()
            }
        }
        done.wait()
        for (share, shareCodes) in shares.all.enumerated() {
            for (k, code) in shareCodes.enumerated() { codes[rest.lowerBound + share + k * threads] = code }
        }
        return codes
    }

    /// Threads that rename the rest of a group whose replacing renames wait for the device.
    static let replacingThreads = 8

    /// Commits what is left; the writer takes no more files.
    public func finish() throws {
        defer { finished = true }
        try commit()
    }

    /// Flushes the group's data: `syncfs` writes back the folder's whole file system in one call,
    /// where an `fdatasync` per file would wait for the disk once per file.
    private func flushData() -> FileWriteError? {
        do {
            try POSIXFile.flushFileSystem(of: outputFolder.descriptor)
            return nil
        } catch {
            return FileWriteError(path: folder, operation: "flush", code: error.code)
        }
    }
}

/// The codes each thread of ``AtomicFolderWriter``'s parallel renames hands back, by share.
private final class ShareCodes: Sendable {
    private let codes: Mutex<[[Int32]]>

    init(count: Int) { codes = Mutex(Array(repeating: [], count: count)) }

    func post(_ shareCodes: [Int32], share: Int) { codes.withLock { $0[share] = shareCodes } }

    var all: [[Int32]] { codes.withLock { $0 } }
}
