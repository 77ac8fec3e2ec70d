import CLibXML2
import FHIRModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Element, text, comment and error events (called from the SAX handler).
extension SAXTreeBuilder {
    // MARK: Element events

    /// The element name for libxml2's interned `localname` (names are interned per document, so a
    /// small pointer-keyed cache turns most lookups into one comparison).
    @inline(__always)
    mutating func elementName(_ localname: UnsafePointer<UInt8>) -> String {
        // Fibonacci hashing of the address: short names lie a few bytes apart in libxml2's pools.
        let slot = Int(truncatingIfNeeded: (UInt(bitPattern: localname) &* 0x9E37_79B9_7F4A_7C15) >> 54)
        if nameCacheKeys[slot] == localname { return nameCacheValues[slot] }
        let name = CString.string(localname)
        nameCacheKeys[slot] = localname
        nameCacheValues[slot] = name
        return name
    }

    mutating func startElement(_ localname: UnsafePointer<UInt8>, _ prefix: UnsafePointer<UInt8>?,
                               _ uri: UnsafePointer<UInt8>?, _ nbAttributes: Int,
                               _ attributes: UnsafeMutablePointer<UnsafePointer<UInt8>?>?) {
        if stopped { return }
        if divDepth > 0 {
            xhtmlStart(localname, prefix, uri, nbAttributes, attributes)
            return
        }
        let position = startTagPosition()
        if frames.count >= options.maxDepth {
            report(.fatal, .tooCostly, XMLRule.tooDeep,
                   "elements are nested deeper than \(options.maxDepth) levels", at: position)
            stop()
            return
        }
        // The open parent's finished children follow it in the node arena.
        if let parent = frames.last, nodeCount - parent.node - 1 >= options.maxEntries {
            report(.fatal, .tooCostly, XMLRule.tooManyChildren,
                   "an element has more than the limit of \(options.maxEntries) child elements", at: position)
            stop()
            return
        }
        let name = elementName(localname)
        if isXHTMLNamespace(uri) {
            beginDiv(name, localname, position, nbAttributes, attributes)
            return
        }
        var kind = FrameKind.element
        var structureProblem: String?
        let first = localname[0]
        let upper = first >= UInt8(ascii: "A") && first <= UInt8(ascii: "Z")
        if frames.isEmpty {
            kind = upper ? .resource : .element
        } else if upper || frames[frames.count - 1].kind == .wrapper {
            let p = frames.count - 1
            let parentNode = frames[p].node
            let parentName = nodes[parentNode].name
            switch frames[p].kind {
            case .element:
                if nodeCount == parentNode + 1 {
                    frames[p].kind = .wrapper
                    kind = .wrappedResource
                } else {
                    structureProblem = "resource '\(name)' must be the only content of '\(parentName)'"
                }
            case .wrapper:
                structureProblem = upper
                    ? "'\(parentName)' holds more than one resource ('\(name)' follows '\(nodes[nodeCount - 1].name)')"
                    : "element '\(name)' follows the resource inside '\(parentName)': a wrapper holds exactly one resource"
                if upper { kind = .wrappedResource }
            case .resource, .wrappedResource:
                structureProblem = "resource '\(name)' cannot appear directly inside resource '\(parentName)'; "
                    + "a nested resource is wrapped in an element such as <contained> or <resource>"
            case .xhtml:
                break
            }
        }
        let isResource = kind == .resource || kind == .wrappedResource
        let node = pushNode(reading: name, resourceType: isResource ? name : nil, comments: takeComments(),
                            position: position)
        let parentForeign = frames.last?.foreign ?? false
        frames.append(Frame(node: node, kind: kind))
        if !isFHIRNamespace(uri) {
            frames[frames.count - 1].foreign = true
            if !parentForeign {
                let ns = uri.map { "namespace '\(CString.string($0))'" } ?? "no namespace"
                report(options.lenientNamespaces ? .warning : .error, .structure, XMLRule.namespace,
                       "element '\(qualified(prefix, localname))' is in \(ns)\(frames.count == 1 ? " (so is the whole document)" : ""); FHIR elements are in '\(Namespace.fhir)'",
                       at: position)
            }
        }
        if let structureProblem {
            report(.error, .structure, XMLRule.wrapper, structureProblem, at: position)
        }
        if nbAttributes > 0, let attributes {
            readAttributes(node, isResource, nbAttributes, attributes, position)
        }
    }

