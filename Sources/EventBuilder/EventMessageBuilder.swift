import FHIRModel
import FHIRDefinitions
import ChildHealthEvents

/// Builds complete event messages: a message Bundle with the MessageHeader first (in the header
/// style of the event's family, with the message-event-type extension and the focus), then every
/// resource the event requires, in the order of its definition, each with its profile in
/// `meta.profile` and a `urn:uuid:` full URL equal to its id, every reference resolved inside the
/// message. Realistic content comes from typed inputs (``EventMessageInput``); whatever a profile
/// still requires is completed from the definition pack.
///
/// ```swift
/// let builder = EventMessageBuilder(pack: try DefinitionPack.shipped())
/// let event = try EventCatalogue.shipped().event(named: "vaccinations-1")!
/// var random = SeededRandom(seed: 1)
/// let bundle = try builder.build(event, input, using: &random)   // an Element tree
/// ```
///
/// A builder caches profiles and value sets: keep one for many messages. It is not thread-safe;
/// use one per thread.
public final class EventMessageBuilder {
    /// The definitions the messages are built from (profiles, element order, value sets).
    public let pack: DefinitionPack
    private let completer: ProfileCompleter
    private let order: DefinitionOrder
    private let elementValues: ElementValueWriter

    /// A builder over a definition pack (normally `DefinitionPack.shipped()`).
    public init(pack: DefinitionPack) {
        self.pack = pack
        completer = ProfileCompleter(pack: pack)
        order = DefinitionOrder(pack: pack)
        elementValues = ElementValueWriter(completer: completer, pack: pack)
    }

    private typealias MandatoryElements = (ids: [String: Set<String>], choiceTypes: [String: String])
    private var mandatoryByEvent: [String: MandatoryElements] = [:]

    /// The event page's mandatory data items, as element ids per profile and the types their choice
    /// elements take (checked by the event rules as `event.E-<page>-<n>`), computed once per event.
    private func mandatoryElements(_ event: EventDefinition) -> MandatoryElements {
        let key = event.eventSystem + "|" + event.eventCode
        if let known = mandatoryByEvent[key] { return known }
        var found: MandatoryElements = ([:], [:])
        for classified in EventRuleClassifier(pack: pack).classify(event) {
            if case .mandatoryItem(let requirement) = classified.treatment {
                found.ids[requirement.profile, default: []].formUnion(requirement.elementIDs)
                found.choiceTypes.merge(requirement.choiceTypes) { a, _ in a }
            }
        }
        mandatoryByEvent[key] = found
        return found
    }

    /// Why a message cannot be built.
    public struct BuildError: Error, CustomStringConvertible {
        /// What is wrong with the input, for a person.
        public var description: String
    }

    /// Builds one message of `event` from `input`; `random` supplies the ids (UUIDs).
    /// - Throws: ``BuildError`` when the event does not allow the input's message event type, or an
    ///   ``ElementValue`` does not fit the event's resources (see ``EventMessageInput/elementValues``).
    public func build(_ event: EventDefinition, _ input: EventMessageInput, using random: inout SeededRandom) throws -> Element {
        guard event.allowedMessageEventTypes.contains(input.messageEventType) else {
            throw BuildError(description: "event '\(event.name)' (\(event.eventCode)) does not allow '\(input.messageEventType.rawValue)' messages; it allows \(event.allowedMessageEventTypes.map(\.rawValue).joined(separator: ", "))")
        }
        let instances = try valueInstances(event, input)
        var extraTypes: [CompletionContext.Target] = []
        var attempt = 0
        while true {
            attempt += 1
            let headerID = random.uuid()
            var drafts = plannedDrafts(event, input, using: &random)
            let assigned = assignInstances(&drafts, instances, event, using: &random)
            for target in extraTypes {
                let profile = target.profile ?? event.resources.first { $0.type == target.type }?.profile
                drafts.append(ResourceDraft(type: target.type, profile: profile, role: .supporting, id: random.uuid()))
            }
            var links = MessageLinks()
            link(&links, drafts)
            let builders = ResourceBuilders(input: input, links: links)
            var perType: [String: Int] = [:]
            for i in drafts.indices {
                let n = perType[drafts[i].type, default: 0]
                perType[drafts[i].type] = n + 1
                builders.fill(&drafts[i], index: n)
            }
            try writeElementValues(input.elementValues, assigned, into: &drafts)
            // The code system's display of the event code wins over the event page's wording (the
            // DCH pages' 2018 wording differs slightly from DCH-ChildHealthEventType-1's displays,
            // e.g. CH008 "Conditions or Diagnoses" against "Conditions / Diagnoses").
            let display = (try? pack.codeSystem(url: event.eventSystem))??.concepts?
                .first { $0.code == event.eventCode }?.display ?? event.eventDisplay ?? event.name
            var header = MessageHeaderBuilder(event: event, input: input, links: links, eventDisplay: display).build(id: headerID)
            // Complete each resource against its profile. A required reference to a type the
            // message lacks adds a resource of that type (with the event's profile for it, if any)
            // and starts again, so that every builder sees it.
            var context = CompletionContext(entries: ([header] + drafts).map { .init(type: $0.type, profile: $0.profile, fullUrl: $0.fullUrl) },
                                            time: input.occurred)
            completer.complete(&header.element, profile: event.messageHeaderProfile, context: &context)
            let mandatory = mandatoryElements(event)
            for i in drafts.indices {
                context.currentType = drafts[i].type
                if let p = drafts[i].profile {
                    completer.complete(&drafts[i].element, profile: p, context: &context,
                                       alsoRequired: mandatory.ids[p] ?? [], choiceTypes: mandatory.choiceTypes)
                }
            }
            let missing = Set(context.missingTargets).subtracting(extraTypes).sorted()
            if !missing.isEmpty, attempt < 4 {
                extraTypes += missing
                continue
            }
            return bundle(event, [header] + drafts, id: random.uuid())
        }
    }

