/// Where an element stands in a message, exactly: the resource it belongs to (its index in
/// ``MessageResources``) and the child indices from that resource down to it. Two walks that reach
/// one element (a slice and its sliced element, an extension's definition and the profile slicing
/// it) reach it by the same place while the tree is not changed, as during validation.
struct ElementPlace {
    /// The resource's index in ``MessageResources``, or ``ElementPlace/detached`` for an element
    /// walked apart from the message (a profile discriminator's probe).
    var resource: Int
    /// Child indices from the resource down to the element.
    var trail: [Int] = []

    /// The resource number of elements walked apart from the message: no place of the message's.
    static let detached = -1
}

/// Per-message memos filed by ``ElementPlace``, for facts that outlive the walk which read the
/// element: the places' trails are kept one after another in one array (no allocation per filing
/// once it has grown), and a lookup compares resource and length before any index.
struct ElementPlaceMemo<Payload> {
    private var entries: [(resource: Int, start: Int, count: Int, payload: Payload)] = []
    private var trails: [Int] = []

    var count: Int { entries.count }
    var isEmpty: Bool { entries.isEmpty }

    /// Files `payload` at `place`.
    mutating func append(_ payload: Payload, at place: ElementPlace) {
        entries.append((place.resource, trails.count, place.trail.count, payload))
        trails.append(contentsOf: place.trail)
    }

    mutating func removeAll() {
        entries.removeAll(keepingCapacity: true)
        trails.removeAll(keepingCapacity: true)
    }

    /// The payload filed last at `place`, if any.
    func last(at place: ElementPlace) -> Payload? {
        for e in entries.indices.reversed() where isAt(e, place) { return entries[e].payload }
        return nil
    }

    /// Whether some payload filed at `place` meets `test`.
    func contains(at place: ElementPlace, where test: (Payload) -> Bool) -> Bool {
        for e in entries.indices where isAt(e, place) && test(entries[e].payload) { return true }
        return false
    }

    private func isAt(_ e: Int, _ place: ElementPlace) -> Bool {
        // Field by field: copying the entry out would retain its payload.
        guard entries[e].resource == place.resource, entries[e].count == place.trail.count else { return false }
        let start = entries[e].start
        let stored = trails.span, trail = place.trail.span
        for k in trail.indices where stored[start &+ k] != trail[k] { return false }
        return true
    }
}
