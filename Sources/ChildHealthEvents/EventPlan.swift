import Foundation
import FHIRDefinitions
import FHIRModel

/// What the event rules need of one catalogue event, worked out once, on its first message (``EventPlans``):
/// checking a message then only reads it. Immutable but for the mandatory data items, which are
/// resolved on the first message of the event (see ``dataItems``). Its parts are classes too:
/// reading one costs a single retain, not one per string it holds.
final class EventPlan: @unchecked Sendable {
    /// The rows of the event page's resource table that share a resource type, merged.
    final class ResourceGroup: Sendable {
        /// The resource type, e.g. `Condition`.
        let type: String
        /// The rows' profile names, for findings (`A, B`).
        let rowNames: String
        /// Summed cardinality of the rows for `new`/`update` (and unknown) messages.
        let min: Int, max: Int
        /// Summed cardinality of the rows for `delete` messages.
        let deleteMin: Int, deleteMax: Int
        /// True when every row's cardinality is stated by the sources.
        let stated: Bool
        /// The rows' profiles, each once.
        let profiles: [String]
        /// The profiles sorted and joined with ` or `, for findings.
        let profilesText: String

        init(type: String, rowNames: String, min: Int, max: Int, deleteMin: Int, deleteMax: Int, stated: Bool,
             profiles: [String], profilesText: String) {
            self.type = type; self.rowNames = rowNames; self.min = min; self.max = max
            self.deleteMin = deleteMin; self.deleteMax = deleteMax; self.stated = stated
            self.profiles = profiles; self.profilesText = profilesText
        }

        /// The summed cardinality that applies to a message of this event type.
        func limits(_ eventType: MessageEventType?) -> (min: Int, max: Int) {
            eventType == .delete ? (deleteMin, deleteMax) : (min, max)
        }
    }

    /// A mandatory data item with what its check needs beside the requirement.
    final class DataItem: Sendable {
        let requirement: DataItemRequirement
        /// The requirement's profile, resource type and steps, read for every message.
        let profile: String, resourceType: String, steps: [DataItemRequirement.Step]
        /// True when the event lists the requirement's profile for its resource type: resources of
        /// that type claiming no profile then count as carriers.
        let listed: Bool
        /// The steps as a path below the resource's (`.period.start`).
        let pathSuffix: String

        init(_ requirement: DataItemRequirement, listed: Bool) {
            self.requirement = requirement
            profile = requirement.profile
            resourceType = requirement.resourceType
            steps = requirement.steps
            self.listed = listed
            pathSuffix = "." + requirement.steps.map(\.segment).joined(separator: ".")
        }
    }

    /// The event.
    let event: EventDefinition
    /// The display the event code system gives the code (the 2019 wording), when the pack has it.
    let codeSystemDisplay: String?
    /// The display the event page fixes (the DCH site's 2018 wording), when the event has a page.
    /// Both are accepted: the DCH pages' wording differs slightly from the CodeSystem's displays
    /// (CH008 "Conditions or Diagnoses" against "Conditions / Diagnoses").
    let pageDisplay: String?
    /// The resource table by type, in the page's order; empty when the page lists no entry resources.
    let groups: [ResourceGroup]
    /// Resolves the mandatory data items; nil once they are resolved.
    private var resolveDataItems: (@Sendable () -> [DataItemRequirement])?
    /// The data items once resolved.
    private var resolvedDataItems: [DataItem] = []
    /// Guards the two above.
    private let lock = NSLock()
    /// The rule id of the header requirements: `G3` for NEMS headers, `G4` for DCH and EMS ones
    /// (reported as `event.G3`, `event.G4`).
    let headerRule: EventRuleID
    /// How findings name the header style (`a NEMS MessageHeader`).
    let headerStyle: String
    /// The rule reporting a missing `MessageHeader.meta.lastUpdated`: the page's own, else `G9` (`event.G9`).
    let lastUpdatedRule: String
    /// True for the PDS events, whose Patient carries the serial change number.
    let isPDS: Bool
    /// True for NEMS events (not the legacy EMS ones): their header needs `meta.lastUpdated`.
    let needsLastUpdated: Bool
    /// The resource `MessageHeader.focus` points to (``EventDefinition/focus``).
    let focus: EventResource?
    /// True when the event has a patient (``EventDefinition/subject``).
    let hasSubject: Bool
    /// True when the event's header carries routing demographics.
    let hasRoutingDemographics: Bool
    /// `E-<code>`: the rule of the resource table.
    let resourceRule: String

