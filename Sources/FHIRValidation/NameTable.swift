import FHIRDefinitions

/// Values by element name, for the per-element lookups of the walks: an open-addressing table
/// hashed with FNV-1a over the name's UTF-8 bytes (``NameHash``). Names are short, and this is
/// several times cheaper than `Dictionary`'s SipHash; it is built once per definition and only
/// read after.
///
/// The slots live in memory of their own, owned by whoever built the table (a ``NodeDef``, a
/// ``ProfileNode``), which frees them once with ``deallocate()``: the table is then a plain pointer,
/// and reading it from its owner retains nothing, where a table of arrays would be copied out of
/// the owner (two retains and releases) on every lookup.
struct NameTable<Value> {
    private struct Slot {
        var name: String
        var value: Value?
    }

    private var slots: UnsafeMutablePointer<Slot>?
    private var mask = 0

    init(_ byName: [String: Value]) {
        var size = 4
        while size < 2 * byName.count { size *= 2 }   // at most half full: short probes
        let slots = UnsafeMutablePointer<Slot>.allocate(capacity: size)
        slots.initialize(repeating: Slot(name: "", value: nil), count: size)
        mask = size - 1
        for (name, value) in byName {
            var i = NameHash.fnv1a(name) & mask
            while slots[i].value != nil { i = (i + 1) & mask }
            slots[i] = Slot(name: name, value: value)
        }
        self.slots = slots
    }

    init() {}

    /// Frees the slots (by the owner, once).
    func deallocate() {
        guard let slots else { return }
        slots.deinitialize(count: mask + 1)
        slots.deallocate()
    }

    subscript(name: String) -> Value? {
        guard let slots else { return nil }
        var i = NameHash.fnv1a(name) & mask
        while let value = slots[i].value {
            if slots[i].name == name { return value }
            i = (i + 1) & mask
        }
        return nil
    }
}

/// Children of a ``NodeDef`` by wire name: every element of a message is looked up here once.
typealias ChildIndex = NameTable<ChildDef>
