import FHIRModel
import FHIRDefinitions

/// A run of same-named children with their definition: `count` children from index `start`, or
/// those listed in `list` (when the run is not contiguous in the parent).
struct Group {
    var info: ChildInfo
    var start: Int
    var count: Int
    var list: [Int]? = nil

    /// The index in the parent's children of the `k`-th element of the run.
    @inline(__always)
    subscript(k: Int) -> Int { list?[k] ?? start + k }
}

/// A place in the definitions with what the writer looks up there for every element: the
/// children table (fetched once per type or backbone run, not once per element).
struct Scope {
    let context: TypeContext
    let table: ChildTable?
    /// True for `Extension` itself (whose `url` is `Element.url`).
    let isExtension: Bool

    init(_ context: TypeContext) {
        self.context = context
        table = context.table
        isExtension = context.model.name == "Extension" && context.path == "Extension"
    }
}

/// The tree walk and byte output behind ``FHIRJSONWriter``.
struct JSONEmitter {
    let pack: DefinitionPack
    let pretty: Bool
    var out: [UInt8] = []
    var errors: [Issue] = []
    var warnings: [Issue] = []

    private var level = 0
    /// The path of the element being written, built into text only for an issue.
    private var path: [PathStep] = []
    private var typeScopes: [String: Scope?] = [:]
    /// Types whose definition the pack has but cannot load (reported once, as fatal).
    private var unloadable: Set<String> = []

    private static let noPath = ElementPath(root: "")
    private static let spaces = [UInt8](repeating: 0x20, count: 256)

    init(pack: DefinitionPack, pretty: Bool) {
        self.pack = pack
        self.pretty = pretty
        out.reserveCapacity(1 << 16)
        path.reserveCapacity(32)
    }

    mutating func writeDocument(_ root: Element) {
        guard let type = root.resourceType else {
            path = [PathStep(name: root.name, index: -1)]
            error(JSONRule.resourceType, "the root element '\(root.name)' is not a resource (it has no resourceType)",
                  root.position)
            return
        }
        path = [PathStep(name: type, index: -1)]
        writeResource(root, extraComments: [])
        if pretty { out.append(0x0A) }
    }

    /// One element outside its parent (``FHIRJSONWriter/write(_:in:)``).
    mutating func writeFragment(_ element: Element, in context: TypeContext) {
        if element.resourceType != nil { return writeDocument(element) }
        path = [PathStep(name: context.path, index: -1)]
        writeObject(element, scope: Scope(context), extraComments: [])
        if pretty { out.append(0x0A) }
    }

    // MARK: - Resources and complex elements

    // Elements are borrowed in place from their parent's children (or the root): looking at an
    // element then reads only the fields used, where passing the struct would copy all of them.

    private mutating func writeResource(_ e: borrowing Element, extraComments: [String]) {
        let type = e.resourceType!
        guard let scope = typeScope(type), scope.context.model.isResource else {
            if !unloadable.contains(type) {
                error(JSONRule.unknownType, "unknown resource type '\(type)'", e.position)
            }
            return
        }
        if e.value != nil {
            error(JSONRule.notRepresentable, "the resource has a value, which JSON cannot express", e.position)
        }
        if e.id != nil {
            error(JSONRule.notRepresentable,
                  "the resource has an Element.id attribute; a resource's id is its child element 'id'",
                  e.position)
        }
        if e.url != nil {
            error(JSONRule.notRepresentable, "the resource has a url attribute, which only extensions have",
                  e.position)
        }
        let groups = self.groups(of: e, in: scope)
        beginObject()
        var first = true
        writeKey("resourceType", first: &first)
        writeString(type)
        writeComments(e, extra: extraComments, hasChildren: !groups.isEmpty, first: &first)
        writeGroups(of: e, groups, scope: scope, first: &first)
        endObject(empty: false)
    }

