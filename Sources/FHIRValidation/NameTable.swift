/// Values by element name: an open-addressing table hashed with FNV-1a over the name's UTF-8
/// bytes, for the per-element lookups of the walks. Names are short, and this costs several
/// times less than `Dictionary`'s SipHash; it is built once per definition and only read after.
struct NameTable<Value> {
    private var names: [String] = []
    private var values: [Value?] = []
    private var mask = 0

    init(_ byName: [String: Value]) {
        var size = 4
        while size < 2 * byName.count { size *= 2 }   // at most half full: short probes
        names = [String](repeating: "", count: size)
        values = [Value?](repeating: nil, count: size)
        mask = size - 1
        for (name, value) in byName {
            var i = Self.hash(name) & mask
            while values[i] != nil { i = (i + 1) & mask }
            names[i] = name
            values[i] = value
        }
    }

    init() {}

    subscript(name: String) -> Value? {
        guard mask > 0 else { return nil }
        var i = Self.hash(name) & mask
        while let value = values[i] {
            if names[i] == name { return value }
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
