import Foundation
import FHIRModel

/// The functions.
extension Evaluation {
    mutating func call(_ function: Function, on items: FHIRPathCollection, _ args: [Node]) throws -> FHIRPathCollection {
        switch function {
        // Existence
        case .empty: return [.boolean(items.isEmpty)]
        case .exists:
            guard let criteria = args.first else { return [.boolean(!items.isEmpty)] }
            for (k, item) in items.enumerated() where try criterion(criteria, item, k) { return [.boolean(true)] }
            return [.boolean(false)]
        case .all:
            for (k, item) in items.enumerated() where !(try criterion(args[0], item, k)) { return [.boolean(false)] }
            return [.boolean(true)]
        case .allTrue: return [.boolean(try items.allSatisfy { try flag($0, "allTrue()") == true })]
        case .anyTrue: return [.boolean(try items.contains { try flag($0, "anyTrue()") == true })]
        case .allFalse: return [.boolean(try items.allSatisfy { try flag($0, "allFalse()") == false })]
        case .anyFalse: return [.boolean(try items.contains { try flag($0, "anyFalse()") == false })]
        case .count: return [.integer(items.count)]
        case .distinct: return engine.distinct(items)
        case .isDistinct: return [.boolean(engine.distinct(items).count == items.count)]
        case .subsetOf:
            let other = try eval(args[0], rootFocus)
            return [.boolean(items.allSatisfy { x in other.contains { engine.equal(x, $0) == true } })]
        case .supersetOf:
            let other = try eval(args[0], rootFocus)
            return [.boolean(other.allSatisfy { x in items.contains { engine.equal(x, $0) == true } })]
        case .hasValue:
            guard items.count == 1, case let .element(t) = items[0] else { return [.boolean(false)] }
            return [.boolean(t.element.value != nil && (PrimitiveKind.of(t.typeName) != nil || t.typeName == nil))]

        // Filtering and projection
        case .where:
            var out: FHIRPathCollection = []
            for (k, item) in items.enumerated() where try criterion(args[0], item, k) { out.append(item) }
            return out
        case .select:
            var out: FHIRPathCollection = []
            for (k, item) in items.enumerated() { out += try iterate(args[0], item, k) }
            return out
        case .repeat:
            var out: FHIRPathCollection = []
            var frontier = items
            var rounds = 0
            while !frontier.isEmpty {
                rounds += 1
                if rounds > 1000 { throw FHIRPathEvaluationError("repeat() did not end") }
                var next: FHIRPathCollection = []
                for (k, item) in frontier.enumerated() { next += try iterate(args[0], item, k) }
                // Elements of a tree cannot recur; system values can, so keep only new ones.
                next = next.filter { n in
                    if case .element = n { return true }
                    return !out.contains { engine.equal($0, n) == true }
                }
                out += next
                frontier = next
            }
            return out
        case .ofType:
            let type = try typeArgument(args[0])
            return items.filter { engine.isType($0, type) }
        case .is:
            guard let item = try single(items, "is()") else { return [] }
            return [.boolean(engine.isType(item, try typeArgument(args[0])))]
        case .as:
            guard let item = try single(items, "as()") else { return [] }
            return engine.isType(item, try typeArgument(args[0])) ? [item] : []

        // Subsetting
        case .first: return items.first.map { [$0] } ?? []
        case .last: return items.last.map { [$0] } ?? []
        case .tail: return Array(items.dropFirst())
        case .skip:
            guard let n = try integer(eval(args[0], rootFocus), "skip()") else { return [] }
            return Array(items.dropFirst(max(0, n)))
        case .take:
            guard let n = try integer(eval(args[0], rootFocus), "take()") else { return [] }
            return Array(items.prefix(max(0, n)))
        case .single:
            return try single(items, "single()").map { [$0] } ?? []
        case .intersect:
            let other = try eval(args[0], rootFocus)
            return engine.distinct(items.filter { x in other.contains { engine.equal(x, $0) == true } })
        case .exclude:
            let other = try eval(args[0], rootFocus)
            return items.filter { x in !other.contains { engine.equal(x, $0) == true } }
        case .union:
            return engine.distinct(items + (try eval(args[0], rootFocus)))
        case .combine:
            return items + (try eval(args[0], rootFocus))

        // Logic and utility
        case .iif:
            guard items.count <= 1 else { throw FHIRPathEvaluationError("iif() needs at most one input item") }
            let condition = try boolean(eval(args[0], items), "iif()")
            if condition == true { return try eval(args[1], items) }
            return args.count > 2 ? try eval(args[2], items) : []
        case .not:
            guard let b = try boolean(items, "not()") else { return [] }
            return [.boolean(!b)]
        case .trace:
            if let tracer = env.tracer {
                let name = try string(eval(args[0], rootFocus), "trace()") ?? ""
                tracer(name, args.count > 1 ? try select(args[1], items) : items)
            }
            return items
        case .today:
            let now = Self.utcComponents()
            return [.dateTime(FHIRPathDateTime(kind: .date, components: Array(now.prefix(3)), fraction: nil, zone: nil))]
        case .now:
            return [.dateTime(FHIRPathDateTime(kind: .dateTime, components: Self.utcComponents(), fraction: nil, zone: 0))]

        // Tree navigation
        case .children:
            var out: FHIRPathCollection = []
            for case let .element(t) in items { engine.appendAllChildren(of: t, to: &out) }
            return out
        case .descendants:
            var out: FHIRPathCollection = []
            var frontier = items
            while !frontier.isEmpty {
                var next: FHIRPathCollection = []
                for case let .element(t) in frontier { engine.appendAllChildren(of: t, to: &next) }
                out += next
                frontier = next
            }
            return out
        case .resolve:
            return items.compactMap { engine.resolve($0, in: env).map(FHIRPathValue.element) }
        case .extension:
            guard let url = try string(eval(args[0], rootFocus), "extension()") else { return [] }
            var out: FHIRPathCollection = []
            for case let .element(t) in items {
                engine.appendChildren(of: t, named: "extension", to: &out)
            }
            return out.filter { if case let .element(e) = $0 { return e.element.url == url } else { return false } }
        case .htmlChecks:
            guard let item = try single(items, "htmlChecks()") else { return [] }
            guard case let .element(t) = item, let xhtml = t.element.value else { return [.boolean(false)] }
            if let last = env.lastNarrativeCheck, last.xhtml == xhtml { return [.boolean(last.passes)] }
            let passes = NarrativeCheck.passes(xhtml)
            env.lastNarrativeCheck = (xhtml, passes)
            return [.boolean(passes)]

        // Strings and conversions
        case .toString:
            guard let item = try single(items, "toString()") else { return [] }
            return item.stringForm.map { [.string($0)] } ?? []
        case .toInteger:
            guard let item = try single(items, "toInteger()")?.systemValue else { return [] }
            switch item {
            case let .integer(n): return [.integer(n)]
            case let .string(s): return Int(s).map { [.integer($0)] } ?? []
            case let .boolean(b): return [.integer(b ? 1 : 0)]
            default: return []
            }
        case .toDecimal:
            guard let item = try single(items, "toDecimal()")?.systemValue else { return [] }
            switch item {
            case let .integer(n): return [.decimal(Decimal(n))]
            case let .decimal(d): return [.decimal(d)]
            case let .string(s): return Self.decimal(s).map { [.decimal($0)] } ?? []
            case let .boolean(b): return [.decimal(b ? 1 : 0)]
            default: return []
            }
        default:
            return try stringFunction(function, on: items, args)
        }
    }