    private mutating func writeObject(_ e: borrowing Element, scope: Scope, extraComments: [String]) {
        if let type = e.resourceType {
            error(JSONRule.notRepresentable,
                  "a resource (\(type)) where the definitions expect a \(scope.context.path)", e.position)
        }
        if e.value != nil {
            error(JSONRule.notRepresentable,
                  "'\(e.name)' has a value, but its type (\(scope.context.path)) is not a primitive",
                  e.position)
        }
        if e.url != nil && !scope.isExtension {
            error(JSONRule.notRepresentable, "'\(e.name)' has a url attribute, which only extensions have",
                  e.position)
        }
        let groups = self.groups(of: e, in: scope)
        var first = beginElementObject(e, extraComments: extraComments, hasChildren: !groups.isEmpty)
        if scope.isExtension, let url = e.url {
            writeKey("url", first: &first)
            writeString(url)
        }
        writeGroups(of: e, groups, scope: scope, first: &first)
        endObject(empty: first)
    }

    /// `fhir_comments`: the element's own comments, those handed down from its parent's trailing
    /// comments and, when it has no children to pass them to, its own trailing comments.
    private mutating func writeComments(_ e: borrowing Element, extra: [String], hasChildren: Bool,
                                        first: inout Bool) {
        let ownTrailing = hasChildren ? 0 : e.trailingComments.count
        guard e.comments.count + extra.count + ownTrailing > 0 else { return }
        writeKey("fhir_comments", first: &first)
        beginArray()
        var firstItem = true
        for comment in e.comments {
            separator(first: &firstItem)
            writeString(comment)
        }
        for comment in extra {
            separator(first: &firstItem)
            writeString(comment)
        }
        if !hasChildren {
            for comment in e.trailingComments {
                separator(first: &firstItem)
                writeString(comment)
            }
        }
        endArray()
    }

    /// Writes the groups of `e`'s children; the last child written also carries `e`'s trailing
    /// comments.
    private mutating func writeGroups(of e: borrowing Element, _ groups: [Group], scope: Scope,
                                      first: inout Bool) {
        let children = e.children.span
        for (g, group) in groups.enumerated() {
            let tail = g == groups.count - 1 ? e.trailingComments : []
            writeGroup(group, of: children, scope: scope, trailingComments: tail, first: &first)
        }
    }

    private mutating func writeGroup(_ group: Group, of children: Span<Element>, scope: Scope,
                                     trailingComments tail: [String], first: inout Bool) {
        let info = group.info
        let asArray = info.repeats || group.count > 1
        if !info.repeats && group.count > 1 {
            path.append(PathStep(name: info.name, index: -1))
            error(JSONRule.notRepresentable,
                  "'\(info.name)' occurs \(group.count) times, but its definition allows only one",
                  children[group[1]].position)
            path.removeLast()
        }
        switch info.content {
        case let .primitive(kind):
            writePrimitives(group, of: children, kind: kind, asArray: asArray, trailingComments: tail, first: &first)
        case .xhtml:
            writePrimitives(group, of: children, kind: .string, asArray: asArray, trailingComments: tail,
                            first: &first)
        case .complex, .backbone:
            let childScope: Scope?
            do {
                childScope = try self.childScope(info, in: scope)
            } catch {
                packError(error, children[group[0]].position)
                return
            }
            guard let childScope else {
                if unloadable.contains(info.typeCode) { return }
                path.append(PathStep(name: info.name, index: -1))
                self.error(JSONRule.unknownType, "no definition of the type '\(info.typeCode)' of '\(info.name)'",
                           children[group[0]].position)
                path.removeLast()
                return
            }
            writeKey(info.name, first: &first)
            if asArray { beginArray() }
            var firstItem = true
            for k in 0..<group.count {
                path.append(PathStep(name: info.name, index: asArray ? k : -1))
                if asArray { separator(first: &firstItem) }
                writeObject(children[group[k]], scope: childScope, extraComments: k == group.count - 1 ? tail : [])
                path.removeLast()
            }
            if asArray { endArray() }
        case .resource:
            writeKey(info.name, first: &first)
            if asArray { beginArray() }
            var firstItem = true
            for k in 0..<group.count {
                let index = group[k]
                path.append(PathStep(name: info.name, index: asArray ? k : -1))
                if asArray { separator(first: &firstItem) }
                if children[index].resourceType != nil {
                    writeResource(children[index], extraComments: k == group.count - 1 ? tail : [])
                } else {
                    error(JSONRule.resourceType,
                          "'\(info.name)' must hold a resource, but this one has no resourceType",
                          children[index].position)
                    out.append(contentsOf: [0x7B, 0x7D])
                }
                path.removeLast()
            }
            if asArray { endArray() }
        }
    }

