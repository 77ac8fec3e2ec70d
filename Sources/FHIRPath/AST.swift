import Foundation

/// A parsed FHIRPath expression node. The enum is indirect (its payloads are boxed), so a
/// compiled expression is shared, never copied, by every evaluation.
indirect enum Node: Sendable {
    /// `{}`.
    case empty
    case literal(Literal)
    /// `$this`, `$index`, `$total`.
    case special(String)
    /// `%name`.
    case external(String)
    /// A name at the start of a path or after a dot: a child of every item of the input.
    case member(Node?, String)
    /// `f(args)` applied to the input (nil input: the focus).
    case call(Node?, Function, [Node])
    case index(Node, Node)
    case unary(String, Node)
    case binary(BinaryOperator, Node, Node)
    /// `is` / `as` with a type name.
    case typeOp(isCheck: Bool, Node, TypeName)
}

/// A literal value.
enum Literal: Sendable {
    case boolean(Bool)
    case string(String)
    case integer(Int)
    case decimal(Decimal)
    case quantity(Decimal, unit: String)
    case dateTime(FHIRPathDateTime)
}

/// A type specifier: `Patient`, `FHIR.Patient`, `System.String`.
struct TypeName: Sendable, Hashable {
    /// `FHIR`, `System` or nil.
    let namespace: String?
    let name: String
}

/// The binary operators, loosest-binding last.
enum BinaryOperator: String, Sendable {
    case multiply = "*", divide = "/", div, mod
    case add = "+", subtract = "-", concatenate = "&"
    case union = "|"
    case less = "<", greater = ">", lessOrEqual = "<=", greaterOrEqual = ">="
    case equal = "=", equivalent = "~", notEqual = "!=", notEquivalent = "!~"
    case `in`, contains
    case and
    case or, xor
    case implies
}

/// The functions the evaluator knows, resolved once at parse time (no string compare per call).
enum Function: Sendable, Hashable {
    case empty, exists, all, allTrue, anyTrue, allFalse, anyFalse, count, distinct, isDistinct
    case `where`, select, `repeat`, ofType, first, last, tail, skip, take, single, iif, not, hasValue
    case children, descendants, matches, startsWith, endsWith, contains, length, substring, indexOf
    case replace, replaceMatches, upper, lower, toInteger, toDecimal, toString, today, now, resolve
    case `extension`, trace, subsetOf, supersetOf, intersect, exclude, union, combine, htmlChecks
    case `is`, `as`
    /// A function we do not evaluate (`memberOf`, `conformsTo`, anything unknown): the name.
    case unsupported(String)

    init(name: String) {
        switch name {
        case "empty": self = .empty
        case "exists": self = .exists
        case "all": self = .all
        case "allTrue": self = .allTrue
        case "anyTrue": self = .anyTrue
        case "allFalse": self = .allFalse
        case "anyFalse": self = .anyFalse
        case "count": self = .count
        case "distinct": self = .distinct
        case "isDistinct": self = .isDistinct
        case "where": self = .where
        case "select": self = .select
        case "repeat": self = .repeat
        case "ofType": self = .ofType
        case "first": self = .first
        case "last": self = .last
        case "tail": self = .tail
        case "skip": self = .skip
        case "take": self = .take
        case "single": self = .single
        case "iif": self = .iif
        case "not": self = .not
        case "hasValue": self = .hasValue
        case "children": self = .children
        case "descendants": self = .descendants
        case "matches": self = .matches
        case "startsWith": self = .startsWith
        case "endsWith": self = .endsWith
        case "contains": self = .contains
        case "length": self = .length
        case "substring": self = .substring
        case "indexOf": self = .indexOf
        case "replace": self = .replace
        case "replaceMatches": self = .replaceMatches
        case "upper": self = .upper
        case "lower": self = .lower
        case "toInteger": self = .toInteger
        case "toDecimal": self = .toDecimal
        case "toString": self = .toString
        case "today": self = .today
        case "now": self = .now
        case "resolve": self = .resolve
        case "extension": self = .extension
        case "trace": self = .trace
        case "subsetOf": self = .subsetOf
        case "supersetOf": self = .supersetOf
        case "intersect": self = .intersect
        case "exclude": self = .exclude
        case "union": self = .union
        case "combine": self = .combine
        // STU3 writes it in lower case (txt-1, txt-2); later versions spell it htmlChecks.
        case "htmlChecks", "htmlchecks": self = .htmlChecks
        case "is": self = .is
        case "as": self = .as
        default: self = .unsupported(name)
        }
    }

    /// Argument counts accepted.
    var arity: ClosedRange<Int> {
        switch self {
        case .exists: return 0...1
        case .all, .where, .select, .repeat, .ofType, .skip, .take, .matches, .startsWith, .endsWith, .contains,
             .indexOf, .extension, .subsetOf, .supersetOf, .intersect, .exclude, .union, .combine, .is, .as:
            return 1...1
        case .substring: return 1...2
        case .replace, .replaceMatches: return 2...2
        case .iif: return 2...3
        case .trace: return 1...2
        case .unsupported: return 0...Int.max
        default: return 0...0
        }
    }
}
