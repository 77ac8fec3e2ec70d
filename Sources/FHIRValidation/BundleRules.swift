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

    /// One entry as the rules see it.
    private struct Entry {
        let index: Int
        let element: Element
        let fullUrl: Element?
        let resource: Element?
        /// `Bundle.entry[2]` (below the path of its Bundle).
        let path: String
    }

    /// Checks a `Bundle` at `path` (anything else is left alone). A Bundle inside an entry is checked
    /// the same way, as its own context: its references resolve among its own entries.
    mutating func check(_ bundle: Element, path: String = "Bundle") {
        guard bundle.resourceType == "Bundle" else { return }
        let type = bundle.child("type")?.value
        let entries = bundle.children(named: "entry").enumerated().map { i, e in
            Entry(index: i, element: e, fullUrl: e.child("fullUrl"),
                  resource: e.child("resource").flatMap { $0.isResource ? $0 : nil }, path: "\(path).entry[\(i)]")
        }
        for entry in entries {
            if entry.element.child("resource") == nil && entry.element.child("request") == nil
                && entry.element.child("response") == nil {
                add(.error, .invariant, "bundle.entry-empty",
                    "the entry has neither a resource, a request nor a response (bdl-5)", entry.element, entry.path)
            }
            checkFullUrl(entry)
        }
        checkDuplicates(entries)
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
            checkReferences(entries)
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
        let path = entry.path + ".fullUrl"
        let versioned = url.containsBytes("/_history/")
        if versioned {
            add(.error, .invariant, "bundle.fullurl-history",
                "fullUrl '\(url)' holds a version ('/_history/'): it must be version-independent (bdl-8)", element, path)
        }
        guard let resource = entry.resource, let id = resource.child("id")?.value else { return }
        if url.hasPrefix("urn:uuid:") {
            let uuid = String(url.dropFirst("urn:uuid:".count))
            if uuid.lowercased() != id.lowercased() {
                add(.warning, .invariant, "bundle.fullurl-id",
                    "fullUrl '\(url)' and resource.id '\(id)' differ (allowed for urn:uuid, but confusing)", element, path)
            }
        } else if url.hasPrefix("http://") || url.hasPrefix("https://"), !versioned {
            let segments = url.split(separator: "/", omittingEmptySubsequences: false)
            let last = segments.last.map(String.init) ?? ""
            let typeSegment = segments.count >= 2 ? String(segments[segments.count - 2]) : ""
            // Only a RESTful URL ([base]/Type/id) names an id; other absolute URLs say nothing about it.
            if typeSegment == resource.resourceType, last != id {
                add(.error, .invariant, "bundle.fullurl-id",
                    "fullUrl '\(url)' contradicts resource.id '\(id)' (F9)", element, path)
            }
        }
    }

    private mutating func checkDuplicates(_ entries: [Entry]) {
        // The usual case, every fullUrl different, costs one set.
        var distinct = Set<String>()
        guard entries.contains(where: { $0.fullUrl?.value.map { !distinct.insert($0).inserted } ?? false }) else { return }
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

    /// A `reference` value found in a resource, with where it is and the container it belongs to.
    private struct Found {
        let value: String
        let element: Element
        let path: String
        let containedIDs: Set<String>
    }

    private mutating func checkReferences(_ entries: [Entry]) {
        var fullUrls = Set<String>()
        var typeAndID = Set<String>()
        // `Type/id` at the end of each absolute fullUrl: what a relative reference can name.
        var fullUrlEnds = Set<Substring>()
        for entry in entries {
            if let url = entry.fullUrl?.value {
                fullUrls.insert(url)
                if let last = url.lastIndex(of: "/"), let type = url[..<last].lastIndex(of: "/") {
                    fullUrlEnds.insert(url[url.index(after: type)...])
                }
            }
            if let r = entry.resource, let type = r.resourceType, let id = r.child("id")?.value {
                typeAndID.insert(type + "/" + id)
            }
        }
        var found: [Found] = []
        for entry in entries {
            guard let resource = entry.resource, resource.resourceType != "Bundle" else { continue }
            let contained = Set(resource.children(named: "contained").compactMap { $0.child("id")?.value })
            var path = PathStack()
            path.push(entry.path + ".resource")
            collect(resource, node: resourceNode(resource), path: &path, contained: contained, into: &found)
        }
        var external = Set<String>()
        for ref in found {
            let v = ref.value
            if v.hasPrefix("#") {
                if v != "#" && !ref.containedIDs.contains(String(v.dropFirst())) {
                    add(.error, .structure, "bundle.contained-unresolved",
                        "reference '\(v)' matches no contained resource of its container (ref-1)", ref.element, ref.path)
                }
            } else if v.hasPrefix("urn:uuid:") || v.hasPrefix("urn:oid:") {
                if !fullUrls.contains(v) {
                    add(.error, .structure, "bundle.reference-unresolved",
                        "reference '\(v)' matches no entry's fullUrl", ref.element, ref.path)
                }
            } else if v.hasPrefix("http://") || v.hasPrefix("https://") {
                if !fullUrls.contains(v) && external.insert(v).inserted {
                    add(.information, .informational, "bundle.reference-external",
                        "reference '\(v)' points outside the Bundle (not checked)", ref.element, ref.path)
                }
            } else if let relative = Self.relative(v) {
                let resolved = typeAndID.contains(relative) || fullUrlEnds.contains(Substring(relative))
                if !resolved {
                    add(.error, .structure, "bundle.reference-unresolved",
                        "reference '\(v)' matches no entry (by fullUrl ending '/\(relative)' or by type and id)",
                        ref.element, ref.path)
                }
            }
        }
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

    /// Collects `reference` values below `e`, with FHIRPath paths from the definitions (an element
    /// is indexed when it repeats; an unknown one when its name occurs more than once). The path is
    /// a stack, rendered only for the references found.
    private func collect(_ e: Element, node: NodeDef?, path: inout PathStack, contained: Set<String>,
                         into found: inout [Found]) {
        let kids = e.children
        var siblings = SiblingIndex()
        for k in kids.indices {
            let c = kids[k]
            let runIndex = siblings.next(k, in: kids)
            let def = node?.children[c.name]
            let repeats: Bool
            if let def { repeats = def.info.repeats } else { repeats = kids.lazy.filter { $0.name == c.name }.count > 1 }
            path.push(c.name, index: repeats ? runIndex : -1)
            if c.name == "reference", let v = c.value, e.value == nil, c.children.allSatisfy({ $0.name == "extension" }) {
                found.append(Found(value: v, element: c, path: path.text(), containedIDs: contained))
            }
            if c.isResource && c.resourceType == "Bundle" {
                // A Bundle is its own context (checked on its own when it is an entry).
            } else if c.isResource {
                // A contained resource's `#id` references point into the same container.
                collect(c, node: resourceNode(c), path: &path, contained: contained, into: &found)
            } else if !c.children.isEmpty {
                collect(c, node: def?.node, path: &path, contained: contained, into: &found)
            }
            path.pop()
        }
    }
}
