import Foundation
import FHIRModel
import FHIRDefinitions
import FHIRJSON

/// One item of a result collection as a person or a program reads it: its type and its value.
///
/// - `type`: the FHIR type code of an element of the message (`date`, `HumanName`, `Patient`,
///   `BackboneElement`), or the FHIRPath system type of a value the expression computed
///   (`System.Boolean`, `System.Integer`, `System.Decimal`, `System.String`, `System.Date`,
///   `System.DateTime`, `System.Time`, `System.Quantity`).
/// - `json`: the value as JSON text. A primitive element or a system value is a scalar (numbers and
///   booleans keep the lexical form of the message when it is valid JSON, strings otherwise); a
///   complex element, a backbone element or a resource is the FHIR JSON object it has inside its
///   parent; a primitive with extensions only is its `_name` object; a quantity value is
///   `{"value": 1.5, "unit": "kg"}`.
/// - `text`: a primitive's lexical form (line breaks escaped), a quantity as `1.5 'kg'`, anything
///   else its JSON.
public struct FHIRPathResultItem: Sendable, Hashable {
    /// The FHIR type code of an element, or the `System.` type of a computed value.
    public let type: String
    /// The value as JSON text.
    public let json: String
    /// The value as one line of text.
    public let text: String

    /// An item from its parts.
    public init(type: String, json: String, text: String) {
        self.type = type
        self.json = json
        self.text = text
    }

    /// `{"type":"date","value":"2019-03-01"}`: the item as one JSON object.
    public var jsonObject: String { "{\"type\":\(JSONString.quoted(type)),\"value\":\(json)}" }

    /// `date 2019-03-01`: the item as one line of text.
    public var line: String { type + " " + text }
}

/// Turns result collections into ``FHIRPathResultItem``s: complex elements are written as FHIR
/// JSON with the engine's definition pack.
public struct FHIRPathResultRenderer: Sendable {
    /// The engine whose results are rendered (its pack types the JSON).
    public let engine: FHIRPathEngine
    private let writer: FHIRJSONWriter

    /// A renderer for an engine's results.
    public init(engine: FHIRPathEngine) {
        self.engine = engine
        writer = FHIRJSONWriter(pack: engine.pack, options: JSONWriteOptions(pretty: false))
    }

    /// Every item of a collection, in order.
    public func render(_ collection: FHIRPathCollection) -> [FHIRPathResultItem] {
        collection.map(render)
    }

    /// One item.
    public func render(_ value: FHIRPathValue) -> FHIRPathResultItem {
        switch value {
        case let .boolean(b): return scalar("System.Boolean", b ? "true" : "false", json: b ? "true" : "false")
        case let .integer(n): return scalar("System.Integer", String(n), json: String(n))
        case let .decimal(d): return scalar("System.Decimal", "\(d)", json: "\(d)")
        case let .string(s): return scalar("System.String", s, json: JSONString.quoted(s))
        case let .dateTime(d):
            let type = d.kind == .date ? "System.Date" : d.kind == .time ? "System.Time" : "System.DateTime"
            return scalar(type, d.text, json: JSONString.quoted(d.text))
        case let .quantity(d, unit):
            return FHIRPathResultItem(type: "System.Quantity",
                                      json: "{\"value\":\(d),\"unit\":\(JSONString.quoted(unit))}",
                                      text: "\(d) '\(unit)'")
        case let .element(t):
            return render(t)
        }
    }

    private func render(_ t: TypedElement) -> FHIRPathResultItem {
        let element = t.element
        if element.isResource {
            return object(element.resourceType ?? element.name, (try? writer.write(element)).map(\.bytes))
        }
        let type = t.typeName ?? "Element"
        if PrimitiveKind.of(t.typeName) != nil || t.typeName == nil {
            guard let value = element.value else {
                // Extensions only: the `_name` object.
                let context = t.typeName.flatMap { (try? engine.pack.context(forType: $0)) ?? nil }
                return object(type, context.flatMap { try? writer.write(element, in: $0).bytes })
            }
            return scalar(type, value, json: Self.primitiveJSON(value, type: t.typeName))
        }
        return object(type, t.context.flatMap { try? writer.write(element, in: $0).bytes })
    }

    private func scalar(_ type: String, _ text: String, json: String) -> FHIRPathResultItem {
        FHIRPathResultItem(type: type, json: json, text: Self.oneLine(text))
    }

    /// An object item; `null` when the definitions cannot write it (an element they do not know).
    private func object(_ type: String, _ bytes: [UInt8]?) -> FHIRPathResultItem {
        let json = bytes.map { String(decoding: $0, as: UTF8.self) } ?? "null"
        return FHIRPathResultItem(type: type, json: json, text: json)
    }

    /// A primitive's value as FHIR JSON writes it: booleans and numbers bare when the lexeme is a
    /// valid one, every other value a string.
    static func primitiveJSON(_ value: String, type: String?) -> String {
        switch type {
        case "boolean" where value == "true" || value == "false":
            return value
        case "integer", "unsignedInt", "positiveInt", "decimal":
            return isJSONNumber(value) ? value : JSONString.quoted(value)
        default:
            return JSONString.quoted(value)
        }
    }

    /// True for the JSON number grammar: `-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?`.
    static func isJSONNumber(_ s: String) -> Bool {
        var bytes = Array(s.utf8)[...]
        func digits() -> Int {
            let n = bytes.prefix { $0 >= 0x30 && $0 <= 0x39 }.count
            bytes = bytes.dropFirst(n)
            return n
        }
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        let first = bytes.first
        let whole = digits()
        guard whole > 0, whole == 1 || first != UInt8(ascii: "0") else { return false }
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            guard digits() > 0 else { return false }
        }
        if bytes.first == UInt8(ascii: "e") || bytes.first == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
            guard digits() > 0 else { return false }
        }
        return bytes.isEmpty
    }

    /// Line breaks and tabs escaped, so that one item stays on one line.
    private static func oneLine(_ s: String) -> String {
        guard s.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\t" }) else { return s }
        return s.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
            .replacingOccurrences(of: "\t", with: "\\t")
    }
}

extension FHIRPathEngine {
    /// Evaluates an expression on a whole message or resource: the root is the focus, `%context`
    /// and `%resource`; `resolve()` searches the message.
    public func evaluate(_ expression: FHIRPathExpression, onResource root: Element) throws -> FHIRPathCollection {
        let environment = FHIRPathEnvironment(root: root, engine: self)
        return try evaluate(expression, on: environment.rootElement, in: environment)
    }
}