    // MARK: - Primitives

    /// True when a primitive needs its `_name` object: it has an id, extensions or comments, or no
    /// value at all (an empty `_name` object keeps such an element).
    private static func needsMeta(_ e: borrowing Element, extra: [String]) -> Bool {
        e.value == nil || e.id != nil || !e.children.isEmpty
            || !e.comments.isEmpty || !e.trailingComments.isEmpty || !extra.isEmpty
    }

    private mutating func checkPrimitive(_ e: borrowing Element) {
        if let type = e.resourceType {
            error(JSONRule.notRepresentable, "a resource (\(type)) where the definitions expect a primitive",
                  e.position)
        }
        if e.url != nil {
            error(JSONRule.notRepresentable, "'\(e.name)' has a url attribute, which only extensions have",
                  e.position)
        }
    }

    private mutating func writePrimitives(_ group: Group, of children: Span<Element>, kind: JSONKind,
                                          asArray: Bool, trailingComments tail: [String], first: inout Bool) {
        let info = group.info
        if !asArray {
            let ei = group[0]
            path.append(PathStep(name: info.name, index: -1))
            checkPrimitive(children[ei])
            if let value = children[ei].value {
                writeKey(info.name, first: &first)
                writeValue(value, kind: kind, children[ei].position)
            }
            if JSONEmitter.needsMeta(children[ei], extra: tail) {
                writeKey(info.name, underscore: true, first: &first)
                writeMeta(children[ei], info: info, extraComments: tail)
            }
            path.removeLast()
            return
        }
        // Two arrays aligned by index (FHIR STU3 JSON format, repeating primitives); either is left out when all its items would be null.
        var anyValue = false
        var anyMeta = false
        let last = group.count - 1
        for k in 0..<group.count {
            let ei = group[k]
            if children[ei].value != nil { anyValue = true }
            if JSONEmitter.needsMeta(children[ei], extra: k == last ? tail : []) { anyMeta = true }
        }
        if anyValue {
            writeKey(info.name, first: &first)
            beginArray()
            var firstItem = true
            for k in 0..<group.count {
                let ei = group[k]
                path.append(PathStep(name: info.name, index: k))
                checkPrimitive(children[ei])
                separator(first: &firstItem)
                if let value = children[ei].value {
                    writeValue(value, kind: kind, children[ei].position)
                } else {
                    writeNull()
                }
                path.removeLast()
            }
            endArray()
        }
        if anyMeta {
            writeKey(info.name, underscore: true, first: &first)
            beginArray()
            var firstItem = true
            for k in 0..<group.count {
                let ei = group[k]
                let extra = k == last ? tail : []
                separator(first: &firstItem)
                if JSONEmitter.needsMeta(children[ei], extra: extra) {
                    path.append(PathStep(name: info.name, index: k))
                    if !anyValue { checkPrimitive(children[ei]) }
                    writeMeta(children[ei], info: info, extraComments: extra)
                    path.removeLast()
                } else {
                    writeNull()
                }
            }
            endArray()
        }
    }

