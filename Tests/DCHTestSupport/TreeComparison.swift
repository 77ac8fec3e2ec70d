import FHIRModel

/// Lists the differences between two element trees as `path: what` lines (empty when equal).
/// Positions are never compared; comments only when `comments` is true, JSON value kinds only when
/// `valueKinds` is true.
public func treeDifferences(_ a: Element, _ b: Element, comments: Bool = false, valueKinds: Bool = false,
                            path: String? = nil) -> [String] {
    let here = path ?? a.name
    var out: [String] = []
    func check<T: Equatable>(_ what: String, _ x: T, _ y: T) {
        if x != y { out.append("\(here): \(what) \(String(describing: x)) vs \(String(describing: y))") }
    }
    check("name", a.name, b.name)
    check("resourceType", a.resourceType, b.resourceType)
    check("value", a.value, b.value)
    if valueKinds { check("valueKind", a.valueKind, b.valueKind) }
    check("id", a.id, b.id)
    check("url", a.url, b.url)
    if comments {
        check("comments", a.comments, b.comments)
        check("trailingComments", a.trailingComments, b.trailingComments)
    }
    if a.children.count != b.children.count {
        out.append("\(here): \(a.children.count) children [\(a.children.map(\.name).joined(separator: ","))] vs "
                   + "\(b.children.count) [\(b.children.map(\.name).joined(separator: ","))]")
        return out
    }
    var seen: [String: Int] = [:]
    for (x, y) in zip(a.children, b.children) {
        let n = seen[x.name, default: 0]
        seen[x.name] = n + 1
        out += treeDifferences(x, y, comments: comments, valueKinds: valueKinds, path: "\(here).\(x.name)[\(n)]")
    }
    return out
}

/// Every comment in a tree, in a walk order (for comparing comment content where placement may move).
public func allComments(_ e: Element) -> [String] {
    e.comments + e.children.flatMap(allComments) + e.trailingComments
}

/// The tree with all comments removed.
public func withoutComments(_ e: Element) -> Element {
    var e = e
    e.comments = []
    e.trailingComments = []
    e.children = e.children.map(withoutComments)
    return e
}

/// The tree with every position cleared (for comparing trees read from different bytes).
public func withoutPositions(_ e: Element) -> Element {
    var e = e
    e.position = .unknown
    e.children = e.children.map(withoutPositions)
    return e
}

/// The tree with every children list sorted by name (stable), for comparing trees modulo order.
public func sortedByName(_ e: Element) -> Element {
    var e = e
    e.children = e.children.map(sortedByName).enumerated()
        .sorted { ($0.element.name, $0.offset) < ($1.element.name, $1.offset) }.map(\.element)
    return e
}
