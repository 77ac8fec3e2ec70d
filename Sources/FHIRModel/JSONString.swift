/// JSON string literals, for the writers that build JSON text by hand (reports, `dch fhirpath`).
public enum JSONString {
    /// A JSON string literal: quotes, backslashes and control characters escaped, and U+2028 and
    /// U+2029 too (so that the text is also valid JavaScript).
    public static func quoted(_ s: String) -> String {
        var out: [UInt8] = []
        append(s, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `s` as a JSON string literal (as ``quoted(_:)`` writes it) to UTF-8 output.
    public static func append(_ s: String, to out: inout [UInt8]) {
        append(utf8: s.utf8.span, of: s, to: &out)
    }

    /// Works on the UTF-8 bytes, copying runs that need no escape whole: reports quote every
    /// message, path and file name they write.
    private static func append(utf8 bytes: Span<UInt8>, of s: String, to out: inout [UInt8]) {
        out.reserveCapacity(out.count + bytes.count + 2)
        out.append(UInt8(ascii: "\""))
        var run = 0
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            let width: Int
            if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b < 0x20 {
                width = 1
            } else if b == 0xE2, i + 2 < bytes.count, bytes[i + 1] == 0x80, bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9 {
                width = 3  // U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR
            } else {
                i += 1
                continue
            }
            appendRun(of: s, run..<i, to: &out)
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            default:
                let value = width == 3 ? 0x2028 + Int(bytes[i + 2] - 0xA8) : Int(b)
                out.append(contentsOf: Array("\\u".utf8))
                for shift in stride(from: 12, through: 0, by: -4) {
                    out.append(Array("0123456789abcdef".utf8)[(value >> shift) & 0xF])
                }
            }
            i += width
            run = i
        }
        appendRun(of: s, run..<bytes.count, to: &out)
        out.append(UInt8(ascii: "\""))
    }

    /// Copies the UTF-8 bytes `range` of `s`, which need no escape, to `out` (a block copy: the
    /// view's indices are offsets in a native string's UTF-8).
    @inline(__always)
    private static func appendRun(of s: String, _ range: Range<Int>, to out: inout [UInt8]) {
        let utf8 = s.utf8
        out.append(contentsOf: utf8[utf8.index(utf8.startIndex, offsetBy: range.lowerBound)..<utf8.index(utf8.startIndex, offsetBy: range.upperBound)])
    }
}
