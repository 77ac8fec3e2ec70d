/// What a reader produces: the tree and the non-fatal findings made while reading it.
/// (Fatal problems are thrown as ``IssuesError``.)
public struct Decoded: Sendable {
    public var root: Element
    public var issues: [Issue]

    public init(root: Element, issues: [Issue] = []) {
        self.root = root
        self.issues = issues
    }
}

/// What a writer produces: the bytes and the non-fatal findings made while writing them.
public struct Encoded: Sendable {
    public var bytes: [UInt8]
    public var issues: [Issue]

    public init(bytes: [UInt8], issues: [Issue] = []) {
        self.bytes = bytes
        self.issues = issues
    }
}
