import FHIRModel

/// The terminology findings of one message, with the bookkeeping that reports each value set or
/// system that cannot be checked once per message (not once per element).
///
/// Pass the same report to every walk of one message (the base definitions', then each profile's)
/// so that a not-checked note made by one is not repeated by the next.
public struct TerminologyReport: Sendable {
    /// The issues found so far, in the order found.
    public var issues: [Issue] = []
    /// `value set URL + NUL + system` of every not-checked note made.
    private var noted: Set<String> = []

    /// An empty report, for a new message.
    public init() {}

    /// True when this value set / system pair has not been noted yet; notes it.
    mutating func firstNote(valueSet: String, system: String?) -> Bool {
        noted.insert(valueSet + "\u{0}" + (system ?? "")).inserted
    }
}
