import Foundation
@preconcurrency import Crypto
import FHIRModel
import ChildHealthEvents

/// A keyed token that stands for a person, so that two extracts (health, education) can be linked
/// by a trusted third party holding neither side's identifiers: both sides compute it with the same
/// linkage key from the same normalised identity, and only the tokens leave.
///
/// Normalisation (``basis(ofPatient:)``):
/// - **NHS number** (preferred): the Patient identifier of system `https://fhir.nhs.uk/Id/nhs-number`,
///   spaces and hyphens removed; used only when it is ten digits with a valid modulus 11 check digit.
///   Basis `nhs:` + the ten digits.
/// - **Fallback**: date of birth + postcode + sex. `birthDate` must be a full date (`YYYY-MM-DD`, the
///   time of a dateTime dropped); the postcode is the home address's (else the first address's),
///   upper-cased with everything but letters and digits removed (`ls1 4ab` → `LS14AB`); sex is
///   `gender` lower-cased (`male`, `female`, `other`, `unknown`; `unknown` when absent). Basis
///   `dob-postcode-sex:` + `1990-01-31|LS14AB|female`.
///
/// The token is HMAC-SHA256 of the basis with the linkage sub-key, as 64 hex digits.
public struct LinkageToken: Sendable, Hashable {
    /// Which identity the token was made from.
    public enum Basis: String, Sendable {
        /// The normalised NHS number.
        case nhsNumber = "nhs-number"
        /// Date of birth, postcode and sex.
        case demographics = "dob-postcode-sex"
    }
    /// The token, 64 lower-case hex digits.
    public let value: String
    /// What it was made from.
    public let basis: Basis

    /// The identifier system of the token where a message carries it (`Patient.identifier`).
    public static let identifierSystem = "urn:dch:linkage-token:hmac-sha256"

    /// The token of a message's patient (the Patient the event is about, else the first one), or
    /// nil when the message has no Patient with an NHS number or the three fallback items.
    /// This is what a CSV extract calls to carry the token instead of identifiers.
    public static func of(message root: Element, using transforms: KeyedTransforms) -> LinkageToken? {
        guard let patient = subjectPatient(of: root), let basis = basis(ofPatient: patient) else { return nil }
        return LinkageToken(value: KeyedTransforms.hex(KeyedTransforms.hmac(basis.text, transforms.linkageKey)), basis: basis.kind)
    }

    /// The normalised identity of a Patient resource (see the type's description), or nil.
    public static func basis(ofPatient patient: Element) -> (kind: Basis, text: String)? {
        for id in patient.children(named: "identifier") where id.child("system")?.value == NHSNumber.system {
            let digits = (id.child("value")?.value ?? "").filter { $0 != " " && $0 != "-" }
            if NHSNumber.isValid(digits) { return (.nhsNumber, "nhs:" + digits) }
        }
        guard let birth = patient.child("birthDate")?.value, birth.utf8.count >= 10 else { return nil }
        let dob = String(birth.prefix(10))
        guard dob.utf8.count == 10, Array(dob.utf8)[4] == UInt8(ascii: "-") else { return nil }
        let addresses = patient.children(named: "address")
        let address = addresses.first { $0.child("use")?.value == "home" } ?? addresses.first
        let postcode = String((address?.child("postalCode")?.value ?? "").uppercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber) })
        guard !postcode.isEmpty else { return nil }
        let sex = patient.child("gender")?.value?.lowercased() ?? "unknown"
        return (.demographics, "dob-postcode-sex:" + dob + "|" + postcode + "|" + sex)
    }

    /// The Patient a message is about: the event's patient in a message Bundle, else the first
    /// Patient anywhere in it (the root itself, an entry, or a contained one).
    static func subjectPatient(of root: Element) -> Element? {
        if let message = EventMessage(root), let patient = message.patient { return patient.resource }
        return firstPatient(in: root)
    }

    private static func firstPatient(in element: Element) -> Element? {
        if element.resourceType == "Patient" { return element }
        for child in element.children {
            if let found = firstPatient(in: child) { return found }
        }
        return nil
    }
}
