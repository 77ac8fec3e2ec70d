import Foundation

/// The value sets one ``BindingChecker`` has resolved, by URL: a checker serves one message (or one
/// validator) and meets only a few bound value sets, so a short scan (lengths first; a binding's URL
/// is the same string each time, which compares by storage) is cheaper than the resolver's lock
/// and hashed lookup. Only found value sets are kept: a missing one is looked up (and noted) again.
final class ValueSetMemo: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(url: String, expansion: ValueSetExpansion)] = []

    /// The value set kept for `url`, if any.
    func lookup(_ url: String) -> ValueSetExpansion? {
        let length = url.utf8.count
        lock.lock()
        defer { lock.unlock() }
        for entry in entries where entry.url.utf8.count == length && entry.url == url { return entry.expansion }
        return nil
    }

    /// Keeps a resolved value set.
    func keep(_ url: String, _ expansion: ValueSetExpansion) {
        lock.lock()
        defer { lock.unlock() }
        entries.append((url, expansion))
    }
}
