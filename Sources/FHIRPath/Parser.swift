import Foundation

/// A recursive-descent parser for the FHIRPath grammar of FHIR STU3 (FHIRPath normative N1
/// precedence): invocation and indexer, unary sign, multiplicative, additive, `is`/`as`, union,
/// inequality, equality, membership, `and`, `or`/`xor`, `implies`.
struct Parser {
    private let tokens: [Token]
    private var p = 0
    /// How many nested parts (a sign's operand, a parenthesis, a function's arguments, an index)
    /// enclose the current token.
    private var nesting = 0

    /// The most nested parts an expression may have: each costs the parser (and the evaluator) a
    /// few stack frames, and 1,700 nested signs overflowed the stack (found by FuzzFHIRPath).
    static let maximumNesting = 100
    /// The deepest expression tree accepted: long operator and invocation chains (`a + b + …`,
    /// `a.b.c…`) are parsed by loops but evaluated by recursion, one level per operator.
    static let maximumTreeDepth = 400
    /// The most tokens an expression may have (the longest in the FHIR and NHS profiles have a
    /// few hundred): it bounds the size, and so the depth, of the tree the parser builds.
    static let maximumTokens = 2_000

    init(tokens: [Token]) { self.tokens = tokens }

    /// Parses a whole expression; anything left over is an error.
    static func parse(_ text: String) throws -> Node {
        let tokens = try Lexer.tokens(text)
        // Before any tree is built: a tree as deep as a long chain would also be freed by
        // recursion, one level per operator (300,000 additions overflowed the stack so).
        guard tokens.count <= maximumTokens + 1 else {  // the tokens and the end
            throw FHIRPathSyntaxError("the expression is longer than \(maximumTokens) tokens", column: tokens[maximumTokens].column)
        }
        var parser = Parser(tokens: tokens)
        let node = try parser.expression(0)
        guard parser.current.kind == .end else {
            throw FHIRPathSyntaxError("unexpected \(parser.describe(parser.current))", column: parser.current.column)
        }
        guard depth(of: node, upTo: maximumTreeDepth) <= maximumTreeDepth else {
            throw FHIRPathSyntaxError("the expression is nested more than \(maximumTreeDepth) operators deep", column: 1)
        }
        return node
    }

    /// The depth of `node`'s tree, counted no further than `limit + 1` (so the count's own
    /// recursion is bounded too).
    private static func depth(of node: Node, upTo limit: Int) -> Int {
        guard limit >= 0 else { return 1 }
        let below: [Node]
        switch node {
        case .empty, .literal, .special, .external: return 1
        case let .member(input, _): below = input.map { [$0] } ?? []
        case let .call(input, _, args): below = (input.map { [$0] } ?? []) + args
        case let .index(base, position): below = [base, position]
        case let .unary(_, operand): below = [operand]
        case let .binary(_, left, right): below = [left, right]
        case let .typeOp(_, operand, _): below = [operand]
        }
        var deepest = 0
        for child in below {
            deepest = max(deepest, depth(of: child, upTo: limit - 1))
            if deepest > limit { break }
        }
        return deepest + 1
    }

    /// Runs `body` one nesting level deeper, refusing to go past ``maximumNesting`` (the error
    /// at `column`, the sign or bracket that opens the level).
    private mutating func nested<T>(at column: Int, _ body: (inout Parser) throws -> T) throws -> T {
        guard nesting < Self.maximumNesting else {
            throw FHIRPathSyntaxError("the expression is nested more than \(Self.maximumNesting) levels deep", column: column)
        }
        nesting += 1
        defer { nesting -= 1 }
        return try body(&self)
    }

    private var current: Token { tokens[p] }

    /// Binding levels, tightest last (the unary sign and invocation bind tighter than all of them).
    private static let levels: [[String]] = [
        ["implies"], ["or", "xor"], ["and"], ["in", "contains"], ["=", "~", "!=", "!~"],
        ["<", ">", "<=", ">="], ["|"], ["is", "as"], ["+", "-", "&"], ["*", "/", "div", "mod"],
    ]

    /// The operator spelled by a token, if it is one (keyword operators are identifiers).
    private func operatorText(_ t: Token) -> String? {
        switch t.kind {
        case let .symbol(s): return s
        case let .identifier(s): return s
        default: return nil
        }
    }

    private mutating func expression(_ level: Int) throws -> Node {
        if level == Self.levels.count { return try unary() }
        var left = try expression(level + 1)
        while let op = operatorText(current), Self.levels[level].contains(op) {
            p += 1
            if op == "is" || op == "as" {
                left = .typeOp(isCheck: op == "is", left, try typeSpecifier())
            } else {
                let right = try expression(level + 1)
                left = .binary(BinaryOperator(rawValue: op)!, left, right)
            }
        }
        return left
    }

    private mutating func unary() throws -> Node {
        if case let .symbol(s) = current.kind, s == "+" || s == "-" {
            let sign = current
            p += 1
            let operand = try nested(at: sign.column) { try $0.unary() }
            return .unary(s, operand)
        }
        return try postfix()
    }