    /// The string functions (`matches`, `substring`, …): the input is one string or empty.
    private mutating func stringFunction(_ function: Function, on items: FHIRPathCollection, _ args: [Node]) throws -> FHIRPathCollection {
        if case let .unsupported(name) = function {
            throw FHIRPathEvaluationError("the function \(name)() is not supported")
        }
        let what = "the input of a string function"
        guard let s = try string(items, what) else { return [] }
        var argumentValues: [String?] = []
        switch function {
        case .length: return [.integer(s.count)]
        case .upper: return [.string(s.uppercased())]
        case .lower: return [.string(s.lowercased())]
        case .substring:
            guard let start = try integer(eval(args[0], rootFocus), "substring()") else { return [] }
            let length = args.count > 1 ? try integer(eval(args[1], rootFocus), "substring()") : nil
            let chars = Array(s)
            guard start >= 0, start < chars.count else { return [] }
            let end = length.map { min(chars.count, start + max(0, $0)) } ?? chars.count
            return [.string(String(chars[start..<end]))]
        default:
            break
        }
        // One or two string arguments.
        for arg in args { argumentValues.append(try string(eval(arg, rootFocus), "a string argument")) }
        guard let a = argumentValues[0] else { return [] }
        switch function {
        case .startsWith: return [.boolean(s.hasPrefix(a))]
        case .endsWith: return [.boolean(s.hasSuffix(a))]
        case .contains: return [.boolean(a.isEmpty || s.contains(a))]
        case .indexOf:
            guard !a.isEmpty else { return [.integer(0)] }
            guard let r = s.range(of: a) else { return [.integer(-1)] }
            return [.integer(s.distance(from: s.startIndex, to: r.lowerBound))]
        case .matches:
            let regex = try engine.regex(a)
            let range = NSRange(s.startIndex..., in: s)
            return [.boolean(regex.firstMatch(in: s, range: range) != nil)]
        case .replace:
            guard let b = argumentValues[1] else { return [] }
            if a.isEmpty { return [.string(s.map { b + String($0) }.joined() + b)] }
            return [.string(s.replacingOccurrences(of: a, with: b))]
        case .replaceMatches:
            guard let b = argumentValues[1] else { return [] }
            let regex = try engine.regex(a)
            return [.string(regex.stringByReplacingMatches(in: s, range: NSRange(s.startIndex..., in: s), withTemplate: b))]
        default:
            throw FHIRPathEvaluationError("function not evaluated")
        }
    }

