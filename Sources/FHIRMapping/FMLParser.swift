import FHIRModel

/// The FHIR Mapping Language parser (https://hl7.org/fhir/R4/mapping-language.html, with the
/// reference engine's extensions: `///` headers, quoted rule names, `;` after blocks).
///
/// Errors are values: each syntax error has its line:column and the parser resumes at the next
/// rule (after `;`) or group, so one pass reports several.
///
/// ```swift
/// let result = FMLParser.parse(text)
/// if result.issues.isEmpty { run(result.map) }
/// ```
public struct FMLParser {
    /// What parsing gives: the map (as much as could be read) and the errors met.
    public struct Result: Sendable {
        /// The map; complete when ``issues`` has no error.
        public var map: StructureMap
        /// Syntax errors (rule `fml.syntax`), in source order.
        public var issues: [Issue]
    }

    private let tokens: [FMLToken]
    private let source: [UInt8]
    private var k = 0
    private var issues: [Issue]
    /// How many `then { … }` blocks enclose the rule being read.
    private var blockDepth = 0

    /// The deepest nesting of `then { … }` blocks read: the parser, the reference check and the
    /// engine recurse once per level on a thread's stack (20,000 levels overflowed it). Real maps
    /// nest fewer than ten.
    public static let maximumBlockDepth = 100

    private init(_ text: String) {
        // A Markdown file (`.fml.md`) holds its map inside a fenced block.
        let body = Self.fencedBody(text) ?? text
        let lexed = FMLLexer.tokenize(body)
        tokens = lexed.tokens
        issues = lexed.issues
        source = Array(body.utf8)
    }

    /// Parses an FML text (or a Markdown text whose first fenced block holds one).
    public static func parse(_ text: String) -> Result {
        var parser = FMLParser(text)
        let map = parser.parseMap()
        let issues = parser.issues.sorted { ($0.position ?? .unknown) < ($1.position ?? .unknown) }
        return Result(map: map, issues: issues)
    }

    /// The content of the first ```` ``` ```` fenced block, blank-padded so that lines keep their
    /// numbers; nil when the text has none.
    static func fencedBody(_ text: String) -> String? {
        // `\r\n` is one Character in Swift: split on every kind of line end.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        guard let open = lines.firstIndex(where: { $0.hasPrefix("```") }),
              let close = lines[(open + 1)...].firstIndex(where: { $0.hasPrefix("```") }) else { return nil }
        var out = Array(repeating: "", count: open + 1)
        out += lines[(open + 1)..<close].map(String.init)
        return out.joined(separator: "\n")
    }

    // MARK: tokens

    private var token: FMLToken { tokens[k] }
    private func peek(_ n: Int = 1) -> FMLToken { tokens[min(k + n, tokens.count - 1)] }
    private mutating func advance() { if k < tokens.count - 1 { k += 1 } }

    private struct Failure: Error {}

    private mutating func fail(_ message: String, at t: FMLToken? = nil) -> Failure {
        let at = t ?? token
        let found = at.kind == .end ? "end of file" : "'\(at.text)'"
        issues.append(Issue(.error, .structure, rule: FMLRule.syntax, "\(message), found \(found)", position: at.position))
        return Failure()
    }

    private mutating func expectSymbol(_ s: String) throws {
        guard token.isSymbol(s) else { throw fail("expected '\(s)'") }
        advance()
    }

    private mutating func expectWord(_ s: String) throws {
        guard token.isWord(s) else { throw fail("expected '\(s)'") }
        advance()
    }

    private mutating func optionalSymbol(_ s: String) -> Bool {
        guard token.isSymbol(s) else { return false }
        advance()
        return true
    }

    private mutating func name(_ what: String) throws -> String {
        guard token.isName else { throw fail("expected \(what)") }
        defer { advance() }
        return token.text
    }

    private mutating func quoted(_ what: String) throws -> String {
        guard token.kind == .doubleQuoted || token.kind == .singleQuoted else { throw fail("expected \(what) in quotes") }
        defer { advance() }
        return token.text
    }

    /// Skips to just after the next `;` at this nesting level, or to a `}` that closes it.
    private mutating func recoverInRule() {
        var depth = 0
        while token.kind != .end {
            if token.isSymbol("{") || token.isSymbol("(") { depth += 1 }
            if token.isSymbol(")") { depth = max(0, depth - 1) }
            if token.isSymbol("}") {
                if depth == 0 { return }
                depth -= 1
            }
            if token.isSymbol(";") && depth == 0 { advance(); return }
            if depth == 0 && token.isWord("group") && peek().isName { return }
            advance()
        }
    }

