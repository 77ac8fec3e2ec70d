import FHIRModel

/// Values by element name, for the per-element lookups of the walks: an open-addressing table
/// hashed over the name's UTF-8 bytes by ``hash(_:)`` (two words and a mix: several times cheaper
/// than `Dictionary`'s SipHash, and than a byte-at-a-time hash); it is built once per definition
/// and only read after.
///
/// The slots and the names' bytes are two arrays, read in place through spans: a lookup compares
/// the stored hash and length before any byte, and never touches a `String`.
struct NameTable<Value> {
    private struct Slot {
        /// The name's ``NameTable/hash(_:)``; its bytes are `names[start ..< start + length]`.
        var hash: Int
        var start: Int
        /// -1 for an empty slot.
        var length: Int
        var value: Value?
    }

    private var slots: [Slot] = []
    private var names: [UInt8] = []
    private var mask = 0

    init(_ byName: [String: Value]) {
        var size = 4
        while size < 2 * byName.count { size *= 2 }   // at most half full: short probes
        var slots = [Slot](repeating: Slot(hash: 0, start: 0, length: -1, value: nil), count: size)
        var names: [UInt8] = []
        names.reserveCapacity(byName.keys.reduce(0) { $0 + $1.utf8.count })
        mask = size - 1
        for (name, value) in byName {
            let hash = Self.hash(name.utf8.span)
            var i = hash & mask
            while slots[i].length >= 0 { i = (i + 1) & mask }
            slots[i] = Slot(hash: hash, start: names.count, length: name.utf8.count, value: value)
            names.append(contentsOf: name.utf8)
        }
        self.slots = slots
        self.names = names
    }

    init() {}

    subscript(name: String) -> Value? {
        self[utf8: name.utf8.span]
    }

    /// The hash of a name's UTF-8 bytes: its first and last eight bytes (which cover every byte of
    /// a name up to 16 long; longer ones rarely share both ends, and a shared hash only costs a
    /// compare) and its length, mixed.
    @inline(__always)
    static func hash(_ bytes: Span<UInt8>) -> Int {
        let n = bytes.count
        var x: UInt64 = 0
        if n >= 8 {
            x = ByteWord.load(bytes, at: 0) ^ (ByteWord.load(bytes, at: n - 8) &* 0x9E37_79B9_7F4A_7C15)
        } else {
            for k in bytes.indices { x = x << 8 | UInt64(bytes[k]) }
        }
        x = (x ^ UInt64(n)) &* 0xBF58_476D_1CE4_E5B9
        x ^= x >> 31
        return Int(truncatingIfNeeded: x)
    }

    /// Whether `n` bytes of `a` from `start` equal `b` (of count `n`), once their hashes and
    /// lengths are: under 8 bytes the hash is a bijection of the bytes (packed into a word, then
    /// mixed by invertible steps), so they are; up to 16, two words compare them.
    @inline(__always)
    private static func sameBytes(_ a: Span<UInt8>, from start: Int, _ b: Span<UInt8>, _ n: Int) -> Bool {
        guard n >= 8 else { return true }
        guard n <= 16 else {
            for k in 0..<n where a[start &+ k] != b[k] { return false }
            return true
        }
        return ByteWord.load(a, at: start) == ByteWord.load(b, at: 0)
            && ByteWord.load(a, at: start &+ n &- 8) == ByteWord.load(b, at: n &- 8)
    }

    /// The value of the name whose UTF-8 bytes are `bytes`.
    subscript(utf8 bytes: Span<UInt8>) -> Value? {
        guard mask > 0 else { return nil }
        let slots = self.slots.span, names = self.names.span
        let hash = Self.hash(bytes)
        var i = hash & mask
        while true {
            let length = slots[i].length
            if length < 0 { return nil }
            if slots[i].hash == hash && length == bytes.count
                && Self.sameBytes(names, from: slots[i].start, bytes, length) {
                return slots[i].value
            }
            i = (i + 1) & mask
        }
    }
}

/// Children of a ``NodeDef`` by wire name: every element of a message is looked up here once.
typealias ChildIndex = NameTable<ChildDef>
