import FHIRModel

extension EventCheck {
    /// The three messageEventType code systems, one per extension form.
    static let eventTypeSystems = [
        "https://fhir.nhs.uk/STU3/CodeSystem/MessageEventType-1",
        "https://fhir.nhs.uk/STU3/CodeSystem/DCH-MessageEventType-1",
        "https://fhir.nhs.uk/STU3/CodeSystem/EMS-MessageEventType-1",
    ]

    /// G6 and G7: the messageEventType extension, its form and its code.
    mutating func checkEventType(_ header: EventMessage.Entry, _ plan: EventPlan) {
        guard let ext = message.eventTypeExtension else {
            let event = plan.event
            add(.error, .required, EventRuleID.g6, "the MessageHeader has no messageEventType extension (new, update or delete); "
                + "expected \(event.messageEventTypeExtension)", path: header.path + ".extension", at: header.resource)
            return
        }
        // The URL's last segment (the URL is one of the three known ones).
        let form = ext.url.utf8.lastIndex(of: UInt8(ascii: "/")).map { String(ext.url[ext.url.utf8.index(after: $0)...]) } ?? ext.url
        let expectedURL = plan.event.messageEventTypeExtension
        let note = ext.url == expectedURL ? "" : "; the event's definition names \(expectedURL), accepted alike"
        add(.information, .informational, EventRuleID.g6, "messageEventType extension form: \(form)\(note)", path: ext.path, at: ext.element)
        guard let code = ext.code else {
            add(.error, .required, EventRuleID.g6, "the messageEventType extension has no code (new, update or delete)",
                path: ext.codingPath, at: ext.element)
            return
        }
        guard let type = ext.type else {
            add(.error, .codeInvalid, EventRuleID.g6, "messageEventType '\(code)' is not new, update or delete",
                path: ext.codingPath + ".code", at: ext.element)
            return
        }
        if let system = ext.system, !Self.eventTypeSystems.contains(system) {
            add(.warning, .codeInvalid, EventRuleID.g6, "messageEventType system \(system) is none of the three messageEventType "
                + "code systems (expected \(plan.event.messageEventTypeSystem))", path: ext.codingPath + ".system", at: ext.element)
        }
        eventType = type
        if !plan.event.allowedMessageEventTypes.contains(type) {
            let event = plan.event
            let allowed = event.allowedMessageEventTypes.map(\.rawValue).joined(separator: ", ")
            add(.error, .invalid, EventRuleID.g7, "\(event.name) (\(event.eventCode)) messages are never '\(code)'; "
                + "allowed: \(allowed)", path: ext.codingPath + ".code", at: ext.element)
        }
    }

    /// G3/G4 and G12: the elements the header styles require, the responsible organisation and the focus.
    mutating func checkHeader(_ header: EventMessage.Entry, _ plan: EventPlan) {
        let rule = plan.headerRule
        let h = header.resource
        let style = plan.headerStyle
        if h.valueOfChild(named: "id")?.isEmpty ?? true {
            add(.error, .required, rule, "\(style) needs an id (a UUID unique to the message)", path: header.path + ".id", at: h)
        }
        if rule == .g4, !h.hasChild("timestamp") {
            add(.error, .required, rule, "\(style) needs a timestamp", path: header.path + ".timestamp", at: h)
        }
        let source = h.child("source")
        if rule == .g3, source?.hasChild("contact") != true {
            add(.error, .required, rule, "\(style) needs source.contact (phone or email for problems with the message)",
                path: header.path + ".source.contact", at: source ?? h)
        }
        if rule == .g4, source?.hasChild("endpoint") != true {
            add(.error, .required, rule, "\(style) needs source.endpoint", path: header.path + ".source.endpoint", at: source ?? h)
        }
        checkResponsible(header, rule: rule, style: style)
        checkFocus(header, plan, rule: rule, style: style)
    }

