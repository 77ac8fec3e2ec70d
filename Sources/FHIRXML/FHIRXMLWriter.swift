import FHIRModel
import FHIRDefinitions

/// Writes the `Element` tree as FHIR STU3 XML.
///
/// In ``XMLWriteOptions/Order/definition`` order (the default, which FHIR requires) the writer walks
/// the tree with the definition pack: each element's children are grouped by name and the groups put
/// in the definition's order; resource nodes (`Element.resourceType`) start from their own type's
/// definition and are re-wrapped (`<resource><Patient>…</Patient></resource>`). An element the
/// definitions do not know, a resource type they do not know, or a value XML cannot carry is an
/// error; all errors are collected and thrown together as an `IssuesError`, so the writer never
/// produces partial output and never drops an element silently.
///
/// In ``XMLWriteOptions/Order/document`` order no definitions are needed and the tree is written as it
/// is. A root without a resource type is then written as a plain element with the FHIR namespace, which
/// is how the definition importer stores `fixed[x]`/`pattern[x]` values
/// (`<fixedUri xmlns="http://hl7.org/fhir" value="…"/>`).
///
/// Output details:
/// - Attributes `id`, `url`, `value` (in that order); `& < > "` and TAB, LF, CR are escaped in them
///   (`&#9;`, `&#xA;`, `&#xD;`), so values survive a re-read byte for byte.
/// - Comments are written `<!--text-->` before their element; trailing comments before the end tag.
///   A comment containing `--` or ending in `-` cannot be written (`xml.comment`).
/// - Characters XML 1.0 does not allow are an error (`xml.invalid-char`).
/// - The narrative `div` is checked to be one well-formed XHTML element and written verbatim (with the
///   XHTML namespace declared on it if the string lacked it); otherwise `xhtml.not-well-formed`.
public struct FHIRXMLWriter: Sendable {
    /// The definitions used for ``XMLWriteOptions/Order/definition`` order.
    public let pack: DefinitionPack?
    /// Layout options.
    public var options: XMLWriteOptions

    /// Creates a writer. `pack` may be nil only for ``XMLWriteOptions/Order/document`` order.
    public init(pack: DefinitionPack?, options: XMLWriteOptions = .init()) {
        self.pack = pack
        self.options = options
    }

    /// Serialises `root` (a resource, or with document order any element) as one XML document.
    ///
    /// - Throws: `IssuesError` with every error found; nothing is written then.
    public func write(_ root: Element) throws -> Encoded {
        var w = XMLTreeWriter(pack: pack, options: options)
        w.writeDocument(root)
        if w.issues.contains(where: { $0.severity >= .error }) {
            throw IssuesError(w.issues)
        }
        return Encoded(bytes: w.out, issues: w.issues)
    }
}

/// The writer's state: output bytes and issues, walked recursively over the tree.
///
/// The path of the element being written is kept as a stack of steps and turned into text only when
/// an issue needs it, so a clean write builds no path strings.
struct XMLTreeWriter {
    let pack: DefinitionPack?
    let pretty: Bool
    let declaration: Bool
    let byDefinition: Bool
    var out: [UInt8] = []
    var issues: [Issue] = []
    private var rootName = ""
    /// Each step is the name of the element being written (most names are small strings, which
    /// copy without a reference count) and its index when its element repeats.
    private var steps: [(name: String, index: Int?)] = []
    private var complexContexts: [String: TypeContext] = [:]
    /// Definitions of the children being written, one frame per level (see `writeChildrenByDefinition`).
    private var infoStack: [ChildInfo] = []
    private var primitiveContexts: [String: TypeContext] = [:]

    init(pack: DefinitionPack?, options: XMLWriteOptions) {
        self.pack = pack
        self.pretty = options.pretty
        self.declaration = options.declaration
        self.byDefinition = options.order == .definition
    }

    private var failed: Bool { issues.contains { $0.severity >= .error } }

    /// The FHIRPath-style location of the element being written.
    private var path: ElementPath {
        var p = ElementPath(root: rootName)
        for step in steps { p = p.appending(step.name, index: step.index) }
        return p
    }

    private mutating func error(_ rule: some RuleRegistry, _ type: IssueType, _ message: String, _ element: Element) {
        error(rule, type, message, at: element.position)
    }

    private mutating func error(_ rule: some RuleRegistry, _ type: IssueType, _ message: String, at position: SourcePosition) {
        issues.append(Issue(.error, type, rule: rule, message, path: path.text, position: position))
    }

    // MARK: Document

