import Foundation

/// A pack record read straight from a ``JSONTape``, one pass over each object's members, with no
/// `Decoder` in between: a run decodes thousands of snapshot elements, and the generic `Codable`
/// route (a key lookup per property) cost most of the time. The members are those of the
/// records' `Codable` forms, which write the pack; a test decodes every pack record both ways.
package protocol TapeDecodable {
    init(tape: JSONTape, token t: Int) throws
}

extension JSONTape {
    /// Calls `body` with each member's key token and value token.
    @inline(__always) package func forEachMember(of object: Int, _ body: (_ key: Int, _ value: Int) throws -> Void) throws {
        guard tokens[object].kind == .object else { throw Self.error("expected an object", at: Int(tokens[object].start)) }
        var t = object + 1
        let end = Int(tokens[object].end)
        while t < end {
            try body(t, t + 1)
            t = next(after: t + 1)
        }
    }

    /// Whether key token `t` is `name` (an ASCII member name).
    @inline(__always) package func key(_ t: Int, is name: String) -> Bool {
        let token = tokens[t]
        return token.kind == .string
            && Self.equal(name.utf8.span, bytes, Int(token.start)..<Int(token.end))
    }

    package func decode<T: TapeDecodable>(_ t: Int) throws -> T { try T(tape: self, token: t) }

    package func array<T>(_ t: Int, _ element: (Int) throws -> T) throws -> [T] {
        guard tokens[t].kind == .array else { throw Self.error("expected an array", at: Int(tokens[t].start)) }
        var result: [T] = []
        var k = t + 1
        let end = Int(tokens[t].end)
        while k < end {
            result.append(try element(k))
            k = next(after: k)
        }
        return result
    }

    package func array<T: TapeDecodable>(_ t: Int) throws -> [T] { try array(t) { try T(tape: self, token: $0) } }
    package func strings(_ t: Int) throws -> [String] { try array(t) { try string($0) } }

    package func optionalString(_ t: Int) throws -> String? { tokens[t].kind == .null ? nil : try string(t) }

    /// A boolean, or nil for `null`.
    package func bool(_ t: Int) throws -> Bool? {
        switch tokens[t].kind {
        case .null: return nil
        case .bool: return bytes[Int(tokens[t].start)] == UInt8(ascii: "t")
        default: throw Self.error("expected true or false", at: Int(tokens[t].start))
        }
    }

    package func int(_ t: Int) throws -> Int { try integer(t, as: Int.self) }

    package static func missing(_ member: String, in object: Int, of tape: JSONTape) -> DecodingError {
        error("no member \"\(member)\"", at: Int(tape.tokens[object].start))
    }
}

extension StructureRecord: TapeDecodable {
    package init(tape: JSONTape, token o: Int) throws {
        var url: String?, name: String?, type: String?, kind: String?, elements: [ElementRecord]?
        var abstract: Bool?, derivation: String?, baseDefinition: String?, jsonKind: String?, regex: String?
        var constraints: [ConstraintRecord]?
        try tape.forEachMember(of: o) { k, v in
            if tape.key(k, is: "elements") { elements = try tape.array(v) }
            else if tape.key(k, is: "url") { url = try tape.string(v) }
            else if tape.key(k, is: "name") { name = try tape.string(v) }
            else if tape.key(k, is: "type") { type = try tape.string(v) }
            else if tape.key(k, is: "kind") { kind = try tape.string(v) }
            else if tape.key(k, is: "abstract") { abstract = try tape.bool(v) }
            else if tape.key(k, is: "derivation") { derivation = try tape.optionalString(v) }
            else if tape.key(k, is: "baseDefinition") { baseDefinition = try tape.optionalString(v) }
            else if tape.key(k, is: "jsonKind") { jsonKind = try tape.optionalString(v) }
            else if tape.key(k, is: "regex") { regex = try tape.optionalString(v) }
            else if tape.key(k, is: "constraints") { constraints = tape.tokens[v].kind == .null ? nil : try tape.array(v) }
        }
        guard let url else { throw JSONTape.missing("url", in: o, of: tape) }
        guard let name else { throw JSONTape.missing("name", in: o, of: tape) }
        guard let type else { throw JSONTape.missing("type", in: o, of: tape) }
        guard let kind else { throw JSONTape.missing("kind", in: o, of: tape) }
        guard let elements else { throw JSONTape.missing("elements", in: o, of: tape) }
        self.init(url: url, name: name, type: type, kind: kind, abstract: abstract, derivation: derivation,
                  baseDefinition: baseDefinition, jsonKind: jsonKind, regex: regex, elements: elements,
                  constraints: constraints)
    }
}

