import Foundation
import FHIRModel
import FHIRDefinitions

/// Tells which FHIR release a message is, STU3 or R4, when the user does not say
/// (`--fhir-version`). The rules, in order; the first that decides wins:
///
/// 1. **Canonical URLs**: the first `meta.profile` (then the first extension `url`), in document
///    order, of a known family decides. R4 families: UK Core `https://fhir.hl7.org.uk/StructureDefinition/`,
///    NHS England `https://fhir.nhs.uk/England/`, `http://hl7.org/fhir/R4/`, `http://hl7.org/fhir/4.0/`,
///    a `|4.0.x` version. STU3 families: `https://fhir.hl7.org.uk/STU3/` (CareConnect),
///    `https://fhir.nhs.uk/STU3/` (DCH, NEMS), `http://hl7.org/fhir/STU3/`, `http://hl7.org/fhir/3.0/`,
///    a `|3.0.x` version. (Converters apply this rule to the message's bytes: the first marked URL
///    decides, ``markedVersion(inBytes:)``.)
/// 2. **Resource types**: a resource (the root, a Bundle entry, a contained one) whose type STU3
///    does not define and R4 does (`ServiceRequest`, `MedicinalProduct`): R4.
/// 3. **Elements**: when the STU3 definitions do not know some element names of the message and
///    the R4 definitions know more of them (`Immunization.occurrenceDateTime`), R4.
/// 4. Otherwise STU3, dch's default (every DCH and NEMS message is STU3).
///
/// The R4 pack is opened only for rules 2 and 3, and only when the STU3 definitions lack a resource
/// type or an element of the message: an STU3 message never touches it.
public struct FHIRVersionDetector: Sendable {
    /// What decided, for reports: the release and the evidence (`meta.profile https://…`).
    public struct Detection: Sendable, Hashable {
        /// The release the message is taken to be.
        public var version: FHIRVersion
        /// The evidence, in a few words (`default: no R4 evidence` when nothing decided).
        public var reason: String

        /// A detection from its fields.
        public init(version: FHIRVersion, reason: String) {
            self.version = version
            self.reason = reason
        }
    }

    /// URL prefixes and fragments of R4 definitions (UK Core, NHS England R4, the R4 specification).
    static let r4Markers = ["https://fhir.hl7.org.uk/StructureDefinition/", "https://fhir.nhs.uk/England/",
                            "http://hl7.org/fhir/R4/", "http://hl7.org/fhir/4.0/", "|4.0."]
    /// URL prefixes and fragments of STU3 definitions (CareConnect, DCH, NEMS, the STU3 specification).
    static let stu3Markers = ["https://fhir.hl7.org.uk/STU3/", "https://fhir.nhs.uk/STU3/",
                              "http://hl7.org/fhir/STU3/", "http://hl7.org/fhir/3.0/", "|3.0."]

    private let stu3: DefinitionPack
    private let r4: @Sendable () throws -> DefinitionPack

    /// A detector over the STU3 pack and a way to open the R4 pack (called only when needed).
    public init(stu3: DefinitionPack, r4: @escaping @Sendable () throws -> DefinitionPack) {
        self.stu3 = stu3
        self.r4 = r4
    }

    /// A detector over the shipped packs.
    public init() throws {
        self.init(stu3: try DefinitionPack.shipped(), r4: { try DefinitionPack.shippedR4() })
    }

