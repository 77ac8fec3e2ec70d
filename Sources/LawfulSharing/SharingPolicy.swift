import FHIRPath

/// One data-sharing agreement, read from a policy file (see ``PolicyLoader``): who receives what,
/// why, on which lawful basis, and what happens to each element of a message.
///
/// Whatever no rule selects is removed: a policy lists what may flow, never what may not.
public struct SharingPolicy: Sendable {
    /// The policy's name (for the audit and `--explain`).
    public var name: String
    /// The kind of service that receives the messages.
    public var recipient: RecipientSetting
    /// The recipient organisation, as the agreement names it (optional).
    public var recipientOrganisation: String?
    /// Why the data is shared, in the agreement's words.
    public var purpose: String
    /// The GDPR Article 6 and Article 9 conditions the sharing relies on.
    public var lawfulBasis: LawfulBasis
    /// The event codes that may flow (`MessageHeader.event.code`); nil: every event.
    public var events: Set<String>?
    /// What a parental consent-to-share code in the message decides.
    public var consent: ConsentRules
    /// What happens to narrative (`text`): regenerated from what remains, or removed.
    public var narrative: NarrativeHandling
    /// How a removed element that the definitions require is replaced.
    public var requiredElements: RequiredElementHandling
    /// The text a required string-like element gets under ``RequiredElementHandling/placeholder``.
    public var placeholderText: String
    /// Whether resource ids, fullUrls, references and `Bundle.id` are pseudonymised or kept.
    public var identifiers: IdentifierHandling
    /// Whether each message's Patient gets a keyed linkage token (``LinkageToken``).
    public var linkageToken: Bool
    /// What a CSV extract made under the policy carries in its person-identifying columns.
    public var extract: ExtractSettings
    /// The element rules, in file order (a later rule wins over an earlier one on the same element).
    public var rules: [ElementRule]

    /// A policy.
    public init(name: String, recipient: RecipientSetting, recipientOrganisation: String? = nil, purpose: String,
                lawfulBasis: LawfulBasis, events: Set<String>?, consent: ConsentRules = ConsentRules(),
                narrative: NarrativeHandling = .remove, requiredElements: RequiredElementHandling = .dataAbsentReason,
                placeholderText: String = "withheld", identifiers: IdentifierHandling = .pseudonymise, linkageToken: Bool = false, extract: ExtractSettings = ExtractSettings(),
                rules: [ElementRule]) {
        self.name = name
        self.recipient = recipient
        self.recipientOrganisation = recipientOrganisation
        self.purpose = purpose
        self.lawfulBasis = lawfulBasis
        self.events = events
        self.consent = consent
        self.narrative = narrative
        self.requiredElements = requiredElements
        self.placeholderText = placeholderText
        self.identifiers = identifiers
        self.linkageToken = linkageToken
        self.extract = extract
        self.rules = rules
    }
}

/// The settings a child-health message is shared with.
public enum RecipientSetting: String, Sendable, CaseIterable {
    /// A school nursing service (direct care).
    case schoolNurse = "school-nurse"
    /// Children's social care (safeguarding).
    case socialCare = "social-care"
    /// A general practice (direct care).
    case gp
    /// A research study (pseudonymised extracts).
    case research
}

/// What narrative (`text`) becomes: it may quote any identifier, so it is never passed on as it was.
public enum NarrativeHandling: String, Sendable, CaseIterable {
    /// A new `div` listing what the output resource still holds (`status` generated).
    case regenerate
    /// No narrative.
    case remove
}

/// How an element that the base definitions require (min 1) is put back after the policy removed it.
public enum RequiredElementHandling: String, Sendable, CaseIterable {
    /// The element stays, holding only the `data-absent-reason` extension (`masked`).
    case dataAbsentReason = "data-absent-reason"
    /// A string-like element gets the policy's placeholder text; other types fall back to data-absent-reason.
    case placeholder
}

/// What happens to the ids that tie a message together.
public enum IdentifierHandling: String, Sendable, CaseIterable {
    /// Every resource id, fullUrl, reference and `Bundle.id` is replaced by its keyed pseudonym,
    /// the same everywhere, so the Bundle still resolves.
    case pseudonymise
    /// Ids are passed on as they are.
    case keep
}

