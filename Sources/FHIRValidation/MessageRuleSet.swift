import FHIRModel

/// Rules beyond FHIR's own that a ``Validator`` applies to every message after its layers: a
/// standard built on FHIR (the child-health event rules) plugs in here, so the validator itself
/// knows nothing of it. Add rule sets through ``ValidationOptions/ruleSets``.
public protocol MessageRuleSet: Sendable {
    /// The issues of one message (its root element, as read from `syntax`). Never throws: a rule
    /// set that cannot judge a message says so with an issue.
    func check(_ root: Element, syntax: MessageFormat) -> [Issue]
}
