import Foundation
import FHIRModel

/// Equality (`=`), equivalence (`~`) and order (`<`…) of items and collections.
extension FHIRPathEngine {
    /// `=` on collections: same size and pairwise equal in order; nil when some pair is unknown
    /// (dates of different precision).
    func equal(_ a: FHIRPathCollection, _ b: FHIRPathCollection) -> Bool? {
        guard a.count == b.count else { return false }
        var unknown = false
        for k in a.indices {
            switch equal(a[k], b[k]) {
            case false?: return false
            case nil: unknown = true
            default: break
            }
        }
        return unknown ? nil : true
    }

    /// `=` on two items: system values by kind (integers and decimals compare as numbers, dates by
    /// the partial-precision rule), elements of complex types by their content.
    func equal(_ a: FHIRPathValue, _ b: FHIRPathValue) -> Bool? {
        guard let x = a.systemValue, let y = b.systemValue else { return nil }
        switch (x, y) {
        case let (.boolean(p), .boolean(q)): return p == q
        case let (.string(p), .string(q)): return p == q
        case let (.integer(p), .integer(q)): return p == q
        case let (.dateTime(p), .dateTime(q)): return FHIRPathDateTime.compare(p, q).map { $0 == 0 }
        case let (.quantity(p, u), .quantity(q, v)): return u == v ? p == q : false
        case let (.element(p), .element(q)): return Self.sameContent(p.element, q.element)
        default:
            if let p = x.decimalValue, let q = y.decimalValue { return p == q }
            return false
        }
    }

    /// Two subtrees with the same names, values, attributes and children (positions ignored).
    static func sameContent(_ a: Element, _ b: Element) -> Bool {
        guard a.name == b.name, a.value == b.value, a.url == b.url, a.id == b.id, a.resourceType == b.resourceType,
              a.children.count == b.children.count else { return false }
        for k in a.children.indices where !sameContent(a.children[k], b.children[k]) { return false }
        return true
    }

    /// `~`: like `=`, but strings ignore case and collapse white space, decimals compare at the
    /// lesser precision, differing date precisions are simply not equivalent, and order within a
    /// collection does not matter. Two empty collections are equivalent.
    func equivalent(_ a: FHIRPathCollection, _ b: FHIRPathCollection) -> Bool {
        guard a.count == b.count else { return false }
        var used = [Bool](repeating: false, count: b.count)
        outer: for x in a {
            for k in b.indices where !used[k] && equivalent(x, b[k]) {
                used[k] = true
                continue outer
            }
            return false
        }
        return true
    }

    func equivalent(_ a: FHIRPathValue, _ b: FHIRPathValue) -> Bool {
        guard let x = a.systemValue, let y = b.systemValue else { return a.systemValue == nil && b.systemValue == nil }
        switch (x, y) {
        case let (.string(p), .string(q)): return Self.normalised(p) == Self.normalised(q)
        case let (.dateTime(p), .dateTime(q)): return FHIRPathDateTime.compare(p, q) == 0
        case let (.decimal(p), .decimal(q)):
            let scale = min(Self.scale(p), Self.scale(q))
            return Self.rounded(p, scale) == Self.rounded(q, scale)
        default:
            return equal(x, y) ?? false
        }
    }

    private static func normalised(_ s: String) -> String {
        s.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    private static func scale(_ d: Decimal) -> Int { max(0, -Int(d.exponent)) }

    private static func rounded(_ d: Decimal, _ scale: Int) -> Decimal {
        d.rounded(scale: Int16(clamping: scale))
    }

    /// Order of two items: -1, 0, 1; nil when unknown (partial dates). Incomparable kinds are an error.
    func compare(_ a: FHIRPathValue, _ b: FHIRPathValue) throws -> Int? {
        guard let x = a.systemValue, let y = b.systemValue else { return nil }
        switch (x, y) {
        case let (.string(p), .string(q)): return p == q ? 0 : (p < q ? -1 : 1)
        case let (.dateTime(p), .dateTime(q)): return FHIRPathDateTime.compare(p, q)
        case let (.quantity(p, u), .quantity(q, v)):
            guard u == v else { throw FHIRPathEvaluationError("quantities in '\(u)' and '\(v)' are not compared (no unit conversion)") }
            return p == q ? 0 : (p < q ? -1 : 1)
        default:
            if let p = x.decimalValue, let q = y.decimalValue { return p == q ? 0 : (p < q ? -1 : 1) }
            throw FHIRPathEvaluationError("values of different or unordered types cannot be compared")
        }
    }

    /// The collection without repeated items (by `=`), first occurrences kept.
    func distinct(_ items: FHIRPathCollection) -> FHIRPathCollection {
        var out: FHIRPathCollection = []
        out.reserveCapacity(items.count)
        for item in items where !out.contains(where: { equal($0, item) == true }) { out.append(item) }
        return out
    }
}
