import FHIRModel
import FHIRDefinitions

/// Every resource of one message with its FHIRPath location, and the resolution of references
/// between them: what the profile layer needs to check `targetProfile`.
///
/// Built for every message, so it keeps only what resolution needs: locations are rendered as
/// text on demand, and the type/id index is made on the first relative reference.
struct MessageResources {
    /// A resource node and where it stands.
    struct Located {
        let element: Element
        /// Index of the resource holding it (as contained resource, Bundle entry or parameter).
        let parent: Int?
        /// The step from the parent: `contained[2]`, `entry[1].resource`, `parameter[0].resource`.
        let step: Step
        /// Index of the resource holding it when it is contained (for `#id` references).
        var container: Int? { if case .contained = step { parent } else { nil } }
    }

    /// How a resource hangs below its parent (or is the root).
    enum Step {
        case root, contained(Int), entry(Int), parameter(Int)
    }

    private(set) var resources: [Located] = []
    /// The entries' fullUrls with their resources, in document order, each with its FNV hash: a
    /// message has a few dozen at most, so a scan of hashes costs less than hashing every URL
    /// into a `Dictionary` (SipHash over ~45 bytes, twice per entry).
    private var fullUrls: [(hash: Int, url: String, resource: Int)] = []
    /// For a large Bundle only: the first resource of each fullUrl (a scan per reference would be quadratic).
    private var byFullUrl: [String: Int]?
    private var byTypeAndID: [String: Int]?

    init(root: Element) {
        guard root.isResource else { return }
        // A Bundle's entries: sized once rather than grown entry by entry.
        let entries = root.children.count
        resources.reserveCapacity(entries + 1)
        fullUrls.reserveCapacity(entries)
        add(root, parent: nil, step: .root, fullUrl: nil)
        if fullUrls.count > 64 {
            var index: [String: Int] = [:]
            index.reserveCapacity(fullUrls.count)
            for f in fullUrls where index[f.url] == nil { index[f.url] = f.resource }
            byFullUrl = index
        }
    }

    /// A cheap hash of a URL for the scan of ``fullUrls`` (``NameHash/words(_:)``); equal hashes
    /// are then compared in full.
    private static func urlHash(_ url: String) -> Int { NameHash.words(url) }

    /// The first resource filed under `fullUrl`, if any.
    private func resource(fullUrl: String, hash: Int) -> Int? {
        if let byFullUrl { return byFullUrl[fullUrl] }
        let length = fullUrl.utf8.count
        for f in fullUrls where f.hash == hash && f.url.utf8.count == length && f.url == fullUrl { return f.resource }
        return nil
    }

    /// Files `resource` and the resources below it. Elements are borrowed in place from their
    /// parents' children: each resource is copied once, into its location.
    private mutating func add(_ resource: borrowing Element, parent: Int?, step: Step, fullUrl: String?) {
        let index = resources.count
        resources.append(Located(element: copy resource, parent: parent, step: step))
        // Every fullUrl is kept; a lookup finds the first of each (what counts when two entries share one).
        if let fullUrl { fullUrls.append((Self.urlHash(fullUrl), fullUrl, index)) }
        let type = resource.resourceType
        let isBundle = type == "Bundle", isParameters = type == "Parameters"
        var contained = 0, entries = 0, parameters = 0
        let kids = resource.children.span
        for k in kids.indices {
            let name = kids[k].name
            // Lengths first: most children are none of these, and refusing them by length is cheapest.
            let length = name.utf8.count
            guard length == 9 || (length == 5 && isBundle) else { continue }
            if name == "contained" {
                guard kids[k].isResource else { continue }
                add(kids[k], parent: index, step: .contained(contained), fullUrl: nil)
                contained += 1
            } else if isBundle && name == "entry" {
                let fullUrl = kids[k].valueOfChild(named: "fullUrl")
                kids[k].withChild(named: "resource") { r in
                    guard r.isResource else { return }
                    add(r, parent: index, step: .entry(entries), fullUrl: fullUrl)
                }
                entries += 1
            } else if isParameters && name == "parameter" {
                kids[k].withChild(named: "resource") { r in
                    guard r.isResource else { return }
                    add(r, parent: index, step: .parameter(parameters), fullUrl: nil)
                }
                parameters += 1
            }
        }
    }

    /// The location of resource `k`: `Bundle.entry[1].resource`, `Bundle.entry[1].resource.contained[0]`.
    func path(of k: Int) -> String {
        var stack = PathStack()
        push(k, onto: &stack)
        return stack.text()
    }

    /// Pushes the steps to resource `k` onto `stack`.
    func push(_ k: Int, onto stack: inout PathStack) {
        // Field by field: copying the location out would copy its element (four reference counts).
        if let parent = resources[k].parent { push(parent, onto: &stack) }
        switch resources[k].step {
        case .root: stack.push(resources[k].element.resourceType ?? resources[k].element.name)
        case let .contained(n): stack.push("contained", index: n)
        case let .entry(n):
            stack.push("entry", index: n)
            stack.push("resource")
        case let .parameter(n):
            stack.push("parameter", index: n)
            stack.push("resource")
        }
    }

    /// The resource a `reference` value names, seen from the resource at `from`: `#id` among the
    /// container's contained resources, `urn:uuid:`/absolute URLs by fullUrl, `Type/id` by type and
    /// id or by a fullUrl ending in it: its index in ``resources``, nil when it is not in the message.
    mutating func resolve(_ reference: String, from: Int) -> Int? {
        if reference.utf8.first == UInt8(ascii: "#") {
            let owner = resources[from].container ?? from
            let id = String(reference.dropFirst())
            return resources.firstIndex { $0.container == owner && $0.element.child("id")?.value == id }
        }
        if let k = resource(fullUrl: reference, hash: Self.urlHash(reference)) { return k }
        if let relative = BundleRules.relative(reference) {
            if let k = typeAndIDIndex()[relative] { return k }
            let suffix = "/" + relative
            if let f = fullUrls.first(where: { $0.url.hasSuffix(suffix) }) { return f.resource }
        }
        return nil
    }

    /// Resources that are not contained, by `Type/id` (the first of each).
    private mutating func typeAndIDIndex() -> [String: Int] {
        if let byTypeAndID { return byTypeAndID }
        var index: [String: Int] = [:]
        for (k, r) in resources.enumerated() where r.container == nil {
            if let type = r.element.resourceType, let id = r.element.child("id")?.value, index[type + "/" + id] == nil {
                index[type + "/" + id] = k
            }
        }
        byTypeAndID = index
        return index
    }
}