    /// The message Bundle of finished drafts, each sorted into definition order.
    private func bundle(_ event: EventDefinition, _ drafts: [ResourceDraft], id: String) -> Element {
        var entries: [Element] = []
        for draft in drafts {
            var resource = draft.element
            order.sort(&resource)
            resource.name = "resource"
            entries.append(.group("entry", [.primitive("fullUrl", draft.fullUrl), resource]))
        }
        return Element(name: "Bundle", resourceType: "Bundle", children: [
            .primitive("id", id),
            .group("meta", [.primitive("profile", event.bundleProfile)]),
            .primitive("type", "message"),
        ] + entries)
    }

    /// One draft per resource the message carries: each event resource's minimum (the delete
    /// minimum for a delete), at least one of each measurement profile the input has a value for.
    private func plannedDrafts(_ event: EventDefinition, _ input: EventMessageInput, using random: inout SeededRandom) -> [ResourceDraft] {
        var drafts: [ResourceDraft] = []
        for resource in event.entryResources {
            var count = resource.cardinality(for: input.messageEventType).min
            if count == 0, input.messageEventType != .delete, carriesFact(resource, input) { count = 1 }
            if resource.role == .focus || resource.role == .subject { count = max(count, 1) }
            for _ in 0..<count {
                drafts.append(ResourceDraft(type: resource.type, profile: resource.profile, role: resource.role, id: random.uuid()))
            }
        }
        // MessageHeader.responsible is always the sending organisation, even where the event lists
        // the Organization as optional.
        if !drafts.contains(where: { $0.type == "Organization" }), event.routingDemographicsExtension != nil
            || event.resources.contains(where: { $0.type == "Organization" }) {
            let profile = event.resources.first { $0.type == "Organization" }?.profile
                ?? "https://fhir.hl7.org.uk/STU3/StructureDefinition/CareConnect-Organization-1"
            drafts.append(ResourceDraft(type: "Organization", profile: profile, role: .supporting, id: random.uuid()))
        }
        return drafts
    }

    /// One resource the element values name: its type, the instance's name and, when the values
    /// ask for one, its profile.
    private struct ValueInstance {
        let type: String
        let name: String
        let profile: String?

        /// `Procedure[pku]`.
        var key: String { type + "[" + name + "]" }

        /// Whether an event resource row (or a draft of that type and profile) can hold it.
        func fits(type: String, profile: String?) -> Bool {
            type == self.type && (self.profile == nil || profile == self.profile)
        }
    }

