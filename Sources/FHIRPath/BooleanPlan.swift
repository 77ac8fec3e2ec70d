import Foundation
import FHIRModel
import FHIRDefinitions

/// The boolean skeleton of an expression, compiled once: the shapes most constraints take
/// (`a.exists() or b.empty()`, `extension.exists() != value.exists()`, `contained.where(…).empty()`)
/// answered straight from the tree, without building collections; any other part is a
/// ``general(_:)`` leaf that the evaluator runs as usual.
///
/// Every plan answers exactly what `boolean(eval(node))` answers for the node it stands for, the
/// same errors in the same order included: the shapes below produce one boolean or none, so the
/// singleton rule never sees more.
indirect enum BooleanPlan: Sendable {
    /// `a.b.c.exists()` (`empty()` when `negated`): member names followed from the focus.
    case exists([String], negated: Bool)
    /// `head…​.empty()` / `.exists()` over a chain that keeps an empty input empty (members,
    /// `where`, `select`, `first`…): decided without evaluation when the focus has no child `head`,
    /// else `node` is evaluated.
    case emptyUnless(head: String, negated: Bool, node: Node)
    /// `and`, `or`, `xor`, `implies` (three-valued, the right side only when needed).
    case logic(BinaryOperator, BooleanPlan, BooleanPlan)
    /// `x.not()`.
    case not(BooleanPlan)
    /// `=` (or `!=` when `negated`) between two plans that always give one boolean.
    case same(BooleanPlan, BooleanPlan, negated: Bool)
    /// `name = 'text'`, `name = true` (`!=` when `negated`): a child of the focus against a string
    /// or boolean literal (bdl-9's `type = 'document'`, imm-1's `notGiven = true`), read from the
    /// child's lexical value where the child's definition allows it; else `node` is evaluated.
    case equalsLiteral(name: String, literal: Literal, negated: Bool, node: Node, what: String)
    /// `where(criterion).exists()` (`.empty()` when `negated`) on the focus alone, the criterion an
    /// ``equalsLiteral(name:literal:negated:node:what:)`` (org-2's `where(use = 'home').empty()`):
    /// the focus is kept exactly when the criterion is true.
    case focusWhere(BooleanPlan, negated: Bool)
    /// Any other expression: evaluated, then read as a boolean with `what` naming its user.
    case general(Node, what: String)

    /// The plan of an expression's root, or nil when no part of it has a faster shape.
    static func compile(_ root: Node) -> BooleanPlan? {
        let plan = make(root, what: "")
        if case .general = plan { return nil }
        return plan
    }

    private static func make(_ node: Node, what: String) -> BooleanPlan {
        switch node {
        case let .call(input?, function, args) where args.isEmpty && (function == .exists || function == .empty):
            let negated = function == .empty
            if let names = memberChain(input) { return .exists(names, negated: negated) }
            if let head = emptyPreservingHead(input) { return .emptyUnless(head: head, negated: negated, node: node) }
            if case let .call(nil, .where, criteria) = input, criteria.count == 1 {
                let criterion = make(criteria[0], what: "a criteria expression")
                if case .equalsLiteral = criterion { return .focusWhere(criterion, negated: negated) }
            }
        case let .call(input?, .not, args) where args.isEmpty:
            return .not(make(input, what: "not()"))
        case let .binary(op, a, b) where op == .and || op == .or || op == .xor || op == .implies:
            let what = "'\(op.rawValue)'"
            return .logic(op, make(a, what: what), make(b, what: what))
        case let .binary(.greater, sum, .literal(.integer(0))):
            // `(a.count() + b.count()) > 0` (org-1): some chain has an item. Counts never fail,
            // and the answer is always one boolean.
            if let chains = countedChains(sum) {
                return chains.dropFirst().reduce(.exists(chains[0], negated: false)) {
                    .logic(.or, $0, .exists($1, negated: false))
                }
            }
        case let .binary(op, a, b) where op == .equal || op == .notEqual:
            if case let .member(nil, name) = a, case let .literal(literal) = b {
                switch literal {
                case .string, .boolean:
                    return .equalsLiteral(name: name, literal: literal, negated: op == .notEqual, node: node, what: what)
                default:
                    break
                }
            }
            let x = make(a, what: ""), y = make(b, what: "")
            if x.isDefinite && y.isDefinite { return .same(x, y, negated: op == .notEqual) }
        default:
            break
        }
        return .general(node, what: what)
    }

    /// The member chains of `a.count() + b.count() + …`, or nil for anything else.
    private static func countedChains(_ node: Node) -> [[String]]? {
        switch node {
        case let .call(input?, .count, args) where args.isEmpty:
            return memberChain(input).map { [$0] }
        case let .binary(.add, a, b):
            guard let x = countedChains(a), let y = countedChains(b) else { return nil }
            return x + y
        default:
            return nil
        }
    }

    /// True when the plan always gives exactly one boolean (never empty).
    private var isDefinite: Bool {
        switch self {
        case .exists, .emptyUnless, .focusWhere: return true
        default: return false
        }
    }

    /// `a.b.c` from the focus: the names, or nil for anything else.
    private static func memberChain(_ node: Node) -> [String]? {
        switch node {
        case let .member(nil, name): return [name]
        case let .member(input?, name): return memberChain(input).map { $0 + [name] }
        default: return nil
        }
    }

    /// The first member name of a chain whose every later step gives nothing for no input and
    /// cannot fail on it; nil for other chains.
    private static func emptyPreservingHead(_ node: Node) -> String? {
        switch node {
        case let .member(nil, name): return name
        case let .member(input?, _): return emptyPreservingHead(input)
        case let .call(input?, function, _):
            switch function {
            case .where, .select, .first, .last, .tail, .distinct, .children, .descendants, .resolve:
                return emptyPreservingHead(input)
            default:
                return nil
            }
        default:
            return nil
        }
    }
}

