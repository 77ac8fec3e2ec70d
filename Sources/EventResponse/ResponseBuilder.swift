import FHIRModel

/// Whether the answered message was taken or refused.
public enum ResponseVerdict: String, Sendable, Hashable {
    /// No validation error: reason `R00`, response level `001`.
    case accepted
    /// At least one error: reason `R10` (`R08` if unreadable), response level `002`, an OperationOutcome.
    case rejected
}

/// Builds the EMS event message response Bundle (event `EMS01`), as an element tree.
///
/// The shape follows the corpus profiles, which leave little choice:
/// - `EMS-Bundle-1`: a message Bundle with an RFC 4122 identifier; entries MessageHeader, Task and,
///   for a rejection, OperationOutcome (`Spine-OperationOutcome-1`).
/// - `EMS-MessageHeader-1`: event `EMS01`, the `new` message event type extension, destination the
///   incoming message's source, source the responder, responsible the responder's organisation by
///   ODS code, focus the Task. The profile forbids `MessageHeader.response` (max 0), so the
///   incoming message is cited by the Task instead.
/// - `EMS-EventMessageResponse-Task-1`: status `requested`, intent `order`, `authoredOn`, the
///   reason (`R00` message success, `R08` incorrect message format when it could not be read,
///   `R10` event does not conform otherwise) and the inputs: response level (`001` success /
///   `002` rejection), the incoming message id and, for a rejection, the line of the first error.
///   A rejection also carries the action `A06` (check format and resend). The profile forbids
///   `Task.for` and `Task.focus`, so the incoming message's patient and focus are not repeated.
public struct ResponseBuilder: Sendable {
    /// Who answers.
    public var settings: ResponseSettings

    /// A builder for a responder.
    public init(settings: ResponseSettings) {
        self.settings = settings
    }

    /// The response to `incoming`: accepted when `errors` is empty, else rejected with them.
    /// `readable` is false when the message could not be parsed at all (reason `R08`).
    public func response(to incoming: IncomingMessage, errors: [Issue], readable: Bool = true,
                         id: String, timestamp: String) -> Element {
        let ids = ResponseIDs(header: id)
        let verdict: ResponseVerdict = errors.isEmpty ? .accepted : .rejected
        var entries = [
            entry(ids.header, header(incoming, ids: ids, timestamp: timestamp)),
            entry(ids.task, task(incoming, ids: ids, errors: errors, readable: readable, timestamp: timestamp)),
        ]
        if verdict == .rejected {
            entries.append(entry(ids.outcome, RejectionOutcome.resource(id: ids.outcome, issues: errors)))
        }
        return Element(name: "Bundle", resourceType: "Bundle", children: [
            .primitive("id", ids.bundle),
            Element(name: "meta", children: [.primitive("profile", EMS.bundleProfile)]),
            Element(name: "identifier", children: [
                .primitive("system", EMS.uuidSystem), .primitive("value", ids.bundle),
            ]),
            .primitive("type", "message"),
        ] + entries)
    }

    func entry(_ id: String, _ resource: Element) -> Element {
        var resource = resource
        resource.name = "resource"
        return Element(name: "entry", children: [.primitive("fullUrl", "urn:uuid:" + id), resource])
    }

    func header(_ incoming: IncomingMessage, ids: ResponseIDs, timestamp: String) -> Element {
        var children = [
            Element.primitive("id", ids.header),
            Element(name: "meta", children: [.primitive("profile", EMS.headerProfile)]),
            Element(name: "extension", url: EMS.messageEventTypeExtension, children: [
                .concept("valueCodeableConcept", system: EMS.messageEventTypeSystem, .newMessage),
            ]),
            Element(name: "event", children: [
                .primitive("system", EMS.eventTypeSystem), .primitive("code", EMS.eventCode),
                .primitive("display", EMS.eventDisplay),
            ]),
        ]
        if let endpoint = incoming.sourceEndpoint, !endpoint.isEmpty {
            var destination: [Element] = []
            if let name = incoming.sourceName, !name.isEmpty { destination.append(.primitive("name", name)) }
            destination.append(.primitive("endpoint", endpoint))
            children.append(Element(name: "destination", children: destination))
        }
        children.append(.primitive("timestamp", timestamp))
        var source: [Element] = []
        if let name = settings.sourceName { source.append(.primitive("name", name)) }
        source.append(.primitive("endpoint", settings.sourceEndpoint))
        children.append(Element(name: "source", children: source))
        children.append(.reference("responsible", EMS.odsDirectory + settings.odsCode, display: settings.organizationName))
        children.append(.reference("focus", "urn:uuid:" + ids.task))
        return Element(name: "MessageHeader", resourceType: "MessageHeader", children: children)
    }

    func task(_ incoming: IncomingMessage, ids: ResponseIDs, errors: [Issue], readable: Bool,
              timestamp: String) -> Element {
        let rejected = !errors.isEmpty
        var children = [
            Element.primitive("id", ids.task),
            Element(name: "meta", children: [.primitive("profile", EMS.taskProfile)]),
            .primitive("status", "requested"),
            .primitive("intent", "order"),
        ]
        if rejected { children.append(.concept("code", system: EMS.actionCodeSystem, .checkFormat)) }
        children.append(.primitive("authoredOn", timestamp))
        let reason: Coded = !rejected ? .success : readable ? .doesNotConform : .incorrectFormat
        children.append(.concept("reason", system: EMS.responseCodeSystemAsFixed, reason))
        children.append(input(.inputResponseLevel, system: EMS.inputSystem,
                              value: .concept("valueCodeableConcept", system: EMS.responseLevelSystem,
                                              rejected ? .levelRejection : .levelSuccess)))
        children.append(input(.inputMessageID, system: EMS.errorInputSystem,
                              value: .primitive("valueId", incoming.messageID ?? "unknown")))
        if let line = errors.lazy.compactMap({ $0.position?.line }).first, line > 0 {
            children.append(input(.inputLineNumber, system: EMS.errorInputSystem,
                                  value: .primitive("valuePositiveInt", String(line))))
        }
        return Element(name: "Task", resourceType: "Task", children: children)
    }

    func input(_ type: Coded, system: String, value: Element) -> Element {
        Element(name: "input", children: [.concept("type", system: system, type), value])
    }
}
