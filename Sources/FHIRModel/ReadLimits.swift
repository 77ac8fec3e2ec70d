/// The limits a reader puts on one message, so that hostile or broken input is refused in bounded
/// time and memory instead of being read whole: the same three for XML and JSON.
///
/// The defaults are safe for untrusted input and generous for real messages (the largest DCH
/// message Bundles nest about 20 deep and hold tens of entries).
public struct ReadLimits: Sendable, Hashable {
    /// The deepest nesting read (the root is depth 1; JSON objects and arrays, XML elements and
    /// narrative XHTML). Deeper input fails with `json.too-deep` / `xml.too-deep`.
    public var maxDepth: Int
    /// The largest message read, in bytes. Larger input fails with `json.too-large` / `xml.too-large`.
    public var maxBytes: Int
    /// The most items one JSON array may hold, and the most child elements one XML element may
    /// have (a Bundle's entries, a repeating element's repetitions). More fail with
    /// `json.too-many-items` / `xml.too-many-children`.
    public var maxEntries: Int

    /// The default depth: the readers recurse once per level on a thread's stack.
    public static let defaultMaxDepth = 256
    /// The default size: 256 MiB.
    public static let defaultMaxBytes = 256 << 20
    /// The default number of items: 100,000 (a 50,000-entry Bundle reads; 10^6 items do not).
    public static let defaultMaxEntries = 100_000

    /// Limits; each defaults to its `default…` value.
    public init(maxDepth: Int = defaultMaxDepth, maxBytes: Int = defaultMaxBytes, maxEntries: Int = defaultMaxEntries) {
        self.maxDepth = maxDepth
        self.maxBytes = maxBytes
        self.maxEntries = maxEntries
    }
}