    /// A plan whose data items are resolved on first use by `dataItems`.
    init(event: EventDefinition, codeSystemDisplay: String?, dataItems: @escaping @Sendable () -> [DataItemRequirement]) {
        self.event = event
        resolveDataItems = dataItems
        self.codeSystemDisplay = codeSystemDisplay
        pageDisplay = event.hasPage ? event.eventDisplay : nil
        let isNEMSHeader = event.family == .nems && !event.isLegacy
        headerRule = isNEMSHeader ? .g3 : .g4
        headerStyle = isNEMSHeader ? "a NEMS MessageHeader" : "a \(event.family.rawValue) MessageHeader"
        lastUpdatedRule = event.rules.first { $0.text.containsBytes("meta.lastUpdated 1..1") }.map { EventRuleID.pageRule($0.id) }
            ?? EventRuleID.g9.rawValue
        isPDS = event.eventCode.hasPrefix("pds-")
        needsLastUpdated = isNEMSHeader
        focus = event.focus
        hasSubject = event.subject != nil
        hasRoutingDemographics = event.routingDemographicsExtension != nil
        resourceRule = EventRuleID.resources(ofEvent: event.eventCode)
        groups = Self.groups(event.entryResources)
    }

    /// A plan with these data items.
    convenience init(event: EventDefinition, codeSystemDisplay: String?, dataItems: [DataItemRequirement]) {
        self.init(event: event, codeSystemDisplay: codeSystemDisplay, dataItems: { dataItems })
    }

    /// The mandatory data items the definitions resolve. Resolving loads every profile the event
    /// page names, so it happens on the event's first message, not for all events at start-up (a
    /// `dch validate` of one message would pay for some hundred profiles); later reads take the
    /// lock only to read the array, uncontended in practice.
    var dataItems: [DataItem] {
        lock.withLock {
            if let resolve = resolveDataItems {
                let event = self.event
                resolvedDataItems = resolve().map { r in
                    DataItem(r, listed: event.resources.contains { $0.type == r.resourceType && $0.profile == r.profile })
                }
                resolveDataItems = nil
            }
            return resolvedDataItems
        }
    }

    /// The page's rows grouped by type, in the order each type first appears.
    private static func groups(_ listed: [EventResource]) -> [ResourceGroup] {
        var seen = Set<String>()
        var groups: [ResourceGroup] = []
        for resource in listed where seen.insert(resource.type).inserted {
            let rows = listed.filter { $0.type == resource.type }
            func sum(_ limits: [(min: Int, max: Int)]) -> (min: Int, max: Int) {
                (limits.map(\.min).reduce(0, +), limits.map(\.max).reduce(0) { $0 > Int.max - $1 ? Int.max : $0 + $1 })
            }
            let normal = sum(rows.map { $0.cardinality(for: nil) })
            let delete = sum(rows.map { $0.cardinality(for: .delete) })
            var profiles: [String] = []
            for row in rows where !profiles.contains(row.profile) { profiles.append(row.profile) }
            groups.append(ResourceGroup(type: resource.type, rowNames: rows.map(\.name).joined(separator: ", "),
                                        min: normal.min, max: normal.max, deleteMin: delete.min, deleteMax: delete.max,
                                        stated: rows.allSatisfy(\.cardinalityStated), profiles: profiles,
                                        profilesText: profiles.sorted().joined(separator: " or ")))
        }
        return groups
    }
}
