import FHIRModel
import FHIRDefinitions

/// One message's event checks: collects issues as it goes.
struct EventCheck {
    let message: EventMessage
    let catalogue: EventCatalogue
    /// For the code systems' displays; nil in tests that need none.
    var pack: DefinitionPack? = nil
    var issues: [Issue] = []
    /// The event recognised, once `recognise()` ran.
    var event: EventDefinition?
    /// new/update/delete, when the extension says so.
    var eventType: MessageEventType?
    /// The mandatory data items of each event, by ``EventRules/eventKey(_:)``.
    var dataItems: [String: [DataItemRequirement]] = [:]

    init(message: EventMessage, catalogue: EventCatalogue) {
        self.message = message
        self.catalogue = catalogue
    }

    mutating func add(_ severity: Severity, _ type: IssueType, _ rule: String, _ text: String,
                      path: String?, at element: Element?) {
        issues.append(Issue(severity, type, rule: "event." + rule, text, path: path, position: element?.position))
    }

    mutating func run() {
        // Without a MessageHeader there is no event to recognise; layer 4 already reports it.
        guard let header = message.header else { return }
        guard let event = recognise(header) else { return }
        self.event = event
        checkEventType(header, event)
        checkHeader(header, event)
        checkVersioning(header, event)
        if event.routingDemographicsExtension != nil { checkRoutingDemographics(header, event) }
        checkPatients(event)
        checkOrganizations()
        checkResources(event)
        checkDataItems(dataItems[EventRules.eventKey(event)] ?? [])
    }

    /// G5: the event code and system.
    mutating func recognise(_ header: EventMessage.Entry) -> EventDefinition? {
        let eventPath = header.path + ".event"
        guard let eventElement = header.resource.child("event") else {
            add(.error, .required, "G5", "MessageHeader.event is missing: the message's event cannot be recognised",
                path: eventPath, at: header.resource)
            return nil
        }
        let (system, code, display) = message.eventCoding
        guard let code, !code.isEmpty else {
            add(.error, .required, "G5", "MessageHeader.event has no code: the message's event cannot be recognised",
                path: eventPath, at: eventElement)
            return nil
        }
        let codeElement = eventElement.child("code")
        guard let event = catalogue.event(code: code, system: system) else {
            if let other = catalogue.event(code: code, system: nil) {
                add(.error, .codeInvalid, "G5", "event code '\(code)' (\(other.name)) belongs to the system "
                    + "\(other.eventSystem), not \(system ?? "(no system)")", path: eventPath + ".system",
                    at: eventElement.child("system") ?? eventElement)
                return other
            }
            let known = catalogue.events.map { "\($0.name) (\($0.eventCode))" }.joined(separator: ", ")
            add(.error, .codeInvalid, "G5", "unknown event code '\(code)' in system \(system ?? "(none)"); "
                + "known events: \(known)", path: eventPath + ".code", at: codeElement)
            return nil
        }
        // The code system's display wins over the event page's wording (GENERIC-RULES.md, contradiction 6).
        let concepts = (try? pack?.codeSystem(url: event.eventSystem))??.concepts
        let systemDisplay = concepts?.first { $0.code == event.eventCode }?.display
        if let expected = systemDisplay ?? event.eventDisplay, let display, display != expected {
            add(.warning, .value, "G5", "event display '\(display)' differs from the code system's '\(expected)' "
                + "for \(event.eventCode)", path: eventPath + ".display", at: eventElement.child("display"))
        }
        return event
    }

    /// The rule id of the header requirements: G3 for NEMS headers, G4 for DCH and EMS ones.
    func headerRule(_ event: EventDefinition) -> String { event.family == .nems && !event.isLegacy ? "G3" : "G4" }
}