    /// Rule 1 over a message's bytes: the release of the first marked canonical URL, or nil when
    /// none is marked. One pass that stops at the first marker (a message's first `meta.profile` is
    /// near its start), so a converter can choose its pack without building a tree.
    public static func markedVersion(inBytes data: Data) -> FHIRVersion? {
        let bytes = data.span
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            // Every marker starts with 'h' (a URL) or '|' (a version).
            if b == UInt8(ascii: "h") || b == UInt8(ascii: "|") {
                for marker in markerBytes.r4 where startsWith(bytes, at: i, marker) { return .r4 }
                for marker in markerBytes.stu3 where startsWith(bytes, at: i, marker) { return .stu3 }
            }
            i += 1
        }
        return nil
    }

    /// True when `bytes` holds `marker` at `offset`.
    private static func startsWith(_ bytes: Span<UInt8>, at offset: Int, _ marker: [UInt8]) -> Bool {
        guard offset + marker.count <= bytes.count else { return false }
        for j in marker.indices where bytes[offset + j] != marker[j] { return false }
        return true
    }

    private static let markerBytes = (r4: r4Markers.map { Array($0.utf8) }, stu3: stu3Markers.map { Array($0.utf8) })

    /// The release of a message tree, by the rules above.
    public func detect(_ root: Element) -> Detection {
        var resources: [Element] = []
        collectResources(root, into: &resources)
        // 1. canonical URLs: every meta.profile first, then extension URLs, each in document order
        for resource in resources {
            for profile in resource.child("meta")?.children(named: "profile") ?? [] {
                if let url = profile.value, let version = Self.marked(url) {
                    return Detection(version: version, reason: "meta.profile \(url)")
                }
            }
        }
        if let (version, url) = Self.markedExtension(root) { return Detection(version: version, reason: "extension \(url)") }
        // 2. resource types, 3. element names: only what STU3 does not know can point to R4, so a
        // message that STU3 fully defines is STU3 without opening the R4 pack.
        let unknownTypes = resources.compactMap(\.resourceType).filter { (try? stu3.type(named: $0)) == nil }
        let unknownInSTU3 = unknownTypes.isEmpty ? Self.unknownElements(root, pack: stu3) : 0
        guard !unknownTypes.isEmpty || unknownInSTU3 > 0 else { return Detection(version: .stu3, reason: "default: STU3 defines every element") }
        guard let r4Pack = try? r4() else { return Detection(version: .stu3, reason: "default: the R4 pack cannot be opened") }
        if let type = unknownTypes.first(where: { (try? r4Pack.type(named: $0)) != nil }) {
            return Detection(version: .r4, reason: "resource type \(type) (R4 only)")
        }
        if unknownInSTU3 > 0, Self.unknownElements(root, pack: r4Pack) < unknownInSTU3 {
            return Detection(version: .r4, reason: "\(unknownInSTU3) element(s) STU3 does not define")
        }
        return Detection(version: .stu3, reason: "default: no R4 evidence")
    }

    /// The release a canonical URL's family belongs to, or nil.
    static func marked(_ url: String) -> FHIRVersion? {
        if r4Markers.contains(where: { url.containsBytes($0) }) { return .r4 }
        if stu3Markers.contains(where: { url.containsBytes($0) }) { return .stu3 }
        return nil
    }

    /// The first extension (in document order) whose URL is marked, with its release.
    private static func markedExtension(_ e: Element) -> (FHIRVersion, String)? {
        if e.name == "extension" || e.name == "modifierExtension", let url = e.url, let version = marked(url) {
            return (version, url)
        }
        for child in e.children {
            if let found = markedExtension(child) { return found }
        }
        return nil
    }

    /// The resources of a message: the root and every resource inside it, at any depth.
    private func collectResources(_ e: Element, into list: inout [Element]) {
        if e.resourceType != nil { list.append(e) }
        Self.collectResources(in: e.children.span, into: &list)
    }

    /// The walk over a node's children by index: an element is copied only when it is a resource
    /// (a child passed on as a borrowed element would be copied at each call).
    private static func collectResources(in kids: Span<Element>, into list: inout [Element]) {
        for k in kids.indices {
            if kids[k].resourceType != nil { list.append(kids[k]) }
            collectResources(in: kids[k].children.span, into: &list)
        }
    }

    /// How many elements of the tree the pack's definitions do not know (each unknown subtree once).
    package static func unknownElements(_ root: Element, pack: DefinitionPack) -> Int {
        guard let type = root.resourceType, let context = try? pack.context(forType: type) else { return 1 }
        return unknown(in: root, context: context, pack: pack)
    }

    private static func unknown(in e: Element, context: TypeContext, pack: DefinitionPack) -> Int {
        var count = 0
        for child in e.children {
            guard let info = context.child(child.name) else {
                // A resource's own wrapper element, or a name the definitions lack.
                if child.resourceType != nil { count += unknownElements(child, pack: pack) } else { count += 1 }
                continue
            }
            if child.resourceType != nil {
                count += unknownElements(child, pack: pack)
            } else if case .primitive = info.content {
                // A primitive holds a value and extensions; children are another release's shape
                // (STU3 `AllergyIntolerance.clinicalStatus` is a code, R4's a CodeableConcept).
                count += child.children.filter { $0.name != "extension" }.count
            } else if child.value != nil, case .complex = info.content {
                count += 1   // a value on a complex element: the other release has a primitive there
            } else if let inner = try? pack.context(of: info, in: context) {
                count += unknown(in: child, context: inner, pack: pack)
            }
        }
        return count
    }
}
