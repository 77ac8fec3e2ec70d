import CLibXML2
import Foundation
import FHIRModel

/// Layer 0: optional W3C XML Schema validation with libxml2, e.g. against the official
/// `fhir-single.xsd` of FHIR STU3.
///
/// The schema is read and compiled once, by ``init(schemaPath:)``; ``validate(_:)-(Data)`` then checks raw
/// XML messages against it, each call with its own libxml2 validation context, so one validator
/// can be shared by threads. Schema documents that the XSD imports or includes by relative path
/// (`fhir-single.xsd` imports `xml.xsd` and `fhir-xhtml.xsd`) are looked up **beside the XSD**: put
/// them in the same folder. Only local files are read (no network, whatever the schema says).
///
/// Issues: rule `xsd.invalid` (severity error, type structure) for every schema violation,
/// `xsd.warning` for libxml2's warnings, with the line and column of the offending element's start
/// tag and a FHIRPath-like location (`Bundle.entry[1].resource.gender`; an index is shown where
/// the element has same-named siblings, since the schema layer knows no cardinalities). A document
/// that libxml2 cannot parse gives fatal `xsd.invalid` issues (the reader normally reports it
/// first). The FHIR namespace is left out of libxml2's messages (`Element 'gender'`, not
/// `Element '{http://hl7.org/fhir}gender'`).
///
/// ```swift
/// let xsd = try XMLSchemaValidator(schemaPath: "schemas/fhir-single.xsd")
/// let issues = xsd.validate(data)
/// ```
///
/// Safety of the message parse: no network, no DTD loading, no entity substitution, libxml2's
/// limits on; a document with a DOCTYPE is refused (fatal `xsd.invalid`). The schema itself is
/// trusted input (the operator chooses it).
public final class XMLSchemaValidator: @unchecked Sendable {
    // `schema` is written once in init and only read afterwards; libxml2 allows one compiled
    // schema to be used by several validation contexts at once.
    private let schema: xmlSchemaPtr
    /// The XSD this validator was built from.
    public let schemaPath: String

    /// Reads and compiles the XSD at `schemaPath` (and the documents it imports, beside it).
    ///
    /// - Throws: `IssuesError` with rule `xsd.load` (type processing) when the file is missing or
    ///   the schema cannot be read or compiled; libxml2's messages are its issues.
    public init(schemaPath: String) throws {
        self.schemaPath = schemaPath
        func loadError(_ message: String) -> IssuesError {
            IssuesError(Issue(.fatal, .processing, rule: SchemaRule.load, message, file: schemaPath))
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: schemaPath, isDirectory: &isDirectory) else {
            throw loadError("cannot load the XML Schema: no such file '\(schemaPath)'")
        }
        if isDirectory.boolValue { throw loadError("cannot load the XML Schema: '\(schemaPath)' is a folder, not an XSD file") }
        XMLSchemaValidator.setUpLibXML()

        let collector = IssueCollector(rule: SchemaRule.load, severity: .fatal, type: .processing)
        let box = Unmanaged.passRetained(collector)
        defer { box.release() }
        let context = box.toOpaque()

        guard let pctxt = xmlSchemaNewParserCtxt(schemaPath) else {
            throw loadError("cannot load the XML Schema '\(schemaPath)': libxml2 could not create a schema parser")
        }
        defer { xmlSchemaFreeParserCtxt(pctxt) }
        xmlSchemaSetParserStructuredErrors(pctxt, { ctx, error in
            guard let ctx, let error else { return }
            Unmanaged<IssueCollector>.fromOpaque(ctx).takeUnretainedValue().add(error)
        }, context)
        // Errors of the XML parse of the schema documents go to the thread's structured handler
        // (thread-local in libxml2): catch them for the duration of the load, then restore the default.
        xmlSetStructuredErrorFunc(context, { ctx, error in
            guard let ctx, let error else { return }
            Unmanaged<IssueCollector>.fromOpaque(ctx).takeUnretainedValue().add(error)
        })
        let compiled = xmlSchemaParse(pctxt)
        xmlSetStructuredErrorFunc(nil, nil)
        guard let compiled else {
            // Warnings stay: "failed to load external entity …/xml.xsd" says why a reference does not resolve.
            var issues = collector.issues
            if !issues.contains(where: { $0.severity >= .error }) {
                issues.append(Issue(.fatal, .processing, rule: SchemaRule.load, "the XML Schema could not be compiled"))
            }
            let limit = 20
            if issues.count > limit {
                let more = issues.count - limit
                issues.removeLast(more)
                issues.append(Issue(.fatal, .processing, rule: SchemaRule.load, "\(more) more problems not shown"))
            }
            for i in issues.indices {
                if issues[i].severity > .warning { issues[i].severity = .fatal }
                issues[i].type = .processing
                issues[i].rule = SchemaRule.load.rawValue
                issues[i].message = "cannot load the XML Schema: " + issues[i].message
                if issues[i].file == nil { issues[i].file = schemaPath }
            }
            throw IssuesError(issues)
        }
        schema = compiled
    }

