import Foundation
import FHIRModel

/// Layer 4: the rules of a Bundle as a whole (FHIR STU3 Bundle resource: fullUrl and resource.id, bdl-5/7/8, message Bundles).
///
/// Run by ``Validator/validate(_:syntax:)`` after layer 1 when the root is a `Bundle`:
/// - `bundle.fullurl-duplicate` (bdl-7): two entries share a fullUrl and their `meta.versionId`s do not differ.
/// - `bundle.fullurl-history` (bdl-8): a fullUrl holds `/_history/`.
/// - `bundle.fullurl-absolute`: a fullUrl that is neither an absolute URI (scheme ":" …) nor a
///   well-formed `urn:uuid:<uuid>` / `urn:oid:<oid>` (a bare UUID, a relative `Patient/1`).
/// - In message Bundles: an entry with a resource but no fullUrl (`bundle.fullurl-missing`, error:
///   nothing in the message can reference it), a resource without `id`
///   (`bundle.resource-id-missing`, warning), and one business identifier (system + value) on two
///   different resources of one type (`bundle.identifier-duplicate`, warning; BundleIdentifiers.swift).
/// - `bundle.fullurl-id`: a RESTful fullUrl whose last segment is not `resource.id` (error); a
///   `urn:uuid:` fullUrl with a different `resource.id` is only a warning (the consistency rule is
///   about RESTful URLs, and NHS examples do this).
/// - `bundle.entry-empty` (bdl-5): an entry with neither resource, request nor response.
/// - `bundle.messageheader-first`: a message Bundle whose first entry is not a MessageHeader.
/// - In message and document Bundles, every `reference` must resolve: `urn:uuid:`, `urn:oid:` and
///   relative `Type/id` ones to an entry (`bundle.reference-unresolved`), `#id` ones to a contained
///   resource of the same container (ref-1, `bundle.contained-unresolved`); absolute http(s) URLs
///   outside the Bundle are reported once each as information (`bundle.reference-external`).
struct BundleRules {
    let cache: DefinitionCache
    private(set) var issues: [Issue] = []

    init(cache: DefinitionCache) {
        self.cache = cache
    }

    /// One entry as the rules see it: where its parts stand (child indices: the entries outlive
    /// the borrows that read them) and the few values the rules compare.
    struct Entry {
        let index: Int
        /// The entry's index among the Bundle's children, and its source position.
        let slot: Int
        let position: SourcePosition
        /// Its first `fullUrl` child: index among the entry's children, position and value.
        let fullUrlSlot: Int?
        let fullUrlPosition: SourcePosition
        let url: String?
        /// Its first `resource` child when that holds a resource: index among the entry's
        /// children, position, type, `id`, and whether it has any child.
        let resourceSlot: Int?
        let resourcePosition: SourcePosition
        let resourceType: String?
        let resourceID: String?
        let resourceIsEmpty: Bool
        /// True when it has a resource, a request or a response (bdl-5).
        let hasContent: Bool

        /// Reads an entry's children once (the first of each name counts).
        init(index: Int, slot: Int, element e: borrowing Element) {
            self.index = index
            self.slot = slot
            position = e.position
            var fullUrl: Int?, r: Int?
            var other = false
            var url: String?, fullUrlPosition = SourcePosition.unknown
            var resourceType: String?, resourceID: String?, resourcePosition = SourcePosition.unknown
            var resourceIsEmpty = true
            let kids = e.children.span
            for k in kids.indices {
                switch kids[k].name.utf8.count {
                case 7 where fullUrl == nil && kids[k].name == "fullUrl": fullUrl = k
                case 8 where r == nil && kids[k].name == "resource": r = k
                case 7 where kids[k].name == "request": other = true
                case 8 where kids[k].name == "response": other = true
                default: break
                }
            }
            if let fullUrl {
                url = kids[fullUrl].value
                fullUrlPosition = kids[fullUrl].position
            }
            if let k = r, kids[k].isResource {
                resourceType = kids[k].resourceType
                resourcePosition = kids[k].position
                resourceIsEmpty = kids[k].children.isEmpty
                resourceID = kids[k].valueOfChild(named: "id")
            }
            fullUrlSlot = fullUrl
            self.fullUrlPosition = fullUrlPosition
            self.url = url
            resourceSlot = resourceType == nil ? nil : r
            self.resourcePosition = resourcePosition
            self.resourceType = resourceType
            self.resourceID = resourceID
            self.resourceIsEmpty = resourceIsEmpty
            hasContent = r != nil || other
        }

        /// `Bundle.entry[2]`: rendered only for an issue.
        func path(_ bundlePath: String) -> String { "\(bundlePath).entry[\(index)]" }
    }

