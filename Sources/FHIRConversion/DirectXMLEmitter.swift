import Foundation
import FHIRModel
import FHIRDefinitions
import FHIRXML

/// Which special properties an object may hold (as the tree reader decides from the object's place).
enum DirectObjectRole {
    /// A resource: `resourceType`; its `id` is an ordinary child (`Resource.id`).
    case resource
    /// A datatype or backbone element: `id` is the `id` attribute (`Element.id`).
    case ordinary
    /// An item of `extension` / `modifierExtension`: `id`, and `url` is the `url` attribute.
    case extensionItem
    /// A primitive's `_name` object: `id`; its other members are the primitive's children.
    case primitiveMeta
}

/// One child of the object being written: the property `name` and/or `_name` (as token indices,
/// -1 when absent), with its definition.
struct DirectMember {
    var info: ChildInfo
    var order: Int
    var value: Int
    var meta: Int
}

/// Pass 2 of the direct conversion: walks the tokens and writes XML as ``FHIRXML/FHIRXMLWriter``
/// does (definition order, declaration, pretty or compact). Throws ``DirectBail`` to give up.
struct DirectXMLEmitter {
    /// The JSON input and its tokens.
    let p: [UInt8]
    let t: [JSONToken]
    let pack: DefinitionPack
    let pretty: Bool
    /// The XML written so far; the caller frees it (``DirectXMLOutput/finish()``).
    var out: DirectXMLOutput
    /// The children of every object being written, one segment per nesting level.
    private var members: [DirectMember] = []
    /// Contexts looked up once per definition (see ``DirectContextCache``).
    var contexts: DirectContextCache.Entries

    /// The input's size sizes the output buffer.
    init(p: [UInt8], t: [JSONToken], pack: DefinitionPack, pretty: Bool, contexts: DirectContextCache.Entries) {
        let inputBytes = p.count
        self.p = p
        self.t = t
        self.pack = pack
        self.pretty = pretty
        self.contexts = contexts
        // FHIR XML is typically 1.3 times the size of its JSON: room for that and a margin.
        out = DirectXMLOutput(capacity: inputBytes + inputBytes / 2 + 256)
        members.reserveCapacity(256)
    }

    // MARK: Resources