    deinit {
        xmlSchemaFree(schema)
    }

    /// All schema issues of one XML message (UTF-8, optionally with a byte order mark). Never
    /// throws: an unreadable document gives fatal issues.
    public func validate(_ data: Data) -> [Issue] {
        validate(data.span)
    }

    /// All schema issues of one XML message given as bytes (e.g. a window of a larger buffer).
    public func validate(_ bytes: Span<UInt8>) -> [Issue] {
        bytes.withUnsafeBytes { validate($0) }
    }

    /// All schema issues of one XML message given as raw bytes (e.g. a slice of a larger buffer).
    public func validate(_ raw: UnsafeRawBufferPointer) -> [Issue] {
        var bytes = UnsafeRawBufferPointer(rebasing: raw[...])
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF {
            bytes = UnsafeRawBufferPointer(rebasing: bytes[3...])
        }
        guard let base = bytes.baseAddress, bytes.count > 0, bytes.count <= Int(Int32.max) else {
            return [Issue(.fatal, .structure, rule: SchemaRule.invalid, "the document is empty or too large to check against the XML Schema")]
        }
        let collector = IssueCollector(rule: SchemaRule.invalid, severity: .error, type: .structure)
        let box = Unmanaged.passRetained(collector)
        defer { box.release() }
        let context = box.toOpaque()

        // 1. Parse into a tree, safely and with errors kept in this call.
        guard let pctxt = xmlNewParserCtxt() else {
            return [Issue(.fatal, .processing, rule: SchemaRule.invalid, "libxml2 could not create a parser")]
        }
        defer { xmlFreeParserCtxt(pctxt) }
        pctxt.pointee._private = context
        if let sax = pctxt.pointee.sax {
            sax.pointee.serror = { ctx, error in
                guard let ctx, let error else { return }
                let p = ctx.assumingMemoryBound(to: xmlParserCtxt.self)
                guard let c = p.pointee._private else { return }
                Unmanaged<IssueCollector>.fromOpaque(c).takeUnretainedValue().addParseError(error)
            }
            // A DOCTYPE is refused outright (no DTD, no entity declarations): stop the parse.
            sax.pointee.internalSubset = { ctx, _, _, _ in
                guard let ctx else { return }
                let p = ctx.assumingMemoryBound(to: xmlParserCtxt.self)
                if let c = p.pointee._private {
                    Unmanaged<IssueCollector>.fromOpaque(c).takeUnretainedValue().doctype = true
                }
                xmlStopParser(p)
            }
        }
        // NONET: no network. No NOENT (no entity substitution), no DTDLOAD/DTDATTR/DTDVALID, no HUGE.
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_BIG_LINES.rawValue)
        let doc = base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
            xmlCtxtReadMemory(pctxt, $0, Int32(bytes.count), nil, nil, options)
        }
        defer { if let doc { xmlFreeDoc(doc) } }
        if collector.doctype {
            return [Issue(.fatal, .security, rule: SchemaRule.invalid,
                          "a DOCTYPE is not allowed in FHIR XML; the document was not checked against the XML Schema",
                          position: SourcePosition(line: 1, column: 1))]
        }
        guard let doc, pctxt.pointee.wellFormed != 0 else {
            var issues = collector.issues.filter { $0.severity >= .error }
            if issues.isEmpty { issues = [Issue(.fatal, .structure, rule: SchemaRule.invalid, "the document is not well-formed XML")] }
            for i in issues.indices {
                issues[i].severity = .fatal
                issues[i].message = "not checked against the XML Schema: " + issues[i].message
            }
            return issues
        }
        collector.issues.removeAll()

        // 2. Validate the tree with a validation context of this call.
        guard let vctxt = xmlSchemaNewValidCtxt(schema) else {
            return [Issue(.fatal, .processing, rule: SchemaRule.invalid, "libxml2 could not create a schema validation context")]
        }
        defer { xmlSchemaFreeValidCtxt(vctxt) }
        xmlSchemaSetValidStructuredErrors(vctxt, { ctx, error in
            guard let ctx, let error else { return }
            Unmanaged<IssueCollector>.fromOpaque(ctx).takeUnretainedValue().add(error)
        }, context)
        let status = xmlSchemaValidateDoc(vctxt, doc)
        if status < 0 && collector.issues.isEmpty {
            collector.issues.append(Issue(.fatal, .processing, rule: SchemaRule.invalid,
                                          "libxml2 could not validate the document (internal error \(status))"))
        }
        if !collector.nodes.isEmpty {
            let locator = NodeLocator(doc: doc, bytes: bytes)
            for (index, node) in collector.nodes {
                collector.issues[index].position = locator.position(of: node)
                collector.issues[index].path = NodeLocator.path(of: node)
            }
        }
        return collector.issues
    }

    // MARK: libxml2 set-up

    private static let libxmlReady: Bool = {
        xmlInitParser()
        // Schema imports are read through the process-wide entity loader: never from the network.
        // (dch's own parsers already refuse network access, so this changes nothing else.)
        xmlSetExternalEntityLoader(xmlNoNetExternalEntityLoader)
        return true
    }()

    private static func setUpLibXML() { _ = libxmlReady }
}