    mutating func writeDocument(_ root: Element) {
        out.reserveCapacity(4096)
        steps.reserveCapacity(32)
        infoStack.reserveCapacity(256)
        if declaration {
            out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
            newline()
        }
        let name = root.resourceType ?? root.name
        rootName = name
        writeComments(root.comments, depth: 0, at: root.position)
        guard validName(name, at: root.position) else { return }
        var context: TypeContext?
        if byDefinition {
            guard let pack else {
                error(XMLRule.noDefinitions, .processing,
                      "writing XML in definition order needs the definition pack; use document order to write the tree as it is",
                      root)
                return
            }
            guard let type = root.resourceType else {
                error(XMLRule.untypedRoot, .structure,
                      "the root '\(root.name)' is not a resource: definition order needs a resource type (use document order for fragments)",
                      root)
                return
            }
            context = lookup(root.position) { try pack.context(forType: type) }
            guard let found = context, found.model.isResource else {
                if !failed { error(XMLRule.unknownResource, .structure, "unknown resource type '\(type)'", root) }
                return
            }
        }
        if root.resourceType != nil && (root.value != nil || root.id != nil || root.url != nil) {
            error(XMLRule.resourceAttribute, .structure,
                  "resource '\(name)' has a value, id or url attribute, which XML cannot carry on a resource element (Resource.id is a child element)",
                  root)
        }
        out.append(UInt8(ascii: "<"))
        appendName(name)
        out.append(" xmlns=\"http://hl7.org/fhir\"")
        if root.resourceType == nil { writeAttributes(root) }
        if writeContent(root, context: context, depth: 0) {
            appendName(name)
            out.append(UInt8(ascii: ">"))
        }
        newline()
    }

    // Elements are borrowed in place from their parent's children (or the root): reading a field
    // then touches only that field, where passing the struct would copy (retain and release) them all.

    /// After the start tag's name and attributes: `/>` (returns false), or `>`, the children, the
    /// trailing comments and `</` (returns true; the caller appends the name and `>`).
    private mutating func writeContent(_ e: borrowing Element, context: TypeContext?, depth: Int) -> Bool {
        if e.children.isEmpty && e.trailingComments.isEmpty {
            out.append("/>")
            return false
        }
        out.append(UInt8(ascii: ">"))
        newline()
        if let context {
            writeChildrenByDefinition(of: e, context: context, depth: depth + 1)
        } else {
            writeChildrenAsIs(of: e, depth: depth + 1)
        }
        writeComments(e.trailingComments, depth: depth + 1, at: e.position)
        indent(depth)
        out.append("</")
        return true
    }

    // MARK: Children

    private mutating func writeChildrenAsIs(of parent: borrowing Element, depth: Int) {
        let children = parent.children.span
        var run = 0
        for i in children.indices {
            let name = children[i].name
            run = i > 0 && children[i - 1].name == name ? run + 1 : 0
            let repeats = run > 0 || (i + 1 < children.count && children[i + 1].name == name)
            steps.append((name, repeats ? run : nil))
            if children[i].resourceType != nil {
                writeWrapped(children[i], context: nil, depth: depth)
            } else if name == "div" && children[i].children.isEmpty && Self.isMarkupOrEmpty(children[i].value) {
                writeDiv(children[i], depth: depth)
            } else {
                writePlain(children[i], context: nil, depth: depth)
            }
            steps.removeLast()
        }
    }

    /// Whether a `div`'s value is absent or XHTML markup (starts with `<`).
    private static func isMarkupOrEmpty(_ value: String?) -> Bool {
        guard let value else { return true }
        return value.utf8.first == UInt8(ascii: "<")
    }

    private mutating func writeChildrenByDefinition(of e: borrowing Element, context: TypeContext, depth: Int) {
        let children = e.children.span
        // Fast path: children already in definition order (each name one run, names ascending) are
        // written as they come, with the definitions found while checking the order (kept on a
        // stack shared by all levels of the walk).
        if let table = context.table {
            let base = infoStack.count
            defer { infoStack.removeSubrange(base...) }
            var inOrder = true
            for i in children.indices {
                let name = children[i].name
                if i > 0 && children[i - 1].name == name {
                    infoStack.append(infoStack[infoStack.count - 1])
                    continue
                }
                guard let info = table[name], i == 0 || infoStack[infoStack.count - 1].order < info.order else {
                    inOrder = false
                    break
                }
                infoStack.append(info)
            }
            if inOrder {
                var run = 0
                for i in children.indices {
                    run = i > 0 && children[i - 1].name == children[i].name ? run + 1 : 0
                    let info = infoStack[base + i]
                    writeTypedChild(children[i], info: info, index: run, in: context, depth: depth)
                }
                return
            }
        }
        // General case: the shared grouping (which reports unknown elements). Its path argument is only
        // used in those reports, so pass a placeholder and complete the paths afterwards.
        let before = issues.count
        let groups = context.groups(of: e, path: ElementPath(root: ""), issues: &issues)
        if issues.count > before {
            let here = path.text
            for k in before..<issues.count {
                if let p = issues[k].path, p.hasPrefix(".") { issues[k].path = here + p }
            }
        }
        for group in groups {
            for (k, i) in group.indices.enumerated() {
                writeTypedChild(children[i], info: group.info, index: k, in: context, depth: depth)
            }
        }
    }

