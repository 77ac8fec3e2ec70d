import Foundation
import FHIRModel
import FHIRDefinitions
import FHIRXML
import FHIRJSON

/// Reads and writes FHIR STU3 messages in XML and JSON, losslessly, typed by a definition pack.
///
/// ```swift
/// let converter = try Converter()                       // the shipped pack
/// let json = try converter.convert(xmlBytes, to: .json) // Encoded: bytes + warnings
/// ```
public struct Converter: Sendable {
    /// The definitions that type the trees (arrays, JSON kinds, element order).
    public let pack: DefinitionPack

    /// JSON->XML goes the direct way (``DirectJSONToXML``, no element tree) when it can; tests turn
    /// this off to compare it with the tree path.
    var usesDirectJSONToXML = true
    /// The direct path's definition lookups, kept across conversions.
    let directCache = DirectContextCache()
    /// The limits every message is read within (depth, size, items per array or children per
    /// element): beyond them reading fails with the reader's `too-…` rule, in bounded time and memory.
    public var limits = ReadLimits()

    /// A converter over the shipped definition pack.
    public init() throws {
        self.pack = try DefinitionPack.shipped()
    }

    /// A converter over any pack (e.g. one built with `dch pack build` from other definitions).
    public init(pack: DefinitionPack) {
        self.pack = pack
    }

    /// A converter over its own copy of the pack (``FHIRDefinitions/DefinitionPack/independentCopy()``),
    /// sharing nothing with this one: one per worker thread when converting on several.
    public func independentCopy() throws -> Converter {
        var copy = Converter(pack: try pack.independentCopy())
        copy.limits = limits
        copy.usesDirectJSONToXML = usesDirectJSONToXML
        return copy
    }

    /// Parses a message; the format is detected from content when `format` is nil. The result
    /// holds the tree, the reading issues and the format it was read as.
    public func read(_ data: Data, format: MessageFormat? = nil) throws -> Decoded {
        guard let format = format ?? MessageFormat.detect(data) else {
            throw IssuesError(Issue(.error, .structure, rule: ReadingRule.unknownFormat,
                "input is neither XML nor JSON (it should start with '<' or '{')",
                position: SourcePosition(line: 1, column: 1)))
        }
        switch format {
        case .xml: return try FHIRXMLReader(options: XMLReadOptions(limits: limits)).read(data)
        case .json: return try FHIRJSONReader(options: JSONReadOptions(limits: limits)).read(data)
        }
    }

    /// Writes a tree in a format.
    public func write(_ root: Element, format: MessageFormat, pretty: Bool = true) throws -> Encoded {
        switch format {
        case .xml: return try FHIRXMLWriter(pack: pack, options: XMLWriteOptions(pretty: pretty)).write(root)
        case .json: return try FHIRJSONWriter(pack: pack, options: JSONWriteOptions(pretty: pretty)).write(root)
        }
    }

    /// Converts a message. The source format is detected when `from` is nil; the target defaults to
    /// the other format. Warnings of both steps are in the result's `issues`.
    public func convert(_ data: Data, from: MessageFormat? = nil, to: MessageFormat? = nil,
                        pretty: Bool = true) throws -> Encoded {
        try convertMessage(data, from: from, to: to, pretty: pretty).encoded
    }

    /// ``convert(_:from:to:pretty:)`` of a message, with its event code (``MessageEvent``), found
    /// on the way: what a bulk run counts messages by.
    public func convertMessage(_ data: Data, from: MessageFormat? = nil, to: MessageFormat? = nil,
                               pretty: Bool = true) throws -> (encoded: Encoded, event: String?) {
        // Fast path: JSON->XML without the tree. It gives up (nil) on anything unusual, and the tree
        // path then converts and reports; its output is the tree path's byte for byte.
        if usesDirectJSONToXML, to ?? .xml == .xml, (from ?? MessageFormat.detect(data)) == .json,
           let direct = try? DirectJSONToXML.attemptMessage(data, pack: pack, pretty: pretty, cache: directCache,
                                                               limits: limits) {
            return (Encoded(bytes: direct.bytes), direct.event)
        }
        let decoded = try read(data, format: from)
        var encoded = try write(decoded.root, format: to ?? decoded.format.opposite, pretty: pretty)
        encoded.issues = decoded.issues + encoded.issues
        return (encoded, MessageEvent.code(of: decoded.root))
    }
}
