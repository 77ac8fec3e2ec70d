import FHIRModel
import ChildHealthEvents

/// The MessageHeader of an event message, in the header style of the event's family: NEMS
/// (`Event-MessageHeader-1`: routing demographics, `source.contact`, `meta.lastUpdated`), DCH
/// (`DCH-MessageHeader-1`) or the corpus's older EMS style (`EMS-MessageHeader-1`).
struct MessageHeaderBuilder {
    let event: EventDefinition
    let input: EventMessageInput
    let links: MessageLinks
    /// `MessageHeader.event.display`.
    let eventDisplay: String

    func build(id: String) -> ResourceDraft {
        var d = ResourceDraft(type: "MessageHeader", profile: nil, role: .header, id: id)
        var meta: [Element] = []
        if let v = input.versionId { meta.append(.primitive("versionId", String(v))) }
        if event.routingDemographicsExtension != nil || input.versionId != nil {
            meta.append(.primitive("lastUpdated", input.sent.dateTime))
        }
        meta.append(.primitive("profile", event.messageHeaderProfile))
        d.element.children = [.primitive("id", id), .group("meta", meta)]
        if let routing = event.routingDemographicsExtension {
            d.add(routingDemographics(routing))
        }
        d.add(.extensionElement(event.messageEventTypeExtension, [
            .concept("valueCodeableConcept", system: event.messageEventTypeSystem, code: input.messageEventType.rawValue,
                     display: MessageHeaderBuilder.display(input.messageEventType)),
        ]))
        d.add(.coding("event", system: event.eventSystem, code: event.eventCode, display: eventDisplay))
        if let r = input.receiver {
            d.add(.group("destination", [.primitive("name", r.name), .primitive("endpoint", "urn:nhs:addressing:asid:" + r.asid)]))
        }
        d.add(.primitive("timestamp", input.sent.dateTime))
        var source: [Element] = [.primitive("name", input.sender.name + " clinical system")]
        if event.family == .nems, event.routingDemographicsExtension != nil, !input.sender.phone.isEmpty {
            source.append(.group("contact", [.primitive("system", "phone"), .primitive("value", input.sender.phone)]))
        }
        source.append(.primitive("endpoint", "urn:nhs:addressing:asid:" + input.sender.asid))
        d.add(.group("source", source))
        if let s = links.sender { d.add(.reference("responsible", s, display: input.sender.name)) }
        if let f = links.focus { d.add(.reference("focus", f)) }
        return d
    }

    private func routingDemographics(_ url: String) -> Element {
        let p = input.patient
        var parts: [Element] = [
            .extensionElement("nhsNumber", [.identifier("valueIdentifier", system: NHSNumber.system, value: p.nhsNumber)]),
        ]
        // A screening delete may leave out name and birth date (G10); a complete one is still valid.
        parts.append(.extensionElement("name", [.group("valueHumanName", [
            .primitive("use", "official"), .primitive("family", p.family), .primitive("given", p.given),
        ])]))
        parts.append(.extensionElement("birthDateTime", [.primitive("valueDateTime", p.birth.dateTime)]))
        return .extensionElement(url, parts)
    }

    /// The code system display of a message event type (the same in all three systems).
    static func display(_ type: MessageEventType) -> String {
        switch type {
        case .new: return "New event message"
        case .update: return "Update event message"
        case .delete: return "Delete event message"
        }
    }
}