    private mutating func writeTypedChild(_ child: borrowing Element, info: ChildInfo, index: Int,
                                          in context: TypeContext, depth: Int) {
        guard let pack else { return }
        steps.append((child.name, info.repeats ? index : nil))
        defer { steps.removeLast() }
        switch info.content {
        case .resource:
            guard let type = child.resourceType else {
                error(XMLRule.missingResource, .structure,
                      "'\(child.name)' holds a resource, but this node has no resource type",
                      at: child.position)
                return
            }
            let resourceContext = lookup(child.position) { try pack.context(forType: type) }
            guard let resourceContext, resourceContext.model.isResource else {
                error(XMLRule.unknownResource, .structure, "unknown resource type '\(type)'", at: child.position)
                return
            }
            writeWrapped(child, context: resourceContext, depth: depth)
        case .xhtml:
            if rejectResource(child) { return }
            writeDiv(child, depth: depth)
        case .primitive:
            if rejectResource(child) { return }
            var childContext: TypeContext?
            if !child.children.isEmpty {
                childContext = cached(primitive: true, info.typeCode, child.position) {
                    try pack.primitiveContext(info)
                }
                if childContext == nil {
                    error(XMLRule.noDefinition, .processing,
                          "no definition of type '\(info.typeCode)' for the children of '\(child.name)'",
                          at: child.position)
                    return
                }
            }
            writePlain(child, context: childContext, depth: depth)
        case .complex, .backbone:
            if rejectResource(child) { return }
            let childContext: TypeContext?
            if case .complex = info.content {
                childContext = cached(primitive: false, info.typeCode, child.position) {
                    try pack.context(of: info, in: context)
                }
            } else {
                childContext = lookup(child.position) { try pack.context(of: info, in: context) }
            }
            guard let childContext else {
                error(XMLRule.noDefinition, .processing,
                      "no definition of type '\(info.typeCode)' for '\(child.name)'", at: child.position)
                return
            }
            writePlain(child, context: childContext, depth: depth)
        }
    }

    private mutating func rejectResource(_ child: borrowing Element) -> Bool {
        guard let type = child.resourceType else { return false }
        error(XMLRule.unexpectedResource, .structure,
              "'\(child.name)' holds a \(type) resource, but its definition is not a resource element",
              at: child.position)
        return true
    }

    /// A context looked up once per type code and kept for the rest of the write.
    private mutating func cached(primitive: Bool, _ key: String, _ position: SourcePosition,
                                 _ body: () throws -> TypeContext?) -> TypeContext? {
        if let hit = primitive ? primitiveContexts[key] : complexContexts[key] { return hit }
        let found = lookup(position, body)
        if let found {
            if primitive { primitiveContexts[key] = found } else { complexContexts[key] = found }
        }
        return found
    }

    private mutating func lookup(_ position: SourcePosition, _ body: () throws -> TypeContext?) -> TypeContext? {
        do {
            return try body()
        } catch let e as IssuesError {
            let here = path.text
            for var issue in e.issues {
                issue.path = issue.path ?? here
                issues.append(issue)
            }
        } catch {
            self.error(DefinitionRule.packLookup, .processing, "definition lookup failed: \(error)", at: position)
        }
        return nil
    }

    // MARK: Elements

    /// `<name attrs>children</name>` or `<name attrs/>`.
    private mutating func writePlain(_ e: borrowing Element, context: TypeContext?, depth: Int) {
        writeComments(e.comments, depth: depth, at: e.position)
        guard byDefinition || validName(e.name, at: e.position) else { return }
        indent(depth)
        out.append(UInt8(ascii: "<"))
        appendName(e.name)
        writeAttributes(e)
        if writeContent(e, context: context, depth: depth) {
            appendName(e.name)
            out.append(UInt8(ascii: ">"))
        }
        newline()
    }

    /// `<resource><Patient>…</Patient></resource>`: the node's comments and attributes go on the wrapper.
    private mutating func writeWrapped(_ e: borrowing Element, context: TypeContext?, depth: Int) {
        let position = e.position
        writeComments(e.comments, depth: depth, at: position)
        guard let type = e.resourceType else { return }
        guard byDefinition || (validName(e.name, at: position) && validName(type, at: position)) else {
            return
        }
        indent(depth)
        out.append(UInt8(ascii: "<"))
        appendName(e.name)
        writeAttributes(e)
        out.append(UInt8(ascii: ">"))
        newline()
        indent(depth + 1)
        out.append(UInt8(ascii: "<"))
        appendName(type)
        if writeContent(e, context: context, depth: depth + 1) {
            appendName(type)
            out.append(UInt8(ascii: ">"))
        }
        newline()
        indent(depth)
        out.append("</")
        appendName(e.name)
        out.append(UInt8(ascii: ">"))
        newline()
    }

