import EventBuilder

/// Where a mapped value goes: one input of the event builder (`EventMessageInput`), or an
/// element inside one of the event's resources (`ElementValue`).
///
/// Written in a mapping file as `patient.nhsNumber`, `sender.odsCode`, `occurred`,
/// `measurement.weight`, `vaccination.vaccineCode`, or
/// `value(Immunization[1].notGiven)` (a primitive element) and
/// `coding(Procedure[pku].outcome).code` / `.system` / `.display` (the parts of one coding).
public enum MappingTarget: Sendable, Hashable {
    /// A part of a person (`patient.*`).
    case patient(PersonPart)
    /// A part of the sending organisation (`sender.*`).
    case sender(OrganisationPart)
    /// A part of the professional (`practitioner.*`).
    case practitioner(PractitionerPart)
    /// When the event happened (FHIR date or dateTime).
    case occurred
    /// When the message was sent (FHIR date or dateTime); the event's time when absent.
    case sent
    /// `new`, `update` or `delete`.
    case messageEventType
    /// `MessageHeader.meta.versionId`.
    case versionId
    /// The sender's identifier of the event.
    case eventIdentifier
    /// A measurement's value, in the unit of its kind (kg, cm).
    case measurement(Measurement.Kind)
    /// A part of the vaccination given.
    case vaccination(VaccinationPart)
    /// A primitive element of a resource.
    case elementText(resource: String, instance: String, path: String)
    /// A part of a coding of a resource's coded element.
    case elementCoding(resource: String, instance: String, path: String, part: CodingPart)

    /// The parts of a person the builder takes.
    public enum PersonPart: String, Sendable, Hashable, CaseIterable {
        /// The NHS number (`Patient.identifier`).
        case nhsNumber
        /// The given name.
        case given
        /// The family name.
        case family
        /// The administrative gender (`male`, `female`, `other`, `unknown`).
        case gender
        /// The date (and time) of birth.
        case birth
        /// The street line of the home address.
        case addressLine
        /// The town or city of the home address.
        case city
        /// The postcode of the home address.
        case postalCode
    }
    /// The parts of an organisation the builder takes.
    public enum OrganisationPart: String, Sendable, Hashable, CaseIterable {
        /// The ODS organisation code.
        case odsCode
        /// The organisation's name.
        case name
        /// Its telephone number.
        case phone
        /// Its system's ASID (`MessageHeader.source.endpoint`).
        case asid
        /// The street line of its address.
        case addressLine
        /// The town or city of its address.
        case city
        /// The postcode of its address.
        case postalCode
    }
    /// The parts of a practitioner the builder takes.
    public enum PractitionerPart: String, Sendable, Hashable, CaseIterable {
        /// The SDS user id (`Practitioner.identifier`).
        case sdsUserId
        /// The given name.
        case given
        /// The family name.
        case family
    }
    /// The parts of a vaccination the builder takes.
    public enum VaccinationPart: String, Sendable, Hashable, CaseIterable {
        /// The SNOMED CT code of the vaccination procedure.
        case procedureCode
        /// Its display.
        case procedureDisplay
        /// The code of the vaccine product (`Immunization.vaccineCode`).
        case vaccineCode
        /// Its display.
        case vaccineDisplay
        /// The batch (`Immunization.lotNumber`).
        case lotNumber
    }
    /// The parts of a coding.
    public enum CodingPart: String, Sendable, Hashable, CaseIterable {
        /// `Coding.system`.
        case system
        /// `Coding.code`.
        case code
        /// `Coding.display`.
        case display
    }

    /// Parses a target as a mapping file writes it; nil when it names nothing the builder takes.
    public init?(_ text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let inner = Self.wrapped(t, "value(") {
            guard let (r, i, p) = Self.element(inner.body), inner.rest.isEmpty else { return nil }
            self = .elementText(resource: r, instance: i, path: p)
            return
        }
        if let inner = Self.wrapped(t, "coding(") {
            guard let (r, i, p) = Self.element(inner.body), inner.rest.hasPrefix("."),
                  let part = CodingPart(rawValue: String(inner.rest.dropFirst())) else { return nil }
            self = .elementCoding(resource: r, instance: i, path: p, part: part)
            return
        }
        let parts = t.split(separator: ".", maxSplits: 1).map(String.init)
        switch (parts.first ?? "", parts.count > 1 ? parts[1] : nil) {
        case ("patient", let p?): guard let v = PersonPart(rawValue: p) else { return nil }; self = .patient(v)
        case ("sender", let p?): guard let v = OrganisationPart(rawValue: p) else { return nil }; self = .sender(v)
        case ("practitioner", let p?): guard let v = PractitionerPart(rawValue: p) else { return nil }; self = .practitioner(v)
        case ("measurement", let p?): guard let v = Measurement.Kind(rawValue: p) else { return nil }; self = .measurement(v)
        case ("vaccination", let p?): guard let v = VaccinationPart(rawValue: p) else { return nil }; self = .vaccination(v)
        case ("occurred", nil): self = .occurred
        case ("sent", nil): self = .sent
        case ("messageEventType", nil): self = .messageEventType
        case ("versionId", nil): self = .versionId
        case ("eventIdentifier", nil): self = .eventIdentifier
        default: return nil
        }
    }

    /// The target as a mapping file writes it.
    public var text: String {
        switch self {
        case .patient(let p): return "patient." + p.rawValue
        case .sender(let p): return "sender." + p.rawValue
        case .practitioner(let p): return "practitioner." + p.rawValue
        case .occurred: return "occurred"
        case .sent: return "sent"
        case .messageEventType: return "messageEventType"
        case .versionId: return "versionId"
        case .eventIdentifier: return "eventIdentifier"
        case .measurement(let k): return "measurement." + k.rawValue
        case .vaccination(let p): return "vaccination." + p.rawValue
        case let .elementText(r, i, p): return "value(\(r)[\(i)].\(p))"
        case let .elementCoding(r, i, p, part): return "coding(\(r)[\(i)].\(p)).\(part.rawValue)"
        }
    }

    /// Every target name a mapping file may use, for error messages.
    public static let vocabulary: String = {
        let fixed = MappingTarget.PersonPart.allCases.map { "patient.\($0.rawValue)" }
            + OrganisationPart.allCases.map { "sender.\($0.rawValue)" }
            + PractitionerPart.allCases.map { "practitioner.\($0.rawValue)" }
            + ["occurred", "sent", "messageEventType", "versionId", "eventIdentifier"]
            + Measurement.Kind.allCases.map { "measurement.\($0.rawValue)" }
            + VaccinationPart.allCases.map { "vaccination.\($0.rawValue)" }
        return (fixed + ["value(Type[instance].path)", "coding(Type[instance].path).system|code|display"]).joined(separator: ", ")
    }()

    private static func wrapped(_ t: String, _ head: String) -> (body: String, rest: Substring)? {
        guard t.hasPrefix(head), let close = t.lastIndex(of: ")") else { return nil }
        return (String(t[t.index(t.startIndex, offsetBy: head.count)..<close]), t[t.index(after: close)...])
    }

    /// `Type[instance].path` -> its three parts.
    private static func element(_ s: String) -> (String, String, String)? {
        guard let open = s.firstIndex(of: "["), let close = s.firstIndex(of: "]"), open < close else { return nil }
        let type = String(s[..<open]), instance = String(s[s.index(after: open)..<close])
        let rest = s[s.index(after: close)...]
        guard !type.isEmpty, type.first!.isUppercase, !instance.isEmpty, rest.hasPrefix("."), rest.count > 1 else { return nil }
        return (type, instance, String(rest.dropFirst()))
    }
}
