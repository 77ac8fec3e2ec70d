import FHIRModel

/// A message Bundle seen as an event message: its entries with their paths, the MessageHeader, the
/// event coding, the message-event-type extension and the patient. Built once per message and
/// shared by the event rules and `dch inspect`.
public struct EventMessage {
    /// One entry's resource and where it stands.
    public struct Entry {
        /// The resource element.
        public let resource: Element
        /// The entry's position among the Bundle's entries: `Bundle.entry[index]`.
        public let index: Int
        /// The entry's fullUrl.
        public let fullUrl: String?
        /// The resource type.
        public let type: String
        /// The profiles the resource claims in `meta.profile`.
        public let profiles: [String]

        init(resource: Element, index: Int, fullUrl: String?) {
            self.resource = resource
            self.index = index
            self.fullUrl = fullUrl
            type = resource.resourceType ?? resource.name
            // Built inside the closure and returned: a captured array would be checked for
            // exclusive access at run time on every append.
            profiles = resource.withChild(named: "meta") { meta in
                let children = meta.children.span
                var found: [String] = []
                for k in children.indices where children[k].name == "profile" {
                    if let value = children[k].value { found.append(value) }
                }
                return found
            } ?? []
        }

        /// `Bundle.entry[3].resource`: built when asked for, since most checks report nothing.
        public var path: String { "Bundle.entry[" + String(index) + "].resource" }
    }

    /// The message-event-type extension found on the MessageHeader.
    public struct EventTypeExtension {
        /// The extension element.
        public let element: Element
        /// Its path.
        public let path: String
        /// Its URL as written (one of ``EventMessage/eventTypeExtensionURLs``).
        public let url: String
        /// The coding's code, as written.
        public let code: String?
        /// The coding's system.
        public let system: String?
        /// Path of the coding (built when asked for: only findings about the code use it).
        public var codingPath: String { path + ".valueCodeableConcept.coding[0]" }
        /// The code as a type, nil when it is not new, update or delete.
        public var type: MessageEventType? { code.flatMap(MessageEventType.init(rawValue:)) }
    }

    /// Every URL the sources use for the message-event-type extension: `Extension-MessageEventType-1`
    /// in the NEMS examples, `Extension-DCH-MessageEventType-1` on the DCH site and
    /// `Extension-EMS-MessageEventType-1` in the NHS STU3 assets and the NEMS publish example.
    public static let eventTypeExtensionURLs = [
        "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-MessageEventType-1",
        "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-DCH-MessageEventType-1",
        "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-EMS-MessageEventType-1",
    ]
    /// The routing-demographics extension of NEMS headers.
    public static let routingDemographicsURL = "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-RoutingDemographics-1"

    /// The Bundle.
    public let root: Element
    /// Entries that carry a resource, in order.
    public let entries: [Entry]
    /// The first MessageHeader entry.
    public let header: Entry?

    /// Reads a Bundle; nil unless it is a Bundle of type `message`.
    public init?(_ root: Element) {
        guard root.resourceType == "Bundle", root.valueOfChild(named: "type") == "message" else { return nil }
        self.root = root
        var entries: [Entry] = []
        entries.reserveCapacity(root.children.count)
        var i = 0
        let children = root.children.span
        for k in children.indices where children[k].name == "entry" {
            defer { i += 1 }
            guard let r = children[k].indexOfChild("resource"), children[k].children[r].isResource else { continue }
            entries.append(Entry(resource: children[k].children[r], index: i, fullUrl: children[k].valueOfChild(named: "fullUrl")))
        }
        self.entries = entries
        header = entries.firstIndex { $0.type == "MessageHeader" }.map { entries[$0] }
    }

    /// `MessageHeader.event`: system, code and display as written.
    public var eventCoding: (system: String?, code: String?, display: String?) {
        let event = header?.resource.child("event")
        return (event?.valueOfChild(named: "system"), event?.valueOfChild(named: "code"), event?.valueOfChild(named: "display"))
    }

    /// The message-event-type extension (the first one with a known URL).
    public var eventTypeExtension: EventTypeExtension? {
        guard let header else { return nil }
        let children = header.resource.children
        var i = 0
        for k in children.indices where children[k].name == "extension" {
            defer { i += 1 }
            guard let url = children[k].url, Self.eventTypeExtensionURLs.contains(url) else { continue }
            let ext = children[k]
            let path = header.path + ".extension[" + String(i) + "]"
            let coding = ext.child("valueCodeableConcept")?.child("coding")
            return EventTypeExtension(element: ext, path: path, url: url, code: coding?.valueOfChild(named: "code"),
                                      system: coding?.valueOfChild(named: "system"))
        }
        return nil
    }

    /// The routing-demographics extension and its path.
    public var routingDemographics: (element: Element, path: String)? {
        guard let header else { return nil }
        for (i, ext) in header.resource.children(named: "extension").enumerated() where ext.url == Self.routingDemographicsURL {
            return (ext, header.path + ".extension[\(i)]")
        }
        return nil
    }

    /// The entry a reference names: by fullUrl, or `Type/id` by type and id.
    public func resolve(_ reference: String?) -> Entry? {
        guard let reference, !reference.isEmpty else { return nil }
        for k in entries.indices where entries[k].fullUrl?.isSame(as: reference) == true { return entries[k] }
        let parts = reference.split(separator: "/")
        guard parts.count >= 2 else { return nil }
        let type = String(parts[parts.count - 2]), id = String(parts[parts.count - 1])
        return entries.firstIndex { $0.type.isSame(as: type) && $0.resource.valueOfChild(named: "id") == id }.map { entries[$0] }
    }

    /// The resource `MessageHeader.focus` points to.
    public var focus: Entry? { resolve(header?.resource.child("focus")?.valueOfChild(named: "reference")) }

    /// The patient the event is about: the Patient the focus names as `subject` or `patient` (or the
    /// focus itself), else the first Patient entry.
    public var patient: Entry? { patient(focus: focus) }

    /// ``patient`` when the focus is already resolved.
    func patient(focus: Entry?) -> Entry? {
        if let focus {
            if focus.type == "Patient" { return focus }
            for name in ["subject", "patient"] {
                if let p = resolve(focus.resource.child(name)?.valueOfChild(named: "reference")), p.type == "Patient" { return p }
            }
        }
        return entries.firstIndex { $0.type == "Patient" }.map { entries[$0] }
    }

    /// The first identifier of a resource in a system, with its path.
    public static func identifier(of entry: Entry, system: String) -> (value: String?, path: String)? {
        for (i, id) in entry.resource.children(named: "identifier").enumerated() where id.child("system")?.value == system {
            return (id.child("value")?.value, entry.path + ".identifier[\(i)]")
        }
        return nil
    }

    /// The patient's NHS number, when it carries one.
    public var nhsNumber: String? { patient.flatMap { Self.identifier(of: $0, system: NHSNumber.system)?.value } }
}