    /// The narrative: checked, then copied verbatim.
    private mutating func writeDiv(_ e: borrowing Element, depth: Int) {
        let position = e.position
        writeComments(e.comments, depth: depth, at: position)
        guard let value = e.value, e.children.isEmpty, e.id == nil, e.url == nil else {
            error(XMLRule.xhtmlNotWellFormed, .structure,
                  "the narrative '\(e.name)' must hold its XHTML as its value, with no children or attributes",
                  at: position)
            return
        }
        if !e.trailingComments.isEmpty {
            error(XMLRule.comment, .structure,
                  "comments after the content of the narrative '\(e.name)' cannot be written outside the XHTML",
                  at: position)
            return
        }
        switch XHTMLCheck.check(value) {
        case .ok:
            indent(depth)
            out.append(contentsOf: value.utf8)
        case let .needsNamespace(at):
            indent(depth)
            let utf8 = Array(value.utf8)
            out.append(contentsOf: utf8[..<at])
            out.append(" xmlns=\"http://www.w3.org/1999/xhtml\"")
            out.append(contentsOf: utf8[at...])
        case let .invalid(message):
            error(XMLRule.xhtmlNotWellFormed, .structure, message, at: position)
            return
        }
        newline()
    }

    // MARK: Pieces

    private mutating func writeAttributes(_ e: borrowing Element) {
        if let id = e.id { writeAttribute(" id=\"", id, of: e) }
        if let url = e.url { writeAttribute(" url=\"", url, of: e) }
        if let value = e.value { writeAttribute(" value=\"", value, of: e) }
    }

    private mutating func writeAttribute(_ head: StaticString, _ value: String, of e: borrowing Element) {
        out.append(head)
        if !XMLEscaping.appendAttribute(value, to: &out) {
            error(XMLRule.invalidChar, .value,
                  "the value of '\(e.name)' contains a character XML 1.0 cannot carry (a control character or U+FFFE/U+FFFF)",
                  at: e.position)
        }
        out.append(UInt8(ascii: "\""))
    }

    private mutating func writeComments(_ comments: [String], depth: Int, at position: SourcePosition) {
        for comment in comments {
            guard Self.canBeComment(comment.utf8.span) else {
                error(XMLRule.comment, .value,
                      "the comment '\(comment.prefix(60))' cannot be written in XML: a comment cannot contain '--', end in '-' or hold control characters",
                      at: position)
                continue
            }
            indent(depth)
            out.append("<!--")
            out.append(contentsOf: comment.utf8)
            out.append("-->")
            newline()
        }
    }

    /// XML names FHIR uses: ASCII letters, digits, `_`, `-`, `.`, starting with a letter or `_`.
    private mutating func validName(_ name: String, at position: SourcePosition) -> Bool {
        var first = true
        var ok = !name.isEmpty
        for c in name.utf8 {
            let letter = (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F
            let other = (c >= 0x30 && c <= 0x39) || c == 0x2D || c == 0x2E
            if !(letter || (!first && other)) { ok = false; break }
            first = false
        }
        if !ok {
            error(XMLRule.invalidName, .structure, "'\(name)' cannot be written as an XML element name",
                  at: position)
        }
        return ok
    }

    @inline(__always)
    private mutating func appendName(_ name: String) {
        out.append(contentsOf: name.utf8)
    }

    private static let spaces = [UInt8](repeating: UInt8(ascii: " "), count: 256)

    /// True when `b` can be an XML comment: characters XML 1.0 allows, no `--`, no final `-`.
    private static func canBeComment(_ b: Span<UInt8>) -> Bool {
        guard XMLEscaping.isValidXMLText(b) else { return false }
        var i = 0
        while i + 1 < b.count {
            if b[i] == UInt8(ascii: "-") && b[i + 1] == UInt8(ascii: "-") { return false }
            i += 1
        }
        return b.isEmpty || b[b.count - 1] != UInt8(ascii: "-")
    }

    @inline(__always)
    private mutating func indent(_ depth: Int) {
        guard pretty, depth > 0 else { return }
        var n = 2 * depth
        while n > 0 {
            let k = min(n, Self.spaces.count)
            out.append(copying: Self.spaces.span, 0..<k)
            n -= k
        }
    }

    @inline(__always)
    private mutating func newline() {
        if pretty { out.append(0x0A) }
    }
}
