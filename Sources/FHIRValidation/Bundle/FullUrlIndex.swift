import Foundation
import FHIRDefinitions
import FHIRModel

/// The fullUrls of one Bundle, for layer 4's lookups: every entry's fullUrl goes in once and every
/// reference is looked up once. An open-addressing table hashed over every eight bytes of the
/// UTF-8 form (``NameHash/words(_:)``), which costs a fraction of
/// `Set<String>`'s SipHash on URLs of 45 bytes; a lookup compares stored hashes and lengths before
/// any byte.
///
/// The hash is not keyed, so a hostile Bundle could craft fullUrls that collide; past
/// ``largeBundle`` entries the index is a `Set<String>` (seeded SipHash), which keeps the worst
/// case linear in the message size.
struct FullUrlIndex {
    /// Entries beyond which a Bundle's fullUrls go in a `Set<String>` instead (message Bundles
    /// hold tens).
    static let largeBundle = 256
    private var large: Set<String>?
    private var urls: [String] = []
    private var hashes: [Int] = []
    /// Index into `urls` + 1, or 0 for an empty slot.
    private var slots: [Int32]
    private var mask: Int

    /// An index sized for `capacity` URLs.
    init(capacity: Int) {
        var size = 8
        while size < 2 * capacity { size *= 2 }   // at most half full
        if capacity > Self.largeBundle {
            large = Set(minimumCapacity: capacity)
            size = 1
        }
        slots = Array(repeating: 0, count: size)
        mask = size - 1
        urls.reserveCapacity(capacity)
        hashes.reserveCapacity(capacity)
    }

    /// Adds `url`; false when it was already there.
    mutating func insert(_ url: String) -> Bool {
        if large != nil { return large!.insert(url).inserted }
        let hash = Self.hash(url)
        if let _ = find(url, hash: hash) { return false }
        if 2 * (urls.count + 1) > slots.count { grow() }
        urls.append(url)
        hashes.append(hash)
        place(urls.count - 1)
        return true
    }

    /// Whether `url` was added.
    func contains(_ url: String) -> Bool {
        if let large { return large.contains(url) }
        let hash = Self.hash(url)
        return find(url, hash: hash) != nil
    }

    private static func hash(_ url: String) -> Int { NameHash.words(url) }

    private func find(_ url: String, hash: Int) -> Int? {
        var i = hash & mask
        while slots[i] != 0 {
            let k = Int(slots[i]) - 1
            if hashes[k] == hash && urls[k].isSame(as: url) { return k }
            i = (i + 1) & mask
        }
        return nil
    }

    private mutating func place(_ k: Int) {
        var i = hashes[k] & mask
        while slots[i] != 0 { i = (i + 1) & mask }
        slots[i] = Int32(k + 1)
    }

    private mutating func grow() {
        slots = Array(repeating: 0, count: slots.count * 2)
        mask = slots.count - 1
        for k in urls.indices { place(k) }
    }
}
