/// A value for an element inside one of the event's resources, for facts the builder has no typed
/// input for (a blood-spot outcome code, a hearing screening result, a vaccination's site or
/// route). Values with the same ``resourceType`` and ``instance`` go into one resource; each new
/// instance adds a resource of that type (with the event's profile for it), so a message can carry
/// one Procedure per screened condition.
///
/// The builder checks each value against the resource's profile before it builds: the path must
/// name an element the profile allows, a primitive must be lexically valid for its type, and a code
/// must be in the element's value set when the binding is required.
public struct ElementValue: Sendable, Hashable {
    /// What is put at the path.
    public enum Value: Sendable, Hashable {
        /// A primitive's lexical value (`true`, `0.5`, `2024-03-01`…).
        case text(String)
        /// A coding: in a `CodeableConcept` element it becomes `element.coding`, in a `Coding`
        /// element the element itself.
        case coding(system: String, code: String, display: String?)
    }

    /// The resource type, e.g. `Procedure`.
    public var resourceType: String
    /// Tells resources of one type apart (any text: `pku`, `aabr-right`); values of one instance
    /// share a resource.
    public var instance: String
    /// The element's path inside the resource, dot-separated without the type
    /// (`outcome`, `valueCodeableConcept`, `doseQuantity.value`, `explanation.reasonNotGiven`).
    public var path: String
    /// The value.
    public var value: Value
    /// The profile the instance's resource must have, when the event lists several profiles for
    /// its type (CH005's APGAR score and gestation Observations): the value then goes into a
    /// resource of that profile. Nil: the instance takes the resources of its type in order.
    public var profile: String?

    /// A value at `path` of the resource `instance` of type `resourceType` (of `profile`, when given).
    public init(resourceType: String, instance: String, path: String, value: Value, profile: String? = nil) {
        self.resourceType = resourceType; self.instance = instance; self.path = path; self.value = value
        self.profile = profile
    }

    /// `Procedure[pku].outcome`, for messages.
    public var label: String { "\(resourceType)[\(instance)].\(path)" }
}