extension ElementRecord: TapeDecodable {
    package init(tape: JSONTape, token o: Int) throws {
        var path: String?, min: Int?, max: String?
        self.init(path: "", min: 0, max: "")
        try tape.forEachMember(of: o) { k, v in
            if tape.tokens[v].kind == .null { return }
            if tape.key(k, is: "path") { path = try tape.string(v) }
            else if tape.key(k, is: "min") { min = try tape.int(v) }
            else if tape.key(k, is: "max") { max = try tape.string(v) }
            else if tape.key(k, is: "id") { id = try tape.string(v) }
            else if tape.key(k, is: "types") { types = try tape.array(v) }
            else if tape.key(k, is: "constraintIndices") { constraintIndices = try tape.array(v) { try tape.int($0) } }
            else if tape.key(k, is: "binding") { binding = try tape.decode(v) }
            else if tape.key(k, is: "baseMax") { baseMax = try tape.string(v) }
            else if tape.key(k, is: "sliceName") { sliceName = try tape.string(v) }
            else if tape.key(k, is: "fixed") { fixed = try tape.decode(v) }
            else if tape.key(k, is: "pattern") { pattern = try tape.decode(v) }
            else if tape.key(k, is: "slicing") { slicing = try tape.decode(v) }
            else if tape.key(k, is: "contentReference") { contentReference = try tape.string(v) }
            else if tape.key(k, is: "conditions") { conditions = try tape.strings(v) }
            else if tape.key(k, is: "isModifier") { isModifier = try tape.bool(v) }
            else if tape.key(k, is: "mustSupport") { mustSupport = try tape.bool(v) }
            else if tape.key(k, is: "xmlAttribute") { xmlAttribute = try tape.bool(v) }
            else if tape.key(k, is: "maxLength") { maxLength = try tape.int(v) }
        }
        guard let path else { throw JSONTape.missing("path", in: o, of: tape) }
        guard let min else { throw JSONTape.missing("min", in: o, of: tape) }
        guard let max else { throw JSONTape.missing("max", in: o, of: tape) }
        self.path = path
        self.min = min
        self.max = max
    }
}

extension TypeRecord: TapeDecodable {
    package init(tape: JSONTape, token o: Int) throws {
        var code: String?
        self.init(code: "")
        try tape.forEachMember(of: o) { k, v in
            if tape.tokens[v].kind == .null { return }
            if tape.key(k, is: "code") { code = try tape.string(v) }
            else if tape.key(k, is: "profile") { profile = try tape.string(v) }
            else if tape.key(k, is: "targetProfile") { targetProfile = try tape.string(v) }
            else if tape.key(k, is: "aggregation") { aggregation = try tape.strings(v) }
        }
        guard let code else { throw JSONTape.missing("code", in: o, of: tape) }
        self.code = code
    }
}

extension BindingRecord: TapeDecodable {
    package init(tape: JSONTape, token o: Int) throws {
        var strength: String?, valueSet: String?
        try tape.forEachMember(of: o) { k, v in
            if tape.key(k, is: "strength") { strength = try tape.string(v) }
            else if tape.key(k, is: "valueSet") { valueSet = try tape.optionalString(v) }
        }
        guard let strength else { throw JSONTape.missing("strength", in: o, of: tape) }
        self.init(strength: strength, valueSet: valueSet)
    }
}

extension SlicingRecord: TapeDecodable {
    package init(tape: JSONTape, token o: Int) throws {
        var discriminators: [DiscriminatorRecord]?, ordered: Bool?, rules: String?
        try tape.forEachMember(of: o) { k, v in
            if tape.tokens[v].kind == .null { return }
            if tape.key(k, is: "discriminators") { discriminators = try tape.array(v) }
            else if tape.key(k, is: "ordered") { ordered = try tape.bool(v) }
            else if tape.key(k, is: "rules") { rules = try tape.string(v) }
        }
        guard let rules else { throw JSONTape.missing("rules", in: o, of: tape) }
        self.init(discriminators: discriminators, ordered: ordered, rules: rules)
    }
}

extension DiscriminatorRecord: TapeDecodable {
    package init(tape: JSONTape, token o: Int) throws {
        var type: String?, path: String?
        try tape.forEachMember(of: o) { k, v in
            if tape.key(k, is: "type") { type = try tape.string(v) }
            else if tape.key(k, is: "path") { path = try tape.string(v) }
        }
        guard let type else { throw JSONTape.missing("type", in: o, of: tape) }
        guard let path else { throw JSONTape.missing("path", in: o, of: tape) }
        self.init(type: type, path: path)
    }
}

extension ConstraintRecord: TapeDecodable {
    package init(tape: JSONTape, token o: Int) throws {
        var key: String?, severity: String?, human: String?, expression: String?
        try tape.forEachMember(of: o) { k, v in
            if tape.key(k, is: "key") { key = try tape.string(v) }
            else if tape.key(k, is: "severity") { severity = try tape.string(v) }
            else if tape.key(k, is: "human") { human = try tape.string(v) }
            else if tape.key(k, is: "expression") { expression = try tape.optionalString(v) }
        }
        guard let key else { throw JSONTape.missing("key", in: o, of: tape) }
        guard let severity else { throw JSONTape.missing("severity", in: o, of: tape) }
        guard let human else { throw JSONTape.missing("human", in: o, of: tape) }
        self.init(key: key, severity: severity, human: human, expression: expression)
    }
}