    mutating func readAttributes(_ node: Int, _ isResource: Bool, _ n: Int,
                                 _ a: UnsafeMutablePointer<UnsafePointer<UInt8>?>, _ position: SourcePosition) {
        for k in 0..<n {
            guard let local = a[5 * k], let vStart = a[5 * k + 3], let vEnd = a[5 * k + 4] else { continue }
            let prefix = a[5 * k + 1]
            let uri = a[5 * k + 2]
            if uri == nil {
                // Attribute names are interned by libxml2 too: compare pointers once they are known.
                if local == valueName || (valueName == nil && CString.equals(local, "value")) {
                    valueName = local
                    nodes[node].value = attributeValue(vStart, vEnd)
                    continue
                } else if local == idName || (idName == nil && CString.equals(local, "id")) {
                    idName = local
                    nodes[node].id = attributeValue(vStart, vEnd)
                    continue
                } else if local == urlName || (urlName == nil && CString.equals(local, "url")) {
                    urlName = local
                    nodes[node].url = attributeValue(vStart, vEnd)
                    continue
                }
            } else if let uri, CString.equals(uri, "http://www.w3.org/2001/XMLSchema-instance") {
                report(.warning, .structure, XMLRule.schemaLocation,
                       "attribute '\(qualified(prefix, local))' dropped: xsi attributes (schemaLocation) SHALL NOT appear in FHIR XML",
                       at: position)
                continue
            }
            report(.error, .structure, XMLRule.unknownAttribute,
                   "unknown attribute '\(qualified(prefix, local))' on '\(nodes[node].name)': FHIR XML has only 'value', 'id' and 'url'",
                   at: position)
        }
        if isResource && (nodes[node].value != nil || nodes[node].id != nil || nodes[node].url != nil) {
            report(.error, .structure, XMLRule.resourceAttribute,
                   "resource element '\(nodes[node].name)' cannot have value/id/url attributes; Resource.id is a child element <id value=\"…\"/>",
                   at: position)
        }
    }

    mutating func endElement(_ localname: UnsafePointer<UInt8>) {
        if stopped { return }
        if divDepth > 0 {
            xhtmlEnd(localname)
            return
        }
        guard let f = frames.popLast() else { return }
        let node = f.node
        if !pendingComments.isEmpty {
            nodes[node].trailingComments.append(contentsOf: pendingComments)
            pendingComments.removeAll(keepingCapacity: true)
        }
        let childCount = nodeCount - node - 1
        if f.kind == .wrapper && childCount == 1 && nodes[node + 1].resourceType != nil {
            // <resource><Patient>…</Patient></resource>: one node named after the wrapper, typed by the resource.
            var r = nodes.removeLast()
            swap(&nodes[node].children, &r.children)
            if nodes[node].hasOnlyCommonFields && r.id == nil && r.url == nil {
                // The usual wrapper has no comments or id of its own: the resource's box (type,
                // comments) becomes the wrapper's as it is, rather than copied field by field.
                nodes[node].swapRareFields(with: &r)
            } else {
                nodes[node].resourceType = r.resourceType
                if !r.comments.isEmpty { nodes[node].comments.append(contentsOf: r.comments) }
                if !r.trailingComments.isEmpty { nodes[node].trailingComments.insert(contentsOf: r.trailingComments, at: 0) }
            }
        } else if childCount > 0 {
            // Moved one by one (popped from the end, then put back in order) into a reserved array:
            // no element is copied, so no reference count is touched.
            var children: [Element] = []
            children.reserveCapacity(childCount)
            for _ in 0..<childCount { children.append(nodes.removeLast()) }
            children.reverse()
            nodes[node].children = children
        }
    }

