/// Displays compared as ``BindingChecker/normalised(_:)`` compares them (words split on white
/// space, lower case), straight on the UTF-8 bytes: no strings are built.
enum DisplayWords {
    /// Whether `x` and `y` hold the same words ignoring ASCII case, or nil when either has a
    /// non-ASCII byte (Unicode white space and case are then left to ``BindingChecker/normalised(_:)``).
    static func equalASCII(_ x: Span<UInt8>, _ y: Span<UInt8>) -> Bool? {
        for k in x.indices where x[k] >= 0x80 { return nil }
        for k in y.indices where y[k] >= 0x80 { return nil }
        var i = 0, j = 0
        while true {
            while i < x.count && isSpace(x[i]) { i += 1 }
            while j < y.count && isSpace(y[j]) { j += 1 }
            if i == x.count || j == y.count { return i == x.count && j == y.count }
            // One word each: the same letters, ending together.
            while i < x.count && j < y.count && !isSpace(x[i]) && !isSpace(y[j]) {
                if lower(x[i]) != lower(y[j]) { return false }
                i += 1
                j += 1
            }
            let xEnded = i == x.count || isSpace(x[i]), yEnded = j == y.count || isSpace(y[j])
            if !(xEnded && yEnded) { return false }
        }
    }

    /// ASCII white space as `Character.isWhitespace` has it: tab, line feed, vertical tab, form
    /// feed, carriage return, space.
    @inline(__always)
    static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || (b >= 0x09 && b <= 0x0D)
    }

    @inline(__always)
    static func lower(_ b: UInt8) -> UInt8 {
        b >= 0x41 && b <= 0x5A ? b | 0x20 : b
    }
}
