/// The canonical URLs and codes of the EMS event message response, from the corpus definitions
/// (`EMS-Bundle-1`, `EMS-MessageHeader-1`, `EMS-EventMessageResponse-Task-1`, their code systems)
/// and `Spine-OperationOutcome-1` for the rejection's findings (NEMS publication guidance: invalid messages are answered with Spine-ErrorOrWarningCode-1 codes).
enum EMS {
    static let sd = "https://fhir.nhs.uk/STU3/StructureDefinition/"
    static let bundleProfile = sd + "EMS-Bundle-1"
    static let headerProfile = sd + "EMS-MessageHeader-1"
    static let taskProfile = sd + "EMS-EventMessageResponse-Task-1"
    static let outcomeProfile = sd + "Spine-OperationOutcome-1"
    static let messageEventTypeExtension = sd + "Extension-EMS-MessageEventType-1"

    static let cs = "https://fhir.nhs.uk/STU3/CodeSystem/"
    static let eventTypeSystem = cs + "EMS-EventType-1"
    static let messageEventTypeSystem = cs + "EMS-MessageEventType-1"
    static let actionCodeSystem = cs + "EMS-EventMessageActionCode-1"
    static let inputSystem = cs + "EMS-EventMessageResponseInput-1"
    /// The messageID and lineNumber input slices fix this system, which the corpus does not define.
    static let errorInputSystem = cs + "EMS-EventErrorInput-1"
    static let responseLevelSystem = cs + "EMS-EventMessageResponseLevel-1"
    static let spineErrorSystem = cs + "Spine-ErrorOrWarningCode-1"
    /// `Task.reason.coding.system` is fixed to this *value set* URL by the profile (a defect we
    /// follow, since the fixed value is what a receiver checks).
    static let responseCodeSystemAsFixed = "https://fhir.nhs.uk/STU3/ValueSet/EMS-EventMessageResponseCode-1"

    /// The response event (events.json: EMS01 "EMS Event Message Rejection").
    static let eventCode = "EMS01"
    static let eventDisplay = "EMS Event Message Rejection"
    /// RFC 4122 identifiers, for `Bundle.identifier`.
    static let uuidSystem = "https://tools.ietf.org/html/rfc4122"
    /// Where `responsible` points for an ODS code, as the EMS examples do.
    static let odsDirectory = "https://directory.spineservices.nhs.uk/STU3/Organization/"
}

/// A code with its display.
struct Coded: Hashable {
    let code: String
    let display: String
}

/// `EMS-EventMessageResponseCode-1` reasons used here.
extension Coded {
    static let success = Coded(code: "R00", display: "Message success")
    static let incorrectFormat = Coded(code: "R08", display: "Incorrect message format")
    static let doesNotConform = Coded(code: "R10", display: "Event does not conform")

    /// `EMS-EventMessageResponseLevel-1`.
    static let levelSuccess = Coded(code: "001", display: "Success")
    static let levelRejection = Coded(code: "002", display: "Rejection")

    /// `EMS-EventMessageActionCode-1`: what the sender should do.
    static let checkFormat = Coded(code: "A06", display: "Please check format and resend")

    /// `EMS-EventMessageResponseInput-1` input types.
    static let inputResponseLevel = Coded(code: "001", display: "Response Level")
    static let inputMessageID = Coded(code: "002", display: "Message ID")
    static let inputLineNumber = Coded(code: "003", display: "Line Number")

    /// `EMS-MessageEventType-1`: a response is always a new message.
    static let newMessage = Coded(code: "new", display: "New event message")
}
