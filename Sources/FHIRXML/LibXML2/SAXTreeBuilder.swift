import CLibXML2
import FHIRModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Builds the `Element` tree from libxml2 SAX2 events (the engine of ``FHIRXMLReader``).
///
/// The tree is built bottom-up in a node arena: an element's `Element` is pushed when its start tag
/// arrives and its finished children follow it; at its end tag the children are moved (not copied)
/// into one exactly-sized array. The state is a struct behind a pointer that the C callbacks reach
/// through libxml2's user data (no reference counting or exclusivity checks per event). Paths for
/// issues are recorded as steps and turned into text at the end, when sibling counts are known.
struct SAXTreeBuilder {
    // MARK: Parse entry point

    /// Parses `input`: the checks before libxml2 on the span, then the bytes lent to libxml2 (and to
    /// the callbacks' offsets) for the duration of the call.
    static func parse(_ input: Span<UInt8>, options: XMLReadOptions) throws -> Decoded {
        if input.count > options.maxBytes || input.count > Int(Int32.max) {
            throw IssuesError(Issue(.fatal, .tooCostly, rule: XMLRule.tooLarge,
                "the document has \(input.count) bytes; the limit is \(min(options.maxBytes, Int(Int32.max))) bytes"))
        }
        guard !input.isEmpty else {
            throw IssuesError(Issue(.fatal, .structure, rule: XMLRule.syntax, "the document is empty",
                                    position: SourcePosition(line: 1, column: 1)))
        }
        // A UTF-8 byte order mark is fine; libxml2 gets the bytes after it and positions count from there.
        let hasBOM = input.count >= 3 && input[0] == 0xEF && input[1] == 0xBB && input[2] == 0xBF
        let bytes = input.extracting((hasBOM ? 3 : 0)...)
        if let problem = encodingProblem(bytes) {
            throw IssuesError(Issue(.fatal, .notSupported, rule: XMLRule.encoding, problem,
                                    position: SourcePosition(line: 1, column: 1)))
        }
        guard !bytes.isEmpty else {
            throw IssuesError(Issue(.fatal, .structure, rule: XMLRule.syntax, "the document is empty",
                                    position: SourcePosition(line: 1, column: 1)))
        }
        return try bytes.withUnsafeBufferPointer { try parse(lent: $0, options: options) }
    }

    /// Runs libxml2 over `bytes` (not empty, checked), which stay valid for the whole call.
    private static func parse(lent bytes: UnsafeBufferPointer<UInt8>, options: XMLReadOptions) throws -> Decoded {
        LibXML.initialize()
        guard let slot = ParserSlots.take(), slot.push(bytes) else {
            throw IssuesError(Issue(.fatal, .processing, rule: XMLRule.syntax, "libxml2 could not create a parser"))
        }
        let ctxt = slot.ctxt

        let builder = UnsafeMutablePointer<SAXTreeBuilder>.allocate(capacity: 1)
        builder.initialize(to: SAXTreeBuilder(bytes: bytes, ctxt: ctxt, options: options))
        defer {
            builder.deinitialize(count: 1)
            builder.deallocate()
        }
        builder.pointee.adopt(slot)
        // NONET: no network. No NOENT (entities are not substituted), no DTDLOAD/DTDATTR/DTDVALID
        // (no DTD is read), no HUGE (libxml2's limits stay on). NOCDATA: CDATA arrives as text.
        xmlCtxtUseOptions(ctxt, Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue))
        ctxt.pointee.sax.pointee = Self.handler
        ctxt.pointee.userData = UnsafeMutableRawPointer(builder)
        _ = xmlParseDocument(ctxt)
        ctxt.pointee.userData = UnsafeMutableRawPointer(ctxt)
        let wellFormed = ctxt.pointee.wellFormed != 0
        builder.pointee.giveBack(to: slot)
        let clean = !builder.pointee.stopped && builder.pointee.errorCount == 0

