import FHIRModel

/// Byte-level helpers shared by the reader and the writer, over bounds-checked spans.
enum JSONBytes {
    /// The index of the first byte at or after `index` (and before `end`) that a JSON string cannot
    /// hold as it is: `"`, `\` or a control character (below 0x20); `end` when there is none.
    /// Eight bytes at a time, then byte by byte.
    @inline(__always)
    static func plainEnd(_ p: Span<UInt8>, from index: Int, end: Int) -> Int {
        var i = index
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while i &+ 8 <= end {
            let w = ByteWord.load(p, at: i)
            let q = w ^ (ones &* 0x22)
            let s = w ^ (ones &* 0x5C)
            let hasQuote = (q &- ones) & ~q
            let hasBackslash = (s &- ones) & ~s
            let hasControl = (w &- ones &* 0x20) & ~w
            if (hasQuote | hasBackslash | hasControl) & highs != 0 { break }
            i &+= 8
        }
        while i < end {
            let b = p[i]
            if b == 0x22 || b == 0x5C || b < 0x20 { return i }
            i &+= 1
        }
        return i
    }

    /// True when `bytes` is a JSON number token (RFC 8259: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`).
    static func isNumber(_ bytes: Span<UInt8>) -> Bool {
        let n = bytes.count
        var i = 0
        func digit(_ k: Int) -> Bool { k < n && bytes[k] >= 0x30 && bytes[k] <= 0x39 }
        if i < n && bytes[i] == 0x2D { i += 1 }
        guard digit(i) else { return false }
        if bytes[i] == 0x30 {
            i += 1
        } else {
            while digit(i) { i += 1 }
        }
        if i < n && bytes[i] == 0x2E {
            i += 1
            guard digit(i) else { return false }
            while digit(i) { i += 1 }
        }
        if i < n && (bytes[i] == 0x65 || bytes[i] == 0x45) {
            i += 1
            if i < n && (bytes[i] == 0x2B || bytes[i] == 0x2D) { i += 1 }
            guard digit(i) else { return false }
            while digit(i) { i += 1 }
        }
        return i == n
    }

    /// True when no byte of `p[range]` has its high bit set. Eight bytes at a time.
    @inline(__always)
    static func isASCII(_ p: Span<UInt8>, _ range: Range<Int>) -> Bool {
        var i = range.lowerBound
        let end = range.upperBound
        var acc: UInt64 = 0
        while i &+ 8 <= end {
            acc |= ByteWord.load(p, at: i)
            i &+= 8
        }
        while i < end {
            acc |= UInt64(p[i])
            i &+= 1
        }
        return acc & 0x8080_8080_8080_8080 == 0
    }

    /// A string made from the UTF-8 bytes `bytes[range]`, or nil when they are not valid UTF-8.
    /// (Non-generic on purpose: the standard library's validating initialiser is generic and, not
    /// specialised across modules, spends its time looking up type metadata.)
    @inline(__always)
    static func string(_ bytes: [UInt8], _ range: Range<Int>) -> String? {
        let p = bytes.span
        if isASCII(p, range) || firstInvalidUTF8(p, from: range.lowerBound, to: range.upperBound) == nil {
            return String(decoding: bytes[range], as: UTF8.self)
        }
        return nil
    }

    /// The index of the first byte in `start..<stop` that does not start or continue a valid UTF-8
    /// sequence (overlong forms, surrogates and values above U+10FFFF are invalid); nil when valid.
    static func firstInvalidUTF8(_ p: Span<UInt8>, from start: Int, to stop: Int) -> Int? {
        var i = start
        while i < stop {
            let b = p[i]
            if b < 0x80 {
                i += 1
                continue
            }
            var need = 0
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch b {
            case 0xC2...0xDF: need = 1
            case 0xE0: need = 2; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: need = 2
            case 0xED: need = 2; high = 0x9F
            case 0xF0: need = 3; low = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4: need = 3; high = 0x8F
            default: return i
            }
            for j in 1...need {
                guard i + j < stop else { return i }
                let c = p[i + j]
                if j == 1 {
                    if c < low || c > high { return i }
                } else if c < 0x80 || c > 0xBF {
                    return i
                }
            }
            i += need + 1
        }
        return nil
    }

    /// True when the `count` bytes of `p` at `a` and at `b` are equal.
    @inline(__always)
    static func equal(_ p: Span<UInt8>, _ a: Int, _ b: Int, count: Int) -> Bool {
        var i = 0
        while i &+ 8 <= count {
            if ByteWord.load(p, at: a &+ i) != ByteWord.load(p, at: b &+ i) { return false }
            i &+= 8
        }
        while i < count {
            if p[a &+ i] != p[b &+ i] { return false }
            i &+= 1
        }
        return true
    }
}
