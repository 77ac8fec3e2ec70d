import FHIRModel
import FHIRDefinitions

/// One message's event checks: collects issues as it goes.
struct EventCheck {
    let message: EventMessage
    let catalogue: EventCatalogue
    /// One plan per catalogue event, in the catalogue's order.
    let plans: [EventPlan]
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

    init(message: EventMessage, catalogue: EventCatalogue, plans: [EventPlan], knownEvents: String) {
        self.message = message
        self.catalogue = catalogue
        self.plans = plans
        self.knownEvents = knownEvents
    }

    mutating func add(_ severity: Severity, _ type: IssueType, _ rule: String, _ text: String,
                      path: String?, at element: Element?) {
        issues.append(Issue(severity, type, rule: "event." + rule, text, path: path, position: element?.position))
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
        checkOrganizations()
        checkResources(plan)
        checkDataItems(plan)
    }

    /// G5: the event code and system.
    mutating func recognise(_ header: EventMessage.Entry) -> EventPlan? {
        guard let eventElement = header.resource.child("event") else {
            add(.error, .required, "G5", "MessageHeader.event is missing: the message's event cannot be recognised",
                path: header.path + ".event", at: header.resource)
            return nil
        }
        let system = eventElement.valueOfChild("system")
        let code = eventElement.valueOfChild("code")
        guard let code, !code.isEmpty else {
            add(.error, .required, "G5", "MessageHeader.event has no code: the message's event cannot be recognised",
                path: header.path + ".event", at: eventElement)
            return nil
        }
        guard let index = catalogue.index(code: code, system: system) else {
            if let other = catalogue.index(code: code, system: nil).map({ plans[$0] }) {
                add(.error, .codeInvalid, "G5", "event code '\(code)' (\(other.event.name)) belongs to the system "
                    + "\(other.event.eventSystem), not \(system ?? "(no system)")", path: header.path + ".event.system",
                    at: eventElement.child("system") ?? eventElement)
                return other
            }
            add(.error, .codeInvalid, "G5", "unknown event code '\(code)' in system \(system ?? "(none)"); "
                + "known events: \(knownEvents)", path: header.path + ".event.code", at: eventElement.child("code"))
            return nil
        }
        let plan = plans[index]
        // The code system's display wins over the event page's wording (GENERIC-RULES.md, contradiction 6).
        if let expected = plan.expectedDisplay, let display = eventElement.valueOfChild("display"), display != expected {
            add(.warning, .value, "G5", "event display '\(display)' differs from the code system's '\(expected)' "
                + "for \(plan.event.eventCode)", path: header.path + ".event.display", at: eventElement.child("display"))
        }
        return plan
    }
}
