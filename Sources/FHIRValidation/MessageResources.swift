import FHIRModel

/// Every resource of one message with its FHIRPath location, and the resolution of references
/// between them: what the profile layer needs to check `targetProfile`.
struct MessageResources {
    /// A resource node and where it stands.
    struct Located {
        let element: Element
        /// `Bundle.entry[1].resource`, `Bundle.entry[1].resource.contained[0]`.
        let path: String
        /// Index of the resource holding it when it is contained (for `#id` references).
        let container: Int?
    }

    private(set) var resources: [Located] = []
    private var byFullUrl: [String: Int] = [:]
    private var byTypeAndID: [String: Int] = [:]

    init(root: Element) {
        guard root.isResource else { return }
        add(root, path: root.resourceType ?? root.name, container: nil)
    }

    private mutating func add(_ resource: Element, path: String, container: Int?, fullUrl: String? = nil) {
        let index = resources.count
        resources.append(Located(element: resource, path: path, container: container))
        if let fullUrl, byFullUrl[fullUrl] == nil { byFullUrl[fullUrl] = index }
        if container == nil, let type = resource.resourceType, let id = resource.child("id")?.value,
           byTypeAndID[type + "/" + id] == nil {
            byTypeAndID[type + "/" + id] = index
        }
        var contained = 0, entries = 0, parameters = 0
        for c in resource.children {
            switch c.name {
            case "contained" where c.isResource:
                add(c, path: path + ".contained[\(contained)]", container: index)
                contained += 1
            case "entry" where resource.resourceType == "Bundle":
                if let r = c.child("resource"), r.isResource {
                    add(r, path: path + ".entry[\(entries)].resource", container: nil, fullUrl: c.child("fullUrl")?.value)
                }
                entries += 1
            case "parameter" where resource.resourceType == "Parameters":
                if let r = c.child("resource"), r.isResource {
                    add(r, path: path + ".parameter[\(parameters)].resource", container: nil)
                }
                parameters += 1
            default:
                break
            }
        }
    }

    /// The resource a `reference` value names, seen from the resource at `from`: `#id` among the
    /// container's contained resources, `urn:uuid:`/absolute URLs by fullUrl, `Type/id` by type and
    /// id or by a fullUrl ending in it: its index in ``resources``, nil when it is not in the message.
    func resolve(_ reference: String, from: Int) -> Int? {
        if reference.hasPrefix("#") {
            let owner = resources[from].container ?? from
            let id = String(reference.dropFirst())
            return resources.firstIndex { $0.container == owner && $0.element.child("id")?.value == id }
        }
        if let k = byFullUrl[reference] { return k }
        if let relative = BundleRules.relative(reference) {
            if let k = byTypeAndID[relative] { return k }
            if let (_, k) = byFullUrl.first(where: { $0.key.hasSuffix("/" + relative) }) { return k }
        }
        return nil
    }
}