extension FixedValue: TapeDecodable {
    package init(tape: JSONTape, token o: Int) throws {
        var name: String?
        var value: String?, id: String?, url: String?, children: [FixedValue] = []
        try tape.forEachMember(of: o) { k, v in
            if tape.tokens[v].kind == .null { return }
            if tape.key(k, is: "n") { name = try tape.string(v) }
            else if tape.key(k, is: "v") { value = try tape.string(v) }
            else if tape.key(k, is: "i") { id = try tape.string(v) }
            else if tape.key(k, is: "u") { url = try tape.string(v) }
            else if tape.key(k, is: "c") { children = try tape.array(v) }
        }
        guard let name else { throw JSONTape.missing("n", in: o, of: tape) }
        self.init(name: name, value: value, id: id, url: url, children: children)
    }
}

extension CodeRecord: TapeDecodable {
    package init(tape: JSONTape, token o: Int) throws {
        var code: String?
        self.init(code: "")
        try tape.forEachMember(of: o) { k, v in
            if tape.tokens[v].kind == .null { return }
            if tape.key(k, is: "code") { code = try tape.string(v) }
            else if tape.key(k, is: "display") { display = try tape.string(v) }
            else if tape.key(k, is: "system") { system = try tape.string(v) }
            else if tape.key(k, is: "parent") { parent = try tape.string(v) }
        }
        guard let code else { throw JSONTape.missing("code", in: o, of: tape) }
        self.code = code
    }
}

extension CodeSystemRecord: TapeDecodable {
    package init(tape: JSONTape, token o: Int) throws {
        var url: String?, name: String?, content: String?, caseSensitive: Bool?, concepts: [CodeRecord]?
        try tape.forEachMember(of: o) { k, v in
            if tape.tokens[v].kind == .null { return }
            if tape.key(k, is: "url") { url = try tape.string(v) }
            else if tape.key(k, is: "name") { name = try tape.string(v) }
            else if tape.key(k, is: "content") { content = try tape.string(v) }
            else if tape.key(k, is: "caseSensitive") { caseSensitive = try tape.bool(v) }
            else if tape.key(k, is: "concepts") { concepts = try tape.array(v) }
        }
        guard let url else { throw JSONTape.missing("url", in: o, of: tape) }
        self.init(url: url, name: name, content: content, caseSensitive: caseSensitive, concepts: concepts)
    }
}

extension FilterRecord: TapeDecodable {
    package init(tape: JSONTape, token o: Int) throws {
        var property: String?, op: String?, value: String?
        try tape.forEachMember(of: o) { k, v in
            if tape.key(k, is: "property") { property = try tape.string(v) }
            else if tape.key(k, is: "op") { op = try tape.string(v) }
            else if tape.key(k, is: "value") { value = try tape.string(v) }
        }
        guard let property else { throw JSONTape.missing("property", in: o, of: tape) }
        guard let op else { throw JSONTape.missing("op", in: o, of: tape) }
        guard let value else { throw JSONTape.missing("value", in: o, of: tape) }
        self.init(property: property, op: op, value: value)
    }
}

extension ValueSetIncludeRecord: TapeDecodable {
    package init(tape: JSONTape, token o: Int) throws {
        var system: String?, concepts: [CodeRecord]?, filters: [FilterRecord]?, valueSets: [String]?
        try tape.forEachMember(of: o) { k, v in
            if tape.tokens[v].kind == .null { return }
            if tape.key(k, is: "system") { system = try tape.string(v) }
            else if tape.key(k, is: "concepts") { concepts = try tape.array(v) }
            else if tape.key(k, is: "filters") { filters = try tape.array(v) }
            else if tape.key(k, is: "valueSets") { valueSets = try tape.strings(v) }
        }
        self.init(system: system, concepts: concepts, filters: filters, valueSets: valueSets)
    }
}

extension ValueSetRecord: TapeDecodable {
    package init(tape: JSONTape, token o: Int) throws {
        var url: String?, name: String?, includes: [ValueSetIncludeRecord]?, excludes: [ValueSetIncludeRecord]?
        var expansion: [CodeRecord]?
        try tape.forEachMember(of: o) { k, v in
            if tape.tokens[v].kind == .null { return }
            if tape.key(k, is: "url") { url = try tape.string(v) }
            else if tape.key(k, is: "name") { name = try tape.string(v) }
            else if tape.key(k, is: "includes") { includes = try tape.array(v) }
            else if tape.key(k, is: "excludes") { excludes = try tape.array(v) }
            else if tape.key(k, is: "expansion") { expansion = try tape.array(v) }
        }
        guard let url else { throw JSONTape.missing("url", in: o, of: tape) }
        self.init(url: url, name: name, includes: includes, excludes: excludes, expansion: expansion)
    }
}

/// A JSON array of tape-decodable values (the event catalogue is one).
extension Array: TapeDecodable where Element: TapeDecodable {
    package init(tape: JSONTape, token t: Int) throws { self = try tape.array(t) }
}
