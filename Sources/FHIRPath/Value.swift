import Foundation
import FHIRModel
import FHIRDefinitions

/// A FHIR type as the evaluator sees it: its name and where its children are defined. Shared
/// (one object per definition), so that passing typed elements around costs one reference.
public final class ElementType: Sendable {
    /// The FHIR type code (`Quantity`, `string`, `Patient`, `BackboneElement`).
    public let name: String
    /// Where children of elements of this type are defined; nil when they are matched by name only.
    public let context: TypeContext?
    /// `context?.table`, read once: member steps consult it for every child.
    let childTable: ChildTable?

    /// A type.
    public init(name: String, context: TypeContext?) {
        self.name = name
        self.context = context
        childTable = context?.table
    }

    static let string = ElementType(name: "string", context: nil)
    static let uri = ElementType(name: "uri", context: nil)
}

/// An element of a message seen through its definition: the node and its FHIR type.
public struct TypedElement: Sendable {
    /// The node.
    public var element: Element
    /// Its type, or nil when the definitions do not know the element.
    public var type: ElementType?

    /// Its FHIR type code, or nil when untyped.
    public var typeName: String? { type?.name }
    /// Where its children are defined; nil for untyped nodes (children are then matched by name).
    public var context: TypeContext? { type?.context }

    /// A typed element sharing a type object.
    public init(element: Element, type: ElementType?) {
        self.element = element
        self.type = type
    }

    /// A typed element with a type made for it.
    public init(element: Element, typeName: String?, context: TypeContext?) {
        self.element = element
        self.type = typeName.map { ElementType(name: $0, context: context) }
    }
}

/// One item of a FHIRPath collection: an element of the message, or a value of the FHIRPath type
/// system (from a literal, an operator or a function).
public enum FHIRPathValue: Sendable {
    /// An element of the message with its FHIR type; primitives become system values only when an
    /// operator or function needs them (so `birthDate` stays a `date` element).
    case element(TypedElement)
    /// A `System.Boolean`.
    case boolean(Bool)
    /// A `System.Integer`.
    case integer(Int)
    /// A `System.Decimal`, exact (no binary floating point).
    case decimal(Decimal)
    /// A `System.String`.
    case string(String)
    /// A `System.Date`, `System.DateTime` or `System.Time`, with its precision.
    case dateTime(FHIRPathDateTime)
    /// A quantity: value and unit (UCUM code or calendar word).
    case quantity(Decimal, String)

    /// The boolean value, for an item that is one (a `boolean` element with a value included).
    public var booleanValue: Bool? {
        switch self {
        case let .boolean(b): return b
        case let .element(t) where t.typeName == "boolean":
            switch t.element.value { case "true": return true; case "false": return false; default: return nil }
        default: return nil
        }
    }
}

/// A collection, the value of every FHIRPath expression.
public typealias FHIRPathCollection = [FHIRPathValue]

/// Why an evaluation could not give an answer (an error in FHIRPath's sense, or a feature we do
/// not evaluate). The invariant layer reports these as "not evaluated", never as a pass.
public struct FHIRPathEvaluationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, for a person (`the function memberOf() is not supported`).
    public let message: String
    init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

/// The primitive type codes and how their values convert to FHIRPath's system types.
enum PrimitiveKind {
    case boolean, integer, decimal, string, date, dateTime, time

    static func of(_ code: String?) -> PrimitiveKind? {
        switch code {
        case "boolean": return .boolean
        case "integer", "unsignedInt", "positiveInt": return .integer
        case "decimal": return .decimal
        case "string", "code", "id", "uri", "oid", "uuid", "markdown", "base64Binary", "xhtml": return .string
        case "date": return .date
        case "dateTime", "instant": return .dateTime
        case "time": return .time
        default: return nil
        }
    }
}

/// Quantity-like datatypes: compared and converted as quantities.
let quantityTypes: Set<String> = ["Quantity", "SimpleQuantity", "Age", "Distance", "Duration", "Count", "Money", "MoneyQuantity"]

extension FHIRPathValue {
    /// The system value of an item: elements of primitive types become booleans, numbers, strings
    /// and dates; quantities become quantities; other elements stay as they are. A primitive
    /// element without a value (extensions only) has none: nil.
    var systemValue: FHIRPathValue? {
        guard case let .element(t) = self else { return self }
        if let kind = PrimitiveKind.of(t.typeName) {
            guard let v = t.element.value else { return nil }
            switch kind {
            case .boolean: return v == "true" ? .boolean(true) : v == "false" ? .boolean(false) : .string(v)
            case .integer: return Int(v).map(FHIRPathValue.integer) ?? .string(v)
            case .decimal: return Decimal(string: v).map(FHIRPathValue.decimal) ?? .string(v)
            case .string: return .string(v)
            case .date: return FHIRPathDateTime(v).map(FHIRPathValue.dateTime) ?? .string(v)
            case .dateTime: return FHIRPathDateTime(v).map(FHIRPathValue.dateTime) ?? .string(v)
            case .time: return FHIRPathDateTime(v, kind: .time).map(FHIRPathValue.dateTime) ?? .string(v)
            }
        }
        if let type = t.typeName, quantityTypes.contains(type) {
            guard let v = t.element.child("value")?.value, let d = Decimal(string: v) else { return self }
            let unit = t.element.child("code")?.value ?? t.element.child("unit")?.value ?? "1"
            return .quantity(d, unit)
        }
        // Untyped leaves: their text.
        if t.typeName == nil, let v = t.element.value { return .string(v) }
        return self
    }

    /// The string form (`toString()`): an element's lexical value as written.
    var stringForm: String? {
        switch self {
        case let .element(t): return t.element.value
        case let .boolean(b): return b ? "true" : "false"
        case let .integer(n): return String(n)
        case let .decimal(d): return "\(d)"
        case let .string(s): return s
        case let .dateTime(d): return d.text
        case let .quantity(d, u): return "\(d) '\(u)'"
        }
    }
}