    mutating func checkResponsible(_ header: EventMessage.Entry, rule: EventRuleID, style: String) {
        guard let responsible = header.resource.child("responsible") else {
            add(.error, .required, rule, "\(style) needs responsible: the organisation responsible for the event",
                path: header.path + ".responsible", at: header.resource)
            return
        }
        let reference = responsible.valueOfChild(named: "reference")
        guard let target = message.resolve(reference) else {
            // Spine's own messages name the organisation in the directory: a real sender's form.
            if let reference, reference.contains("://"), reference.contains("/Organization/") { return }
            add(.error, .required, rule, "MessageHeader.responsible must reference the responsible Organization in the message"
                + (reference.map { " ('\($0)' is not an entry)" } ?? ""), path: header.path + ".responsible.reference", at: responsible)
            return
        }
        if target.type != "Organization" {
            add(.error, .invalid, EventRuleID.g12, "MessageHeader.responsible points to a \(target.type); it must be the Organization "
                + "responsible for the event", path: header.path + ".responsible.reference", at: responsible)
        }
    }

    /// The focus: present, an entry (``focus``, resolved once), of the event's focus type and profile.
    mutating func checkFocus(_ header: EventMessage.Entry, _ plan: EventPlan, rule: EventRuleID, style: String) {
        guard let focusElement = header.resource.child("focus") else {
            if let expected = plan.focus {
                add(.error, .required, rule, "\(style) needs focus: the event's \(expected.type)", path: header.path + ".focus",
                    at: header.resource)
            }
            return
        }
        // MessageHeader.focus repeats (0..*); the event's focus is the first.
        let path = header.path + ".focus[0]"
        guard let target = focus else {
            let reference = focusElement.valueOfChild(named: "reference")
            add(.error, .required, rule, "MessageHeader.focus does not point to an entry of the message"
                + (reference.map { " ('\($0)')" } ?? ""), path: path + ".reference", at: focusElement)
            return
        }
        guard let expected = plan.focus else { return }
        if target.type != expected.type {
            let event = plan.event
            add(.error, .invalid, rule, "MessageHeader.focus points to a \(target.type) (\(target.path)); the focus of "
                + "\(event.name) (\(event.eventCode)) is a \(expected.type) (\(expected.name))", path: path + ".reference", at: focusElement)
        } else if !target.profiles.isEmpty, !target.profiles.contains(expected.profile) {
            add(.warning, .invalid, rule, "the focus \(target.type) claims \(target.profiles.joined(separator: ", ")), "
                + "not the event's profile \(expected.profile)", path: target.path + ".meta.profile", at: target.resource)
        }
    }

    /// G9: meta.lastUpdated for NEMS events, integer versionIds, the SCN of PDS events.
    mutating func checkVersioning(_ header: EventMessage.Entry, _ plan: EventPlan) {
        let meta = header.resource.child("meta")
        if plan.needsLastUpdated, meta?.hasChild("lastUpdated") != true {
            if plan.lastUpdatedRule == EventRuleID.g9.rawValue {
                // Only the generic page asks for it; this event's page is silent and official examples
                // omit it, so a receiver can still take the message (ordering it by timestamp instead).
                add(.warning, .required, EventRuleID.g9, "MessageHeader.meta.lastUpdated is missing: the generic NEMS rules ask for it "
                    + "(receivers order messages by it), though the page of \(plan.event.name) does not",
                    path: header.path + ".meta.lastUpdated", at: meta ?? header.resource)
            } else {
                add(.error, .required, plan.lastUpdatedRule, "MessageHeader.meta.lastUpdated is required for \(plan.event.name) "
                    + "by its event page: receivers order messages by it", path: header.path + ".meta.lastUpdated",
                    at: meta ?? header.resource)
            }
        }
        let entries = message.entries
        for e in entries.indices {
            // Read in place: every entry is looked at, few have a versionId to report.
            guard let meta = entries[e].resource.indexOfChild("meta"),
                  let k = entries[e].resource.children[meta].indexOfChild("versionId"),
                  let v = entries[e].resource.children[meta].children[k].value,
                  !v.isEmpty, !v.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { continue }
            add(.error, .value, EventRuleID.g9, "meta.versionId '\(v)' is not an integer sequence number",
                path: entries[e].path + ".meta.versionId", at: entries[e].resource.children[meta].children[k])
        }
        if plan.isPDS, let patient, !patient.resource.hasGrandchild("meta", "versionId") {
            // A warning: the NEMS site's own PDS examples omit it.
            add(.warning, .required, EventRuleID.g9, "a PDS event's Patient carries the Spine serial change number in meta.versionId",
                path: patient.path + ".meta.versionId", at: patient.resource)
        }
    }
}
