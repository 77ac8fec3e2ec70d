import Foundation
import FHIRModel
import FHIRPath

/// The constraints of one layer-5 site that most elements need not evaluate, found once per site.
///
/// A constraint whose expression reads the focus only through some child names
/// (``FHIRPathExpression/focusHeads``) gives, on an element without any of those children, what it
/// gives on an empty element of the site's type. That is evaluated once here; when it is true (the
/// constraint holds), every element lacking the names is spared the evaluation: `dom-1`…`dom-4`
/// on a resource without `contained`, `per-1` on a Period without `start` and `end`.
struct InvariantShortcuts {
    /// The names the skippable constraints read, as UTF-8 (at most 64: one bit each).
    private let heads: [[UInt8]]
    /// Bit positions of the heads `id` and `url`, which are also attributes.
    private let idBit: UInt64
    private let urlBit: UInt64
    /// Constraint index in the site's list (< 64) and the bits of the heads it reads.
    private let skippable: [(index: Int, heads: UInt64)]
    /// The bits of every constraint of the site.
    private let all: UInt64

    static let none = InvariantShortcuts()

    private init() {
        heads = []
        idBit = 0
        urlBit = 0
        skippable = []
        all = 0
    }

    init(_ constraints: [CompiledConstraint], type: ElementType?, isResource: Bool, engine: FHIRPathEngine) {
        let empty = Element(name: type?.name ?? "element", resourceType: isResource ? type?.name : nil)
        let typed = TypedElement(element: empty, type: type)
        var names: [String] = []
        var skippable: [(index: Int, heads: UInt64)] = []
        for (k, constraint) in constraints.prefix(64).enumerated() {
            guard case let .success(expression) = constraint.expression,
                  let reads = expression.focusHeads else { continue }
            let newNames = reads.subtracting(names)
            guard names.count + newNames.count <= 64 else { continue }
            let environment = FHIRPathEnvironment(root: empty, engine: engine)
            environment.resource = typed
            guard (try? engine.evaluateBoolean(expression, on: typed, in: environment)) == true,
                  !environment.unresolvedReference else { continue }
            names += newNames.sorted()
            var bits: UInt64 = 0
            for name in reads { bits |= 1 << UInt64(names.firstIndex(of: name)!) }
            skippable.append((k, bits))
        }
        heads = names.map { Array($0.utf8) }
        idBit = names.firstIndex(of: "id").map { 1 << UInt64($0) } ?? 0
        urlBit = names.firstIndex(of: "url").map { 1 << UInt64($0) } ?? 0
        self.skippable = skippable
        all = constraints.count >= 64 ? .max : (1 << UInt64(constraints.count)) - 1
    }

    /// The constraints (bit k: the site's k-th) known to hold on `element` without evaluation.
    func decided(on element: borrowing Element) -> UInt64 {
        guard !skippable.isEmpty else { return 0 }
        var present: UInt64 = 0
        let children = element.children.span
        for c in children.indices {
            let bytes = children[c].name.utf8.span
            // The first byte refuses most pairs before any call.
            for (j, head) in heads.enumerated()
            where bytes.count >= head.count && (head.isEmpty || head[0] == bytes[0]) {
                if Self.startsWith(bytes, head.span) { present |= 1 << UInt64(j) }
            }
        }
        if element.id != nil { present |= idBit }
        if element.url != nil { present |= urlBit }
        var decided: UInt64 = 0
        for s in skippable where s.heads & present == 0 { decided |= 1 << UInt64(s.index) }
        return decided
    }

    /// Whether `bytes` begins with `head` (no longer than `bytes`).
    @inline(__always)
    private static func startsWith(_ bytes: Span<UInt8>, _ head: Span<UInt8>) -> Bool {
        for k in head.indices where bytes[k] != head[k] { return false }
        return true
    }

    /// True when `decided` covers every constraint of the site.
    func decidesAll(_ decided: UInt64) -> Bool {
        decided == all && all != 0
    }
}
