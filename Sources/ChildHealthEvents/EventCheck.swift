import FHIRModel
import FHIRDefinitions

/// One message's event checks: collects issues as it goes.
struct EventCheck {
    let message: EventMessage
    let catalogue: EventCatalogue
    /// One plan per catalogue event, in the catalogue's order.
    let plans: EventPlans
    /// Every event as `name (code)`, for the finding on an unknown code.
    let knownEvents: String
    var issues: [Issue] = []
    /// The event recognised, once `recognise()` ran.
    var plan: EventPlan?
    /// new/update/delete, when the extension says so.
    var eventType: MessageEventType?
    /// The entry `MessageHeader.focus` points to, resolved once per message.
    var focus: EventMessage.Entry?
    /// The patient the event is about (``EventMessage/patient``), resolved once per message.
    var patient: EventMessage.Entry?
    /// True once the message turned out to be of another message family (its event system is none
    /// of the event code systems): no event rule applies to it.
    var notApplicable = false

    init(message: EventMessage, catalogue: EventCatalogue, plans: EventPlans, knownEvents: String) {
        self.message = message
        self.catalogue = catalogue
        self.plans = plans
        self.knownEvents = knownEvents
    }

    /// Records an issue under a rule of an event page or a resource rule (an ``EventRuleID`` family id).
    mutating func add(_ severity: Severity, _ type: IssueType, _ rule: String, _ text: String,
                      path: String?, at element: Element?) {
        issues.append(Issue(severity, type, rule: rule, text, path: path, position: element?.position))
    }

    mutating func add(_ severity: Severity, _ type: IssueType, _ rule: EventRuleID, _ text: String,
                      path: String?, at element: Element?) {
        add(severity, type, rule.rawValue, text, path: path, at: element)
    }

    mutating func run() {
        // Without a MessageHeader there is no event to recognise; layer 4 already reports it.
        guard let header = message.header else { return }
        guard let plan = recognise(header) else { return }
        self.plan = plan
        focus = message.focus
        patient = message.patient(focus: focus)
        checkEventType(header, plan)
        checkHeader(header, plan)
        checkVersioning(header, plan)
        if plan.hasRoutingDemographics { checkRoutingDemographics(header, plan.event) }
        checkPatients(plan)
        checkConsistency()
        checkOrganizations()
        checkResources(plan)
        checkDataItems(plan)
    }

    /// G5: the event code and system. A message whose event system is not one of the DCH, NEMS or
    /// EMS event code systems (an ITK response, say) belongs to another family: one information
    /// issue says the event rules do not apply, and ``notApplicable`` is set.
    mutating func recognise(_ header: EventMessage.Entry) -> EventPlan? {
        guard let eventElement = header.resource.child("event") else {
            add(.error, .required, EventRuleID.g5, "MessageHeader.event is missing: the message's event cannot be recognised",
                path: header.path + ".event", at: header.resource)
            return nil
        }
        let system = eventElement.valueOfChild(named: "system")
        let code = eventElement.valueOfChild(named: "code")
        guard let code, !code.isEmpty else {
            add(.error, .required, EventRuleID.g5, "MessageHeader.event has no code: the message's event cannot be recognised",
                path: header.path + ".event", at: eventElement)
            return nil
        }
        guard let index = catalogue.index(code: code, system: system) else {
            if let other = catalogue.index(code: code, system: nil).map({ plans[$0] }) {
                add(.error, .codeInvalid, EventRuleID.g5, "event code '\(code)' (\(other.event.name)) belongs to the system "
                    + "\(other.event.eventSystem), not \(system ?? "(no system)")", path: header.path + ".event.system",
                    at: eventElement.child("system") ?? eventElement)
                return other
            }
            if let system, !system.isEmpty, !catalogue.eventSystems.contains(system) {
                notApplicable = true
                add(.information, .informational, EventRuleID.g5, "event \(code) of \(system) is not a DCH or NEMS event (their event "
                    + "code systems are \(catalogue.eventSystems.sorted().joined(separator: ", "))): the event rules do not apply",
                    path: header.path + ".event", at: eventElement)
                return nil
            }
            add(.error, .codeInvalid, EventRuleID.g5, "unknown event code '\(code)' in system \(system ?? "(none)"); "
                + "known events: \(knownEvents)", path: header.path + ".event.code", at: eventElement.child("code"))
            return nil
        }
        let plan = plans[index]
        if !plan.event.hasPage {
            add(.information, .informational, EventRuleID.g5, "\(plan.event.eventCode) (\(plan.event.name)) is an event of its code "
                + "system that no event page describes: the generic rules and the profiles apply", path: header.path + ".event.code",
                at: eventElement.child("code"))
        }
        if let displayElement = eventElement.child("display"), let display = displayElement.value {
            checkDisplay(display, of: plan, path: header.path + ".event.display", at: displayElement)
        }
        return plan
    }

    /// G5: the event display. The DCH pages fix the 2018 wording, which the 2019 code system renamed
    /// for some codes; official examples use both, so both are accepted and the information issue
    /// says which one the message used. A display that is neither is a warning.
    mutating func checkDisplay(_ display: String, of plan: EventPlan, path: String, at element: Element) {
        let code = plan.event.eventCode
        let system = plan.codeSystemDisplay, page = plan.pageDisplay
        if display == system {
            let note = page.map { $0 == display ? " and of the event page" : "; the event page's '\($0)' is accepted alike" } ?? ""
            add(.information, .informational, EventRuleID.g5, "event display '\(display)' is the code system's\(note)", path: path, at: element)
        } else if display == page {
            let note = system.map { "; the code system now names \(code) '\($0)', accepted alike" } ?? ""
            add(.information, .informational, EventRuleID.g5, "event display '\(display)' is the event page's\(note)", path: path, at: element)
        } else {
            let expected = [system.map { "the code system's '\($0)'" }, page.map { "the event page's '\($0)'" }]
                .compactMap { $0 }.joined(separator: " or ")
            guard !expected.isEmpty else { return }
            add(.warning, .value, EventRuleID.g5, "event display '\(display)' for \(code) is neither \(expected)", path: path, at: element)
        }
    }
}
