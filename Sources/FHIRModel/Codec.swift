/// What a reader produces: the tree and the non-fatal findings made while reading it.
/// (Fatal problems are thrown as ``IssuesError``.)
public struct Decoded: Sendable {
    /// The message's root resource.
    public var root: Element
    /// Warnings and information found while reading.
    public var issues: [Issue]
    /// The format the message was read from.
    public var format: MessageFormat

    /// A result of reading.
    public init(root: Element, issues: [Issue] = [], format: MessageFormat) {
        self.root = root
        self.issues = issues
        self.format = format
    }
}

/// What a writer produces: the bytes and the non-fatal findings made while writing them.
public struct Encoded: Sendable {
    /// The document, UTF-8.
    public var bytes: [UInt8]
    /// Warnings and information found while writing.
    public var issues: [Issue]

    /// A result of writing.
    public init(bytes: [UInt8], issues: [Issue] = []) {
        self.bytes = bytes
        self.issues = issues
    }
}
