import FHIRModel

/// One decision the policy made on a message: which rule, at which element, what it did. Holds no
/// value of the message (paths are element names and indexes only), so it can go to an audit.
public struct SharingDecision: Sendable, Equatable, Codable {
    /// The rule's id; `default` for what no rule allowed, `event`, `consent`, `required`,
    /// `narrative`, `reference`, `linkage` for the policy's other steps.
    public var rule: String
    /// The element's path in the input (`Bundle.entry[2].resource.birthDate`).
    public var path: String
    /// What was done (`keep`, `remove`, `pseudonymise`, `withhold`, `data-absent-reason`…).
    public var action: String
    /// Why, when the action alone does not say.
    public var note: String?

    /// A decision.
    public init(rule: String, path: String, action: String, note: String? = nil) {
        self.rule = rule
        self.path = path
        self.action = action
        self.note = note
    }
}

/// What the message's consent-to-share code says.
public enum ConsentState: String, Sendable, Codable {
    /// A consent code says consent was given.
    case given
    /// A consent code says consent was refused.
    case refused
    /// The message carries no consent code.
    case notRecorded = "not-recorded"
}

/// What sharing one message gave.
public struct SharingOutcome: Sendable {
    /// The message to pass on; nil when it is withheld.
    public var root: Element?
    /// Why the message is withheld (no identifying value in it), or nil when shared.
    public var withheldReason: String?
    /// The message's event code, when it is an event message.
    public var event: String?
    /// What its consent code said.
    public var consent: ConsentState
    /// Every decision, in the order made.
    public var decisions: [SharingDecision]
    /// The patient's linkage token, when the policy asks for one and the message allows it.
    public var linkageToken: LinkageToken?
}
