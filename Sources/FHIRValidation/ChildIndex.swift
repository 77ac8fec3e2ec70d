/// Children of a ``NodeDef`` by wire name: an open-addressing table hashed with FNV-1a over the
/// name's UTF-8 bytes. Every element of a message is looked up here once; names are short, and
/// this is several times cheaper than `Dictionary`'s SipHash.
struct ChildIndex {
    private var names: [String] = []
    private var defs: [ChildDef?] = []
    private var mask = 0

    init(_ byName: [String: ChildDef]) {
        var size = 4
        while size < 2 * byName.count { size *= 2 }   // at most half full: short probes
        names = [String](repeating: "", count: size)
        defs = [ChildDef?](repeating: nil, count: size)
        mask = size - 1
        for (name, def) in byName {
            var i = Self.hash(name) & mask
            while defs[i] != nil { i = (i + 1) & mask }
            names[i] = name
            defs[i] = def
        }
    }

    init() {}

    subscript(name: String) -> ChildDef? {
        guard mask > 0 else { return nil }
        var i = Self.hash(name) & mask
        while let def = defs[i] {
            if names[i] == name { return def }
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
