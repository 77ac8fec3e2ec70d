import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The temporary files this process has created and not yet put in place or removed, so that a
/// run interrupted by a signal (SIGINT, SIGTERM) removes them before it exits: an interrupted run
/// leaves its outputs as they were, with no hidden partial files beside them.
///
/// Files a later run resumes from (`dch bulk`'s partial output) are not registered: they stay.
package enum TemporaryFiles {
    private static let lock = NSLock()
    // Read and written with `lock` held.
    nonisolated(unsafe) private static var paths: Set<String> = []
    nonisolated(unsafe) private static var closed = false

    /// Records a temporary file just created. Once ``removeAll()`` has run (the process is ending)
    /// the file is removed at once instead, and false is returned: the caller stops writing.
    @discardableResult
    package static func created(_ path: String) -> Bool {
        let open = lock.withLock { () -> Bool in
            if closed { return false }
            paths.insert(path)
            return true
        }
        if !open { unlink(path) }
        return open
    }

    /// The file was renamed into place or removed: nothing to clean up for it any more.
    package static func finished(_ path: String) {
        lock.withLock { _ = paths.remove(path) }
    }

    /// Removes every registered file and refuses new ones: for the end of an interrupted run.
    /// Returns how many were removed.
    @discardableResult
    package static func removeAll() -> Int {
        let all = lock.withLock { () -> Set<String> in
            closed = true
            defer { paths.removeAll() }
            return paths
        }
        for path in all { unlink(path) }
        return all.count
    }
}
