import ChildHealthEvents

/// A postal address. An empty part is left out of the message (a flat extract may carry only the
/// postcode).
public struct PostalAddress: Sendable, Hashable {
    /// The street line (`Address.line`).
    public var line: String
    /// The town or city (`Address.city`).
    public var city: String
    /// The postcode (`Address.postalCode`).
    public var postalCode: String

    /// An address of one line, a city and a postcode.
    public init(line: String, city: String, postalCode: String) {
        self.line = line; self.city = city; self.postalCode = postalCode
    }
}

/// The child (or other person) an event is about.
public struct PatientDetails: Sendable, Hashable {
    /// The NHS number (10 digits).
    public var nhsNumber: String
    /// Given name.
    public var given: String
    /// Family name, upper case as PDS holds it.
    public var family: String
    /// `male`, `female`, `other` or `unknown` (FHIR administrative gender).
    public var gender: String
    /// Date and time of birth.
    public var birth: FHIRTime
    /// Home address.
    public var address: PostalAddress

    /// A person's details.
    public init(nhsNumber: String, given: String, family: String, gender: String, birth: FHIRTime, address: PostalAddress) {
        self.nhsNumber = nhsNumber; self.given = given; self.family = family; self.gender = gender
        self.birth = birth; self.address = address
    }
}

/// An organisation: the sender (responsible for the event) or the receiver.
public struct OrganisationDetails: Sendable, Hashable {
    /// ODS organisation code.
    public var odsCode: String
    /// The organisation's name (`Organization.name`).
    public var name: String
    /// Its address.
    public var address: PostalAddress
    /// Its telephone number (`Organization.telecom`, and the NEMS `MessageHeader.source.contact`).
    public var phone: String
    /// The organisation's system's ASID (`MessageHeader.source.endpoint` / `destination.endpoint`).
    public var asid: String

    /// An organisation's details.
    public init(odsCode: String, name: String, address: PostalAddress, phone: String, asid: String) {
        self.odsCode = odsCode; self.name = name; self.address = address; self.phone = phone; self.asid = asid
    }
}

/// The professional who recorded or performed the event.
public struct PractitionerDetails: Sendable, Hashable {
    /// SDS user id.
    public var sdsUserId: String
    /// Given name.
    public var given: String
    /// Family name.
    public var family: String

    /// A practitioner's details.
    public init(sdsUserId: String, given: String, family: String) {
        self.sdsUserId = sdsUserId; self.given = given; self.family = family
    }
}

/// A growth measurement.
public struct Measurement: Sendable, Hashable {
    /// What was measured.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Body weight, in kg.
        case weight
        /// Standing height, in cm.
        case height
        /// Lying length (of a baby), in cm.
        case length
        /// Head circumference, in cm.
        case headCircumference
    }

    /// What was measured.
    public var kind: Kind
    /// The value as a FHIR decimal lexeme (`3.450`), in ``unit``.
    public var value: String
    /// UCUM unit: `kg` for weight, `cm` otherwise.
    public var unit: String { kind == .weight ? "kg" : "cm" }

    /// A measurement of `kind` with a decimal `value` in that kind's ``unit``.
    public init(kind: Kind, value: String) {
        self.kind = kind; self.value = value
    }
}

/// A vaccination given.
public struct Vaccination: Sendable, Hashable {
    /// SNOMED CT vaccination procedure (`Extension-CareConnect-VaccinationProcedure-1`).
    public var procedureCode: String
    /// The procedure's display.
    public var procedureDisplay: String
    /// SNOMED CT / dm+d vaccine product.
    public var vaccineCode: String
    /// The vaccine product's display.
    public var vaccineDisplay: String
    /// The batch (`Immunization.lotNumber`).
    public var lotNumber: String

    /// A vaccination's details.
    public init(procedureCode: String, procedureDisplay: String, vaccineCode: String, vaccineDisplay: String, lotNumber: String) {
        self.procedureCode = procedureCode; self.procedureDisplay = procedureDisplay
        self.vaccineCode = vaccineCode; self.vaccineDisplay = vaccineDisplay; self.lotNumber = lotNumber
    }
}

/// Everything a message is built from: who, who sends it, when, and the event's facts.
public struct EventMessageInput: Sendable, Hashable {
    /// new, update or delete (must be one the event allows).
    public var messageEventType: MessageEventType
    /// The child the event is about.
    public var patient: PatientDetails
    /// A parent (the mother for a birth notification), when the event carries one.
    public var parent: PatientDetails?
    /// The organisation responsible for the event (MessageHeader.responsible, sender).
    public var sender: OrganisationDetails
    /// The receiving organisation (MessageHeader.destination), when known.
    public var receiver: OrganisationDetails?
    /// The professional who recorded or performed the event.
    public var practitioner: PractitionerDetails
    /// When the event happened (Encounter.period.start, effective times).
    public var occurred: FHIRTime
    /// When the message was sent (MessageHeader.timestamp, meta.lastUpdated).
    public var sent: FHIRTime
    /// Sequence number per patient and event type (`MessageHeader.meta.versionId`), sent when set.
    public var versionId: Int?
    /// Measurements taken (Observation resources of the event, or its measurement profiles).
    public var measurements: [Measurement]
    /// The vaccination given, for immunisation events.
    public var vaccination: Vaccination?
    /// The sender's local identifier of the event (Encounter/focus identifier, kept across update/delete).
    public var eventIdentifier: String
    /// Values of elements inside the event's resources that no typed input carries (coded results,
    /// a vaccination's site…), checked against the profiles when the message is built.
    public var elementValues: [ElementValue]

    /// The inputs of one message; only the people, the sender, the times and the event identifier
    /// are required.
    public init(messageEventType: MessageEventType = .new, patient: PatientDetails, parent: PatientDetails? = nil,
                sender: OrganisationDetails, receiver: OrganisationDetails? = nil, practitioner: PractitionerDetails,
                occurred: FHIRTime, sent: FHIRTime, versionId: Int? = nil, measurements: [Measurement] = [],
                vaccination: Vaccination? = nil, eventIdentifier: String, elementValues: [ElementValue] = []) {
        self.messageEventType = messageEventType; self.patient = patient; self.parent = parent
        self.sender = sender; self.receiver = receiver; self.practitioner = practitioner
        self.occurred = occurred; self.sent = sent; self.versionId = versionId
        self.measurements = measurements; self.vaccination = vaccination; self.eventIdentifier = eventIdentifier
        self.elementValues = elementValues
    }
}
