import FHIRModel

/// A JSON value built by the report writers, written with members in the order given, so output is
/// deterministic.
public enum JSONText {
    /// An object, its members in this order (duplicate names are the builder's mistake).
    case object([(String, JSONText)])
    /// An array.
    case array([JSONText])
    /// A string (escaped as RFC 8259 requires when written).
    case string(String)
    /// An integer number.
    case int(Int)
    /// `true` or `false`.
    case bool(Bool)
    /// `null`.
    case null

    /// A string, or null for nil.
    static func optional(_ s: String?) -> JSONText { s.map(JSONText.string) ?? .null }

    /// Compact (one line) or pretty (two-space indentation) JSON text.
    func rendered(pretty: Bool) -> String {
        var out: [UInt8] = []
        write(to: &out, pretty: pretty, indent: 0)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the text as ``rendered(pretty:)`` writes it, as UTF-8: the report writers build
    /// their output as bytes (a JSON-lines report renders one object per issue).
    func write(to out: inout [UInt8], pretty: Bool, indent: Int = 0) {
        func text(_ s: String) { out.append(contentsOf: s.utf8) }
        func newline(_ depth: Int) {
            out.append(0x0A)
            out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * depth))
        }
        switch self {
        case let .object(members):
            if members.isEmpty { text("{}"); return }
            out.append(UInt8(ascii: "{"))
            for (i, (key, value)) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                if pretty { newline(indent + 1) }
                JSONString.append(key, to: &out)
                if pretty { text(": ") } else { out.append(UInt8(ascii: ":")) }
                value.write(to: &out, pretty: pretty, indent: indent + 1)
            }
            if pretty { newline(indent) }
            out.append(UInt8(ascii: "}"))
        case let .array(items):
            if items.isEmpty { text("[]"); return }
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                if pretty { newline(indent + 1) }
                item.write(to: &out, pretty: pretty, indent: indent + 1)
            }
            if pretty { newline(indent) }
            out.append(UInt8(ascii: "]"))
        case let .string(s): JSONString.append(s, to: &out)
        case let .int(n): out.append(contentsOf: String(n).utf8)
        case let .bool(b): if b { text("true") } else { text("false") }
        case .null: text("null")
        }
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped (also used by
    /// `dch generate` for its defect sidecar).
    public static func quoted(_ s: String) -> String { JSONString.quoted(s) }
}
