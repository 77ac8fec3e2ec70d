/// Which children of the focus an expression reads, found once from its syntax tree.
///
/// When the answer is a set of names, the expression's value depends on the focus only through
/// the children with those names (a name also stands for its choice variants: `value` for
/// `valueQuantity`) and the `id` / `url` attributes of the same names: on any element lacking all
/// of them it gives what it gives on an empty element of the same type. A validator can then
/// evaluate the expression once on an empty element and skip it on every element without the
/// names. The answer is nil when anything else can reach the focus or the message: `$this`, a
/// function applied to the focus itself (`hasValue()`, `children()`), `%resource` / `%context`,
/// `resolve()` over something other than the focus's children, the clock, a leading type name
/// (`Patient.name` on a Patient).
enum FocusHeads {
    static func of(_ node: Node) -> Set<String>? {
        heads(node, inItem: false)
    }

    /// `inItem`: the node is evaluated on the items of an iterating function (`where`, `all`…),
    /// not on the focus: its member names and `$this` are the item's.
    private static func heads(_ node: Node, inItem: Bool) -> Set<String>? {
        switch node {
        case .empty, .literal:
            return []
        case .special:
            return inItem ? [] : nil
        case let .external(name):
            return isConstant(name) ? [] : nil
        case let .member(nil, name):
            if inItem { return [] }
            // A leading type name can name a resource focus itself.
            guard let first = name.utf8.first, !(0x41...0x5A).contains(first) else { return nil }
            return [name]
        case let .member(input?, _):
            return heads(input, inItem: inItem)
        case let .index(a, b), let .binary(_, a, b):
            return union(heads(a, inItem: inItem), heads(b, inItem: inItem))
        case let .unary(_, a), let .typeOp(_, a, _):
            return heads(a, inItem: inItem)
        case let .call(input, function, args):
            switch function {
            case .today, .now, .unsupported:
                return nil
            default:
                break
            }
            guard let input else {
                // Applied to the focus itself: allowed only where the "focus" is an item.
                return inItem && function != .resolve ? argumentHeads(args, inItem: true) : nil
            }
            guard let base = heads(input, inItem: inItem) else { return nil }
            // An iteration (or resolve) over the focus's children runs nothing when they are absent.
            if !inItem && emptyWhenHeadsAbsent(input) && (function.iterates || function == .resolve) {
                return base
            }
            if function == .resolve { return nil }
            return union(base, argumentHeads(args, inItem: inItem || function.iterates))
        }
    }

    private static func argumentHeads(_ args: [Node], inItem: Bool) -> Set<String>? {
        var all: Set<String> = []
        for arg in args {
            guard let h = heads(arg, inItem: inItem) else { return nil }
            all.formUnion(h)
        }
        return all
    }

    /// True when the node (on the focus) is empty whenever the focus lacks its head names: a member
    /// chain, possibly through functions that give nothing for nothing.
    private static func emptyWhenHeadsAbsent(_ node: Node) -> Bool {
        switch node {
        case .member(nil, _):
            return true
        case let .member(input?, _):
            return emptyWhenHeadsAbsent(input)
        case let .call(input?, function, _):
            switch function {
            case .where, .select, .repeat, .first, .last, .tail, .distinct, .children, .descendants, .resolve,
                 .ofType, .single:
                return emptyWhenHeadsAbsent(input)
            default:
                return false
            }
        default:
            return false
        }
    }

    /// `%` names whose value is fixed text (`%ucum`, `%vs-…`), not part of the message.
    private static func isConstant(_ name: String) -> Bool {
        name == "ucum" || name == "sct" || name == "loinc" || name.hasPrefix("vs-") || name.hasPrefix("ext-")
    }

    private static func union(_ a: Set<String>?, _ b: Set<String>?) -> Set<String>? {
        guard let a, let b else { return nil }
        return a.union(b)
    }
}

extension Function {
    /// Functions that evaluate their argument once per input item, with the item as `$this`.
    var iterates: Bool {
        switch self {
        case .where, .select, .all, .exists, .repeat: return true
        default: return false
        }
    }
}
