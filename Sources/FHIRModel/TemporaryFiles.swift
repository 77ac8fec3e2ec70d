import Synchronization

/// The temporary files this process has created and not yet put in place or removed, so that a
/// run interrupted by a signal (SIGINT, SIGTERM) removes them before it exits: an interrupted run
/// leaves its outputs as they were, with no hidden partial files beside them.
///
/// Files a later run resumes from (`dch bulk`'s partial output) are not registered: they stay.
package enum TemporaryFiles {
    private struct Registry {
        var paths: Set<String> = []
        /// True once ``removeAll()`` has run.
        var closed = false
    }
    private static let registry = Mutex(Registry())

    /// Creates the temporary file `path` with `create` (which returns its descriptor) and records
    /// it, in one step that ``removeAll()`` cannot come between: a signal that ends the process just
    /// after the file appears would otherwise leave it behind unrecorded (seen under load). Once
    /// ``removeAll()`` has run (the process is ending) the file is removed at once instead; the
    /// caller's writes then go to a file that no longer has a name.
    package static func create<E: Error>(_ path: String, by create: () throws(E) -> Int32) throws(E) -> Int32 {
        try registry.withLock { registry throws(E) -> Int32 in
            let fd = try create()
            if registry.closed { POSIXFile.remove(path) } else { registry.paths.insert(path) }
            return fd
        }
    }

    /// The file was renamed into place or removed: nothing to clean up for it any more.
    package static func finished(_ path: String) {
        registry.withLock { _ = $0.paths.remove(path) }
    }

    /// Removes every registered file and refuses new ones: for the end of an interrupted run.
    /// Returns how many were removed.
    @discardableResult
    package static func removeAll() -> Int {
        let all = registry.withLock { registry -> Set<String> in
            registry.closed = true
            defer { registry.paths.removeAll() }
            return registry.paths
        }
        for path in all { POSIXFile.remove(path) }
        return all.count
    }
}
