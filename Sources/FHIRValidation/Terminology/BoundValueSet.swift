import Foundation
import FHIRDefinitions

/// A binding of an element definition with its value set, resolved on first use and then kept:
/// the walk reaches the value set without a lookup by URL.
final class BoundValueSet: @unchecked Sendable {
    let binding: BindingRecord
    private let lock = NSLock()
    private var resolved = false
    private var expansion: ValueSetExpansion?

    init(_ binding: BindingRecord) {
        self.binding = binding
    }

    /// The value set, or nil when the pack lacks it or cannot be read (the checker then looks it up
    /// again and reports why).
    func valueSet(_ resolver: TerminologyResolver) -> ValueSetExpansion? {
        lock.withLock {
            if !resolved, let url = binding.valueSet {
                expansion = try? resolver.valueSet(url: url)
                resolved = true
            }
            return expansion
        }
    }
}
