import FHIRDefinitions

/// Positions of a code system's keys, found by a hash of every UTF-8 byte read a word at a time
/// (several times cheaper than `Dictionary`'s SipHash for the short codes messages carry). The
/// keys come from the definition pack, never from a message; a lookup probes at most one run of
/// the table, which is at most half full.
struct CodeKeyTable: Sendable {
    /// Per slot: an index into ``keys``, or -1 when empty.
    private let slots: [Int]
    private let hashes: [Int]
    private let keys: [String]
    private let mask: Int

    /// A table over distinct keys; a key's value is its index in `keys`.
    init(_ keys: [String]) {
        var size = 4
        while size < 2 * keys.count { size *= 2 }
        var slots = [Int](repeating: -1, count: size)
        var hashes = [Int](repeating: 0, count: size)
        for (index, key) in keys.enumerated() {
            let hash = Self.hash(key)
            var i = hash & (size - 1)
            while slots[i] >= 0 { i = (i + 1) & (size - 1) }
            slots[i] = index
            hashes[i] = hash
        }
        self.slots = slots
        self.hashes = hashes
        self.keys = keys
        mask = size - 1
    }

    /// The index of `key`, if it is one of the keys.
    func index(of key: String) -> Int? {
        let hash = Self.hash(key)
        var i = hash & mask
        while true {
            let index = slots[i]
            if index < 0 { return nil }
            if hashes[i] == hash && keys[index] == key { return index }
            i = (i + 1) & mask
        }
    }

    /// Every byte, eight at a time, and the length, mixed (``NameHash/words(_:)``).
    @inline(__always)
    static func hash(_ key: String) -> Int { NameHash.words(key) }
}
