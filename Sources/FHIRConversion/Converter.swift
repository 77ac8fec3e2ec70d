import Foundation
import FHIRModel
import FHIRDefinitions
import FHIRXML
import FHIRJSON

/// Reads and writes FHIR messages in XML and JSON, losslessly, typed by a definition pack: STU3
/// (the shipped pack), R4 (`DefinitionPack.shippedR4()`), or either, detected per
/// message (``init(fhirVersion:)`` with nil; see ``FHIRVersionDetector``).
///
/// ```swift
/// let converter = try Converter()                       // the shipped STU3 pack
/// let json = try converter.convert(xmlBytes, to: .json) // Encoded: bytes + warnings
/// let r4 = try Converter(fhirVersion: .r4)              // R4 core and UK Core
/// ```
public struct Converter: Sendable {
    /// The definitions that type the trees (arrays, JSON kinds, element order); when the release is
    /// detected, those of a message without R4 evidence (STU3).
    public let pack: DefinitionPack
    /// When the release is detected per message: the R4 converter, made on first need.
    private let releases: ReleaseChoice?

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
        releases = nil
    }

    /// A converter over the shipped pack of a release, or (nil) one that detects each message's
    /// release (``FHIRVersionDetector``) and writes it with that release's pack. The R4 pack is
    /// opened only when a message is R4 or might be.
    public init(fhirVersion: FHIRVersion?) throws {
        if let fhirVersion {
            pack = try DefinitionPack.shipped(fhirVersion)
            releases = nil
        } else {
            pack = try DefinitionPack.shipped()
            releases = ReleaseChoice(stu3: pack, r4: { try DefinitionPack.shippedR4() })
        }
    }

    /// A converter over any pack (e.g. one built with `dch pack build` from other definitions).
    public init(pack: DefinitionPack) {
        self.pack = pack
        releases = nil
    }

    /// A converter that detects each message's release between an STU3 pack and an R4 pack
    /// (opened by `r4` on first need).
    public init(stu3: DefinitionPack, r4: @escaping @Sendable () throws -> DefinitionPack) {
        pack = stu3
        releases = ReleaseChoice(stu3: stu3, r4: r4)
    }

    /// A converter over its own copy of the pack (`DefinitionPack.independentCopy()`),
    /// sharing nothing with this one: one per worker thread when converting on several.
    public func independentCopy() throws -> Converter {
        let copied = try pack.independentCopy()
        var copy: Converter
        if let releases {
            let r4 = releases.openR4
            copy = Converter(stu3: copied, r4: { try r4().independentCopy() })
        } else {
            copy = Converter(pack: copied)
        }
        copy.limits = limits
        copy.usesDirectJSONToXML = usesDirectJSONToXML
        return copy
    }

    /// The release a message tree is written as: the pack's own, or the detected one.
    public func detection(of root: Element) -> FHIRVersionDetector.Detection {
        guard let releases else { return .init(version: pack.fhirVersion, reason: "given") }
        return releases.detector.detect(root)
    }

    /// The converter of a release: this one, or (when detecting) the R4 one, with this one's limits.
    public func converter(for version: FHIRVersion) throws -> Converter {
        guard let releases, version == .r4 else { return self }
        var r4 = try releases.r4Converter()
        r4.limits = limits
        return r4
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
        if let releases {
            // URLs in the bytes decide most messages without a tree, keeping the direct path;
            // the others are read once and their tree decides.
            switch FHIRVersionDetector.markedVersion(inBytes: data) {
            case .stu3?: break
            case .r4?: return try converter(for: .r4).convertMessage(data, from: from, to: to, pretty: pretty)
            case nil:
                let decoded = try read(data, format: from)
                let target = try converter(for: releases.detector.detect(decoded.root).version)
                var encoded = try target.write(decoded.root, format: to ?? decoded.format.opposite, pretty: pretty)
                encoded.issues = decoded.issues + encoded.issues
                return (encoded, MessageEvent.code(of: decoded.root))
            }
        }
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

/// The two packs of a converter that detects releases, the R4 one opened on first need.
private final class ReleaseChoice: @unchecked Sendable {
    let stu3: DefinitionPack
    let openR4: @Sendable () throws -> DefinitionPack
    private let lock = NSLock()
    private var r4: Result<Converter, Error>?

    init(stu3: DefinitionPack, r4: @escaping @Sendable () throws -> DefinitionPack) {
        self.stu3 = stu3
        openR4 = r4
    }

    /// A detector whose R4 pack is this choice's (opened once).
    var detector: FHIRVersionDetector {
        FHIRVersionDetector(stu3: stu3, r4: { [unowned self] in try self.r4Converter().pack })
    }

    func r4Converter() throws -> Converter {
        try lock.withLock {
            if let r4 { return r4 }
            let made = Result { Converter(pack: try openR4()) }
            r4 = made
            return made
        }.get()
    }
}