extension FHIRPathEngine {
    /// The value of a plan on the focus (one typed element): true, false or nil (empty). The
    /// evaluator of ``BooleanPlan/general(_:what:)`` leaves is made on first need (most plans
    /// have none), and then shared by the later leaves as one evaluation would be.
    func decide(_ plan: BooleanPlan, _ focus: TypedElement, _ environment: FHIRPathEnvironment,
                _ evaluation: inout Evaluation?) throws -> Bool? {
        switch plan {
        case let .exists(names, negated):
            return anyItem(from: focus, names[...], atStart: true) != negated
        case let .emptyUnless(head, negated, node):
            guard anyItem(from: focus, [head], atStart: true) else { return negated }
            return try decide(.general(node, what: ""), focus, environment, &evaluation)
        case let .logic(op, a, b):
            let x = try decide(a, focus, environment, &evaluation)
            switch (op, x) {
            case (.and, false?): return false
            case (.or, true?): return true
            case (.implies, false?): return true
            default: break
            }
            let y = try decide(b, focus, environment, &evaluation)
            switch op {
            case .and: return y == false ? false : (x == true && y == true ? true : nil)
            case .or: return y == true ? true : (x == false && y == false ? false : nil)
            case .xor: return x.flatMap { x in y.map { x != $0 } }
            default: return y == true ? true : (x == true ? y : nil)   // implies: x is true or unknown
            }
        case let .not(inner):
            return try decide(inner, focus, environment, &evaluation).map { !$0 }
        case let .same(a, b, negated):
            let x = try decide(a, focus, environment, &evaluation)
            let y = try decide(b, focus, environment, &evaluation)
            guard let x, let y else { return nil }
            return (x == y) != negated
        case let .equalsLiteral(name, literal, negated, node, what):
            if let answer = literalEquality(focus, name, literal) { return answer.map { $0 != negated } }
            return try decide(.general(node, what: what), focus, environment, &evaluation)
        case let .focusWhere(criterion, negated):
            return try (decide(criterion, focus, environment, &evaluation) == true) != negated
        case let .general(node, what):
            if evaluation == nil { evaluation = Evaluation(engine: self, env: environment, context: focus) }
            let items = try evaluation!.eval(node, [.element(focus)])
            return try evaluation!.boolean(items, what)
        }
    }

    /// True when following `names` from `t` reaches some item: the test `names.exists()` makes,
    /// with the matching rules of a member step (choice variants, the `id` and `url` attributes,
    /// a leading type name that names a resource focus), without collecting the items.
    func anyItem(from t: TypedElement, _ names: ArraySlice<String>, atStart: Bool) -> Bool {
        anyItem(from: t.element, type: t.type, names, atStart: atStart)
    }