    @inline(__always)
    mutating func takeComments() -> [String] {
        if pendingComments.isEmpty { return [] }
        defer { pendingComments.removeAll(keepingCapacity: true) }
        return pendingComments
    }

    // MARK: Namespaces

    @inline(__always)
    mutating func isFHIRNamespace(_ uri: UnsafePointer<UInt8>?) -> Bool {
        guard let uri else { return false }
        if uri == fhirURI { return true }
        if CString.equals(uri, "http://hl7.org/fhir") {
            fhirURI = uri
            return true
        }
        return false
    }

    @inline(__always)
    mutating func isXHTMLNamespace(_ uri: UnsafePointer<UInt8>?) -> Bool {
        guard let uri else { return false }
        if uri == xhtmlURI { return true }
        if uri == fhirURI { return false }
        if CString.equals(uri, "http://www.w3.org/1999/xhtml") {
            xhtmlURI = uri
            return true
        }
        return false
    }

    func qualified(_ prefix: UnsafePointer<UInt8>?, _ local: UnsafePointer<UInt8>) -> String {
        if let prefix { return CString.string(prefix) + ":" + CString.string(local) }
        return CString.string(local)
    }

    /// An attribute value as libxml2 hands it over. Without entity substitution libxml2 writes an
    /// `&` of the value (from `&amp;` or `&#38;`) as the five characters `&#38;`; every other reference
    /// is already resolved, so turning each `&#38;` back into `&` gives the value exactly.
    @inline(__always)
    mutating func attributeValue(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> String {
        let n = end - start
        if n <= 0 { return "" }
        if memchr(start, Int32(UInt8(ascii: "&")), n) == nil {
            return n > Self.smallString ? sharedValue(start, n) : CString.string(start, count: n)
        }
        var out: [UInt8] = []
        out.reserveCapacity(n)
        var i = 0
        while i < n {
            if start[i] == UInt8(ascii: "&") && i + 4 < n && start[i + 1] == UInt8(ascii: "#")
                && start[i + 2] == UInt8(ascii: "3") && start[i + 3] == UInt8(ascii: "8")
                && start[i + 4] == UInt8(ascii: ";") {
                out.append(UInt8(ascii: "&"))
                i += 5
            } else {
                out.append(start[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The longest string Swift stores inline (no allocation, nothing to share).
    static var smallString: Int { 15 }

    /// A long attribute value, shared with an equal earlier one when the value cache holds it:
    /// system URLs, profile URLs and codes recur from message to message, and sharing one string
    /// costs a retain where a new one costs an allocation, a UTF-8 check and, later, a free.
    @inline(__always)
    mutating func sharedValue(_ start: UnsafePointer<UInt8>, _ n: Int) -> String {
        let raw = UnsafeRawPointer(start)
        let head = raw.loadUnaligned(as: UInt64.self)
        let tail = raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        var h = (head &* 0x9E37_79B9_7F4A_7C15) ^ (tail &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(n)
        h ^= h >> 29
        h = h &* 0xBF58_476D_1CE4_E5B9
        let slot = Int(truncatingIfNeeded: h >> 55)  // 2^9 slots
        if valueCacheKeys[slot] == h {
            let same = valueCacheValues[slot].utf8.withContiguousStorageIfAvailable { b in
                b.count == n && memcmp(b.baseAddress!, start, n) == 0
            }
            if same == true { return valueCacheValues[slot] }
        }
        let value = CString.string(start, count: n)
        valueCacheKeys[slot] = h
        valueCacheValues[slot] = value
        return value
    }

    // MARK: Text, comments, processing instructions

    mutating func characters(_ ch: UnsafePointer<UInt8>, _ len: Int) {
        if stopped || len <= 0 { return }
        if divDepth > 0 {
            closeXHTMLTag()
            XMLEscaping.appendText(Span(_unsafeStart: ch, count: len), to: &xhtml)
            return
        }
        // Most text is the indentation between tags: skip XML white space (tab, LF, CR, space).
        // Runs are a few bytes long, so a byte loop beats a word-at-a-time scan here.
        let white: UInt64 = 1 << 0x09 | 1 << 0x0A | 1 << 0x0D | 1 << 0x20
        var i = 0
        while i < len {
            let c = ch[i]
            if c > 0x20 || white & (1 << UInt64(c)) == 0 { break }
            i += 1
        }
        if i == len { return }
        guard let top = frames.indices.last, !frames[top].reportedText else { return }
        frames[top].reportedText = true
        let offset = textOffset(ch) + i
        var end = i
        while end < len && end < i + 40 && ch[end] != 0x0A { end += 1 }
        let excerpt = CString.string(ch + i, count: end - i)
        report(options.lenientText ? .warning : .error, .structure, XMLRule.textContent,
               "text '\(excerpt)' inside FHIR element '\(nodes[frames[top].node].name)': FHIR elements hold no text (a primitive's value is its 'value' attribute)",
               at: linePosition(at: offset))
    }

    mutating func comment(_ value: UnsafePointer<UInt8>) {
        if stopped { return }
        if divDepth > 0 {
            closeXHTMLTag()
            xhtml.append("<!--")
            xhtml.append(cString: value)
            xhtml.append("-->")
            return
        }
        pendingComments.append(CString.string(value))
    }

    mutating func processingInstruction(_ target: UnsafePointer<UInt8>) {
        if stopped { return }
        report(.information, .informational, XMLRule.processingInstruction,
               "processing instruction '<?\(CString.string(target)) …?>' dropped: FHIR does not use them",
               at: linePosition(at: cursorOffset()))
    }

    mutating func doctype() {
        if stopped { return }
        report(.fatal, .security, XMLRule.doctype,
               "a DOCTYPE is not allowed in FHIR XML: DTDs and entity declarations are refused (XXE and entity expansion)",
               at: linePosition(at: cursorOffset()), withPath: false)
        stop()
    }

    mutating func libxmlError(_ error: UnsafePointer<xmlError>) {
        if stopped { return }
        let e = error.pointee
        var message = e.message.map { String(cString: $0) } ?? "XML error \(e.code)"
        message = message.split(whereSeparator: { $0 == "\n" || $0 == "\r" })
            .map { $0.trimmingSpaces() }.filter { !$0.isEmpty }.joined(separator: "; ")
        let level = e.level.rawValue
        let position = linePosition(at: cursorOffset())
        if level <= XML_ERR_WARNING.rawValue {
            report(.warning, .structure, XMLRule.syntax, message, at: position)
            return
        }
        var rule = XMLRule.syntax
        var type = IssueType.structure
        switch Int(e.code) {
        case Int(XML_ERR_UNDECLARED_ENTITY.rawValue), Int(XML_WAR_UNDECLARED_ENTITY.rawValue):
            rule = XMLRule.entity
            message += " (FHIR XML allows only the five predefined entities and character references)"
        case Int(XML_ERR_INVALID_ENCODING.rawValue), Int(XML_ERR_UNKNOWN_ENCODING.rawValue),
             Int(XML_ERR_UNSUPPORTED_ENCODING.rawValue):
            rule = XMLRule.encoding
            type = .notSupported
        default:
            if message.hasPrefix("Input is not proper UTF-8") {
                rule = XMLRule.encoding
                type = .notSupported
            } else if message.contains("Excessive depth") {
                rule = XMLRule.tooDeep
                type = .tooCostly
            }
        }
        report(.fatal, type, rule, message, at: position)
        // libxml2 has disabled further SAX events itself; its later messages are cascades.
        stopped = true
    }
}