/// Collects libxml2's structured errors of one load or one validation (one thread at a time).
private final class IssueCollector {
    let rule: SchemaRule
    let severity: Severity
    let type: IssueType
    var issues: [Issue] = []
    /// Issue index -> the node libxml2 named, resolved to a position and path after validation.
    var nodes: [(Int, xmlNodePtr)] = []
    var doctype = false

    init(rule: SchemaRule, severity: Severity, type: IssueType) {
        self.rule = rule
        self.severity = severity
        self.type = type
    }

    static func clean(_ raw: UnsafeMutablePointer<CChar>?, code: Int32) -> String {
        var message = raw.map { String(cString: $0) } ?? "XML Schema error \(code)"
        message = message.replacingOccurrences(of: "{http://hl7.org/fhir}", with: "")
        return message.split(whereSeparator: { $0 == "\n" || $0 == "\r" })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: "; ")
    }

    func add(_ error: UnsafePointer<xmlError>) {
        let e = error.pointee
        let warning = e.level.rawValue <= XML_ERR_WARNING.rawValue
        var issue = Issue(warning ? .warning : severity, type,
                          rule: warning && rule == .invalid ? SchemaRule.warning : rule,
                          Self.clean(e.message, code: e.code))
        if e.line > 0 { issue.position = SourcePosition(line: Int(e.line), column: e.int2 > 0 ? Int(e.int2) : 1) }
        if let file = e.file, rule == .load { issue.file = String(cString: file) }
        if let node = e.node?.assumingMemoryBound(to: xmlNode.self), rule == .invalid {
            nodes.append((issues.count, node))
        }
        issues.append(issue)
    }

    func addParseError(_ error: UnsafePointer<xmlError>) {
        let e = error.pointee
        guard e.level.rawValue > XML_ERR_WARNING.rawValue else { return }
        var issue = Issue(.fatal, .structure, rule: SchemaRule.invalid, Self.clean(e.message, code: e.code))
        if e.line > 0 { issue.position = SourcePosition(line: Int(e.line), column: e.int2 > 0 ? Int(e.int2) : 1) }
        issues.append(issue)
    }
}

/// Line, column and FHIRPath-like location of the nodes libxml2 reports.
private struct NodeLocator {
    /// Start tag positions of the elements, in document order, keyed by node.
    private var positions: [xmlNodePtr: SourcePosition] = [:]

    /// Pairs the elements of `doc` (document order) with the start tags of `bytes` (text order):
    /// without entity substitution and with no DOCTYPE the two sequences match one to one.
    init(doc: xmlDocPtr, bytes: UnsafeRawBufferPointer) {
        var elements: [xmlNodePtr] = []
        func collect(_ first: xmlNodePtr?) {
            var n = first
            while let node = n {
                if node.pointee.type == XML_ELEMENT_NODE {
                    elements.append(node)
                    collect(node.pointee.children)
                }
                n = node.pointee.next
            }
        }
        collect(xmlDocGetRootElement(doc))
        let tags = Self.startTags(bytes)
        guard tags.count == elements.count else { return }
        for (node, position) in zip(elements, tags) { positions[node] = position }
    }

