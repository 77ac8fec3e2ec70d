import Foundation
import FHIRDefinitions

/// What binding checks ask the resolver again and again, kept by its ``TerminologyResolver`` for
/// every message: the value sets found by URL, and the rendered not-checked notes.
///
/// A validator meets only a few dozen bound value sets, so a short scan of cheap hashes is cheaper
/// than the resolver's `Dictionary` lookup. A value set the pack does not have is kept as nil (the
/// resolver keeps that answer too); one that could not be read is not kept (it is looked up, and
/// noted, again).
/// Both lists stop growing at ``capacity``: past that, the resolver answers (same answers, slower).
final class ValueSetMemo: @unchecked Sendable {
    /// Most entries kept in each list.
    static let capacity = 64
    private let lock = NSLock()
    /// The kept value sets: URL hashes (``NameHash/words(_:)``) scanned as plain integers, then
    /// the URL compared (iterating the URLs themselves retained and released each one).
    private var hashes: [Int] = []
    private var urls: [String] = []
    private var expansions: [ValueSetExpansion?] = []
    private var notes: [(valueSet: ValueSetExpansion, system: String?, reason: String, message: String)] = []

    /// The value set kept for `url` (`.some(nil)`: the pack has none), nil when none is kept.
    func lookup(_ url: String) -> ValueSetExpansion?? {
        let hash = NameHash.words(url)
        lock.lock()
        defer { lock.unlock() }
        return find(url, hash).map { expansions[$0] }
    }

    /// Keeps a resolved value set, or nil for one the pack does not have.
    func keep(_ url: String, _ expansion: ValueSetExpansion?) {
        let hash = NameHash.words(url)
        lock.lock()
        defer { lock.unlock() }
        guard hashes.count < Self.capacity, find(url, hash) == nil else { return }
        hashes.append(hash)
        urls.append(url)
        expansions.append(expansion)
    }

    /// Lock held.
    private func find(_ url: String, _ hash: Int) -> Int? {
        var i = 0
        while i < hashes.count {
            if hashes[i] == hash && urls[i] == url { return i }
            i += 1
        }
        return nil
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
