import Foundation
import FHIRModel

/// The binary operators.
extension Evaluation {
    mutating func binary(_ op: BinaryOperator, _ a: Node, _ b: Node, _ focus: FHIRPathCollection) throws -> FHIRPathCollection {
        switch op {
        case .and, .or, .xor, .implies:
            return try logic(op, a, b, focus)
        default:
            break
        }
        let left = try eval(a, focus)
        let right = try eval(b, focus)
        switch op {
        case .union:
            return engine.distinct(left + right)
        case .equal, .notEqual:
            guard !left.isEmpty, !right.isEmpty else { return [] }
            guard let same = engine.equal(left, right) else { return [] }
            return [.boolean(op == .equal ? same : !same)]
        case .equivalent, .notEquivalent:
            let same = engine.equivalent(left, right)
            return [.boolean(op == .equivalent ? same : !same)]
        case .less, .greater, .lessOrEqual, .greaterOrEqual:
            guard let x = try single(left, "'\(op.rawValue)'"), let y = try single(right, "'\(op.rawValue)'") else { return [] }
            guard let order = try engine.compare(x, y) else { return [] }
            switch op {
            case .less: return [.boolean(order < 0)]
            case .greater: return [.boolean(order > 0)]
            case .lessOrEqual: return [.boolean(order <= 0)]
            default: return [.boolean(order >= 0)]
            }
        case .in, .contains:
            let (element, collection) = op == .in ? (left, right) : (right, left)
            guard let item = try single(element, "'\(op.rawValue)'") else { return [] }
            return [.boolean(collection.contains { engine.equal(item, $0) == true })]
        case .concatenate:
            let x = try string(left, "'&'") ?? "", y = try string(right, "'&'") ?? ""
            return [.string(x + y)]
        default:
            return try arithmetic(op, left, right)
        }
    }

    /// `and`, `or`, `xor`, `implies` with three-valued logic (empty is unknown). The right side is
    /// evaluated only when the left does not decide the answer.
    private mutating func logic(_ op: BinaryOperator, _ a: Node, _ b: Node, _ focus: FHIRPathCollection) throws -> FHIRPathCollection {
        let x = try boolean(eval(a, focus), "'\(op.rawValue)'")
        switch (op, x) {
        case (.and, false?): return [.boolean(false)]
        case (.or, true?): return [.boolean(true)]
        case (.implies, false?): return [.boolean(true)]
        default: break
        }
        let y = try boolean(eval(b, focus), "'\(op.rawValue)'")
        let result: Bool?
        switch op {
        case .and:
            result = y == false ? false : (x == true && y == true ? true : nil)
        case .or:
            result = y == true ? true : (x == false && y == false ? false : nil)
        case .xor:
            result = x.flatMap { x in y.map { x != $0 } }
        default: // implies: x is true or unknown here
            result = y == true ? true : (x == true ? y : nil)
        }
        return result.map { [.boolean($0)] } ?? []
    }

    private func arithmetic(_ op: BinaryOperator, _ left: FHIRPathCollection, _ right: FHIRPathCollection) throws -> FHIRPathCollection {
        let what = "'\(op.rawValue)'"
        guard let x = try single(left, what)?.systemValue, let y = try single(right, what)?.systemValue else { return [] }
        switch (x, y) {
        case let (.integer(m), .integer(n)):
            switch op {
            case .add: return [.integer(m &+ n)]
            case .subtract: return [.integer(m &- n)]
            case .multiply: return [.integer(m &* n)]
            case .divide: return n == 0 ? [] : [.decimal(Decimal(m) / Decimal(n))]
            case .div: return n == 0 ? [] : [.integer(m / n)]
            case .mod: return n == 0 ? [] : [.integer(m % n)]
            default: break
            }
        case let (.string(s), .string(t)) where op == .add:
            return [.string(s + t)]
        default:
            if let m = x.decimalValue, let n = y.decimalValue {
                switch op {
                case .add: return [.decimal(m + n)]
                case .subtract: return [.decimal(m - n)]
                case .multiply: return [.decimal(m * n)]
                case .divide: return n == 0 ? [] : [.decimal(m / n)]
                case .div:
                    guard n != 0 else { return [] }
                    return [.integer(NSDecimalNumber(decimal: Self.truncated(m / n)).intValue)]
                case .mod:
                    guard n != 0 else { return [] }
                    return [.decimal(m - Self.truncated(m / n) * n)]
                default: break
                }
            }
        }
        // Date and quantity arithmetic (`@2019 + 1 year`) are not evaluated: an error, never a guess.
        throw FHIRPathEvaluationError("\(what) is not evaluated for these operand types")
    }

    /// `value` without its fraction, toward zero: `div` and `mod` are the truncated division
    /// (FHIRPath, Math), so -3.75 gives -3, not the floor's -4.
    private static func truncated(_ value: Decimal) -> Decimal {
        value.rounded(scale: 0, mode: value < 0 ? .up : .down)
    }
}

extension FHIRPathValue {
    /// Integers and decimals as a decimal (for mixed arithmetic and comparison).
    var decimalValue: Decimal? {
        switch self {
        case let .integer(n): return Decimal(n)
        case let .decimal(d): return d
        default: return nil
        }
    }
}
