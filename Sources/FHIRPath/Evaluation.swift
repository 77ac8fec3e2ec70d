import Foundation
import FHIRModel
import FHIRDefinitions

/// One evaluation of one expression: walks the syntax tree over collections.
struct Evaluation {
    let engine: FHIRPathEngine
    let env: FHIRPathEnvironment
    /// `%context`.
    let context: TypedElement
    /// `$this`, `$index` and `$total` of the innermost iterating function.
    var this: FHIRPathValue?
    var index: Int?
    var total: FHIRPathCollection?
    /// `%resource.descendants().name` once computed in this evaluation.
    var resourceDescendants: (name: String, items: FHIRPathCollection)?

    init(engine: FHIRPathEngine, env: FHIRPathEnvironment, context: TypedElement) {
        self.engine = engine
        self.env = env
        self.context = context
    }

    /// The value of `node` with `focus` as its input.
    mutating func eval(_ node: Node, _ focus: FHIRPathCollection) throws -> FHIRPathCollection {
        switch node {
        case .empty:
            return []
        case let .literal(literal):
            return [literal.value]
        case let .special(name):
            switch name {
            case "this": return this.map { [$0] } ?? focus
            case "index": return index.map { [.integer($0)] } ?? []
            default:
                guard let total else { throw FHIRPathEvaluationError("$total is only defined inside aggregate()") }
                return total
            }
        case let .external(name):
            return try constant(name)
        case let .member(.call(base, .descendants, args)?, name) where args.isEmpty:
            // `descendants().name` (dom-3's `%resource.descendants().reference`): the same items in
            // the same order, without collecting every descendant first.
            // `%resource` is fixed for one evaluation: dom-3 asks the same for every contained item.
            let fromResource: Bool
            if case .external("resource")? = base { fromResource = true } else { fromResource = false }
            if fromResource, let memo = resourceDescendants, memo.name == name { return memo.items }
            let items = try base.map { try eval($0, focus) } ?? focus
            var out: FHIRPathCollection = []
            engine.appendChildren(ofDescendantsOf: items, named: name, to: &out)
            if fromResource { resourceDescendants = (name, out) }
            return out
        case let .member(input, name):
            let items = try input.map { try eval($0, focus) } ?? focus
            var out: FHIRPathCollection = []
            for item in items {
                guard case let .element(t) = item else { continue }
                // A type name at the start of a path names the focus itself (`Patient.name` on a Patient).
                if input == nil, t.element.isResource, t.typeName == name, t.element.child(name) == nil {
                    out.append(item)
                    continue
                }
                engine.appendChildren(of: t, named: name, to: &out)
            }
            // A host variable (a mapping rule's `vs`) where the focus has no such child.
            if out.isEmpty, input == nil, !env.variables.isEmpty, let value = env.variables[name] { return value }
            return out
        case let .call(input, function, args):
            let items = try input.map { try eval($0, focus) } ?? focus
            return try call(function, on: items, args)
        case let .index(base, position):
            let items = try eval(base, focus)
            let at = try eval(position, focus)
            guard let k = try integer(at, "the indexer") else { return [] }
            return k >= 0 && k < items.count ? [items[k]] : []
        case let .unary(sign, operand):
            let items = try eval(operand, focus)
            guard sign == "-" else { return items }
            guard let item = try single(items, "unary '-'")?.systemValue else { return [] }
            switch item {
            case let .integer(n): return [.integer(-n)]
            case let .decimal(d): return [.decimal(-d)]
            case let .quantity(d, u): return [.quantity(-d, u)]
            default: throw FHIRPathEvaluationError("unary '-' needs a number")
            }
        case let .binary(op, a, b):
            return try binary(op, a, b, focus)
        case let .typeOp(isCheck, operand, type):
            let items = try eval(operand, focus)
            guard let item = try single(items, isCheck ? "'is'" : "'as'") else { return [] }
            let matches = engine.isType(item, type)
            return isCheck ? [.boolean(matches)] : (matches ? [item] : [])
        }
    }

    private func constant(_ name: String) throws -> FHIRPathCollection {
        switch name {
        case "ucum": return [.string("http://unitsofmeasure.org")]
        case "sct": return [.string("http://snomed.info/sct")]
        case "loinc": return [.string("http://loinc.org")]
        case "context": return [.element(context)]
        case "resource": return [.element(env.resource)]
        case "rootResource": return [.element(env.rootElement)]
        default:
            if let value = env.variables[name] { return value }
            if name.hasPrefix("vs-") { return [.string("http://hl7.org/fhir/ValueSet/" + name.dropFirst(3))] }
            if name.hasPrefix("ext-") { return [.string("http://hl7.org/fhir/StructureDefinition/" + name.dropFirst(4))] }
            throw FHIRPathEvaluationError("the environment constant %\(name) is not supported")
        }
    }

    // MARK: helpers shared by operators and functions

    /// The one item of a collection, nil when empty; several items are an error. (`what` names the
    /// item's user in the error, and is built only for an error.)
    func single(_ items: FHIRPathCollection, _ what: @autoclosure () -> String) throws -> FHIRPathValue? {
        guard items.count <= 1 else { throw FHIRPathEvaluationError("\(what()) needs one item, found \(items.count)") }
        return items.first
    }

    /// A collection as a boolean (singleton evaluation): empty is nil, one boolean is itself, one
    /// other item is true, several items are an error.
    func boolean(_ items: FHIRPathCollection, _ what: @autoclosure () -> String) throws -> Bool? {
        guard let item = try single(items, what()) else { return nil }
        if let b = item.booleanValue { return b }
        if case let .element(t) = item, t.typeName == "boolean" { return nil }   // no value: extensions only
        return true
    }

    func integer(_ items: FHIRPathCollection, _ what: @autoclosure () -> String) throws -> Int? {
        guard let item = try single(items, what())?.systemValue else { return nil }
        guard case let .integer(n) = item else { throw FHIRPathEvaluationError("\(what()) needs an integer") }
        return n
    }

    func string(_ items: FHIRPathCollection, _ what: @autoclosure () -> String) throws -> String? {
        guard let item = try single(items, what()) else { return nil }
        switch item.systemValue {
        case let .string(s)?: return s
        case nil: return nil
        default: throw FHIRPathEvaluationError("\(what()) needs a string")
        }
    }
}

extension Literal {
    var value: FHIRPathValue {
        switch self {
        case let .boolean(b): return .boolean(b)
        case let .string(s): return .string(s)
        case let .integer(n): return .integer(n)
        case let .decimal(d): return .decimal(d)
        case let .quantity(d, u): return .quantity(d, u)
        case let .dateTime(d): return .dateTime(d)
        }
    }
}