    mutating func writeDocument() throws {
        out.appendStatic("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        newline()
        let (context, type) = try resourceContext(0)
        let base = members.count
        let specials = try collect(0, in: context, role: .resource)
        try writeComments(specials.comments, depth: 0)
        out.append(UInt8(ascii: "<"))
        appendRaw(type)
        out.appendStatic(" xmlns=\"http://hl7.org/fhir\"")
        if try writeContent(base, context: context, depth: 0) {
            appendRaw(type)
            out.append(UInt8(ascii: ">"))
        }
        newline()
    }

    /// `<contained><Patient>…</Patient></contained>`: a resource inside a resource (its comments
    /// go before the wrapper).
    private mutating func writeResource(_ wrapper: String, _ o: Int, depth: Int) throws {
        let (context, type) = try resourceContext(o)
        let base = members.count
        let specials = try collect(o, in: context, role: .resource)
        try writeComments(specials.comments, depth: depth)
        indent(depth)
        out.append(UInt8(ascii: "<"))
        appendName(wrapper)
        out.append(UInt8(ascii: ">"))
        newline()
        indent(depth + 1)
        out.append(UInt8(ascii: "<"))
        appendRaw(type)
        if try writeContent(base, context: context, depth: depth + 1) {
            appendRaw(type)
            out.append(UInt8(ascii: ">"))
        }
        newline()
        indent(depth)
        out.appendStatic("</")
        appendName(wrapper)
        out.append(UInt8(ascii: ">"))
        newline()
    }

    /// The context of the resource object `o` (its one `resourceType`, which the definitions must
    /// know as a resource) and the token of its type name.
    private mutating func resourceContext(_ o: Int) throws -> (DirectType, JSONToken) {
        guard t[o].kind == .object else { throw DirectBail() }
        var type: JSONToken?
        var k = o + 1
        while k < Int(t[o].next) {
            if isKey(t[k], "resourceType") {
                guard type == nil else { throw DirectBail() }
                type = t[k + 1]
            }
            k = Int(t[k + 1].next)
        }
        guard let type, type.kind == .string, type.flags == 0, type.length > 0 else { throw DirectBail() }
        let name = String(decoding: p[Int(type.start) ..< Int(type.start) + Int(type.length)], as: UTF8.self)
        if let hit = contexts.resources[name] { return (hit, type) }
        guard let found = try? pack.context(forType: name), found.model.isResource else { throw DirectBail() }
        let resource = DirectType(found)
        contexts.resources[name] = resource
        return (resource, type)
    }

    // MARK: Elements

    /// After a start tag's name and attributes: `/>` when the object had no children (returns false),
    /// or `>`, the children collected from `base` on, and `</` (returns true; the caller closes).
    private mutating func writeContent(_ base: Int, context: DirectType?, depth: Int) throws -> Bool {
        if members.count == base {
            out.appendStatic("/>")
            return false
        }
        out.append(UInt8(ascii: ">"))
        newline()
        guard let context else { throw DirectBail() }
        var k = base
        while k < members.count {
            let m = members[k]
            try writeMember(m, m.info, in: context, depth: depth + 1)
            k += 1
        }
        members.removeLast(members.count - base)
        indent(depth)
        out.appendStatic("</")
        return true
    }

    /// `<name id url value>children</name>` from a scalar `v` and an object `o` (-1 when absent).
    private mutating func writeElement(_ name: String, value v: Int, object o: Int, context: DirectType?,
                                       role: DirectObjectRole, depth: Int) throws {
        let base = members.count
        var attributes = DirectSpecials()
        if o >= 0 {
            guard let context else { throw DirectBail() }
            attributes = try collect(o, in: context, role: role)
        }
        try writeComments(attributes.comments, depth: depth)
        indent(depth)
        out.append(UInt8(ascii: "<"))
        appendName(name)
        if attributes.id >= 0 {
            out.appendStatic(" id=\"")
            try DirectXMLText.appendAttribute(p, t[attributes.id], to: &out)
            out.append(UInt8(ascii: "\""))
        }
        if attributes.url >= 0 {
            out.appendStatic(" url=\"")
            try DirectXMLText.appendAttribute(p, t[attributes.url], to: &out)
            out.append(UInt8(ascii: "\""))
        }
        if v >= 0 {
            out.appendStatic(" value=\"")
            let s = t[v]
            if s.kind == .string {
                try DirectXMLText.appendAttribute(p, s, to: &out)
            } else {
                appendRaw(s)  // a number or boolean, verbatim
            }
            out.append(UInt8(ascii: "\""))
        }
        if try writeContent(base, context: context, depth: depth) {
            appendName(name)
            out.append(UInt8(ascii: ">"))
        }
        newline()
    }

    /// One child property (with its `_name`), by the kind of its definition.
    private mutating func writeMember(_ m: DirectMember, _ info: ChildInfo, in context: DirectType,
                                      depth: Int) throws {
        switch info.content {
        case let .primitive(kind):
            try writePrimitive(info, kind, m.value, m.meta, depth: depth)
        case .xhtml:
            guard m.meta < 0, !info.repeats else { throw DirectBail() }
            try writeDiv(m.value, depth: depth)
        case .resource:
            guard m.meta < 0 else { throw DirectBail() }
            var item = try firstItem(m.value, repeats: info.repeats)
            while let o = item {
                try writeResource(info.name, o, depth: depth)
                item = nextItem(o, of: m.value, repeats: info.repeats)
            }
        case .complex, .backbone:
            guard m.meta < 0 else { throw DirectBail() }
            let (childContext, role) = try complexContext(info, in: context)
            let name = info.name
            var item = try firstItem(m.value, repeats: info.repeats)
            while let o = item {
                try writeElement(name, value: -1, object: o, context: childContext, role: role, depth: depth)
                item = nextItem(o, of: m.value, repeats: info.repeats)
            }
        }
    }

    /// The first object of an object value (`repeats == false`) or of a non-empty array of objects.
    @inline(__always)
    private func firstItem(_ v: Int, repeats: Bool) throws -> Int? {
        guard v >= 0 else { throw DirectBail() }
        var o = v
        if repeats {
            guard t[v].kind == .array, t[v].length > 0 else { throw DirectBail() }
            o = v + 1
        }
        guard t[o].kind == .object else { throw DirectBail() }
        return o
    }

    /// The item after `o` in the array `v`, nil at its end (and always for a single object).
    @inline(__always)
    private func nextItem(_ o: Int, of v: Int, repeats: Bool) -> Int? {
        guard repeats else { return nil }
        let n = Int(t[o].next)
        return n < Int(t[v].next) ? n : nil
    }

    /// A primitive: a value, a `_name` object, or both; for repeating primitives two arrays aligned
    /// by index, where `null` stands for the side an item lacks (FHIR STU3 JSON format, repeating primitives).
    private mutating func writePrimitive(_ info: ChildInfo, _ kind: JSONKind, _ v: Int, _ m: Int,
                                         depth: Int) throws {
        let metaContext = m >= 0 ? try primitiveContext(info) : nil
        if !info.repeats {
            if v >= 0 { try checkScalar(v, kind) }
            if m >= 0 && t[m].kind != .object { throw DirectBail() }
            try writeElement(info.name, value: v, object: m, context: metaContext, role: .primitiveMeta, depth: depth)
            return
        }
        var values = 0
        var metas = 0
        if v >= 0 {
            guard t[v].kind == .array, t[v].length > 0 else { throw DirectBail() }
            values = Int(t[v].length)
        }
        if m >= 0 {
            guard t[m].kind == .array, t[m].length > 0 else { throw DirectBail() }
            metas = Int(t[m].length)
            if v >= 0 && metas > values { throw DirectBail() }  // the tree reader warns (json.array-length)
        }
        var vi = v + 1
        var mi = m + 1
        for i in 0..<max(values, metas) {
            var value = -1
            var object = -1
            if i < values {
                if t[vi].kind != .null {
                    try checkScalar(vi, kind)
                    value = vi
                }
                vi = Int(t[vi].next)
            }
            if i < metas {
                if t[mi].kind != .null {
                    guard t[mi].kind == .object else { throw DirectBail() }
                    object = mi
                }
                mi = Int(t[mi].next)
            }
            guard value >= 0 || object >= 0 else { throw DirectBail() }
            try writeElement(info.name, value: value, object: object, context: metaContext, role: .primitiveMeta,
                             depth: depth)
        }
    }

    /// A primitive's value must be a scalar of its type's JSON kind (not empty).
    @inline(__always)
    private func checkScalar(_ v: Int, _ kind: JSONKind) throws {
        let ok: Bool
        switch t[v].kind {
        case .string: ok = kind == .string
        case .number: ok = kind == .number
        case .trueLiteral, .falseLiteral: ok = kind == .boolean
        default: ok = false
        }
        guard ok else { throw DirectBail() }
    }

    /// The narrative: decoded straight into the output, checked there as the tree writer checks it
    /// (it is then already in place, unless the namespace must be inserted).
    private mutating func writeDiv(_ v: Int, depth: Int) throws {
        guard v >= 0, t[v].kind == .string, t[v].length > 0 else { throw DirectBail() }
        indent(depth)
        let start = out.count
        try DirectXMLText.appendDecoded(p, t[v], escapeForXML: false, to: &out)
        switch out.withWritten(from: start, NarrativeXHTML.check) {
        case .verbatim:
            break
        case let .insertNamespace(at):
            let tail = out.withWritten(from: start + at) { [UInt8](copying: $0) }
            out.truncate(to: start + at)
            out.appendStatic(" xmlns=\"http://www.w3.org/1999/xhtml\"")
            out.append(tail, 0..<tail.count)
        case .invalid:
            throw DirectBail()
        }
        newline()
    }

    /// `<!--text-->` for each string of the `fhir_comments` array `c` (-1: none). Bails on what the
    /// tree writer refuses: `--` inside, a final `-`, characters XML does not allow.
    private mutating func writeComments(_ c: Int, depth: Int) throws {
        guard c >= 0 else { return }
        var k = c + 1
        while k < Int(t[c].next) {
            let s = t[k]
            guard s.kind == .string, s.length > 0 else { throw DirectBail() }
            indent(depth)
            out.appendStatic("<!--")
            let start = out.count
            try DirectXMLText.appendDecoded(p, s, escapeForXML: false, to: &out)
            let allowed = out.withWritten(from: start) { text -> Bool in
                var previous: UInt8 = 0
                for i in text.indices {
                    let b = text[i]
                    if b == UInt8(ascii: "-") && previous == b { return false }
                    previous = b
                }
                return previous != UInt8(ascii: "-")
            }
            guard allowed else { throw DirectBail() }
            out.appendStatic("-->")
            newline()
            k += 1
        }
    }

    // MARK: Contexts (as the tree writer looks them up)

    /// The context of a complex or backbone child, and the role of its objects.
    private mutating func complexContext(_ info: ChildInfo, in parent: DirectType) throws
        -> (DirectType, DirectObjectRole) {
        let key = ObjectIdentifier(info)
        if let hit = contexts.children[key] { return (hit.type, hit.role) }
        guard let found = try? pack.context(of: info, in: parent.context) else { throw DirectBail() }
        let name = info.name
        let role: DirectObjectRole = name == "extension" || name == "modifierExtension" ? .extensionItem : .ordinary
        let child = DirectType(found)
        contexts.children[key] = (info, child, role)
        return (child, role)
    }

    private mutating func primitiveContext(_ info: ChildInfo) throws -> DirectType {
        let key = ObjectIdentifier(info)
        if let hit = contexts.children[key] { return hit.type }
        guard let found = try? pack.primitiveContext(info) else { throw DirectBail() }
        let child = DirectType(found)
        contexts.children[key] = (info, child, .primitiveMeta)
        return child
    }

    // MARK: Pieces

    /// True when the key token `k` is exactly `name` (escaped keys never are).
    @inline(__always)
    func isKey(_ k: JSONToken, _ name: String) -> Bool {
        Self.isKey(k, name, p)
    }

    @inline(__always)
    static func isKey(_ k: JSONToken, _ name: String, _ p: [UInt8]) -> Bool {
        let l = name.utf8.span
        let n = l.count
        guard Int(k.length) == n, k.flags == 0 else { return false }
        let start = Int(k.start)
        for j in 0..<n where p[start &+ j] != l[j] { return false }
        return true
    }

    /// An element name (from the definitions): its contiguous UTF-8, which is much cheaper to copy
    /// than iterating `name.utf8`.
    @inline(__always)
    mutating func appendName(_ name: String) {
        out.appendStatic(name)
    }

    /// The bytes of a token as they are in the input.
    @inline(__always)
    mutating func appendRaw(_ k: JSONToken) {
        out.append(p, Int(k.start) ..< Int(k.start) + Int(k.length))
    }

    private static let spaces = [UInt8](repeating: UInt8(ascii: " "), count: 256)

    @inline(__always)
    mutating func indent(_ depth: Int) {
        guard pretty, depth > 0 else { return }
        var n = 2 * depth
        while n > 0 {
            let k = min(n, Self.spaces.count)
            out.append(Self.spaces, 0..<k)
            n -= k
        }
    }

    @inline(__always)
    mutating func newline() {
        if pretty { out.append(0x0A) }
    }

    /// Appends the children of object `o` to ``members`` (sorted, `name`/`_name` merged) and returns
    /// the tokens of its `id` and `url` attributes (-1 when absent). See DirectXMLEmitter+Members.
    private mutating func collect(_ o: Int, in context: DirectType, role: DirectObjectRole) throws -> DirectSpecials {
        try Self.collectMembers(o, p: p, t: t, table: context.context.table, role: role, into: &members)
    }
}
