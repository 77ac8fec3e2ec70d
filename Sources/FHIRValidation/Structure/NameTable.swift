import Foundation

/// Values by element name, for the per-element lookups of the walks: an open-addressing table
/// hashed over the name's UTF-8 bytes by ``hash(_:)`` (two word loads and a mix: several times
/// cheaper than `Dictionary`'s SipHash, and than a byte-at-a-time hash); it is built once per
/// definition and only read after.
///
/// The slots and the names' bytes live in memory of their own, owned by whoever built the table
/// (a ``NodeDef``, a ``ProfileNode``), which frees them once with ``deallocate()``: the table is
/// then two plain pointers, and reading it from its owner retains nothing. A lookup compares the
/// stored hash and length before any byte, and never touches a `String`.
struct NameTable<Value> {
    private struct Slot {
        /// The name's ``NameTable/hash(_:)``; its bytes are `names[start ..< start + length]`.
        var hash: Int
        var start: Int
        /// -1 for an empty slot.
        var length: Int
        var value: Value?
    }

    private var slots: UnsafeMutablePointer<Slot>?
    private var names: UnsafeMutablePointer<UInt8>?
    private var mask = 0

    init(_ byName: [String: Value]) {
        var size = 4
        while size < 2 * byName.count { size *= 2 }   // at most half full: short probes
        let slots = UnsafeMutablePointer<Slot>.allocate(capacity: size)
        slots.initialize(repeating: Slot(hash: 0, start: 0, length: -1, value: nil), count: size)
        let names = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, byName.keys.reduce(0) { $0 + $1.utf8.count }))
        mask = size - 1
        var end = 0
        for (name, value) in byName {
            var name = name
            let hash = name.withUTF8 { Self.hash($0) }
            var i = hash & mask
            while slots[i].length >= 0 { i = (i + 1) & mask }
            slots[i] = Slot(hash: hash, start: end, length: name.utf8.count, value: value)
            for b in name.utf8 {
                names[end] = b
                end += 1
            }
        }
        self.slots = slots
        self.names = names
    }

    init() {}

    /// Frees the slots (by the owner, once).
    func deallocate() {
        guard let slots, let names else { return }
        slots.deinitialize(count: mask + 1)
        slots.deallocate()
        names.deallocate()
    }

    subscript(name: String) -> Value? {
        var name = name
        return name.withUTF8 { self[utf8: $0] }
    }

    /// The hash of a name's UTF-8 bytes: its first and last eight bytes (which cover every byte of
    /// a name up to 16 long; longer ones rarely share both ends, and a shared hash only costs a
    /// compare) and its length, mixed.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let n = bytes.count
        var x: UInt64 = 0
        if n >= 8 {
            let p = UnsafeRawPointer(bytes.baseAddress!)
            x = p.loadUnaligned(as: UInt64.self)
                ^ (p.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) &* 0x9E37_79B9_7F4A_7C15)
        } else {
            for b in bytes { x = x << 8 | UInt64(b) }
        }
        x = (x ^ UInt64(n)) &* 0xBF58_476D_1CE4_E5B9
        x ^= x >> 31
        return Int(truncatingIfNeeded: x)
    }

    /// Whether `n` bytes at `a` and `b` are equal, once their hashes and lengths are: under 8 bytes
    /// the hash is a bijection of the bytes (packed into a word, then mixed by invertible steps),
    /// so they are; up to 16, two word loads compare them.
    @inline(__always)
    private static func sameBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>?, _ n: Int) -> Bool {
        guard n >= 8, let b else { return true }
        let x = UnsafeRawPointer(a), y = UnsafeRawPointer(b)
        guard n <= 16 else { return memcmp(x, y, n) == 0 }
        return x.loadUnaligned(as: UInt64.self) == y.loadUnaligned(as: UInt64.self)
            && x.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) == y.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
    }

    /// The value of the name whose UTF-8 bytes are `bytes`.
    subscript(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Value? {
        guard let slots, let names else { return nil }
        let hash = Self.hash(bytes)
        var i = hash & mask
        while true {
            let slot = slots + i
            let length = slot.pointee.length
            if length < 0 { return nil }
            if slot.pointee.hash == hash && length == bytes.count
                && Self.sameBytes(names + slot.pointee.start, bytes.baseAddress, length) {
                return slot.pointee.value
            }
            i = (i + 1) & mask
        }
    }
}

/// Children of a ``NodeDef`` by wire name: every element of a message is looked up here once.
typealias ChildIndex = NameTable<ChildDef>
