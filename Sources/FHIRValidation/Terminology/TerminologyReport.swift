import FHIRModel

/// The terminology findings of one message, with the bookkeeping that reports each value set or
/// system that cannot be checked once per message (not once per element).
///
/// Pass the same report to every walk of one message (the base definitions', then each profile's)
/// so that a not-checked note made by one is not repeated by the next.
public struct TerminologyReport: Sendable {
    /// The issues found so far, in the order found.
    public var issues: [Issue] = []
    /// The value set / system pairs of every not-checked note made: a handful per message, so a
    /// scan (lengths first, identical strings compare by storage) is cheaper than hashing a key per call.
    /// (No system is noted as "".)
    private var noted: [(valueSet: String, system: String)] = []

    /// An empty report, for a new message.
    public init() {}

    /// True when this value set / system pair has not been noted yet; notes it.
    mutating func firstNote(valueSet: String, system: String?) -> Bool {
        let system = system ?? ""
        let vsLength = valueSet.utf8.count, systemLength = system.utf8.count
        for note in noted where note.valueSet.utf8.count == vsLength && note.system.utf8.count == systemLength
            && note.valueSet == valueSet && note.system == system {
            return false
        }
        noted.append((valueSet, system))
        return true
    }
}
