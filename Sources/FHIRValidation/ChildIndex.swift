/// Children of a ``NodeDef`` by wire name: an open-addressing table hashed with FNV-1a over the
/// name's UTF-8 bytes. Every element of a message is looked up here once; names are short, and
/// this is several times cheaper than `Dictionary`'s SipHash.
///
/// The slots live in memory of their own, owned by the ``NodeDef`` (which frees them): the table
/// is then a plain pointer, and reading it from its node retains nothing, where a table of arrays
/// would be copied out of the node (two retains and releases) on every lookup.
struct ChildIndex {
    private struct Slot {
        var name: String
        var def: ChildDef?
    }

    private var slots: UnsafeMutablePointer<Slot>?
    private var mask = 0

    init(_ byName: [String: ChildDef]) {
        var size = 4
        while size < 2 * byName.count { size *= 2 }   // at most half full: short probes
        let slots = UnsafeMutablePointer<Slot>.allocate(capacity: size)
        slots.initialize(repeating: Slot(name: "", def: nil), count: size)
        mask = size - 1
        for (name, def) in byName {
            var i = Self.hash(name) & mask
            while slots[i].def != nil { i = (i + 1) & mask }
            slots[i] = Slot(name: name, def: def)
        }
        self.slots = slots
    }

    init() {}

    /// Frees the slots (by the owning node, once).
    func deallocate() {
        guard let slots else { return }
        slots.deinitialize(count: mask + 1)
        slots.deallocate()
    }

    subscript(name: String) -> ChildDef? {
        guard let slots else { return nil }
        var i = Self.hash(name) & mask
        while let def = slots[i].def {
            if slots[i].name == name { return def }
            i = (i + 1) & mask
        }
        return nil
    }

    @inline(__always)
    static func hash(_ name: String) -> Int {
        var name = name
        return name.withUTF8 { bytes in
            var h: UInt32 = 2_166_136_261
            for b in bytes { h = (h ^ UInt32(b)) &* 16_777_619 }
            return Int(h)
        }
    }
}