        defer { builder.pointee.release() }
        defer {
            if slot.reusable(afterCleanParse: clean) {
                slot.reset()
                ParserSlots.put(slot)
            }
        }
        return try builder.pointee.finish(wellFormed: wellFormed)
    }

    /// Why the document's encoding is refused, or nil when it is UTF-8 (declared or not).
    static func encodingProblem(_ b: Span<UInt8>) -> String? {
        if b.count >= 2 && ((b[0] == 0xFE && b[1] == 0xFF) || (b[0] == 0xFF && b[1] == 0xFE)
                             || (b[0] == 0 && b[1] != 0) || (b[0] != 0 && b[1] == 0) || (b[0] == 0 && b[1] == 0)) {
            return "the document is not UTF-8 (it looks like UTF-16 or UTF-32); FHIR XML SHALL be UTF-8"
        }
        // Read in place: this runs for every document, and most have a declaration.
        func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
        func matches(_ at: Int, _ s: String) -> Bool {
            let w = s.utf8.span
            guard at + w.count <= b.count else { return false }
            for k in 0..<w.count where b[at + k] != w[k] { return false }
            return true
        }
        guard b.count > 6, matches(0, "<?xml"), isSpace(b[5]) else { return nil }
        let limit = min(b.count, 1024)
        var end = 5
        while end + 1 < limit && !(b[end] == UInt8(ascii: "?") && b[end + 1] == UInt8(ascii: ">")) { end += 1 }
        // The declaration is b[5..<end].
        let keyCount = 8
        var i = 5
        while i + keyCount <= end && !matches(i, "encoding") { i += 1 }
        guard i + keyCount <= end else { return nil }
        i += keyCount
        while i < end && isSpace(b[i]) { i += 1 }
        guard i < end, b[i] == UInt8(ascii: "=") else { return nil }
        i += 1
        while i < end && isSpace(b[i]) { i += 1 }
        guard i < end, b[i] == UInt8(ascii: "\"") || b[i] == UInt8(ascii: "'") else { return nil }
        let quote = b[i]
        i += 1
        var j = i
        while j < end && b[j] != quote { j += 1 }
        // "utf-8" in any case, compared in place: most documents declare it.
        if j - i == 5 {
            var k = 0
            for c in "utf-8".utf8 {
                let d = b[i + k]
                if d != c && !(d >= 0x41 && d <= 0x5A && d | 0x20 == c) { break }
                k += 1
            }
            if k == 5 { return nil }
        }
        let name = String(decoding: [UInt8](copying: b.extracting(i..<j)), as: UTF8.self)
        return "the declared encoding is '\(name)'; FHIR XML SHALL be UTF-8"
    }

    // MARK: State

    enum FrameKind: UInt8 {
        /// An ordinary element (or a root that is not a resource).
        case element
        /// A resource element that is the document root.
        case resource
        /// A resource element inside a wrapper (`<resource><Patient>`): collapses into the wrapper.
        case wrappedResource
        /// An element holding a resource (`contained`, `resource`).
        case wrapper
        /// A narrative `div`: its content is serialised into ``xhtml``.
        case xhtml
    }

    /// An open element: its node in ``nodes`` (its finished children follow it there).
    struct Frame {
        var node: Int
        var kind: FrameKind
        var reportedText = false
        /// The element is not in the FHIR namespace (reported once, at the top of such a subtree).
        var foreign = false
    }

    /// One step of an issue's location, resolved into path text when the tree is complete.
    struct PathStep {
        var name: String
        var index: Int
        var earlierSameName: Int
    }

    struct PendingIssue {
        var issue: Issue
        var rootName: String?
        var steps: [PathStep]
    }

    let bytes: UnsafeBufferPointer<UInt8>
    let ctxt: xmlParserCtxtPtr
    let options: XMLReadOptions
    var lines: LineTracker

    /// Open elements, outermost first.
    var frames: [Frame] = []
    /// Node arena: every open element followed by its finished children, depth-first. When an
    /// element ends, its children are moved (not copied) into one exactly-sized array.
    var nodes: [Element] = []
    var nodeCount: Int { nodes.count }
    var root: Element?
    var pendingComments: [String] = []
    var issues: [PendingIssue] = []
    var errorCount = 0
    /// Set when parsing stopped (our fatal error or libxml2's): later libxml2 errors are cascades.
    var stopped = false
    /// Set by ``stop()`` until the callback returns and libxml2 is told.
    var haltPending = false

    // Narrative XHTML state.
    var xhtml: [UInt8] = []
    var divDepth = 0
    var xhtmlTagOpen = false

    // Namespace URIs are interned by libxml2: remember the pointers once recognised.
    var fhirURI: UnsafePointer<UInt8>?
    var xhtmlURI: UnsafePointer<UInt8>?
    var valueName: UnsafePointer<UInt8>?
    var idName: UnsafePointer<UInt8>?
    var urlName: UnsafePointer<UInt8>?

    static let maxErrors = 1000
    /// Slots of the name cache: 2^10, the top ten bits of the address hash.
    static let nameCacheSize = 1024
    /// Element names by libxml2's interned address, lent by the ``ParserSlot`` for one parse.
    var nameCacheKeys: [UnsafePointer<UInt8>?] = []
    var nameCacheValues: [String] = []
    /// Long attribute values by a hash of their bytes (``sharedValue(_:_:)``), lent by the slot too.
    static let valueCacheSize = 512
    var valueCacheKeys: [UInt64] = []
    var valueCacheValues: [String] = []

    init(bytes: UnsafeBufferPointer<UInt8>, ctxt: xmlParserCtxtPtr, options: XMLReadOptions) {
        self.bytes = bytes
        self.ctxt = ctxt
        self.options = options
        self.lines = LineTracker()
        nodes.reserveCapacity(256)
        frames.reserveCapacity(32)
    }

    /// Borrows the slot's caches for this parse (moved, not copied).
    mutating func adopt(_ slot: ParserSlot) {
        swap(&nameCacheKeys, &slot.nameKeys)
        swap(&nameCacheValues, &slot.nameValues)
        swap(&valueCacheKeys, &slot.valueKeys)
        swap(&valueCacheValues, &slot.values)
        fhirURI = slot.interned.fhirURI
        xhtmlURI = slot.interned.xhtmlURI
        valueName = slot.interned.valueName
        idName = slot.interned.idName
        urlName = slot.interned.urlName
    }

    /// Returns the caches, grown by this parse, to the slot.
    mutating func giveBack(to slot: ParserSlot) {
        swap(&nameCacheKeys, &slot.nameKeys)
        swap(&nameCacheValues, &slot.nameValues)
        swap(&valueCacheKeys, &slot.valueKeys)
        swap(&valueCacheValues, &slot.values)
        slot.interned = InternedNames(fhirURI: fhirURI, xhtmlURI: xhtmlURI, valueName: valueName,
                                      idName: idName, urlName: urlName)
    }

    /// Empties the node arena (whatever is left in it after an error).
    mutating func release() {
        nodes.removeAll()
    }

    /// Appends a new element to the arena. The initialiser is inlined and an element has seven
    /// scalar parts (56 bytes, see `Element.source`), so it is moved into its slot, not copied.
    /// The arena's storage grows by doubling and lives for the whole parse.
    @inline(__always)
    mutating func pushNode(reading name: __owned String, resourceType: __owned String?, comments: __owned [String],
                           position: SourcePosition) -> Int {
        nodes.append(Element(reading: name, resourceType: resourceType, comments: comments, position: position))
        return nodes.count - 1
    }

    // MARK: Positions

    /// Byte offset of libxml2's read cursor in ``bytes``.
    @inline(__always)
    func cursorOffset() -> Int {
        guard let input = ctxt.pointee.input, let cur = input.pointee.cur, let base = input.pointee.base else {
            return bytes.count
        }
        let offset = Int(input.pointee.consumed) + (cur - base)
        return min(max(offset, 0), bytes.count)
    }

    /// Byte offset in ``bytes`` of text libxml2 hands to a callback: exact when the text points
    /// into libxml2's input buffer (the usual case), else the cursor.
    func textOffset(_ p: UnsafePointer<UInt8>) -> Int {
        guard let input = ctxt.pointee.input, let base = input.pointee.base, let end = input.pointee.end,
              p >= base && p < end else { return cursorOffset() }
        return min(Int(input.pointee.consumed) + (p - base), bytes.count)
    }

    /// Position of the `<` of the start tag libxml2 has just read (its cursor is at `>` or `/>`).
    @inline(__always)
    mutating func startTagPosition() -> SourcePosition {
        let end = min(cursorOffset(), bytes.count - 1)
        let input = Span(_unsafeElements: bytes)
        return lines.position(at: Self.lastLessThan(in: input, atOrBefore: end), in: input)
    }

    /// The line and column of byte `offset` of the input.
    @inline(__always)
    mutating func linePosition(at offset: Int) -> SourcePosition {
        lines.position(at: offset, in: Span(_unsafeElements: bytes))
    }

    /// Offset of the last `<` at or before `end` (0 when there is none), eight bytes at a time.
    @inline(__always)
    static func lastLessThan(in bytes: Span<UInt8>, atOrBefore end: Int) -> Int {
        guard !bytes.isEmpty, end >= 0 else { return 0 }
        var i = end
        // Whole words [i-7, i] while they hold no '<' (SWAR zero-byte test on w ^ 0x3C3C…).
        while i >= 7 {
            let w = ByteWord.load(bytes, at: i - 7) ^ 0x3C3C_3C3C_3C3C_3C3C
            if (w &- 0x0101_0101_0101_0101) & ~w & 0x8080_8080_8080_8080 != 0 { break }
            i -= 8
        }
        while i > 0 && bytes[i] != UInt8(ascii: "<") { i -= 1 }
        return max(i, 0)
    }

    // MARK: Issues

    func capturePath() -> (String?, [PathStep]) {
        guard !frames.isEmpty else { return (nil, []) }
        var steps: [PathStep] = []
        steps.reserveCapacity(frames.count)
        var parent = frames[0].node
        for k in 1..<frames.count {
            let node = frames[k].node
            if frames[k].kind == .wrappedResource {
                parent = node
                continue
            }
            let name = nodes[node].name
            var earlier = 0
            for i in (parent + 1)..<node where nodes[i].name == name { earlier += 1 }
            steps.append(PathStep(name: name, index: node - parent - 1, earlierSameName: earlier))
            parent = node
        }
        return (nodes[frames[0].node].name, steps)
    }

    mutating func report(_ severity: Severity, _ type: IssueType, _ rule: XMLRule, _ message: String,
                         at position: SourcePosition?, withPath: Bool = true) {
        let (rootName, steps) = withPath ? capturePath() : (nil, [])
        issues.append(PendingIssue(issue: Issue(severity, type, rule: rule, message, position: position),
                                   rootName: rootName, steps: steps))
        if severity >= .error {
            errorCount += 1
            if errorCount >= Self.maxErrors && !stopped {
                issues.append(PendingIssue(issue: Issue(.fatal, .tooCostly, rule: XMLRule.tooManyErrors,
                    "stopped after \(Self.maxErrors) errors", position: position), rootName: nil, steps: []))
                stop()
            }
        }
    }

    /// Stops the parse. libxml2 is told once the callback that decided it has returned
    /// (``haltIfPending()``): stopping frees the parser's input, which the callback's own string
    /// pointers (attribute values, text) point into. Later callbacks return at once (`stopped`).
    mutating func stop() {
        if !stopped {
            stopped = true
            haltPending = true
        }
    }

    /// Tells libxml2 to stop, after a callback that called ``stop()``.
    mutating func haltIfPending() {
        if haltPending {
            haltPending = false
            xmlStopParser(ctxt)
        }
    }

    // MARK: Finish

    mutating func finish(wellFormed: Bool) throws -> Decoded {
        if !wellFormed && errorCount == 0 {
            report(.fatal, .structure, XMLRule.syntax, "the document is not well-formed XML",
                   at: linePosition(at: cursorOffset()), withPath: false)
        }
        if frames.isEmpty && nodeCount == 1 {
            root = nodes.removeLast()
            if !pendingComments.isEmpty {
                root!.trailingComments.append(contentsOf: pendingComments)
                pendingComments.removeAll()
            }
        }
        if root == nil && errorCount == 0 {
            report(.fatal, .structure, XMLRule.syntax, "the document has no root element",
                   at: SourcePosition(line: 1, column: 1), withPath: false)
        }
        let resolved = issues.map { resolve($0) }
        if errorCount > 0 || root == nil {
            throw IssuesError(resolved)
        }
        return Decoded(root: root!, issues: resolved, format: .xml)
    }

    /// Turns recorded steps into path text. With the complete tree an index is shown whenever the
    /// element has same-name siblings; otherwise when it had earlier ones.
    func resolve(_ pending: PendingIssue) -> Issue {
        var issue = pending.issue
        guard let rootName = pending.rootName else { return issue }
        var path = ElementPath(root: rootName)
        var steps = pending.steps[...]
        if let root {
            Self.resolve(&steps, in: root.children, path: &path)
        }
        for step in steps {
            path = path.appending(step.name, index: step.earlierSameName > 0 ? step.earlierSameName : nil)
        }
        issue.path = path.text
        return issue
    }

    /// Follows `steps` down the finished tree (borrowing, not copying, the children arrays).
    private static func resolve(_ steps: inout ArraySlice<PathStep>, in children: [Element], path: inout ElementPath) {
        guard let step = steps.first, step.index < children.count, children[step.index].name == step.name else { return }
        var total = 0
        var earlier = 0
        for i in children.indices where children[i].name == step.name {
            total += 1
            if i < step.index { earlier += 1 }
        }
        path = path.appending(step.name, index: total > 1 ? earlier : nil)
        steps = steps.dropFirst()
        resolve(&steps, in: children[step.index].children, path: &path)
    }

    // MARK: The SAX handler

    nonisolated(unsafe) static let handler: xmlSAXHandler = {
        var h = xmlSAXHandler()
        h.initialized = UInt32(XML_SAX2_MAGIC)
        h.startElementNs = { ctx, localname, prefix, uri, _, _, nbAttributes, _, attributes in
            guard let ctx, let localname else { return }
            let builder = ctx.assumingMemoryBound(to: SAXTreeBuilder.self)
            builder.pointee.startElement(localname, prefix, uri, Int(nbAttributes), attributes)
            builder.pointee.haltIfPending()
        }
        h.endElementNs = { ctx, localname, _, _ in
            guard let ctx, let localname else { return }
            let builder = ctx.assumingMemoryBound(to: SAXTreeBuilder.self)
            builder.pointee.endElement(localname)
            builder.pointee.haltIfPending()
        }
        h.characters = { ctx, ch, len in
            guard let ctx, let ch else { return }
            let builder = ctx.assumingMemoryBound(to: SAXTreeBuilder.self)
            builder.pointee.characters(ch, Int(len))
            builder.pointee.haltIfPending()
        }
        h.ignorableWhitespace = h.characters
        h.comment = { ctx, value in
            guard let ctx, let value else { return }
            let builder = ctx.assumingMemoryBound(to: SAXTreeBuilder.self)
            builder.pointee.comment(value)
            builder.pointee.haltIfPending()
        }
        h.processingInstruction = { ctx, target, _ in
            guard let ctx, let target else { return }
            let builder = ctx.assumingMemoryBound(to: SAXTreeBuilder.self)
            builder.pointee.processingInstruction(target)
            builder.pointee.haltIfPending()
        }
        h.internalSubset = { ctx, _, _, _ in
            guard let ctx else { return }
            let builder = ctx.assumingMemoryBound(to: SAXTreeBuilder.self)
            builder.pointee.doctype()
            builder.pointee.haltIfPending()
        }
        h.externalSubset = { ctx, _, _, _ in
            guard let ctx else { return }
            let builder = ctx.assumingMemoryBound(to: SAXTreeBuilder.self)
            builder.pointee.doctype()
            builder.pointee.haltIfPending()
        }
        h.serror = { ctx, error in
            guard let ctx, let error else { return }
            let builder = ctx.assumingMemoryBound(to: SAXTreeBuilder.self)
            builder.pointee.libxmlError(error)
            builder.pointee.haltIfPending()
        }
        return h
    }()
}

extension Substring {
    func trimmingSpaces() -> String {
        var s = self[...]
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