    /// The focus for arguments that are not iterated (`take(n)`, `extension(url)`): arguments are
    /// evaluated against `%context`'s chain start, i.e. the current `$this` or the original focus.
    private var rootFocus: FHIRPathCollection { this.map { [$0] } ?? [.element(context)] }

    /// Evaluates `criteria` with one item as `$this` and the focus.
    private mutating func iterate(_ expression: Node, _ item: FHIRPathValue, _ k: Int) throws -> FHIRPathCollection {
        let saved = (this, index)
        this = item
        index = k
        defer { (this, index) = saved }
        return try eval(expression, [item])
    }

    private mutating func criterion(_ expression: Node, _ item: FHIRPathValue, _ k: Int) throws -> Bool {
        try boolean(iterate(expression, item, k), "a criteria expression") == true
    }

    private mutating func select(_ expression: Node, _ items: FHIRPathCollection) throws -> FHIRPathCollection {
        var out: FHIRPathCollection = []
        for (k, item) in items.enumerated() { out += try iterate(expression, item, k) }
        return out
    }

    private func flag(_ item: FHIRPathValue, _ what: String) throws -> Bool? {
        guard let b = item.booleanValue else { throw FHIRPathEvaluationError("\(what) needs booleans") }
        return b
    }

    /// The type named by an `ofType`/`is`/`as` argument (`Quantity`, `FHIR.Quantity`).
    private func typeArgument(_ node: Node) throws -> TypeName {
        switch node {
        case let .member(nil, name): return TypeName(namespace: nil, name: name)
        case let .member(.member(nil, namespace)?, name): return TypeName(namespace: namespace, name: name)
        default: throw FHIRPathEvaluationError("a type name is expected as the argument")
        }
    }

    private static func decimal(_ s: String) -> Decimal? {
        var digits = 0
        for (k, c) in s.enumerated() {
            if c.isASCII && c.isNumber { digits += 1 } else if !(c == "." || (k == 0 && (c == "-" || c == "+"))) { return nil }
        }
        return digits > 0 ? Decimal(string: s) : nil
    }

    /// Now, in UTC: year, month, day, hour, minute, second.
    private static func utcComponents() -> [Int] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date())
        return [c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!]
    }
}
