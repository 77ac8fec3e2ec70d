import FHIRModel
import ChildHealthEvents

/// A resource being built for a message entry: its tree, profile, part and full URL.
struct ResourceDraft {
    var type: String
    var profile: String?
    var role: EventResourceRole
    var id: String
    var element: Element

    var fullUrl: String { "urn:uuid:" + id }

    /// A draft with `id` and `meta.profile` already in place.
    init(type: String, profile: String?, role: EventResourceRole, id: String, children: [Element] = []) {
        self.type = type
        self.profile = profile
        self.role = role
        self.id = id
        var head: [Element] = [.primitive("id", id)]
        if let profile { head.append(.group("meta", [.primitive("profile", profile)])) }
        element = .resource(type, head + children)
    }

    /// Appends children to the resource.
    mutating func add(_ children: Element...) {
        element.children.append(contentsOf: children)
    }
}

/// The full URLs of the message's main participants, for references between resources.
struct MessageLinks {
    var patient: String?
    var parent: String?
    var sender: String?
    var receiver: String?
    var encounter: String?
    var practitioner: String?
    var practitionerRole: String?
    var location: String?
    var healthcareService: String?
    var focus: String?
}