    /// Skips to the next top-level declaration.
    private mutating func recoverAtTop() {
        while token.kind != .end {
            if ["group", "uses", "imports", "conceptmap", "let", "map"].contains(token.text) && token.kind == .identifier { return }
            advance()
        }
    }

    // MARK: map

    private mutating func parseMap() -> StructureMap {
        var map = StructureMap(position: token.position)
        while token.kind != .end {
            do {
                if token.kind == .metadata {
                    parseMetadata(&map)
                } else if token.isWord("map") {
                    advance()
                    map.url = try quoted("the map URL")
                    try expectSymbol("=")
                    map.name = try quoted("the map name")
                    _ = optionalSymbol(";")
                } else if token.isWord("uses") {
                    map.structures.append(try parseUses())
                } else if token.isWord("imports") {
                    advance()
                    map.imports.append(try quoted("the imported map URL"))
                    _ = optionalSymbol(";")
                } else if token.isWord("conceptmap") {
                    map.conceptMaps.append(try parseConceptMap())
                } else if token.isWord("let") {
                    advance()
                    let constantName = try name("a constant name")
                    try expectSymbol("=")
                    let expression = try fhirPath(until: [";"])
                    try expectSymbol(";")
                    map.constants.append(.init(name: constantName, expression: expression))
                } else if token.isWord("group") {
                    map.groups.append(try parseGroup())
                } else {
                    throw fail("expected 'map', 'uses', 'imports', 'conceptmap', 'let' or 'group'")
                }
            } catch {
                advance()
                recoverAtTop()
            }
        }
        if map.name.isEmpty, let name = map.metadata("name") { map.name = name }
        if map.url.isEmpty, let url = map.metadata("url") { map.url = url }
        if map.groups.isEmpty && issues.isEmpty {
            issues.append(Issue(.error, .structure, rule: FMLRule.syntax, "a map needs at least one group", position: token.position))
        }
        return map
    }