    /// Positions of `<` of every start tag (skipping end tags, comments, CDATA, PIs, declarations).
    static func startTags(_ b: UnsafeRawBufferPointer) -> [SourcePosition] {
        var result: [SourcePosition] = []
        var line = 1, lineStart = 0, i = 0
        let n = b.count
        func skip(to terminator: [UInt8]) {
            while i < n {
                if b[i] == 0x0A { line += 1; lineStart = i + 1 }
                if b[i] == terminator[0], i + terminator.count <= n,
                   (0..<terminator.count).allSatisfy({ b[i + $0] == terminator[$0] }) {
                    i += terminator.count
                    return
                }
                i += 1
            }
        }
        func starts(_ s: [UInt8]) -> Bool {
            i + s.count <= n && (0..<s.count).allSatisfy { b[i + $0] == s[$0] }
        }
        while i < n {
            let c = b[i]
            if c == 0x0A { line += 1; lineStart = i + 1; i += 1; continue }
            guard c == UInt8(ascii: "<") else { i += 1; continue }
            if starts(Array("<!--".utf8)) { skip(to: Array("-->".utf8)) }
            else if starts(Array("<![CDATA[".utf8)) { skip(to: Array("]]>".utf8)) }
            else if starts(Array("<?".utf8)) { skip(to: Array("?>".utf8)) }
            else if starts(Array("<!".utf8)) || starts(Array("</".utf8)) { skip(to: [UInt8(ascii: ">")]) }
            else {
                result.append(SourcePosition(line: line, column: i - lineStart + 1))
                i += 1
            }
        }
        return result
    }

    /// The start tag of the element (or of an attribute's element); libxml2's line otherwise.
    func position(of node: xmlNodePtr) -> SourcePosition? {
        var n: xmlNodePtr? = node
        while let m = n, m.pointee.type != XML_ELEMENT_NODE { n = m.pointee.parent }
        guard let element = n else { return nil }
        if let p = positions[element] { return p }
        let line = Int(xmlGetLineNo(element))
        return line > 0 ? SourcePosition(line: line, column: 1) : nil
    }

    /// `Bundle.entry[1].resource.gender`: element names from the root, without the resource
    /// elements that FHIR XML nests in `resource`/`contained` wrappers; narrative XHTML stops at `div`.
    static func path(of node: xmlNodePtr) -> String? {
        var n: xmlNodePtr? = node
        while let m = n, m.pointee.type != XML_ELEMENT_NODE { n = m.pointee.parent }
        // Inside narrative: up to the outermost XHTML element (the div).
        while let m = n, isXHTML(m), let parent = m.pointee.parent, parent.pointee.type == XML_ELEMENT_NODE, isXHTML(parent) {
            n = parent
        }
        var steps: [String] = []
        while let m = n, m.pointee.type == XML_ELEMENT_NODE {
            let name = String(cString: m.pointee.name)
            let parent = m.pointee.parent
            let isRoot = parent == nil || parent!.pointee.type != XML_ELEMENT_NODE
            if isRoot || !(name.first?.isUppercase ?? false) {
                var step = name
                if !isRoot, let index = siblingIndex(m) { step += "[\(index)]" }
                steps.append(step)
            }
            n = isRoot ? nil : parent
        }
        return steps.isEmpty ? nil : steps.reversed().joined(separator: ".")
    }

    private static func isXHTML(_ node: xmlNodePtr) -> Bool {
        guard let ns = node.pointee.ns, let href = ns.pointee.href else { return false }
        return String(cString: href) == "http://www.w3.org/1999/xhtml"
    }

    /// 0-based index among same-named element siblings, or nil when the element is alone.
    private static func siblingIndex(_ node: xmlNodePtr) -> Int? {
        guard let parent = node.pointee.parent else { return nil }
        var index = 0, count = 0
        var c = parent.pointee.children
        while let s = c {
            if s.pointee.type == XML_ELEMENT_NODE, xmlStrEqual(s.pointee.name, node.pointee.name) != 0 {
                if s == node { index = count }
                count += 1
            }
            c = s.pointee.next
        }
        return count > 1 ? index : nil
    }
}
