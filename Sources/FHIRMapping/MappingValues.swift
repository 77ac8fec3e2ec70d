import Foundation
import FHIRModel

/// A node of the tree a map writes. A class: rule variables point into the tree and later rules
/// add to the node a variable names.
final class TargetNode {
    var name: String
    var type: MappingType?
    var value: String?
    var id: String?
    var url: String?
    var resourceType: String?
    var children: [TargetNode] = []
    /// Definition order among its siblings, when the target types know it.
    var order: Int?
    /// True once the node is some node's child: writing it elsewhere then copies it.
    var isAttached = false

    init(name: String, type: MappingType?, value: String? = nil, resourceType: String? = nil) {
        self.name = name
        self.type = type
        self.value = value
        self.resourceType = resourceType
    }

    /// A deep copy of a source element (a complex value copied whole, unconverted).
    init(copying element: Element, name: String, type: MappingType?) {
        self.name = name
        self.type = type
        value = element.value
        id = element.id
        url = element.url
        resourceType = element.resourceType
        children = element.children.map {
            let child = TargetNode(copying: $0, name: $0.name, type: nil)
            child.isAttached = true
            return child
        }
    }

    /// A deep copy, not attached anywhere.
    func clone() -> TargetNode {
        let copy = TargetNode(name: name, type: type, value: value, resourceType: resourceType)
        copy.id = id
        copy.url = url
        copy.order = order
        copy.children = children.map { let c = $0.clone(); c.isAttached = true; return c }
        return copy
    }

    var isExtension: Bool { type?.code == "Extension" || name == "extension" || name == "modifierExtension" }

    /// The element tree: children in definition order (repeats keep their order), empty nodes dropped.
    func element(isRoot: Bool = false) -> Element? {
        var kids: [Element] = []
        var attributeID = id, attributeURL = url
        for (child, _) in orderedChildren() {
            guard let made = child.element() else { continue }
            // `Element.id` and `Extension.url` are attributes of the element tree.
            if resourceType == nil, made.name == "id", made.children.isEmpty, made.value != nil, attributeID == nil {
                attributeID = made.value
                continue
            }
            if isExtension, made.name == "url", made.children.isEmpty, made.value != nil, attributeURL == nil {
                attributeURL = made.value
                continue
            }
            kids.append(made)
        }
        if !isRoot && value == nil && kids.isEmpty && attributeID == nil && attributeURL == nil { return nil }
        return Element(name: name, resourceType: resourceType, value: value, id: attributeID, url: attributeURL, children: kids)
    }

    /// Children sorted by definition order; a child of unknown order stays after its predecessor.
    private func orderedChildren() -> [(TargetNode, Int)] {
        var key = Int.min
        var keyed: [(TargetNode, Int, Int)] = []
        for (k, child) in children.enumerated() {
            if let order = child.order { key = order }
            keyed.append((child, key, k))
        }
        keyed.sort { ($0.1, $0.2) < ($1.1, $1.2) }
        return keyed.map { ($0.0, $0.2) }
    }
}

/// An element of the source tree with its type and its path (for the unconsumed-element report).
struct SourceItem {
    var element: Element
    var type: MappingType?
    var path: String
}

/// What a variable holds, and what transforms give.
enum MapValue {
    /// An element of the input.
    case source(SourceItem)
    /// A node of the output.
    case target(TargetNode)
    /// A primitive value (a literal, a primitive's `value`, a transform's result) and its type code.
    case primitive(String, type: String)

    /// The type code of the value, when known.
    var typeCode: String? {
        switch self {
        case let .source(item): return item.type?.code ?? item.element.resourceType
        case let .target(node): return node.type?.code ?? node.resourceType
        case let .primitive(_, type): return type
        }
    }

    /// The primitive text of the value: a literal, a primitive element's value.
    var text: String? {
        switch self {
        case let .source(item): return item.element.value
        case let .target(node): return node.value
        case let .primitive(v, _): return v
        }
    }

    /// The value as an element tree (a target node as it stands now).
    var element: Element? {
        switch self {
        case let .source(item): return item.element
        case let .target(node): return node.element(isRoot: true)
        case let .primitive(v, _): return Element(name: "value", value: v)
        }
    }
}

/// The variables of a rule: source and target names are separate namespaces, as in the reference
/// engine (a rule may bind `vvv` on both sides).
struct Variables {
    var sources: [String: MapValue] = [:]
    var targets: [String: MapValue] = [:]

    /// A name, looked up on the side `preferTarget` says first, then on the other.
    func lookup(_ name: String, preferTarget: Bool = false) -> MapValue? {
        preferTarget ? (targets[name] ?? sources[name]) : (sources[name] ?? targets[name])
    }
}