    /// Calls `body` with `entry`'s resource read in place, and returns its result (nil when the
    /// entry holds no resource). `bundle` is the Bundle the entry was read from.
    static func withResource<Result>(of entry: Entry, in bundle: borrowing Element,
                                     _ body: (borrowing Element) -> Result) -> Result? {
        guard let r = entry.resourceSlot else { return nil }
        let kids = bundle.children.span
        let entryKids = kids[entry.slot].children.span
        return body(entryKids[r])
    }

    /// Checks a `Bundle` at `path` (anything else is left alone). A Bundle inside an entry is checked
    /// the same way, as its own context: its references resolve among its own entries.
    mutating func check(_ bundle: Element, path: String = "Bundle") {
        guard bundle.resourceType == "Bundle" else { return }
        let type = bundle.child("type")?.value
        let kids = bundle.children.span
        var entries: [Entry] = []
        for k in kids.indices where kids[k].name.utf8.count == 5 && kids[k].name == "entry" {
            entries.append(Entry(index: entries.count, slot: k, element: kids[k]))
        }
        check(bundle, entries, type: type, path: path)
    }

    private mutating func check(_ bundle: Element, _ entries: [Entry],
                                type: String?, path: String) {
        for entry in entries {
            if !entry.hasContent {
                add(.error, .invariant, BundleRule.entryEmpty,
                    "the entry has neither a resource, a request nor a response (bdl-5)", entry.position, entry.path(path))
            }
            checkFullUrl(entry, path)
            if type == "message" { checkMessageEntry(entry, path) }
        }
        // The usual case, every fullUrl different, costs this one index (references reuse it).
        var fullUrls = FullUrlIndex(capacity: entries.count)
        var repeated = false
        for entry in entries {
            if let url = entry.url, !fullUrls.insert(url) { repeated = true }
        }
        if repeated { checkDuplicates(entries, bundle, path) }
        if type == "message" {
            if let first = entries.first {
                if first.resourceType != "MessageHeader" {
                    add(.error, .invariant, BundleRule.messageHeaderFirst,
                        "the first entry of a message Bundle must be a MessageHeader, not \(first.resourceType ?? "an entry without a resource")",
                        first.resourceType == nil ? first.position : first.resourcePosition,
                        first.resourceType == nil ? first.path(path) : first.path(path) + ".resource")
                }
            } else {
                add(.error, .invariant, BundleRule.messageHeaderFirst,
                    "a message Bundle must start with a MessageHeader entry; it has no entries", bundle.position, path)
            }
        }
        if type == "message" || type == "document" {
            checkReferences(entries, bundle, fullUrls: fullUrls, path)
        }
        if type == "message" { checkIdentifiers(entries, bundle, path) }
        for entry in entries where entry.resourceType == "Bundle" {
            Self.withResource(of: entry, in: bundle) { check(copy $0, path: entry.path(path) + ".resource") }
        }
    }

    /// `s.hasPrefix(prefix)` for an ASCII prefix, over bytes: the same answer (a prefix whose
    /// last character would combine with what follows is left to `hasPrefix`) at a fraction of
    /// the cost.
    static func hasPrefix(_ s: String, _ prefix: String) -> Bool {
        let b = s.utf8.span, p = prefix.utf8.span
        let n = p.count
        guard b.count >= n else { return false }
        for k in p.indices where b[k] != p[k] { return false }
        return b.count == n || b[n] < 0x80 ? true : s.hasPrefix(prefix)
    }

    mutating func add(_ severity: Severity, _ type: IssueType, _ rule: BundleRule, _ message: String,
                      _ position: SourcePosition, _ path: String) {
        issues.append(Issue(severity, type, rule: rule, message, path: path, position: position))
    }

    // MARK: fullUrl