    private mutating func parseMetadata(_ map: inout StructureMap) {
        let line = token.text
        let position = token.position
        advance()
        guard let eq = line.firstIndex(of: "=") else {
            // A documentation line without `key = value`: kept as-is under `description`-less key.
            return
        }
        let key = line[..<eq].trimmingCharacters(in: " \t")
        var value = line[line.index(after: eq)...].trimmingCharacters(in: " \t")
        if value.hasPrefix("\"\"\"") && value.hasSuffix("\"\"\"") && value.count >= 6 {
            value = String(value.dropFirst(3).dropLast(3))
        } else if value.count >= 2 && value.hasPrefix("\"") && value.hasSuffix("\"") {
            value = String(value.dropFirst().dropLast())
        } else if value.count >= 2 && value.hasPrefix("'") && value.hasSuffix("'") {
            value = String(value.dropFirst().dropLast())
        }
        guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" }) else {
            issues.append(Issue(.error, .structure, rule: FMLRule.syntax, "a /// header line is 'key = value'", position: position))
            return
        }
        map.metadata.append(.init(key: key, value: value))
    }

    private mutating func parseUses() throws -> StructureMap.Structure {
        let position = token.position
        advance()
        let url = try quoted("the structure URL")
        var alias: String?
        if token.isWord("alias") {
            advance()
            alias = try name("an alias name")
        }
        try expectWord("as")
        guard token.kind == .identifier, let mode = StructureMap.StructureMode(rawValue: token.text) else {
            throw fail("expected source, queried, target or produced")
        }
        advance()
        _ = optionalSymbol(";")
        return .init(url: url, mode: mode, alias: alias, position: position)
    }

    private mutating func parseConceptMap() throws -> EmbeddedConceptMap {
        let position = token.position
        advance()
        let id: String
        if token.kind == .doubleQuoted || token.kind == .singleQuoted { id = try quoted("the ConceptMap id") } else { id = try name("the ConceptMap id") }
        var map = EmbeddedConceptMap(id: id, position: position)
        try expectSymbol("{")
        while !token.isSymbol("}") {
            guard token.kind != .end else { throw fail("expected '}' closing the conceptmap") }
            if token.isWord("prefix") {
                advance()
                let prefix = try name("a prefix")
                try expectSymbol("=")
                map.prefixes[prefix] = try quoted("the code system URL")
            } else if token.isWord("unmapped") {
                advance()
                try expectWord("for")
                let prefix = try name("a prefix")
                try expectSymbol("=")
                map.unmapped[prefix] = try name("an unmapped mode")
            } else {
                let sourcePrefix = try name("a prefix")
                try expectSymbol(":")
                let sourceCode = try code()
                guard token.kind == .symbol, ["-", "==", "!=", "<=", ">="].contains(token.text) else {
                    throw fail("expected a relationship (-, ==, !=, <=, >=)")
                }
                let relationship = token.text
                advance()
                var targetPrefix: String?, targetCode: String?
                if token.isName && peek().isSymbol(":") {
                    targetPrefix = token.text
                    advance(); advance()
                    targetCode = try code()
                }
                guard map.prefixes[sourcePrefix] != nil else {
                    issues.append(Issue(.error, .invalid, rule: FMLRule.reference, "unknown prefix '\(sourcePrefix)'", position: position))
                    continue
                }
                map.mappings.append(.init(sourcePrefix: sourcePrefix, sourceCode: sourceCode, relationship: relationship,
                                          targetPrefix: targetPrefix, targetCode: targetCode))
            }
        }
        advance()
        _ = optionalSymbol(";")
        return map
    }

    private mutating func code() throws -> String {
        switch token.kind {
        case .identifier, .delimited, .singleQuoted, .doubleQuoted, .number:
            defer { advance() }
            return token.text
        default:
            throw fail("expected a code")
        }
    }

    // MARK: groups

    private mutating func parseGroup() throws -> Group {
        let position = token.position
        advance()
        var group = Group(name: try name("a group name"), position: position)
        try expectSymbol("(")
        repeat {
            guard token.kind == .identifier, let mode = Group.InputMode(rawValue: token.text) else {
                throw fail("expected 'source' or 'target'")
            }
            advance()
            let inputName = try name("an input name")
            var type: String?
            if optionalSymbol(":") { type = try name("a type") }
            group.inputs.append(.init(name: inputName, type: type, mode: mode))
        } while optionalSymbol(",")
        try expectSymbol(")")
        if token.isWord("extends") {
            advance()
            group.extends = try name("the extended group")
        }
        if token.isSymbol("<") && peek().isSymbol("<") {
            advance(); advance()
            let mode = try name("types or type")
            if mode == "types" {
                group.typeMode = .types
            } else if mode == "type" && token.isSymbol("+") {
                advance()
                group.typeMode = .typeAndTypes
            } else {
                throw fail("expected <<types>> or <<type+>>")
            }
            try expectSymbol(">")
            try expectSymbol(">")
        }
        try expectSymbol("{")
        group.rules = parseRules()
        try expectSymbol("}")
        _ = optionalSymbol(";")
        return group
    }

    /// Rules up to (not including) the `}` that closes them.
    private mutating func parseRules() -> [Rule] {
        var rules: [Rule] = []
        while !token.isSymbol("}") && token.kind != .end {
            if token.isWord("group") && peek().isName && peek(2).isSymbol("(") { break }   // a missing `}`
            let start = k
            do {
                rules.append(try parseRule())
            } catch {
                recoverInRule()
                if k == start { advance() }
            }
        }
        return rules
    }

    // MARK: rules

    private mutating func parseRule() throws -> Rule {
        var rule = Rule(position: token.position)
        repeat {
            rule.sources.append(try parseSource())
        } while optionalSymbol(",")
        if optionalSymbol("->") {
            repeat {
                rule.targets.append(try parseTarget())
            } while optionalSymbol(",")
        }
        if token.isWord("then") {
            advance()
            if optionalSymbol("{") {
                rule.rules = try nestedRules()
                try expectSymbol("}")
            } else if token.isSymbol("{}") {
                advance()
            } else {
                repeat {
                    let position = token.position
                    let groupName = try name("a group name or '{'")
                    try expectSymbol("(")
                    var parameters: [Parameter] = []
                    if !token.isSymbol(")") {
                        repeat { parameters.append(try parameter()) } while optionalSymbol(",")
                    }
                    try expectSymbol(")")
                    rule.dependents.append(.init(name: groupName, parameters: parameters, position: position))
                } while optionalSymbol(",")
                // The FML IG grammar also allows a block after the calls.
                if optionalSymbol("{") {
                    rule.rules = try nestedRules()
                    try expectSymbol("}")
                }
            }
        }
        if token.kind == .doubleQuoted {
            rule.name = token.text
            advance()
        }
        if !optionalSymbol(";") {
            // After a block, `;` may be left out before the next rule or the closing `}`.
            guard !rule.rules.isEmpty || tokens[k - 1].isSymbol("}") else { throw fail("expected ';' at the end of the rule") }
        }
        if rule.name == nil { rule.name = Self.derivedName(rule) }
        Self.expandSimpleCopy(&rule)
        return rule
    }

    /// The rules of a `then { … }` block, within ``maximumBlockDepth``.
    private mutating func nestedRules() throws -> [Rule] {
        guard blockDepth < Self.maximumBlockDepth else {
            throw fail("rule blocks nest deeper than \(Self.maximumBlockDepth) levels")
        }
        blockDepth += 1
        defer { blockDepth -= 1 }
        return parseRules()
    }

    /// `src.a -> tgt.a;` means `src.a as vvv -> tgt.a = create() as vvv` followed by the default
    /// group for the two (as the reference engine compiles it).
    static func expandSimpleCopy(_ rule: inout Rule) {
        guard rule.sources.count == 1, rule.sources[0].element != nil, rule.sources[0].variable == nil,
              rule.targets.count == 1, rule.targets[0].context != nil, rule.targets[0].element != nil,
              rule.targets[0].variable == nil, rule.targets[0].transform == nil,
              rule.rules.isEmpty, rule.dependents.isEmpty else { return }
        rule.sources[0].variable = simpleCopyVariable
        rule.targets[0].transform = .create
        rule.targets[0].variable = simpleCopyVariable
    }

    /// The variable name the simple-copy form uses on both sides.
    static let simpleCopyVariable = "vvv"

    /// The reference engine's default name: the single source's element (+ type).
    static func derivedName(_ rule: Rule) -> String? {
        guard rule.sources.count == 1, let element = rule.sources[0].element else { return nil }
        return element + (rule.sources[0].type ?? "")
    }

    private mutating func parseSource() throws -> RuleSource {
        var source = RuleSource(context: "", position: token.position)
        if token.isWord("search") && peek().isSymbol("(") {
            throw fail("search() sources are not supported")
        }
        source.context = try name("a source variable")
        if optionalSymbol(".") {
            source.element = try elementName()
        }
        if optionalSymbol(":") { source.type = try name("a type") }
        if token.kind == .number && peek().isSymbol("..") {
            source.min = Int(token.text)
            advance(); advance()
            if token.isSymbol("*") || token.kind == .number { source.max = token.text; advance() } else { throw fail("expected a maximum") }
        }
        if token.isWord("default") {
            advance()
            if token.isSymbol("(") {
                source.defaultValue = try parenthesisedFHIRPath()
            } else {
                source.defaultValue = try quoted("a default value")
            }
        }
        if token.kind == .identifier, let mode = SourceListMode(rawValue: token.text) {
            source.listMode = mode
            advance()
        }
        if token.isWord("as") {
            advance()
            source.variable = try name("a variable name")
        }
        if token.isWord("where") { advance(); source.condition = try conditionFHIRPath() }
        if token.isWord("check") { advance(); source.check = try conditionFHIRPath() }
        if token.isWord("log") { advance(); source.logMessage = try conditionFHIRPath() }
        return source
    }

    /// After `.`, any token that is a name is an element name (`src.check`, `.group`, `.where`).
    private mutating func elementName() throws -> String {
        guard token.isName else { throw fail("expected an element name") }
        defer { advance() }
        return token.text
    }

    private mutating func parseTarget() throws -> RuleTarget {
        var target = RuleTarget(position: token.position)
        let first = try name("a target variable or transform")
        if token.isSymbol("(") {
            // `transform(...) as v`, no context.
            guard let transform = Transform(rawValue: first) else { throw fail("unknown transform '\(first)'", at: tokens[k - 1]) }
            target.transform = transform
            target.parameters = try arguments(for: transform)
        } else {
            target.context = first
            if optionalSymbol(".") {
                target.element = try elementName()
            }
            if optionalSymbol("=") {
                try parseTransform(into: &target)
            }
        }
        if token.isWord("as") {
            advance()
            target.variable = try name("a variable name")
        }
        while token.kind == .identifier, let mode = TargetListMode(rawValue: token.text) {
            advance()
            target.listModes.append(mode)
            if mode == .share { target.listRuleId = try name("a share id") }
        }
        return target
    }

    private mutating func parseTransform(into target: inout RuleTarget) throws {
        switch token.kind {
        case .symbol where token.text == "(":
            target.transform = .evaluate
            target.parameters = [.string(try parenthesisedFHIRPath())]
        case .singleQuoted, .doubleQuoted, .number:
            target.transform = .copy
            target.parameters = [try parameter()]
        case .symbol where token.text == "-" && peek().kind == .number:
            target.transform = .copy
            target.parameters = [try parameter()]
        case .identifier where (token.text == "true" || token.text == "false") && !peek().isSymbol("("):
            target.transform = .copy
            target.parameters = [try parameter()]
        case .identifier where peek().isSymbol("("):
            let nameToken = token
            advance()
            guard let transform = Transform(rawValue: nameToken.text) else {
                throw fail("unknown transform '\(nameToken.text)'", at: nameToken)
            }
            target.transform = transform
            target.parameters = try arguments(for: transform)
        case .identifier, .delimited:
            // `= v` copies a variable; `= a.b` a path from one (evaluated as FHIRPath).
            if peek().isSymbol(".") {
                let start = token.start
                advance()
                while optionalSymbol(".") { _ = try elementName() }
                target.transform = .evaluate
                target.parameters = [.string(text(from: start, to: tokens[k - 1].end))]
            } else {
                target.transform = .copy
                target.parameters = [.variable(token.text)]
                advance()
            }
        default:
            throw fail("expected a transform, a variable or a value")
        }
    }

    /// `(a, 'b', 3)`; `evaluate(v, fhirpath)` takes its second argument as FHIRPath text.
    private mutating func arguments(for transform: Transform) throws -> [Parameter] {
        try expectSymbol("(")
        var parameters: [Parameter] = []
        if !token.isSymbol(")") {
            repeat {
                if transform == .evaluate && !parameters.isEmpty && token.kind != .singleQuoted {
                    parameters.append(.string(try fhirPath(until: [")"])))
                } else {
                    parameters.append(try parameter())
                }
            } while optionalSymbol(",")
        }
        try expectSymbol(")")
        return parameters
    }

    private mutating func parameter() throws -> Parameter {
        let t = token
        switch t.kind {
        case .identifier where t.text == "true" || t.text == "false":
            advance()
            return .boolean(t.text == "true")
        case .identifier, .delimited:
            advance()
            return .variable(t.text)
        case .singleQuoted, .doubleQuoted:
            advance()
            return .string(t.text)
        case .number:
            advance()
            return t.text.contains(".") ? .decimal(t.text) : Int(t.text).map(Parameter.integer) ?? .decimal(t.text)
        case .symbol where t.text == "-" && peek().kind == .number:
            advance()
            let n = token.text
            advance()
            return n.contains(".") ? .decimal("-" + n) : Int("-" + n).map(Parameter.integer) ?? .decimal("-" + n)
        default:
            throw fail("expected a variable or a literal")
        }
    }

    // MARK: embedded FHIRPath

    private func text(from start: Int, to end: Int) -> String {
        String(decoding: source[start..<end], as: UTF8.self)
    }

    /// `( expression )`: the expression inside the outer parentheses.
    private mutating func parenthesisedFHIRPath() throws -> String {
        let open = token
        try expectSymbol("(")
        var depth = 1
        let start = token.start
        while token.kind != .end {
            if token.isSymbol("(") { depth += 1 }
            if token.isSymbol(")") {
                depth -= 1
                if depth == 0 {
                    let expression = text(from: start, to: token.start)
                    advance()
                    return expression.trimmingCharacters(in: " \t\r\n")
                }
            }
            advance()
        }
        throw fail("expected ')' closing the expression opened at \(open.position)")
    }

    /// A condition: `(expr)`, or bare FHIRPath (`where $this.url='…'`) up to the first token that
    /// cannot continue it.
    private mutating func conditionFHIRPath() throws -> String {
        if token.isSymbol("(") {
            // `(a) or (b)` continues past the first parenthesis: take the longest expression.
            let save = k
            let inner = try parenthesisedFHIRPath()
            if isFHIRPathEnd(token) { return inner }
            k = save
        }
        return try fhirPath(until: [])
    }

    private func isFHIRPathEnd(_ t: FMLToken) -> Bool {
        if t.kind == .end || t.kind == .doubleQuoted { return true }
        if t.kind == .symbol && ["->", ",", ";", "{", "}"].contains(t.text) { return true }
        if t.kind == .identifier && ["then", "check", "log"].contains(t.text) { return true }
        return false
    }

    private mutating func fhirPath(until closers: Set<String>) throws -> String {
        let start = token.start
        var depth = 0
        var end = start
        while token.kind != .end {
            if depth == 0 && (isFHIRPathEnd(token) || (token.kind == .symbol && closers.contains(token.text))) { break }
            if token.isSymbol("(") { depth += 1 }
            if token.isSymbol(")") { depth -= 1 }
            end = token.end
            advance()
        }
        guard end > start else { throw fail("expected a FHIRPath expression") }
        return text(from: start, to: end)
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}
