import Foundation
import FHIRDefinitions

/// The catalogue's ``EventPlan``s, each worked out when a message of its event first needs it: a
/// run meets a few of the catalogue's events, and working out all of them (and decoding every
/// event code system for their displays) cost a tenth of a one-message validation.
///
/// A plan is made outside the lock (two threads may make one at once) and the first stored is
/// the one every message uses from then on.
final class EventPlans: @unchecked Sendable {
    private let events: [EventDefinition]
    private let pack: DefinitionPack
    private let classifier: EventRuleClassifier
    private let lock = NSLock()
    private var plans: [EventPlan?]

    init(events: [EventDefinition], pack: DefinitionPack) {
        self.events = events
        self.pack = pack
        classifier = EventRuleClassifier(pack: pack)
        plans = Array(repeating: nil, count: events.count)
    }

    /// The plan of the catalogue's event at `index` (in the catalogue's order).
    subscript(index: Int) -> EventPlan {
        if let known = lock.withLock({ plans[index] }) { return known }
        let plan = makePlan(events[index])
        return lock.withLock {
            if let first = plans[index] { return first }
            plans[index] = plan
            return plan
        }
    }

    private func makePlan(_ event: EventDefinition) -> EventPlan {
        // The pack decodes a code system once and keeps it.
        let concepts = (try? pack.codeSystem(url: event.eventSystem))??.concepts ?? []
        let systemDisplay = concepts.first { $0.code == event.eventCode }?.display
        if let resolved = event.dataItems {
            return EventPlan(event: event, codeSystemDisplay: systemDisplay, dataItems: resolved)
        }
        let classifier = self.classifier
        return EventPlan(event: event, codeSystemDisplay: systemDisplay) { classifier.mandatoryDataItems(of: event) }
    }
}