    private mutating func checkFullUrl(_ entry: Entry, _ bundlePath: String) {
        guard let url = entry.url, !url.isEmpty else { return }
        let element = entry.fullUrlPosition
        if let problem = Self.fullUrlFormProblem(url) {
            add(.error, .value, BundleRule.fullURLAbsolute, "fullUrl '\(url)' \(problem)", element, entry.path(bundlePath) + ".fullUrl")
        }
        let versioned = url.containsBytes("/_history/")
        if versioned {
            add(.error, .invariant, BundleRule.fullURLHistory,
                "fullUrl '\(url)' holds a version ('/_history/'): it must be version-independent (bdl-8)",
                element, entry.path(bundlePath) + ".fullUrl")
        }
        guard let resourceType = entry.resourceType, let id = entry.resourceID else { return }
        if Self.hasPrefix(url, "urn:uuid:") {
            if !Self.sameUUID(url, id) {
                add(.warning, .invariant, BundleRule.fullURLID,
                    "fullUrl '\(url)' and resource.id '\(id)' differ (allowed for urn:uuid, but confusing)",
                    element, entry.path(bundlePath) + ".fullUrl")
            }
        } else if Self.hasPrefix(url, "http://") || Self.hasPrefix(url, "https://"), !versioned {
            let segments = url.split(separator: "/", omittingEmptySubsequences: false)
            let last = segments.last.map(String.init) ?? ""
            let typeSegment = segments.count >= 2 ? String(segments[segments.count - 2]) : ""
            // Only a RESTful URL ([base]/Type/id) names an id; other absolute URLs say nothing about it.
            if typeSegment == resourceType, last != id {
                add(.error, .invariant, BundleRule.fullURLID,
                    "fullUrl '\(url)' contradicts resource.id '\(id)': a RESTful fullUrl ends with the resource's id (FHIR Bundle.entry.fullUrl)", element, entry.path(bundlePath) + ".fullUrl")
            }
        }
    }

    /// Why a fullUrl is no absolute URL, `urn:uuid:<uuid>` or `urn:oid:<oid>` (Bundle.entry.fullUrl:
    /// "the Absolute URL for the resource"), with what is expected; nil when it is one. Only its
    /// form: characters RFC 3986 refuses are layer 1's `value.uri`.
    static func fullUrlFormProblem(_ url: String) -> String? {
        if hasPrefix(url, "urn:uuid:") {
            return Lexical.isUUID(url.utf8.span, from: "urn:uuid:".utf8.count) ? nil
                : "is not urn:uuid: followed by a UUID (8-4-4-4-12 hex digits)"
        }
        if hasPrefix(url, "urn:oid:") {
            return PrimitiveType.oid.check(url) == nil ? nil
                : "is not urn:oid: followed by an OID (dot-separated numbers without leading zeros)"
        }
        if Lexical.hasScheme(url) { return nil }
        if StructureWalker.isBareUUID(url) {
            return "is a bare UUID: expected urn:uuid:\(url.lowercased())"
        }
        return "is not absolute: expected an absolute URL (scheme ':' …, e.g. https://server/fhir/Patient/1), "
            + "urn:uuid:<uuid> or urn:oid:<oid>"
    }

    /// An entry of a message Bundle: it needs a fullUrl (FHIR: "The fullUrl element SHALL have a
    /// value" except on a POST or for unidentified results of operations, neither of which a message
    /// is), and its resource an id.
    private mutating func checkMessageEntry(_ entry: Entry, _ bundlePath: String) {
        guard let resourceType = entry.resourceType else { return }
        if entry.url == nil {
            add(.error, .required, BundleRule.fullURLMissing,
                "the entry has no fullUrl: in a message Bundle every entry needs one (an absolute URL or urn:uuid:<uuid>), "
                + "else nothing in the message can reference its \(resourceType)",
                entry.position, entry.path(bundlePath))
        }
        // An empty resource is already `struct.empty` (ele-1).
        if entry.resourceID == nil && !entry.resourceIsEmpty {
            add(.warning, .required, BundleRule.resourceIDMissing,
                "the \(resourceType) has no id: a resource in a message should carry one "
                + "(the receiver records it by its id, and a RESTful fullUrl ends with it)",
                entry.resourcePosition, entry.path(bundlePath) + ".resource")
        }
    }

    /// Whether a `urn:uuid:` fullUrl names `id`, ignoring case: compares bytes when both are ASCII
    /// (a UUID always is), else the lowercased strings.
    static func sameUUID(_ url: String, _ id: String) -> Bool {
        let prefix = "urn:uuid:".utf8.count   // `url` has this prefix: these bytes are its first characters
        if let ascii = asciiSameUUID(url.utf8.span, prefix, id.utf8.span) { return ascii }
        return String(url.dropFirst("urn:uuid:".count)).lowercased() == id.lowercased()
    }

    /// ``sameUUID(_:_:)`` over the bytes of the url (from `prefix`) and the id: nil when either is
    /// not ASCII.
    private static func asciiSameUUID(_ u: Span<UInt8>, _ prefix: Int, _ i: Span<UInt8>) -> Bool? {
        guard u.count - prefix == i.count else {
            for k in u.indices where u[k] >= 0x80 { return nil }
            for k in i.indices where i[k] >= 0x80 { return nil }
            return false
        }
        var same = true
        for k in i.indices {
            let a = u[prefix + k], b = i[k]
            if a | b >= 0x80 { return nil }
            if a != b && (a | 0x20 != b | 0x20 || !(0x61...0x7A).contains(a | 0x20)) { same = false }
        }
        return same
    }

