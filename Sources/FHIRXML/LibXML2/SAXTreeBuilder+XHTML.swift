import CLibXML2
import FHIRModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The narrative `div`: XHTML content is serialised into one string while it streams past.
extension SAXTreeBuilder {
    // MARK: Narrative XHTML

    mutating func beginDiv(_ name: String, _ localname: UnsafePointer<UInt8>, _ position: SourcePosition,
                  _ nbAttributes: Int, _ attributes: UnsafeMutablePointer<UnsafePointer<UInt8>?>?) {
        let node = pushNode(reading: name, resourceType: nil, comments: takeComments(), position: position)
        frames.append(Frame(node: node, kind: .xhtml))
        if name != "div" {
            report(.error, .structure, XMLRule.namespace,
                   "XHTML element '\(name)' outside a narrative div: only the narrative 'div' is in the XHTML namespace",
                   at: position)
        }
        xhtml.removeAll(keepingCapacity: true)
        xhtml.append(UInt8(ascii: "<"))
        xhtml.append(cString: localname)
        xhtml.append(" xmlns=\"http://www.w3.org/1999/xhtml\"")
        writeXHTMLAttributes(nbAttributes, attributes)
        xhtmlTagOpen = true
        divDepth = 1
    }

    mutating func xhtmlStart(_ localname: UnsafePointer<UInt8>, _ prefix: UnsafePointer<UInt8>?,
                    _ uri: UnsafePointer<UInt8>?, _ nbAttributes: Int,
                    _ attributes: UnsafeMutablePointer<UnsafePointer<UInt8>?>?) {
        if frames.count + divDepth > options.maxDepth {
            report(.fatal, .tooCostly, XMLRule.tooDeep,
                   "elements are nested deeper than \(options.maxDepth) levels", at: startTagPosition())
            stop()
            return
        }
        if !isXHTMLNamespace(uri) {
            let ns = uri.map { "namespace '\(CString.string($0))'" } ?? "no namespace"
            report(.error, .structure, XMLRule.namespace,
                   "element '\(qualified(prefix, localname))' inside the narrative is in \(ns); narrative content is XHTML ('\(Namespace.xhtml)')",
                   at: startTagPosition())
        }
        closeXHTMLTag()
        xhtml.append(UInt8(ascii: "<"))
        xhtml.append(cString: localname)
        writeXHTMLAttributes(nbAttributes, attributes)
        xhtmlTagOpen = true
        divDepth += 1
    }

    mutating func writeXHTMLAttributes(_ n: Int, _ a: UnsafeMutablePointer<UnsafePointer<UInt8>?>?) {
        guard n > 0, let a else { return }
        var declared: [String] = []
        for k in 0..<n {
            guard let local = a[5 * k], let vStart = a[5 * k + 3], let vEnd = a[5 * k + 4] else { continue }
            let prefix = a[5 * k + 1]
            let uri = a[5 * k + 2]
            xhtml.append(UInt8(ascii: " "))
            if let prefix, let uri {
                let isXMLNamespace = CString.equals(uri, "http://www.w3.org/XML/1998/namespace")
                if !isXMLNamespace {
                    let p = CString.string(prefix)
                    if !declared.contains(p) {
                        declared.append(p)
                        xhtml.append("xmlns:")
                        xhtml.append(cString: prefix)
                        xhtml.append("=\"")
                        let u = CString.string(uri)
                        XMLEscaping.appendAttribute(u, to: &xhtml)
                        xhtml.append("\" ")
                    }
                }
                xhtml.append(cString: prefix)
                xhtml.append(UInt8(ascii: ":"))
            }
            xhtml.append(cString: local)
            xhtml.append("=\"")
            XMLEscaping.appendAttribute(attributeValue(vStart, vEnd), to: &xhtml)
            xhtml.append(UInt8(ascii: "\""))
        }
    }

    @inline(__always)
    mutating func closeXHTMLTag() {
        if xhtmlTagOpen {
            xhtml.append(UInt8(ascii: ">"))
            xhtmlTagOpen = false
        }
    }

    mutating func xhtmlEnd(_ localname: UnsafePointer<UInt8>) {
        if xhtmlTagOpen {
            xhtml.append("/>")
            xhtmlTagOpen = false
        } else {
            xhtml.append("</")
            xhtml.append(cString: localname)
            xhtml.append(UInt8(ascii: ">"))
        }
        divDepth -= 1
        guard divDepth == 0, let f = frames.popLast() else { return }
        nodes[f.node].value = String(decoding: xhtml, as: UTF8.self)
    }
}