    private mutating func postfix() throws -> Node {
        var node = try term()
        while true {
            if current.kind == .symbol(".") {
                p += 1
                node = try invocation(on: node)
            } else if current.kind == .symbol("[") {
                let open = current
                p += 1
                let index = try nested(at: open.column) { try $0.expression(0) }
                try expect("]")
                node = .index(node, index)
            } else {
                return node
            }
        }
    }

    private mutating func term() throws -> Node {
        let t = current
        switch t.kind {
        case let .string(s):
            p += 1
            return .literal(.string(s))
        case let .number(lexeme):
            p += 1
            return try numberOrQuantity(lexeme, column: t.column)
        case let .dateTime(text):
            p += 1
            guard let value = FHIRPathDateTime(literal: text) else {
                throw FHIRPathSyntaxError("'@\(text)' is not a valid date, dateTime or time", column: t.column)
            }
            return .literal(.dateTime(value))
        case let .externalConstant(name):
            p += 1
            return .external(name)
        case let .special(name):
            p += 1
            return .special(name)
        case .symbol("("):
            p += 1
            let inner = try nested(at: t.column) { try $0.expression(0) }
            try expect(")")
            return inner
        case .symbol("{"):
            p += 1
            try expect("}")
            return .empty
        case let .identifier(name) where name == "true" || name == "false":
            p += 1
            return .literal(.boolean(name == "true"))
        case .identifier, .delimitedIdentifier:
            return try invocation(on: nil)
        default:
            throw FHIRPathSyntaxError("unexpected \(describe(t))", column: t.column)
        }
    }

    /// A member name or a function call, on an input (nil: the focus).
    private mutating func invocation(on input: Node?) throws -> Node {
        let t = current
        let name: String
        switch t.kind {
        case let .identifier(n), let .delimitedIdentifier(n): name = n
        case .special("this"), .special("index"), .special("total"):
            // `x.$this` is not in the grammar; keep the error precise.
            throw FHIRPathSyntaxError("a name is expected after '.'", column: t.column)
        default:
            throw FHIRPathSyntaxError("a name is expected, found \(describe(t))", column: t.column)
        }
        p += 1
        guard current.kind == .symbol("(") else { return .member(input, name) }
        let open = current
        p += 1
        var args: [Node] = []
        if current.kind != .symbol(")") {
            args.append(try nested(at: open.column) { try $0.expression(0) })
            while current.kind == .symbol(",") {
                p += 1
                args.append(try nested(at: open.column) { try $0.expression(0) })
            }
        }
        try expect(")")
        let function = Function(name: name)
        guard function.arity.contains(args.count) else {
            throw FHIRPathSyntaxError("\(name)() takes \(function.arity.lowerBound == function.arity.upperBound ? "\(function.arity.lowerBound)" : "\(function.arity.lowerBound) to \(function.arity.upperBound)") argument(s), not \(args.count)", column: t.column)
        }
        return .call(input, function, args)
    }

    private mutating func typeSpecifier() throws -> TypeName {
        guard case let .identifier(first) = current.kind else {
            if case let .delimitedIdentifier(first) = current.kind { p += 1; return TypeName(namespace: nil, name: first) }
            throw FHIRPathSyntaxError("a type name is expected", column: current.column)
        }
        p += 1
        if current.kind == .symbol("."), case let .identifier(second) = tokens[p + 1].kind {
            p += 2
            return TypeName(namespace: first, name: second)
        }
        return TypeName(namespace: nil, name: first)
    }

    private static let calendarUnits: Set<String> = [
        "year", "years", "month", "months", "week", "weeks", "day", "days",
        "hour", "hours", "minute", "minutes", "second", "seconds", "millisecond", "milliseconds",
    ]

    private mutating func numberOrQuantity(_ lexeme: String, column: Int) throws -> Node {
        if case let .string(unit) = current.kind {
            p += 1
            return .literal(.quantity(Decimal(string: lexeme) ?? 0, unit: unit))
        }
        if case let .identifier(word) = current.kind, Self.calendarUnits.contains(word) {
            p += 1
            return .literal(.quantity(Decimal(string: lexeme) ?? 0, unit: word))
        }
        if lexeme.contains(".") {
            guard let d = Decimal(string: lexeme) else { throw FHIRPathSyntaxError("bad decimal '\(lexeme)'", column: column) }
            return .literal(.decimal(d))
        }
        guard let n = Int(lexeme) else {
            // Too large for an integer: keep it exact as a decimal.
            guard let d = Decimal(string: lexeme) else { throw FHIRPathSyntaxError("bad number '\(lexeme)'", column: column) }
            return .literal(.decimal(d))
        }
        return .literal(.integer(n))
    }

    private mutating func expect(_ symbol: String) throws {
        guard current.kind == .symbol(symbol) else {
            throw FHIRPathSyntaxError("'\(symbol)' expected, found \(describe(current))", column: current.column)
        }
        p += 1
    }

    private func describe(_ t: Token) -> String {
        switch t.kind {
        case let .identifier(s): return "'\(s)'"
        case let .delimitedIdentifier(s): return "'`\(s)`'"
        case let .string(s): return "string '\(s)'"
        case let .number(s): return "number \(s)"
        case let .dateTime(s): return "'@\(s)'"
        case let .externalConstant(s): return "'%\(s)'"
        case let .special(s): return "'$\(s)'"
        case let .symbol(s): return "'\(s)'"
        case .end: return "end of expression"
        }
    }
}
