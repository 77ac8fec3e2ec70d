import CLibXML2
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// libxml2 process-wide set-up, done once before the first parse (``LibXML/initialize()``).
enum LibXML {
    private static let initialized: Bool = {
        xmlInitParser()
        return true
    }()

    /// Initialises libxml2 once (thread-safe: Swift runs a static initialiser exactly once).
    static func initialize() {
        _ = initialized
    }
}

/// Namespace URIs the codec knows.
enum Namespace {
    static let fhir = "http://hl7.org/fhir"
    static let xhtml = "http://www.w3.org/1999/xhtml"
    static let xsi = "http://www.w3.org/2001/XMLSchema-instance"
    static let xml = "http://www.w3.org/XML/1998/namespace"
}

/// Byte helpers over libxml2's NUL-terminated UTF-8 strings.
enum CString {
    @inline(__always)
    static func length(_ p: UnsafePointer<UInt8>) -> Int {
        strlen(UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self))
    }

    @inline(__always)
    static func string(_ p: UnsafePointer<UInt8>) -> String {
        String(decoding: UnsafeBufferPointer(start: p, count: length(p)), as: UTF8.self)
    }

    @inline(__always)
    static func string(_ p: UnsafePointer<UInt8>, count: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: p, count: count), as: UTF8.self)
    }

    /// True when the NUL-terminated `p` equals `s`.
    static func equals(_ p: UnsafePointer<UInt8>, _ s: StaticString) -> Bool {
        let n = s.utf8CodeUnitCount
        return s.withUTF8Buffer { b in
            for i in 0..<n where p[i] != b[i] { return false }
            return p[n] == 0
        }
    }
}

extension Array where Element == UInt8 {
    @inline(__always)
    mutating func append(_ s: StaticString) {
        s.withUTF8Buffer { append(contentsOf: $0) }
    }

    @inline(__always)
    mutating func append(cString p: UnsafePointer<UInt8>) {
        append(contentsOf: UnsafeBufferPointer(start: p, count: CString.length(p)))
    }
}
