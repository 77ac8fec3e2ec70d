import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A folder that outputs are written into: ``stage(_:named:)-(Span<UInt8>,_)`` writes one file under a hidden
/// temporary name (or finds it already holding its bytes), and an ``AtomicFolderWriter`` later
/// puts the staged files in place together.
///
/// Staging is safe from several threads at once, but creations of files in one folder take
/// turns on the folder's lock in the kernel: `dch convert` measured a second thread creating
/// files there slower than one thread staging while the others convert.
public final class OutputFolder: Sendable {
    /// The folder, as given.
    public let path: String
    /// The folder's descriptor for the `*at` calls; open as long as this object or a file
    /// staged in it lives.
    let descriptor: Int32
    /// True when this object made the folder: it held nothing (no output to compare, no input).
    public let isNew: Bool

    /// Opens `path`, creating it (with its parents) when missing. Throws ``FileWriteError``.
    public init(path: String) throws {
        self.path = path
        do {
            descriptor = try POSIXFile.openFolder(path)
            isNew = false
        } catch {
            try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            descriptor = try POSIXFile.openFolder(path)
            isNew = true
        }
    }

    deinit { close(descriptor) }

    /// Writes `bytes` for the file `name` of the folder (a plain name, no `/`) and returns it
    /// staged: under a new hidden temporary name (`.NAME.dch-PID.tmp`, `-2`… added when taken),
    /// or, when `name` already is a regular file holding exactly these bytes, as that file kept
    /// with its modification time set to now, as a rewrite would set it (no new file, and no
    /// old one to free: see ``StagedFile/isKept``). Nothing is flushed here.
    ///
    /// Safe to call from several threads at once. Throws ``FileWriteError`` (no temporary file
    /// is left then).
    public func stage(_ bytes: Span<UInt8>, named name: String) throws -> StagedFile {
        let existing = isNew ? .none : existingFile(name, against: bytes)
        if existing == .holdingTheBytes {
            return StagedFile(folder: self, name: name, temporary: nil, byteCount: bytes.count, replaces: false)
        }
        let reported = pathOf(name)
        let (fd, temporary) = try createTemporary(for: name, reportedAs: reported)
        do {
            do {
                try POSIXFile.writeAll(fd, bytes, reportedAs: reported)
            } catch {
                close(fd)
                throw error
            }
            try POSIXFile.closeFile(fd, reportedAs: reported)
        } catch {
            POSIXFile.remove(temporary, in: descriptor)
            TemporaryFiles.finished(pathOf(temporary))
            throw error
        }
        return StagedFile(folder: self, name: name, temporary: temporary, byteCount: bytes.count, replaces: existing == .other)
    }

    /// Stages `bytes` for the file `name`: see ``stage(_:named:)-(Span<UInt8>,_)``.
    public func stage(_ bytes: [UInt8], named name: String) throws -> StagedFile {
        try stage(bytes.span, named: name)
    }

    /// `folder/name`, as errors report it.
    func pathOf(_ name: String) -> String {
        POSIXFile.join(path, name)
    }

    /// Creates a temporary file that no other writer uses (`O_EXCL`): two outputs staged at once
    /// under one name, or a leftover of a killed process with the same id, get distinct files.
    private func createTemporary(for name: String, reportedAs path: String) throws -> (Int32, String) {
        var attempt = 1
        while true {
            let temporary = POSIXFile.temporaryName(for: name, attempt: attempt)
            do {
                let fd = try TemporaryFiles.create(pathOf(temporary)) { () throws(SystemCallError) -> Int32 in
                    try POSIXFile.open(temporary, in: descriptor, flags: O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                                       mode: POSIXFile.newFileMode)
                }
                return (fd, temporary)
            } catch {
                guard error.code == EEXIST, attempt < 1_000 else {
                    throw FileWriteError(path: path, operation: "create", code: error.code)
                }
                attempt += 1
            }
        }
    }

    /// What the folder holds under an output's name.
    private enum Existing {
        case none
        /// A regular file holding exactly the output's bytes (its time now set to now).
        case holdingTheBytes
        /// Something else, which the output will replace.
        case other
    }

    /// Whether `name` is a regular file whose bytes are `bytes`; its modification time is then
    /// set to now. Replacing such a file would cost a new inode and the freeing of the old one's
    /// blocks (on ext4, ~0.1 ms each or a wait for the device, and freed inodes slow the next
    /// creations: see the README) to end with the same bytes. Any doubt (another kind of file, a
    /// symbolic link, a read or time error) answers `.other`: the file is replaced as usual.
    private func existingFile(_ name: String, against bytes: Span<UInt8>) -> Existing {
        guard let info = try? POSIXFile.linkStatus(name, in: descriptor) else { return .none }
        guard POSIXFile.kind(info) == S_IFREG, Int(info.st_size) == bytes.count else { return .other }
        guard let fd = try? POSIXFile.open(name, in: descriptor, flags: O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK) else {
            return .other
        }
        defer { close(fd) }
        guard POSIXFile.contentEquals(fd, bytes) else { return .other }
        // As a rewrite would: tools such as make compare the output's time with the input's.
        return POSIXFile.touch(fd) ? .holdingTheBytes : .other
    }
}

/// One output written into an ``OutputFolder`` and not yet put in place. An
/// ``AtomicFolderWriter`` takes it with ``AtomicFolderWriter/add(_:)``; dropped before it is
/// placed, it removes its temporary file, so abandoned work leaves nothing behind.
///
/// Sendable: made on one thread, handed over to the writer's thread, used by one at a time.
public final class StagedFile: @unchecked Sendable {
    /// The output's name in the folder.
    public let name: String
    /// The output's size in bytes.
    public let byteCount: Int
    /// The hidden name holding the bytes until the commit; `nil` when the folder's file already
    /// held them and is kept.
    let temporary: String?
    /// True when putting it in place replaces a file that was there when it was staged.
    let replaces: Bool
    /// Keeps the folder's descriptor open for the removal in `deinit`.
    private let folder: OutputFolder
    /// Set once renamed into place (on the writer's thread).
    private var placed = false

    init(folder: OutputFolder, name: String, temporary: String?, byteCount: Int, replaces: Bool) {
        self.folder = folder
        self.name = name
        self.temporary = temporary
        self.byteCount = byteCount
        self.replaces = replaces
    }

    deinit {
        if !placed, let temporary {
            POSIXFile.remove(temporary, in: folder.descriptor)
            TemporaryFiles.finished(folder.pathOf(temporary))
        }
    }

    /// True when the folder's file already held these bytes and stays as it is.
    public var isKept: Bool { temporary == nil }

    /// Renames the temporary file over the output's name: 0, or the `errno` it failed with.
    func place() -> Int32 {
        guard let temporary else { return 0 }
        do {
            try POSIXFile.rename(temporary, name, in: folder.descriptor)
        } catch {
            return error.code
        }
        placed = true
        TemporaryFiles.finished(folder.pathOf(temporary))
        return 0
    }
}