    /// As above, on an element read in place: children are borrowed from their parent's array,
    /// so no element is copied (retained) on the way down.
    private func anyItem(from e: borrowing Element, type: ElementType?, _ names: ArraySlice<String>,
                         atStart: Bool) -> Bool {
        guard let name = names.first else { return true }
        let rest = names.dropFirst()
        if atStart, e.isResource, type?.name == name, e.child(name) == nil {
            return anyItem(from: e, type: type, rest, atStart: false)
        }
        let nameLength = name.utf8.count
        // Same-named children share one definition and (resources aside) one type: looked up once
        // per step, not once per repetition (bdl-2/3/4 follow `entry` through every entry).
        var sameLooked = false
        var sameInfo: ChildInfo?
        var sameType: ElementType?
        // The step's bytes are read once for all the children.
        let stepBytes = name.utf8.span
        let children = e.children.span
        for k in children.indices {
            let info: ChildInfo?
            // The child table is read only for a candidate (most children fail on the name alone).
            switch NameMatch(children[k].name, utf8: stepBytes) {
            case .same:
                guard !rest.isEmpty else { return true }
                if !sameLooked {
                    sameLooked = true
                    sameInfo = type?.childTable?[name]
                    if let sameInfo, !sameInfo.holdsResource { sameType = self.type(of: sameInfo) }
                }
                if let sameInfo, !sameInfo.holdsResource {
                    if anyItem(from: children[k], type: sameType, rest, atStart: false) { return true }
                    continue
                }
                info = sameInfo
            case .longer:
                guard let choice = type?.childTable?[children[k].name], choice.isChoice,
                      children[k].name.utf8.count == nameLength + choice.typeCode.utf8.count else { continue }
                guard !rest.isEmpty else { return true }
                info = choice
            case .other:
                continue
            }
            if anyItem(from: children[k], type: childType(children[k], as: info), rest, atStart: false) { return true }
        }
        // The attributes are leaves (strings without children or attributes of their own).
        guard rest.isEmpty else { return false }
        if nameLength == 2 && name == "id" { return !e.isResource && e.id != nil }
        if nameLength == 3 && name == "url" { return e.url != nil }
        return false
    }

    /// What `name = literal` gives on `t` (nil: empty), answered from the lexical value of the one
    /// child `name`, as the evaluator's `=` would answer it; `.none` where this does not decide it
    /// (the name is a choice, a resource, an attribute or the focus's own type name; the child is
    /// not a primitive of the literal's kind; a choice variant shares the name as a prefix).
    func literalEquality(_ t: TypedElement, _ name: String, _ literal: Literal) -> Bool?? {
        guard let table = t.type?.childTable, let info = table[name], !info.isChoice, case .primitive = info.content,
              name != "id", name != "url", !(t.element.isResource && t.type?.name == name) else { return .none }
        let kind = PrimitiveKind.of(info.typeCode)
        switch (kind, literal) {
        case (.string?, .string), (.boolean?, .boolean): break
        default: return .none
        }
        let nameLength = name.utf8.count
        var count = 0
        var value: String?
        let children = t.element.children.span
        for k in children.indices {
            switch NameMatch(children[k].name, name) {
            case .same:
                count += 1
                if count == 1 { value = children[k].value }
            case .longer:
                // A choice variant sharing the name as a prefix: not decided here.
                if let choice = table[children[k].name], choice.isChoice,
                   children[k].name.utf8.count == nameLength + choice.typeCode.utf8.count { return .none }
            case .other:
                continue
            }
        }
        if count == 0 { return .some(nil) }   // an empty side: empty
        if count > 1 { return .some(false) }  // collections of different sizes
        guard let value else { return .some(nil) }   // no value (extensions only): empty
        switch literal {
        case let .string(text): return .some(value == text)
        case let .boolean(b): return .some(value == "true" ? b : value == "false" ? !b : false)
        default: return .none
        }
    }

    /// How a child's name relates to a member step's: the same, longer with it as a prefix (maybe
    /// a choice variant: `valueQuantity` for `value`), or other. Compares UTF-8 bytes.
    enum NameMatch {
        case same, longer, other

        @inline(__always)
        init(_ child: String, _ step: String) {
            self.init(child, utf8: step.utf8.span)
        }

        /// As above, with the step's UTF-8 bytes (read once by a caller matching many children).
        @inline(__always)
        init(_ child: String, utf8 s: Span<UInt8>) {
            // Most children fail on the length alone (no bytes read).
            if child.utf8.count < s.count {
                self = .other
                return
            }
            let c = child.utf8.span
            guard s.count > 0 else {
                self = c.count == s.count ? .same : .other
                return
            }
            guard c[0] == s[0], Self.startsWith(c, s) else {
                self = .other
                return
            }
            self = c.count == s.count ? .same : .longer
        }

        /// Whether `c` begins with `s` (no longer than `c`).
        @inline(__always)
        private static func startsWith(_ c: Span<UInt8>, _ s: Span<UInt8>) -> Bool {
            for k in s.indices where c[k] != s[k] { return false }
            return true
        }
    }

    /// The type ``typed(_:as:)`` gives a child, without building the typed element.
    private func childType(_ element: borrowing Element, as info: ChildInfo?) -> ElementType? {
        guard let info else {
            guard let resourceType = element.resourceType else { return nil }
            return self.resourceType(resourceType)
        }
        if case .resource = info.content { return resourceType(element.resourceType ?? element.name) }
        return type(of: info)
    }
}

extension ChildInfo {
    /// True when the child is a resource, whose type comes from the data rather than the definition.
    var holdsResource: Bool {
        if case .resource = content { return true }
        return false
    }
}
