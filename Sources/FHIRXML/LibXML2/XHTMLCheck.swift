import CLibXML2
import FHIRModel

/// Checks a narrative `div` string before the writer copies it verbatim: it must be one well-formed
/// XML element (no DOCTYPE, no entities beyond the predefined ones) named `div` in the XHTML
/// namespace, or in no namespace at all (the writer then declares XHTML on it).
struct XHTMLCheck {
    /// What the check found.
    enum Outcome: Equatable {
        /// Well-formed and in the XHTML namespace: write as it is.
        case ok
        /// Well-formed but the root declares no namespace: insert the XHTML declaration at this byte
        /// offset (just after the root's tag name).
        case needsNamespace(insertAt: Int)
        /// Not acceptable; the message says why.
        case invalid(String)
    }

    private var bytes: UnsafeBufferPointer<UInt8>
    private var ctxt: xmlParserCtxtPtr?
    private var elements = 0
    private var problem: String?
    private var rootInfo: (uri: String?, prefix: String?, local: String, tagStart: Int)?

    static func check(_ text: String) -> Outcome {
        check(bytes: text.utf8.span)
    }

    /// Checks `bytes`, lent to libxml2 for the duration of the call.
    static func check(bytes: Span<UInt8>) -> Outcome {
        bytes.withUnsafeBufferPointer { check(bytes: $0) }
    }

    private static func check(bytes: UnsafeBufferPointer<UInt8>) -> Outcome {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return .invalid("the narrative div is empty") }
        if bytes.count > Int(Int32.max) { return .invalid("the narrative div is too large") }
        LibXML.initialize()
        guard let ctxt = base.withMemoryRebound(to: CChar.self, capacity: bytes.count, {
            xmlCreateMemoryParserCtxt($0, Int32(bytes.count))
        }) else { return .invalid("libxml2 could not create a parser") }
        defer { xmlFreeParserCtxt(ctxt) }
        xmlCtxtUseOptions(ctxt, Int32(XML_PARSE_NONET.rawValue))
        let state = UnsafeMutablePointer<XHTMLCheck>.allocate(capacity: 1)
        state.initialize(to: XHTMLCheck(bytes: bytes, ctxt: ctxt))
        defer {
            state.deinitialize(count: 1)
            state.deallocate()
        }
        ctxt.pointee.sax.pointee = handler
        ctxt.pointee.userData = UnsafeMutableRawPointer(state)
        _ = xmlParseDocument(ctxt)
        ctxt.pointee.userData = UnsafeMutableRawPointer(ctxt)
        let s = state.pointee
        if let problem = s.problem { return .invalid(problem) }
        if ctxt.pointee.wellFormed == 0 { return .invalid("the narrative div is not well-formed XML") }
        guard let root = s.rootInfo else { return .invalid("the narrative holds no element") }
        guard root.local == "div" else {
            return .invalid("the narrative's root element is '\(root.local)'; it must be an XHTML 'div'")
        }
        switch root.uri {
        case Namespace.xhtml?:
            return .ok
        case nil:
            // `<div` then attributes: declare the namespace right after the name.
            return .needsNamespace(insertAt: root.tagStart + 1 + (root.prefix.map { $0.utf8.count + 1 } ?? 0) + 3)
        case let other?:
            return .invalid("the narrative div is in namespace '\(other)'; it must be in '\(Namespace.xhtml)'")
        }
    }

    private init(bytes: UnsafeBufferPointer<UInt8>, ctxt: xmlParserCtxtPtr) {
        self.bytes = bytes
        self.ctxt = ctxt
    }

    private mutating func start(_ local: UnsafePointer<UInt8>, _ prefix: UnsafePointer<UInt8>?,
                                _ uri: UnsafePointer<UInt8>?) {
        elements += 1
        guard rootInfo == nil, let ctxt, let input = ctxt.pointee.input,
              let cur = input.pointee.cur, let base = input.pointee.base else { return }
        var o = min(Int(input.pointee.consumed) + (cur - base), bytes.count - 1)
        while o > 0 && bytes[o] != UInt8(ascii: "<") { o -= 1 }
        rootInfo = (uri.map(CString.string), prefix.map(CString.string), CString.string(local), o)
    }

    private mutating func fail(_ message: String) {
        if problem == nil { problem = message }
    }

    nonisolated(unsafe) private static let handler: xmlSAXHandler = {
        var h = xmlSAXHandler()
        h.initialized = UInt32(XML_SAX2_MAGIC)
        h.startElementNs = { ctx, local, prefix, uri, _, _, _, _, _ in
            guard let ctx, let local else { return }
            ctx.assumingMemoryBound(to: XHTMLCheck.self).pointee.start(local, prefix, uri)
        }
        h.internalSubset = { ctx, _, _, _ in
            guard let ctx else { return }
            let state = ctx.assumingMemoryBound(to: XHTMLCheck.self)
            state.pointee.fail("a DOCTYPE is not allowed in a narrative div")
            if let c = state.pointee.ctxt { xmlStopParser(c) }
        }
        h.serror = { ctx, error in
            guard let ctx, let error, error.pointee.level.rawValue > XML_ERR_WARNING.rawValue else { return }
            let raw = error.pointee.message.map { String(cString: $0) } ?? "XML error \(error.pointee.code)"
            let message = raw.split(whereSeparator: { $0 == "\n" }).map { $0.trimmingSpaces() }.joined(separator: "; ")
            ctx.assumingMemoryBound(to: XHTMLCheck.self).pointee
                .fail("the narrative div is not well-formed XML (line \(error.pointee.line)): \(message)")
        }
        return h
    }()
}