/// What the message's parental consent-to-share code decides.
public struct ConsentRules: Sendable {
    /// What to do with a message.
    public enum Decision: String, Sendable, CaseIterable {
        /// The message flows (through the rules).
        case share
        /// Nothing of the message flows.
        case withhold
    }
    /// The code system of the consent code (by default the DCH one).
    public var codeSystem: String
    /// The code meaning consent given, and the one meaning refused.
    public var givenCode: String, refusedCode: String
    /// Decisions when consent is given, refused, or not recorded in the message.
    public var whenGiven: Decision, whenRefused: Decision, whenNotRecorded: Decision

    /// The DCH parental consent-to-share code system (`Y` obtained, `N` not obtained).
    public static let dchCodeSystem = "https://fhir.nhs.uk/STU3/CodeSystem/DCH-ParentalConsentToShareInformation-1"

    /// Consent rules; by default a refusal withholds the message.
    public init(codeSystem: String = ConsentRules.dchCodeSystem, givenCode: String = "Y", refusedCode: String = "N",
                whenGiven: Decision = .share, whenRefused: Decision = .withhold, whenNotRecorded: Decision = .share) {
        self.codeSystem = codeSystem
        self.givenCode = givenCode
        self.refusedCode = refusedCode
        self.whenGiven = whenGiven
        self.whenRefused = whenRefused
        self.whenNotRecorded = whenNotRecorded
    }
}

/// One per-element rule: a FHIRPath expression selecting elements, and what happens to them.
public struct ElementRule: Sendable {
    /// The rule's id (named in the audit).
    public var id: String
    /// The resource type whose every instance (an entry's, a contained one, the root) is the
    /// expression's focus; `*` for every resource; nil for the message root only.
    public var resourceType: String?
    /// The selecting expression, compiled.
    public var select: FHIRPathExpression
    /// What happens to the selected elements and everything below them.
    public var action: ElementAction
    /// Where the rule stands in the policy file (`file:line:column`), for messages.
    public var location: String

    /// A rule.
    public init(id: String, resourceType: String?, select: FHIRPathExpression, action: ElementAction, location: String) {
        self.id = id
        self.resourceType = resourceType
        self.select = select
        self.action = action
        self.location = location
    }
}

/// What a rule does to the elements it selects (and everything below them).
public enum ElementAction: Sendable, Equatable {
    /// Passed on unchanged.
    case keep
    /// Taken out (also where an enclosing element is kept).
    case remove
    /// The element stays but its content becomes a `data-absent-reason` extension (`masked`).
    case redact
    /// Made less precise.
    case generalise(Generalisation)
    /// Dates moved by a number of days that depends only on the key and the person.
    case dateShift(maximumDays: Int)
    /// Values replaced by keyed HMAC-SHA256 pseudonyms; an Identifier's system may be replaced too.
    case pseudonymise(system: String?)
    /// Values encrypted with AES-GCM; the key holder recovers them (``ElementDecryption``).
    case encrypt
    /// Values replaced by a fixed value.
    case substitute(String)

    /// The action's name in policies and the audit.
    public var name: String {
        switch self {
        case .keep: return "keep"
        case .remove: return "remove"
        case .redact: return "redact"
        case .generalise: return "generalise"
        case .dateShift: return "date-shift"
        case .pseudonymise: return "pseudonymise"
        case .encrypt: return "encrypt"
        case .substitute: return "substitute"
        }
    }

    /// Every action name a policy may use.
    public static let names = ["keep", "remove", "redact", "generalise", "date-shift", "pseudonymise", "encrypt", "substitute"]
}

/// How `generalise` makes a value less precise.
public enum Generalisation: Sendable, Equatable {
    /// A date or dateTime cut to its month (`2019-03`).
    case month
    /// A date or dateTime cut to its year (`2019`).
    case year
    /// A UK postcode cut to its outward code, the postal district (`LS1 4AB` → `LS1`).
    case postcodeDistrict
    /// A birth date replaced by the child's age band at the message's time (bands start at these ages in years).
    case ageBand([Int])

    /// The names `generalise: to:` accepts.
    public static let names = ["month", "year", "district", "age-band"]
}
