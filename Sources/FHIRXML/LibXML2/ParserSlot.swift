import CLibXML2
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A libxml2 parser context kept per thread and reused from document to document, with the caches
/// that stay valid while its dictionary lives.
///
/// Creating a context (its tables and a fresh dictionary) and freeing it cost about as much as
/// building a small message's elements; and a fresh dictionary gives every name a new address, so
/// the pointer-keyed name cache would start cold for each document. A reset context keeps its
/// dictionary: names keep their addresses, the cache stays warm and libxml2's own name lookups hit.
///
/// A context goes back for reuse only after a clean parse (a failed or stopped one may leave
/// namespace, entity or input state behind) and is dropped once its dictionary holds more than
/// ``maxDictionaryNames`` names, so a stream of unusual documents cannot grow it without bound.
/// Options and the SAX handler are set again for every document, exactly as on a new context.
final class ParserSlot {
    /// The context; freed with the slot.
    let ctxt: xmlParserCtxtPtr
    /// The name cache (``SAXTreeBuilder/elementName(_:)``): keyed by dictionary addresses, so it
    /// belongs to this context's dictionary.
    var nameKeys: [UnsafePointer<UInt8>?]
    var nameValues: [String]
    /// The long attribute values cache (``SAXTreeBuilder/sharedValue(_:_:)``); its keys are hashes
    /// of the bytes, not addresses, but it lives here alike.
    var valueKeys: [UInt64]
    var values: [String]
    /// Interned namespace URIs and attribute names, once recognised (dictionary addresses too).
    var interned = InternedNames()

    /// Past this many dictionary names the context is not reused.
    static let maxDictionaryNames = 8192

    /// A slot with a new context, or nil when libxml2 cannot create one.
    init?() {
        guard let ctxt = xmlNewParserCtxt() else { return nil }
        self.ctxt = ctxt
        nameKeys = [UnsafePointer<UInt8>?](repeating: nil, count: SAXTreeBuilder.nameCacheSize)
        nameValues = [String](repeating: "", count: SAXTreeBuilder.nameCacheSize)
        valueKeys = [UInt64](repeating: 0, count: SAXTreeBuilder.valueCacheSize)
        values = [String](repeating: "", count: SAXTreeBuilder.valueCacheSize)
    }

    deinit {
        xmlFreeParserCtxt(ctxt)
    }

    /// Gives the context a document: the bytes are copied into a new input, as
    /// `xmlCreateMemoryParserCtxt` does. False when libxml2 cannot allocate the input.
    func push(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        let buffer = base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
            xmlParserInputBufferCreateMem($0, Int32(bytes.count), XML_CHAR_ENCODING_NONE)
        }
        guard let buffer else { return false }
        // The bytes are all in the buffer, yet libxml2 calls its no-op reader (through two layers)
        // each time it wants more input near the end: a few hundred calls per document. Without
        // a reader it stops at its first check. Kept for documents past libxml2's lookup limit,
        // where the no-op reader is what lets libxml2 accept them (its "huge input" check).
        if bytes.count < Int(XML_MAX_LOOKUP_LIMIT) {
            buffer.pointee.readcallback = nil
        }
        guard let input = xmlNewIOInputStream(ctxt, buffer, XML_CHAR_ENCODING_NONE) else {
            xmlFreeParserInputBuffer(buffer)
            return false
        }
        return inputPush(ctxt, input) >= 0
    }

    /// True when the context may parse another document: the last parse ended cleanly and the
    /// dictionary is still small.
    func reusable(afterCleanParse clean: Bool) -> Bool {
        let c = ctxt.pointee
        return clean && c.wellFormed != 0 && c.disableSAX == 0 && c.nsNr == 0 && c.nbentities == 0
            && c.sizeentities == 0 && Int(xmlDictSize(c.dict)) <= Self.maxDictionaryNames
    }

    /// Drops the document's input and per-document state, keeping the dictionary and tables.
    func reset() {
        xmlCtxtReset(ctxt)
        ctxt.pointee.instate = XML_PARSER_START
        ctxt.pointee.userData = UnsafeMutableRawPointer(ctxt)
    }
}

/// Names libxml2 interns in a context's dictionary, remembered by address once seen.
struct InternedNames {
    var fhirURI: UnsafePointer<UInt8>?
    var xhtmlURI: UnsafePointer<UInt8>?
    var valueName: UnsafePointer<UInt8>?
    var idName: UnsafePointer<UInt8>?
    var urlName: UnsafePointer<UInt8>?
}

/// The calling thread's idle ``ParserSlot``. A parse takes the slot out while it runs (a nested
/// parse on the same thread then makes its own) and puts it back when it ends cleanly.
enum ParserSlots {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        #if canImport(Darwin)
        pthread_key_create(&key) { Unmanaged<ParserSlot>.fromOpaque($0).release() }
        #else
        pthread_key_create(&key) { p in
            if let p { Unmanaged<ParserSlot>.fromOpaque(p).release() }
        }
        #endif
        return key
    }()

    /// The thread's idle slot (now owned by the caller), else a new one; nil when libxml2 fails.
    static func take() -> ParserSlot? {
        if let p = pthread_getspecific(key) {
            pthread_setspecific(key, nil)
            return Unmanaged<ParserSlot>.fromOpaque(p).takeRetainedValue()
        }
        return ParserSlot()
    }

    /// Keeps `slot` as the thread's idle slot (dropped when the thread already has one).
    static func put(_ slot: ParserSlot) {
        guard pthread_getspecific(key) == nil else { return }
        pthread_setspecific(key, Unmanaged.passRetained(slot).toOpaque())
    }
}
