import FHIRModel

/// Layer 4: the rules of a Bundle as a whole (FORMATS.md F8, F9).
///
/// Run by ``Validator/validate(_:syntax:)`` after layer 1 when the root is a `Bundle`:
/// - `bundle.fullurl-duplicate` (bdl-7): two entries share a fullUrl and their `meta.versionId`s do not differ.
/// - `bundle.fullurl-history` (bdl-8): a fullUrl holds `/_history/`.
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

    /// One entry as the rules see it (a class: the checks pass entries around, and a struct of
    /// three elements would be copied field by field each time).
    private final class Entry {
        let index: Int
        let element: Element
        let fullUrl: Element?
        /// The fullUrl's value.
        let url: String?
        /// Its resource (nil when `resource` holds none) and the resource's `id`.
        let resource: Element?
        let resourceID: String?
        /// True when it has a resource, a request or a response (bdl-5).
        let hasContent: Bool
        /// The path of its Bundle.
        let bundlePath: String
        /// `Bundle.entry[2]`: rendered only for an issue.
        var path: String { "\(bundlePath).entry[\(index)]" }

        /// Reads an entry's children once (the first of each name counts).
        init(index: Int, element: Element, bundlePath: String) {
            self.index = index
            self.element = element
            self.bundlePath = bundlePath
            let kids = element.children
            fullUrl = kids.firstIndex { $0.name == "fullUrl" }.map { kids[$0] }
            url = fullUrl?.value
            let r = kids.firstIndex { $0.name == "resource" }
            resource = r.flatMap { kids[$0].isResource ? kids[$0] : nil }
            resourceID = resource.flatMap { r in
                r.children.firstIndex { $0.name == "id" }.flatMap { r.children[$0].value }
            }
            hasContent = r != nil || kids.contains { $0.name == "request" || $0.name == "response" }
        }
    }

    /// Checks a `Bundle` at `path` (anything else is left alone). A Bundle inside an entry is checked
    /// the same way, as its own context: its references resolve among its own entries.
    mutating func check(_ bundle: Element, path: String = "Bundle") {
        guard bundle.resourceType == "Bundle" else { return }
        let type = bundle.child("type")?.value
        let entries = bundle.children(named: "entry").enumerated().map { i, e in
            Entry(index: i, element: e, bundlePath: path)
        }
        for entry in entries {
            if !entry.hasContent {
                add(.error, .invariant, "bundle.entry-empty",
                    "the entry has neither a resource, a request nor a response (bdl-5)", entry.element, entry.path)
            }
            checkFullUrl(entry)
        }
        // The usual case, every fullUrl different, costs this one set (references reuse it).
        var fullUrls = Set<String>(minimumCapacity: entries.count)
        var repeated = false
        for entry in entries {
            if let url = entry.url, !fullUrls.insert(url).inserted { repeated = true }
        }
        if repeated { checkDuplicates(entries) }
        if type == "message" {
            if let first = entries.first {
                if first.resource?.resourceType != "MessageHeader" {
                    add(.error, .invariant, "bundle.messageheader-first",
                        "the first entry of a message Bundle must be a MessageHeader, not \(first.resource?.resourceType ?? "an entry without a resource")",
                        first.element, first.resource == nil ? first.path : first.path + ".resource")
                }
            } else {
                add(.error, .invariant, "bundle.messageheader-first",
                    "a message Bundle must start with a MessageHeader entry; it has no entries", bundle, path)
            }
        }
        if type == "message" || type == "document" {
            checkReferences(entries, fullUrls: fullUrls)
        }
        for entry in entries where entry.resource?.resourceType == "Bundle" {
            check(entry.resource!, path: entry.path + ".resource")
        }
    }

    private mutating func add(_ severity: Severity, _ type: IssueType, _ rule: String, _ message: String,
                              _ at: Element, _ path: String) {
        issues.append(Issue(severity, type, rule: rule, message, path: path, position: at.position))
    }

    // MARK: fullUrl

    private mutating func checkFullUrl(_ entry: Entry) {
        guard let element = entry.fullUrl, let url = element.value else { return }
        let versioned = url.containsBytes("/_history/")
        if versioned {
            add(.error, .invariant, "bundle.fullurl-history",
                "fullUrl '\(url)' holds a version ('/_history/'): it must be version-independent (bdl-8)",
                element, entry.path + ".fullUrl")
        }
        guard let resource = entry.resource, let id = entry.resourceID else { return }
        if url.hasPrefix("urn:uuid:") {
            if !Self.sameUUID(url, id) {
                add(.warning, .invariant, "bundle.fullurl-id",
                    "fullUrl '\(url)' and resource.id '\(id)' differ (allowed for urn:uuid, but confusing)",
                    element, entry.path + ".fullUrl")
            }
        } else if url.hasPrefix("http://") || url.hasPrefix("https://"), !versioned {
            let segments = url.split(separator: "/", omittingEmptySubsequences: false)
            let last = segments.last.map(String.init) ?? ""
            let typeSegment = segments.count >= 2 ? String(segments[segments.count - 2]) : ""
            // Only a RESTful URL ([base]/Type/id) names an id; other absolute URLs say nothing about it.
            if typeSegment == resource.resourceType, last != id {
                add(.error, .invariant, "bundle.fullurl-id",
                    "fullUrl '\(url)' contradicts resource.id '\(id)' (F9)", element, entry.path + ".fullUrl")
            }
        }
    }

    /// Whether a `urn:uuid:` fullUrl names `id`, ignoring case: compares bytes when both are ASCII
    /// (a UUID always is), else the lowercased strings.
    static func sameUUID(_ url: String, _ id: String) -> Bool {
        let prefix = "urn:uuid:".utf8.count   // `url` has this prefix: these bytes are its first characters
        var url = url, id = id
        let ascii = url.withUTF8 { u in
            id.withUTF8 { i -> Bool? in
                guard u.count - prefix == i.count else {
                    return u.allSatisfy({ $0 < 0x80 }) && i.allSatisfy({ $0 < 0x80 }) ? false : nil
                }
                var same = true
                for k in 0..<i.count {
                    let a = u[prefix + k], b = i[k]
                    if a | b >= 0x80 { return nil }
                    if a != b && (a | 0x20 != b | 0x20 || !(0x61...0x7A).contains(a | 0x20)) { same = false }
                }
                return same
            }
        }
        if let ascii { return ascii }
        return String(url.dropFirst("urn:uuid:".count)).lowercased() == id.lowercased()
    }

    /// bdl-7, once some fullUrl is known to occur twice.
    private mutating func checkDuplicates(_ entries: [Entry]) {
        func versionOf(_ entry: Entry) -> String? { entry.resource?.child("meta")?.child("versionId")?.value }
        var seen: [String: [Entry]] = [:]
        for entry in entries {
            guard let url = entry.fullUrl?.value else { continue }
            let version = versionOf(entry)
            let earlier = seen[url, default: []]
            if let first = earlier.first(where: { other in
                let otherVersion = versionOf(other)
                return version == nil || otherVersion == nil || otherVersion == version
            }) {
                add(.error, .invariant, "bundle.fullurl-duplicate",
                    "fullUrl '\(url)' is also the fullUrl of entry \(first.index) (bdl-7: unique unless meta.versionId differs)",
                    entry.fullUrl!, entry.path + ".fullUrl")
            }
            seen[url, default: []].append(entry)
        }
    }

    // MARK: references

    /// What references of one Bundle resolve against, and where the walk stands.
    private struct ReferenceTargets {
        let entries: [Entry]
        let fullUrls: Set<String>
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
        var trail: [Int] = []

        init(entries: [Entry], fullUrls: Set<String>) {
            self.entries = entries
            self.fullUrls = fullUrls
            trail.reserveCapacity(32)
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
                    if let type = entry.resource?.resourceType, let id = entry.resourceID {
                        typeAndID.insert(type + "/" + id)
                    }
                }
                relativeTargets = (typeAndID, fullUrlEnds)
            }
            let targets = relativeTargets!
            return targets.typeAndID.contains(relative) || targets.fullUrlEnds.contains(Substring(relative))
        }
    }

    private mutating func checkReferences(_ entries: [Entry], fullUrls: Set<String>) {
        var targets = ReferenceTargets(entries: entries, fullUrls: fullUrls)
        for entry in entries {
            guard let resource = entry.resource, resource.resourceType != "Bundle" else { continue }
            targets.entry = entry
            targets.containedIDs = nil
            withUnsafePointer(to: resource) { checkReferences(below: $0, &targets) }
        }
    }

    /// Checks every `reference` value below `e` as it is met (document order, so the first of
    /// repeated external URLs is the one reported). Definitions are not consulted here: they only
    /// shape the path, which ``referencePath(_:)`` renders for a reported reference. Elements are
    /// read in place (through pointers into their parent's children), never copied.
    private mutating func checkReferences(below e: UnsafePointer<Element>, _ targets: inout ReferenceTargets) {
        let parentHasValue = e.pointee.value != nil
        e.pointee.children.withUnsafeBufferPointer { kids in
            for k in kids.indices {
                let c = kids.baseAddress! + k
                targets.trail.append(k)
                if !parentHasValue, c.pointee.name.utf8.count == 9, c.pointee.name == "reference",
                   let v = c.pointee.value, c.pointee.children.allSatisfy({ $0.name == "extension" }) {
                    checkReference(v, c.pointee, &targets)
                }
                if c.pointee.isResource {
                    // A Bundle is its own context (checked on its own when it is an entry); a contained
                    // resource's `#id` references point into the same container.
                    if c.pointee.resourceType != "Bundle" { checkReferences(below: c, &targets) }
                } else if !c.pointee.children.isEmpty {
                    checkReferences(below: c, &targets)
                }
                targets.trail.removeLast()
            }
        }
    }

    private mutating func checkReference(_ v: String, _ element: Element, _ targets: inout ReferenceTargets) {
        if v.hasPrefix("#") {
            if v == "#" { return }
            if targets.containedIDs == nil {
                let contained = targets.entry!.resource!.children(named: "contained")
                targets.containedIDs = Set(contained.compactMap { $0.child("id")?.value })
            }
            if !targets.containedIDs!.contains(String(v.dropFirst())) {
                add(.error, .structure, "bundle.contained-unresolved",
                    "reference '\(v)' matches no contained resource of its container (ref-1)", element, referencePath(targets))
            }
        } else if v.hasPrefix("urn:uuid:") || v.hasPrefix("urn:oid:") {
            if !targets.fullUrls.contains(v) {
                add(.error, .structure, "bundle.reference-unresolved",
                    "reference '\(v)' matches no entry's fullUrl", element, referencePath(targets))
            }
        } else if v.hasPrefix("http://") || v.hasPrefix("https://") {
            if !targets.fullUrls.contains(v) && targets.external.insert(v).inserted {
                add(.information, .informational, "bundle.reference-external",
                    "reference '\(v)' points outside the Bundle (not checked)", element, referencePath(targets))
            }
        } else if let relative = Self.relative(v) {
            if !targets.resolvesRelative(relative) {
                add(.error, .structure, "bundle.reference-unresolved",
                    "reference '\(v)' matches no entry (by fullUrl ending '/\(relative)' or by type and id)",
                    element, referencePath(targets))
            }
        }
    }

    /// The FHIRPath path of the element at `targets.trail`, with steps from the definitions: an
    /// element is indexed when it repeats; an unknown one when its name occurs more than once.
    private func referencePath(_ targets: ReferenceTargets) -> String {
        let entry = targets.entry!
        var e = entry.resource!
        var node = resourceNode(e)
        var path = PathStack()
        path.push(entry.path + ".resource")
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
        guard let slash = v.firstIndex(of: "/"), let f = v.first, f.isUppercase else { return nil }
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