    /// The `_name` object of a primitive: comments, id, extensions.
    /// Opens the object of a datatype or backbone element (or a primitive's `_name` object) with
    /// its comments and `Element.id`. Returns the "no member written yet" flag for what follows.
    private mutating func beginElementObject(_ e: borrowing Element, extraComments: [String],
                                             hasChildren: Bool) -> Bool {
        beginObject()
        var first = true
        writeComments(e, extra: extraComments, hasChildren: hasChildren, first: &first)
        if let id = e.id {
            writeKey("id", first: &first)
            writeString(id)
        }
        return first
    }

    private mutating func writeMeta(_ e: borrowing Element, info: ChildInfo, extraComments: [String]) {
        var groups: [Group] = []
        var scope: Scope?
        if !e.children.isEmpty {
            scope = typeScope(info.typeCode)
            if let scope {
                groups = self.groups(of: e, in: scope)
            } else if !unloadable.contains(info.typeCode) {
                error(JSONRule.unknownType, "no definition of the type '\(info.typeCode)' of '\(info.name)'",
                      e.position)
            }
        }
        var first = beginElementObject(e, extraComments: extraComments, hasChildren: !groups.isEmpty)
        if let scope {
            writeGroups(of: e, groups, scope: scope, first: &first)
        }
        endObject(empty: first)
    }

    private mutating func writeValue(_ value: String, kind: JSONKind, _ position: SourcePosition) {
        switch kind {
        case .string:
            writeString(value)
        case .number:
            if JSONBytes.isNumber(value.utf8.span) {
                writeRaw(value)
            } else {
                writeString(value)
                warning(JSONRule.kind, "'\(value)' is not a JSON number; written as a string", position)
            }
        case .boolean:
            if value == "true" || value == "false" {
                writeRaw(value)
            } else {
                writeString(value)
                warning(JSONRule.kind, "'\(value)' is not a JSON boolean; written as a string", position)
            }
        }
    }

    // MARK: - Definitions

    /// Groups `e`'s children in definition order; unknown children become errors with their path
    /// (the path text is only built when there is one).
    private mutating func groups(of e: borrowing Element, in scope: Scope) -> [Group] {
        let children = e.children
        if children.isEmpty { return [] }
        // Fast path: runs of same-named children already in definition order (what the readers
        // produce from documents written in that order) need no dictionary and no index arrays.
        if let table = scope.table {
            var result: [Group] = []
            result.reserveCapacity(children.count)
            var i = 0
            var lastOrder = -1
            while i < children.count {
                let name = children[i].name
                var j = i + 1
                while j < children.count && children[j].name == name { j += 1 }
                guard let info = table[name], info.order > lastOrder else { break }
                lastOrder = info.order
                result.append(Group(info: info, start: i, count: j - i))
                i = j
            }
            if i == children.count { return result }
        }
        // Otherwise the shared grouping (definition order, unknown elements reported).
        var found: [Issue] = []
        let groups = scope.context.groups(of: e, path: JSONEmitter.noPath, issues: &found)
        if !found.isEmpty {
            found.removeAll()
            _ = scope.context.groups(of: e, path: ElementPath(root: pathText()), issues: &found)
            errors += found
        }
        return groups.map { Group(info: $0.info, start: 0, count: $0.indices.count, list: $0.indices) }
    }

    /// The scope of a core type by name (cached; nil when the pack does not know it).
    private mutating func typeScope(_ type: String) -> Scope? {
        if let cached = typeScopes[type] { return cached }
        let scope: Scope?
        do {
            scope = try pack.context(forType: type).map(Scope.init)
        } catch {
            errors.append(Issue(.fatal, .processing, rule: JSONRule.unknownType,
                                "the definition of '\(type)' cannot be loaded: \(error)", path: pathText()))
            unloadable.insert(type)
            scope = nil
        }
        typeScopes[type] = scope
        return scope
    }

    /// The scope of a complex or backbone child.
    private mutating func childScope(_ info: ChildInfo, in parent: Scope) throws -> Scope? {
        if case .complex = info.content { return typeScope(info.typeCode) }
        return try pack.context(of: info, in: parent.context).map(Scope.init)
    }

