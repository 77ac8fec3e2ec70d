/// A small, independent JSON parser used as the test oracle: it keeps numbers as written (so
/// `1.50` and `1.5` differ) and object members in order. Deliberately not the code under test.
public indirect enum JSONValue: Equatable, CustomStringConvertible {
    case object([(String, JSONValue)])
    case array([JSONValue])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case let (.object(x), .object(y)):
            guard x.count == y.count else { return false }
            let ym = Dictionary(y, uniquingKeysWith: { first, _ in first })
            return x.allSatisfy { ym[$0.0] == $0.1 }
        case let (.array(x), .array(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.number(x), .number(y)): return x == y
        case let (.bool(x), .bool(y)): return x == y
        case (.null, .null): return true
        default: return false
        }
    }

    public var description: String {
        switch self {
        case let .object(m): return "{" + m.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
        case let .array(a): return "[" + a.map(\.description).joined(separator: ",") + "]"
        case let .string(s): return "\"\(s)\""
        case let .number(n): return n
        case let .bool(b): return b ? "true" : "false"
        case .null: return "null"
        }
    }

    public subscript(key: String) -> JSONValue? {
        if case let .object(m) = self { return m.first { $0.0 == key }?.1 }
        return nil
    }

    public struct ParseError: Error, CustomStringConvertible {
        public var offset: Int
        public var description: String { "JSON oracle: syntax error at byte \(offset)" }
    }

    public static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        var p = Parser(bytes: bytes)
        let v = try p.value()
        p.skip()
        guard p.i == bytes.count else { throw ParseError(offset: p.i) }
        return v
    }

    private struct Parser {
        let bytes: [UInt8]
        var i = 0

        mutating func skip() {
            while i < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[i]) { i += 1 }
        }

        mutating func value() throws -> JSONValue {
            skip()
            guard i < bytes.count else { throw ParseError(offset: i) }
            switch bytes[i] {
            case UInt8(ascii: "{"):
                i += 1
                var members: [(String, JSONValue)] = []
                skip()
                if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
                while true {
                    skip()
                    guard case let .string(key) = try value() else { throw ParseError(offset: i) }
                    skip()
                    guard bytes[i] == UInt8(ascii: ":") else { throw ParseError(offset: i) }
                    i += 1
                    members.append((key, try value()))
                    skip()
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    guard bytes[i] == UInt8(ascii: "}") else { throw ParseError(offset: i) }
                    i += 1
                    return .object(members)
                }
            case UInt8(ascii: "["):
                i += 1
                var items: [JSONValue] = []
                skip()
                if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                while true {
                    items.append(try value())
                    skip()
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    guard bytes[i] == UInt8(ascii: "]") else { throw ParseError(offset: i) }
                    i += 1
                    return .array(items)
                }
            case UInt8(ascii: "\""):
                i += 1
                var out: [UInt8] = []
                while bytes[i] != UInt8(ascii: "\"") {
                    if bytes[i] == UInt8(ascii: "\\") {
                        i += 1
                        switch bytes[i] {
                        case UInt8(ascii: "n"): out.append(0x0A)
                        case UInt8(ascii: "r"): out.append(0x0D)
                        case UInt8(ascii: "t"): out.append(0x09)
                        case UInt8(ascii: "b"): out.append(0x08)
                        case UInt8(ascii: "f"): out.append(0x0C)
                        case UInt8(ascii: "u"):
                            var code = UInt32(String(decoding: bytes[(i + 1)...(i + 4)], as: UTF8.self), radix: 16) ?? 0
                            i += 4
                            if (0xD800..<0xDC00).contains(code), bytes[i + 1] == UInt8(ascii: "\\") {
                                let low = UInt32(String(decoding: bytes[(i + 3)...(i + 6)], as: UTF8.self), radix: 16) ?? 0
                                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                                i += 6
                            }
                            out.append(contentsOf: Array(String(Character(Unicode.Scalar(code) ?? "?")).utf8))
                        default: out.append(bytes[i])
                        }
                    } else {
                        out.append(bytes[i])
                    }
                    i += 1
                }
                i += 1
                return .string(String(decoding: out, as: UTF8.self))
            case UInt8(ascii: "t"): i += 4; return .bool(true)
            case UInt8(ascii: "f"): i += 5; return .bool(false)
            case UInt8(ascii: "n"): i += 4; return .null
            default:
                let start = i
                while i < bytes.count, "-+.eE0123456789".utf8.contains(bytes[i]) { i += 1 }
                guard i > start else { throw ParseError(offset: i) }
                return .number(String(decoding: bytes[start..<i], as: UTF8.self))
            }
        }
    }
}

/// Lists the differences between two JSON values, as `path: what` lines (empty when equal).
public func jsonDifferences(_ a: JSONValue, _ b: JSONValue, path: String = "$") -> [String] {
    switch (a, b) {
    case let (.object(x), .object(y)):
        var out: [String] = []
        let ym = Dictionary(y, uniquingKeysWith: { f, _ in f })
        let xm = Dictionary(x, uniquingKeysWith: { f, _ in f })
        for (k, v) in x {
            if let w = ym[k] { out += jsonDifferences(v, w, path: path + "." + k) } else { out.append("\(path).\(k): only in first") }
        }
        for (k, _) in y where xm[k] == nil { out.append("\(path).\(k): only in second") }
        return out
    case let (.array(x), .array(y)):
        guard x.count == y.count else { return ["\(path): array of \(x.count) vs \(y.count)"] }
        return zip(x, y).enumerated().flatMap { jsonDifferences($1.0, $1.1, path: "\(path)[\($0)]") }
    default:
        return a == b ? [] : ["\(path): \(a) vs \(b)"]
    }
}
