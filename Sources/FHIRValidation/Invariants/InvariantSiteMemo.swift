/// Layer 5's sites by child definition for one message: a small open-addressed table keyed by the
/// definition object's address. Every element asks it once, so it avoids both the shared cache's
/// lock and `Hasher`.
struct InvariantSiteMemo {
    private var slots: [(key: ObjectIdentifier, site: InvariantSite)?]
    private var count = 0
    /// log2 of the slot count.
    private var bits: Int
    /// Resource sites by type name: a message has a handful of resource types, so a short list
    /// compared by length first costs less than the shared cache's lock and `Hasher`.
    private var resources: [(name: String, length: Int, site: InvariantSite)] = []

    init() {
        bits = 7
        slots = Array(repeating: nil, count: 1 << bits)
    }

    /// The slot where `key` is or would go (linear probing; the table is never full).
    private func slot(_ key: ObjectIdentifier) -> Int {
        let address = UInt64(UInt(bitPattern: Int(bitPattern: key)))
        var k = Int(truncatingIfNeeded: ((address >> 4) &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - bits))
        while let entry = slots[k], entry.key != key { k = (k + 1) & (slots.count - 1) }
        return k
    }

    subscript(key: ObjectIdentifier) -> InvariantSite? {
        slots[slot(key)]?.site
    }

    /// Records a site (for a key not yet present), growing the table at half full.
    mutating func insert(_ site: InvariantSite, for key: ObjectIdentifier) {
        if (count + 1) * 2 > slots.count {
            let old = slots
            bits += 1
            slots = Array(repeating: nil, count: 1 << bits)
            for case let entry? in old { slots[slot(entry.key)] = entry }
        }
        slots[slot(key)] = (key, site)
        count += 1
    }

    /// The site of resources named `name`, when recorded.
    func resource(named name: String) -> InvariantSite? {
        let length = name.utf8.count
        for r in resources where r.length == length && r.name == name { return r.site }
        return nil
    }

    /// Records a resource type's site (for a name not yet present).
    mutating func insertResource(_ site: InvariantSite, named name: String) {
        resources.append((name, name.utf8.count, site))
    }
}
