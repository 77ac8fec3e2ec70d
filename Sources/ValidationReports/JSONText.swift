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
        var out = ""
        write(to: &out, pretty: pretty, indent: 0)
        return out
    }

    private func write(to out: inout String, pretty: Bool, indent: Int) {
        switch self {
        case let .object(members):
            if members.isEmpty { out += "{}"; return }
            out += "{"
            for (i, (key, value)) in members.enumerated() {
                if i > 0 { out += "," }
                if pretty { out += "\n" + String(repeating: "  ", count: indent + 1) }
                out += Self.quoted(key) + (pretty ? ": " : ":")
                value.write(to: &out, pretty: pretty, indent: indent + 1)
            }
            if pretty { out += "\n" + String(repeating: "  ", count: indent) }
            out += "}"
        case let .array(items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                if pretty { out += "\n" + String(repeating: "  ", count: indent + 1) }
                item.write(to: &out, pretty: pretty, indent: indent + 1)
            }
            if pretty { out += "\n" + String(repeating: "  ", count: indent) }
            out += "]"
        case let .string(s): out += Self.quoted(s)
        case let .int(n): out += String(n)
        case let .bool(b): out += b ? "true" : "false"
        case .null: out += "null"
        }
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped (also used by
    /// `dch generate` for its defect sidecar).
    public static func quoted(_ s: String) -> String { JSONString.quoted(s) }
}