    // MARK: - Issues

    private func pathText() -> String {
        var text = ""
        for (i, step) in path.enumerated() {
            if i > 0 { text += "." }
            text += step.name
            if step.index >= 0 { text += "[\(step.index)]" }
        }
        return text
    }

    private mutating func error(_ rule: JSONRule, _ message: String, _ position: SourcePosition) {
        errors.append(Issue(.error, .structure, rule: rule, message, path: pathText(), position: position))
    }

    private mutating func warning(_ rule: JSONRule, _ message: String, _ position: SourcePosition) {
        warnings.append(Issue(.warning, .value, rule: rule, message, path: pathText(), position: position))
    }

    private mutating func packError(_ error: Error, _ position: SourcePosition) {
        if let issues = error as? IssuesError {
            errors += issues.issues
        } else {
            errors.append(Issue(.fatal, .processing, rule: JSONRule.unknownType, "\(error)", path: pathText(),
                                position: position))
        }
    }

    // MARK: - Output

    @inline(__always)
    private mutating func newlineAndIndent() {
        out.append(0x0A)
        var n = level * 2
        while n > 0 {
            let k = Swift.min(n, JSONEmitter.spaces.count)
            out.append(contentsOf: JSONEmitter.spaces[0..<k])
            n -= k
        }
    }

    private mutating func beginObject() {
        out.append(0x7B)
        level += 1
    }

    private mutating func endObject(empty: Bool) {
        level -= 1
        if pretty && !empty { newlineAndIndent() }
        out.append(0x7D)
    }

    private mutating func beginArray() {
        out.append(0x5B)
        level += 1
    }

    private mutating func endArray() {
        level -= 1
        if pretty { newlineAndIndent() }
        out.append(0x5D)
    }

    @inline(__always)
    private mutating func separator(first: inout Bool) {
        if first {
            first = false
        } else {
            out.append(0x2C)
        }
        if pretty { newlineAndIndent() }
    }

    private mutating func writeKey(_ name: String, underscore: Bool = false, first: inout Bool) {
        separator(first: &first)
        if underscore {
            out.append(0x22)
            out.append(0x5F)
            writeStringContent(name)
            out.append(0x22)
        } else {
            writeString(name)
        }
        out.append(0x3A)
        if pretty { out.append(0x20) }
    }

    private mutating func writeNull() {
        out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
    }

    private mutating func writeRaw(_ text: String) {
        let utf8 = text.utf8.span
        out.append(copying: utf8, 0..<utf8.count)
    }

    @inline(__always)
    private mutating func writeString(_ text: String) {
        out.append(0x22)
        writeStringContent(text)
        out.append(0x22)
    }

    /// Appends `text` escaped per RFC 8259: `"` and `\` escaped, `\n` `\r` `\t` in short form, other
    /// control characters as `\u00XX`; everything else (non-ASCII included, `/` too) as it is.
    private mutating func writeStringContent(_ text: String) {
        writeEscaped(text.utf8.span)
    }

    private mutating func writeEscaped(_ p: Span<UInt8>) {
        let n = p.count
        var runStart = 0
        var i = JSONBytes.plainEnd(p, from: 0, end: n)
        while i < n {
            if i > runStart { out.append(copying: p, runStart..<i) }
            let b = p[i]
            switch b {
            case 0x22: out.append(contentsOf: [0x5C, 0x22])
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: out.append(contentsOf: [0x5C, 0x72])
            case 0x09: out.append(contentsOf: [0x5C, 0x74])
            default:
                out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, JSONEmitter.hexDigit(b >> 4), JSONEmitter.hexDigit(b & 0x0F)])
            }
            runStart = i + 1
            i = JSONBytes.plainEnd(p, from: runStart, end: n)
        }
        if n > runStart { out.append(copying: p, runStart..<n) }
    }

    private static func hexDigit(_ v: UInt8) -> UInt8 {
        v < 10 ? 0x30 + v : 0x61 + v - 10
    }
}
