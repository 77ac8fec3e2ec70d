import FHIRModel
import FHIRDefinitions
import FHIRPath
import ChildHealthEvents

/// Applies a ``SharingPolicy`` to messages: the library call behind `dch share`.
///
/// It works on element trees, so XML and JSON inputs are treated alike. For one message it
/// 1. withholds it when its event is not in the policy, or its consent code says so;
/// 2. evaluates every rule (FHIRPath, on the message root or on every resource of the rule's type,
///    contained ones included) and gives each element the action of the nearest rule that
///    selected it or an enclosing element (a later rule wins on the same element);
/// 3. removes whatever no rule allows (an element stays only as the container of what is allowed);
/// 4. pseudonymises resource ids, fullUrls, references and `Bundle.id` consistently, and drops a
///    reference whose target was withheld;
/// 5. regenerates or removes narrative, puts back required elements (data-absent-reason or a
///    placeholder), and adds the linkage token when asked.
///
/// Every step is a ``SharingDecision`` in the outcome; none holds a value of the message.
/// A sharer is safe to share between threads; to share on several, give each thread its own
/// ``independentCopy(over:)``: the engine's caches then take no lock another thread holds.
public final class MessageSharer: Sendable {
    /// The policy applied.
    public let policy: SharingPolicy
    /// The engine the rules run on (its pack types the trees).
    public let engine: FHIRPathEngine
    let transforms: KeyedTransforms
    private let key: SharingKey
    let required: RequiredChildren

    /// The standard FHIR extension that says why a value is missing.
    public static let dataAbsentReasonURL = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
    /// Where an encrypted value goes (`valueString`: base64 of AES-GCM nonce, ciphertext and tag).
    public static let encryptedValueURL = "urn:dch:extension:encrypted-value"
    /// Where an age band replaces a birth date (`valueString`, e.g. `1 to 4 years`).
    public static let ageBandURL = "urn:dch:extension:age-band"

    /// A sharer for a policy, with the keyed transforms of `key`.
    public init(policy: SharingPolicy, engine: FHIRPathEngine, key: SharingKey) {
        self.policy = policy
        self.engine = engine
        self.key = key
        transforms = KeyedTransforms(key: key)
        required = RequiredChildren(pack: engine.pack)
    }

    /// A sharer of the same policy and key over `pack` (a copy of this one's, such as
    /// `DefinitionPack.independentCopy()` gives), with its own engine, caches and compiled rules:
    /// it shares nothing mutable with this one, so it gives the same outcomes on another thread
    /// without contention.
    public func independentCopy(over pack: DefinitionPack) -> MessageSharer {
        let engine = FHIRPathEngine(pack: pack, acceptsHostVariables: engine.acceptsHostVariables)
        var policy = policy
        for i in policy.rules.indices {
            // The text compiled once already: it compiles again (a failure keeps the original).
            if case .success(let expression) = engine.compile(policy.rules[i].select.text) { policy.rules[i].select = expression }
        }
        // Sub-keys derived again: the copy shares no key storage (and its reference count) either.
        return MessageSharer(policy: policy, engine: engine, key: key)
    }

    /// Shares one message (its root resource, as read by either codec).
    public func share(_ input: Element) -> SharingOutcome {
        let message = EventMessage(input)
        let event = message?.eventCoding.code
        var outcome = SharingOutcome(root: nil, withheldReason: nil, event: event, consent: .notRecorded, decisions: [])
        if let allowed = policy.events, !(event.map(allowed.contains) ?? false) {
            outcome.withheldReason = event.map { "the event \($0) is not one the policy lets flow" } ?? "the message is not an event message"
            outcome.decisions.append(SharingDecision(rule: "events", path: input.resourceType ?? input.name, action: "withhold",
                                                     note: outcome.withheldReason))
            return outcome
        }
        outcome.consent = ConsentReader.state(of: input, rules: policy.consent)
        let consentDecision = ConsentReader.decision(outcome.consent, policy.consent)
        outcome.decisions.append(SharingDecision(rule: "consent", path: input.resourceType ?? input.name,
                                                 action: consentDecision.rawValue, note: "consent \(outcome.consent.rawValue)"))
        if consentDecision == .withhold {
            outcome.withheldReason = "consent \(outcome.consent.rawValue): the policy withholds the message"
            return outcome
        }

        var numbered = input
        let names = RuleSelection.number(&numbered)
        let selection: RuleSelection
        do {
            selection = try RuleSelection(policy: policy, numbered: numbered, names: names, engine: engine)
        } catch let failure as RuleEvaluationFailure {
            outcome.withheldReason = "the rule \(failure.rule) could not be evaluated: \(failure.reason)"
            outcome.decisions.append(SharingDecision(rule: failure.rule, path: input.resourceType ?? input.name,
                                                     action: "withhold", note: outcome.withheldReason))
            return outcome
        } catch {
            outcome.withheldReason = "\(error)"
            return outcome
        }

        let subject = LinkageToken.subjectPatient(of: numbered)
        let basis = subject.flatMap(LinkageToken.basis(ofPatient:))
        if policy.linkageToken, let m = subject.flatMap({ LinkageToken.of(message: $0, using: transforms) }) {
            outcome.linkageToken = m
        }
        var walk = PolicyWalk(sharer: self, selection: selection,
                              person: basis?.text ?? "no-person",
                              referenceDate: message?.header?.resource.valueOfChild(named: "timestamp"),
                              linkageSerial: outcome.linkageToken == nil ? nil : subject.flatMap(RuleSelection.serial),
                              linkageToken: outcome.linkageToken)
        walk.indexInput(numbered)
        guard var output = walk.transform(numbered, info: nil, context: nil, governing: nil,
                                          path: numbered.resourceType ?? numbered.name, isRoot: true).element else {
            outcome.withheldReason = "nothing in the message is allowed"
            return outcome
        }
        walk.finish(&output, path: output.resourceType ?? output.name)
        outcome.decisions += walk.decisions
        outcome.root = output
        return outcome
    }
}