    /// The resources the element values go into, in order of first use, checked against the
    /// event's resource table (type, profile, most resources).
    private func valueInstances(_ event: EventDefinition, _ input: EventMessageInput) throws -> [ValueInstance] {
        var instances: [ValueInstance] = []
        for value in input.elementValues
        where !instances.contains(where: { $0.type == value.resourceType && $0.name == value.instance }) {
            let instance = ValueInstance(type: value.resourceType, name: value.instance, profile: value.profile)
            let rows = event.entryResources.filter { instance.fits(type: $0.type, profile: $0.profile) }
            guard !rows.isEmpty else {
                let what = value.profile.map { "\(value.resourceType) of profile \($0)" } ?? value.resourceType
                throw BuildError(description: "element value \(value.label): event '\(event.name)' (\(event.eventCode)) carries no \(what)")
            }
            let count = instances.filter { $0.type == instance.type && (instance.profile == nil || $0.profile == instance.profile) }.count + 1
            let most = rows.reduce(0) { $0 > Int.max - $1.cardinality(for: input.messageEventType).max ? Int.max : $0 + $1.cardinality(for: input.messageEventType).max }
            guard count <= most else {
                throw BuildError(description: "element value \(value.label): event '\(event.name)' carries at most \(most) \(instance.profile.map { "\(instance.type) (\($0))" } ?? instance.type) resources; the values name \(count)")
            }
            instances.append(instance)
        }
        return instances
    }

    /// The draft each instance's values go into, by ``ValueInstance/key``: the planned resources of
    /// its type (and profile) in order, then new drafts where they do not suffice. Per type,
    /// instances with a profile choose first, so that one without takes what is left.
    private func assignInstances(_ drafts: inout [ResourceDraft], _ instances: [ValueInstance], _ event: EventDefinition,
                                 using random: inout SeededRandom) -> [String: Int] {
        var assigned: [String: Int] = [:]
        var claimed = Set<Int>()
        for type in Set(instances.map(\.type)).sorted() {
            let ofType = instances.filter { $0.type == type }
            for instance in ofType.filter({ $0.profile != nil }) + ofType.filter({ $0.profile == nil }) {
                if let i = drafts.indices.first(where: { !claimed.contains($0) && instance.fits(type: drafts[$0].type, profile: drafts[$0].profile) }) {
                    claimed.insert(i)
                    assigned[instance.key] = i
                    continue
                }
                guard let resource = event.entryResources.first(where: { instance.fits(type: $0.type, profile: $0.profile) }) else { continue }
                let hasType = drafts.contains { $0.type == type }
                drafts.append(ResourceDraft(type: type, profile: resource.profile, role: resource.role == .focus && hasType ? .supporting : resource.role,
                                            id: random.uuid()))
                claimed.insert(drafts.count - 1)
                assigned[instance.key] = drafts.count - 1
            }
        }
        return assigned
    }

    /// Writes each element value into the draft of its instance.
    private func writeElementValues(_ values: [ElementValue], _ assigned: [String: Int], into drafts: inout [ResourceDraft]) throws {
        for value in values {
            guard let i = assigned[value.resourceType + "[" + value.instance + "]"] else { continue }
            try elementValues.write(value, into: &drafts[i].element, profile: drafts[i].profile)
        }
    }

    /// Whether an optional resource is one the input has facts for (a measurement profile).
    private func carriesFact(_ r: EventResource, _ input: EventMessageInput) -> Bool {
        guard r.type == "Observation" else { return r.type == "Immunization" && input.vaccination != nil }
        let p = r.profile
        return input.measurements.contains { m in
            switch m.kind {
            case .weight: return p.contains("-Weight-")
            case .height: return p.contains("-Height-")
            case .length: return p.contains("-Length-")
            case .headCircumference: return p.contains("-HeadCircumference-")
            }
        }
    }

    private func link(_ links: inout MessageLinks, _ drafts: [ResourceDraft]) {
        func first(_ type: String) -> String? { drafts.first { $0.type == type }?.fullUrl }
        links.patient = drafts.first { $0.type == "Patient" && $0.role == .subject }?.fullUrl ?? first("Patient")
        links.sender = first("Organization")
        links.receiver = drafts.filter { $0.type == "Organization" }.dropFirst().first?.fullUrl
        links.encounter = first("Encounter")
        links.practitioner = first("Practitioner")
        links.practitionerRole = first("PractitionerRole")
        links.location = first("Location")
        links.healthcareService = first("HealthcareService")
        // An event without a page names no focus type (NEMS headers leave it to the page): the
        // message is about its patient.
        links.focus = drafts.first { $0.role == .focus }?.fullUrl ?? links.patient
    }
}