    /// bdl-7, once some fullUrl is known to occur twice.
    private mutating func checkDuplicates(_ entries: [Entry], _ bundle: borrowing Element, _ bundlePath: String) {
        // The versions first: a nested function cannot capture the borrowed Bundle.
        var versions: [String?] = []
        versions.reserveCapacity(entries.count)
        for entry in entries {
            versions.append(Self.withResource(of: entry, in: bundle) { $0.child("meta")?.child("versionId")?.value } ?? nil)
        }
        func versionOf(_ entry: Entry) -> String? { versions[entry.index] }
        var seen: [String: [Entry]] = [:]
        for entry in entries {
            guard let url = entry.url else { continue }
            let version = versionOf(entry)
            let earlier = seen[url, default: []]
            if let first = earlier.first(where: { other in
                let otherVersion = versionOf(other)
                return version == nil || otherVersion == nil || otherVersion == version
            }) {
                add(.error, .invariant, BundleRule.fullURLDuplicate,
                    "fullUrl '\(url)' is also the fullUrl of entry \(first.index) (bdl-7: unique unless meta.versionId differs)",
                    entry.fullUrlPosition, entry.path(bundlePath) + ".fullUrl")
            }
            seen[url, default: []].append(entry)
        }
    }

    // MARK: references

    /// What references of one Bundle resolve against, and where the walk stands.
    private struct ReferenceTargets {
        let entries: [Entry]
        let fullUrls: FullUrlIndex
        /// The path of their Bundle.
        let bundlePath: String
        /// What a relative reference can name (`Type/id`): the entries' types and ids, and the
        /// end of each absolute fullUrl. Gathered at the first relative reference (most messages
        /// use `urn:uuid:` ones only).
        var relativeTargets: (typeAndID: Set<String>, fullUrlEnds: Set<Substring>)?
        /// Absolute URLs outside the Bundle already reported (each once).
        var external = Set<String>()
        /// The entry being walked and the ids of its contained resources (gathered at the first
        /// `#id` reference: most entries have none).
        var entry: Entry?
        var containedIDs: Set<String>?
        /// Child indices from the entry's resource down to the element being walked: the path is
        /// rendered from them only for a reference that is reported.
        private(set) var trail: [Int] = []

        init(entries: [Entry], fullUrls: FullUrlIndex, bundlePath: String) {
            self.entries = entries
            self.fullUrls = fullUrls
            self.bundlePath = bundlePath
            trail.reserveCapacity(32)
        }

        /// Steps down to child `k`.
        @inline(__always)
        mutating func push(_ k: Int) {
            trail.append(k)
        }

        /// Steps back up.
        @inline(__always)
        mutating func pop() {
            trail.removeLast()
        }

        mutating func resolvesRelative(_ relative: String) -> Bool {
            if relativeTargets == nil {
                var typeAndID = Set<String>()
                var fullUrlEnds = Set<Substring>()
                for entry in entries {
                    if let url = entry.url {
                        let slash = UInt8(ascii: "/")
                        if let last = url.utf8.lastIndex(of: slash), let type = url.utf8[..<last].lastIndex(of: slash) {
                            fullUrlEnds.insert(url[url.utf8.index(after: type)...])
                        }
                    }
                    if let type = entry.resourceType, let id = entry.resourceID {
                        typeAndID.insert(type + "/" + id)
                    }
                }
                relativeTargets = (typeAndID, fullUrlEnds)
            }
            let targets = relativeTargets!
            return targets.typeAndID.contains(relative) || targets.fullUrlEnds.contains(Substring(relative))
        }
    }

    private mutating func checkReferences(_ entries: [Entry], _ bundle: borrowing Element,
                                          fullUrls: FullUrlIndex, _ bundlePath: String) {
        var targets = ReferenceTargets(entries: entries, fullUrls: fullUrls, bundlePath: bundlePath)
        for entry in entries {
            guard entry.resourceType != nil, entry.resourceType != "Bundle" else { continue }
            targets.entry = entry
            targets.containedIDs = nil
            Self.withResource(of: entry, in: bundle) { checkReferences(below: $0, in: $0, &targets) }
        }
    }

