import FHIRModel

/// What `dch inspect` shows of one event message: the event, what the message does, the patient,
/// sender and receiver, the timestamp and each resource with its profiles.
public struct MessageSummary: Sendable, Hashable, Codable {
    /// One resource of the message.
    public struct Resource: Sendable, Hashable, Codable {
        /// `Bundle.entry[2].resource`.
        public var path: String
        /// The resource type.
        public var type: String
        /// The profiles it claims.
        public var profiles: [String]
    }

    /// The event's name, or nil when the code is not in the catalogue.
    public var event: String?
    /// `MessageHeader.event.code`.
    public var eventCode: String?
    /// DCH or NEMS, for a known event.
    public var family: EventFamily?
    /// new, update or delete, as written.
    public var messageEventType: String?
    /// The patient's NHS number, masked unless asked otherwise.
    public var nhsNumber: String?
    /// The patient's name, `Family, Given`.
    public var patientName: String?
    /// The sender: `source.name` or `source.endpoint`, and the responsible organisation.
    public var sender: String?
    /// The receiver: `destination` names or endpoints, or nil (NEMS messages are published, not addressed).
    public var receiver: String?
    /// `MessageHeader.timestamp`.
    public var timestamp: String?
    /// Every entry's resource.
    public var resources: [Resource]

    /// The summary of a message; `showIdentifiers` keeps the NHS number whole.
    public init(_ message: EventMessage, catalogue: EventCatalogue, showIdentifiers: Bool = false) {
        let coding = message.eventCoding
        let event = coding.code.flatMap { catalogue.event(code: $0, system: coding.system) }
        self.event = event?.name
        eventCode = coding.code
        family = event?.family
        messageEventType = message.eventTypeExtension?.code
        // A delete may carry no Patient: the routing demographics still name the patient.
        let routing = message.routingDemographics?.element.children(named: "extension")
            .first { $0.url == "nhsNumber" }?.child("valueIdentifier")?.child("value")?.value
        nhsNumber = (message.nhsNumber ?? routing).map { showIdentifiers ? $0 : NHSNumber.masked($0) }
        if let patient = message.patient?.resource {
            let names = patient.children(named: "name")
            let name = names.first { $0.child("use")?.value == "official" } ?? names.first
            let given = name?.children(named: "given").compactMap(\.value).joined(separator: " ")
            patientName = [name?.child("family")?.value, given].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
        }
        let header = message.header?.resource
        let source = header?.child("source")
        let responsible = message.resolve(header?.child("responsible")?.child("reference")?.value)
        let organisation = responsible.map { Self.organisationText($0.resource) }
            ?? header?.child("responsible")?.child("display")?.value
        let system = source?.child("name")?.value ?? source?.child("endpoint")?.value
        sender = [system, organisation].compactMap { $0 }.joined(separator: " for ").nilIfEmpty
        receiver = header?.children(named: "destination").compactMap { $0.child("name")?.value ?? $0.child("endpoint")?.value }
            .joined(separator: ", ").nilIfEmpty
        timestamp = header?.child("timestamp")?.value
        resources = message.entries.map { Resource(path: $0.path, type: $0.type, profiles: $0.profiles) }
    }

    /// `NAME (ODS)` of an organisation.
    static func organisationText(_ organisation: Element) -> String {
        let name = organisation.child("name")?.value ?? organisation.resourceType ?? "Organization"
        let ods = organisation.children(named: "identifier").first { ODSCode.systems.contains($0.child("system")?.value ?? "") }
        return ods?.child("value")?.value.map { "\(name) (\($0))" } ?? name
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
