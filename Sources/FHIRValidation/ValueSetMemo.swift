import Foundation

/// What binding checks ask the resolver again and again, kept by its ``TerminologyResolver`` for
/// every message: the value sets found by URL, and the rendered not-checked notes.
///
/// A validator meets only a few dozen bound value sets, so a short scan (lengths first; a binding's
/// URL is the same string each time, which compares by storage) is cheaper than the resolver's
/// hashed lookup. A value set the pack does not have is kept as nil (the resolver keeps that answer
/// too); one that could not be read is not kept (it is looked up, and noted, again).
/// Both lists stop growing at ``capacity``: past that, the resolver answers (same answers, slower).
final class ValueSetMemo: @unchecked Sendable {
    /// Most entries kept in each list.
    static let capacity = 64
    private let lock = NSLock()
    @exclusivity(unchecked) private var entries: [(url: String, expansion: ValueSetExpansion?)] = []
    @exclusivity(unchecked) private var notes: [(valueSet: ValueSetExpansion, system: String?, reason: String, message: String)] = []

    /// The value set kept for `url` (`.some(nil)`: the pack has none), nil when none is kept.
    func lookup(_ url: String) -> ValueSetExpansion?? {
        let length = url.utf8.count
        lock.lock()
        defer { lock.unlock() }
        for entry in entries where entry.url.utf8.count == length && entry.url == url { return entry.expansion }
        return nil
    }

    /// Keeps a resolved value set, or nil for one the pack does not have.
    func keep(_ url: String, _ expansion: ValueSetExpansion?) {
        lock.lock()
        defer { lock.unlock() }
        guard entries.count < Self.capacity,
              !entries.contains(where: { $0.url == url }) else { return }
        entries.append((url, expansion))
    }

    /// The not-checked message for value set `valueSet` (by identity) and `why`: rendered by
    /// `make` the first time. (The message depends on nothing else: the value set's label and `why`.)
    func noteMessage(valueSet: ValueSetExpansion, _ why: Membership.Undecided, make: () -> String) -> String {
        let reasonLength = why.reason.utf8.count
        lock.lock()
        for note in notes where note.valueSet === valueSet && note.reason.utf8.count == reasonLength
            && note.reason == why.reason && note.system == why.system {
            lock.unlock()
            return note.message
        }
        lock.unlock()
        let message = make()
        lock.lock()
        if notes.count < Self.capacity { notes.append((valueSet, why.system, why.reason, message)) }
        lock.unlock()
        return message
    }
}