    /// Checks every `reference` value below `e` as it is met (document order, so the first of
    /// repeated external URLs is the one reported). Definitions are not consulted here: they only
    /// shape the path, which ``referencePath(_:from:)`` renders for a reported reference. Elements are
    /// borrowed in place from their parent's children, never copied; `resource` is the entry's
    /// resource, where the walk started.
    private mutating func checkReferences(below e: borrowing Element, in resource: borrowing Element,
                                          _ targets: inout ReferenceTargets) {
        let parentHasValue = e.value != nil
        let kids = e.children.span
        for k in kids.indices {
            targets.push(k)
            if !parentHasValue, kids[k].name.utf8.count == 9, kids[k].name == "reference",
               let v = kids[k].value, kids[k].children.allSatisfy({ $0.name == "extension" }) {
                checkReference(v, kids[k], in: resource, &targets)
            }
            if kids[k].isResource {
                // A Bundle is its own context (checked on its own when it is an entry); a contained
                // resource's `#id` references point into the same container.
                if kids[k].resourceType != "Bundle" { checkReferences(below: kids[k], in: resource, &targets) }
            } else if !kids[k].children.isEmpty {
                checkReferences(below: kids[k], in: resource, &targets)
            }
            targets.pop()
        }
    }

    private mutating func checkReference(_ v: String, _ c: borrowing Element, in resource: borrowing Element,
                                         _ targets: inout ReferenceTargets) {
        if Self.hasPrefix(v, "#") {
            if v == "#" { return }
            if targets.containedIDs == nil {
                let contained = resource.children(named: "contained")
                targets.containedIDs = Set(contained.compactMap { $0.child("id")?.value })
            }
            if !targets.containedIDs!.contains(String(v.dropFirst())) {
                add(.error, .structure, BundleRule.containedUnresolved,
                    "reference '\(v)' matches no contained resource of its container (ref-1)", c.position, referencePath(targets, from: resource))
            }
        } else if Self.hasPrefix(v, "urn:uuid:") || Self.hasPrefix(v, "urn:oid:") {
            if !targets.fullUrls.contains(v) {
                add(.error, .structure, BundleRule.referenceUnresolved,
                    "reference '\(v)' matches no entry's fullUrl", c.position, referencePath(targets, from: resource))
            }
        } else if Self.hasPrefix(v, "http://") || Self.hasPrefix(v, "https://") {
            if !targets.fullUrls.contains(v) && targets.external.insert(v).inserted {
                add(.information, .informational, BundleRule.referenceExternal,
                    "reference '\(v)' points outside the Bundle (not checked)", c.position, referencePath(targets, from: resource))
            }
        } else if let relative = Self.relative(v) {
            if !targets.resolvesRelative(relative) {
                add(.error, .structure, BundleRule.referenceUnresolved,
                    "reference '\(v)' matches no entry (by fullUrl ending '/\(relative)' or by type and id)",
                    c.position, referencePath(targets, from: resource))
            }
        }
    }

    /// The FHIRPath path of the element at `targets.trail`, with steps from the definitions: an
    /// element is indexed when it repeats; an unknown one when its name occurs more than once.
    private func referencePath(_ targets: ReferenceTargets, from resource: borrowing Element) -> String {
        let entry = targets.entry!
        var e = copy resource
        var node = resourceNode(e)
        var path = PathStack()
        path.push(entry.path(targets.bundlePath) + ".resource")
        for k in targets.trail {
            let kids = e.children
            let c = kids[k]
            let def = node?.children[c.name]
            let repeats = def?.info.repeats ?? (kids.lazy.filter { $0.name == c.name }.count > 1)
            // Its index among same-named siblings (as ``SiblingIndex`` counts it).
            let runIndex = kids[..<k].lazy.filter { $0.name == c.name }.count
            path.push(c.name, index: repeats ? runIndex : -1)
            node = c.isResource ? resourceNode(c) : def?.node
            e = c
        }
        return path.text()
    }

    /// `Type/id` of a relative reference (`Patient/123`, `Patient/123/_history/2`), else nil.
    static func relative(_ v: String) -> String? {
        // Cheap refusals first: most references are urn:uuid or absolute URLs.
        guard let f = v.utf8.first, f >= UInt8(ascii: "A"), f <= UInt8(ascii: "Z"),
              let slash = v.utf8.firstIndex(of: UInt8(ascii: "/")) else { return nil }
        let parts = v.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 || (parts.count == 4 && parts[2] == "_history"), slash == parts[0].endIndex else { return nil }
        let type = parts[0], id = parts[1]
        guard let f = type.first, f.isUppercase, type.allSatisfy({ $0.isASCII && $0.isLetter }),
              !id.isEmpty, id.count <= 64,
              id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") })
        else { return nil }
        return "\(type)/\(id)"
    }

    private func resourceNode(_ resource: Element) -> NodeDef? {
        guard let type = resource.resourceType, case let .found(node)? = try? cache.resource(named: type) else { return nil }
        return node
    }
}
