import Foundation
import FHIRModel

/// Targets: where values are written, and the transforms that make them.
extension MappingRun {
    func runTarget(_ target: RuleTarget, in ref: GroupReference, _ vars: inout Variables, ruleSource: MapValue?) throws {
        let position = target.position
        guard let contextName = target.context else {
            // `transform(...) as v`: a value with no place in the output yet.
            guard let transform = target.transform else { return }
            let values = try run(transform, target.parameters, for: nil, in: ref, vars, ruleSource: ruleSource)
            if let name = target.variable, let value = values.first { vars.targets[name] = value }
            return
        }
        guard let element = target.element else {
            // `ctx as v`: an alias (`tgtext as vt`), or `ctx = value` (`tgt = create(...)`, rare).
            guard let context = vars.lookup(contextName, preferTarget: true) else {
                throw MappingFailure("unknown variable '\(contextName)'", at: position)
            }
            if let name = target.variable { vars.targets[name] = context }
            return
        }
        guard case let .target(parent)? = vars.lookup(contextName, preferTarget: true) else {
            throw MappingFailure(vars.lookup(contextName) == nil ? "unknown variable '\(contextName)'"
                                 : "'\(contextName)' is not an element of the output", at: position)
        }
        let info = parent.type.flatMap { engine.targetTypes?.child(element, of: $0) }
        var written: TargetNode?
        if let transform = target.transform {
            let values = try run(transform, target.parameters, for: (parent, element, info), in: ref, vars,
                                 ruleSource: ruleSource)
            for value in values { written = try write(value, to: parent, element: element, info: info, modes: target.listModes) }
        } else {
            written = childNode(of: parent, element: element, info: info, target: target)
        }
        if let name = target.variable, let written { vars.targets[name] = .target(written) }
    }

    /// `ctx.element as v` without a transform: reuses a non-repeating child (or a `share`d one),
    /// else adds an empty one.
    private func childNode(of parent: TargetNode, element: String, info: MappingChild?, target: RuleTarget) -> TargetNode {
        if target.listModes.contains(.share), let id = target.listRuleId, let node = shared[shared.count - 1][id] { return node }
        let repeats = info?.repeats ?? true
        if !repeats || target.listModes.contains(.single) || target.listModes.contains(.collate),
           let existing = parent.children.first(where: { $0.name == element || (info?.isChoice ?? false && $0.name.hasPrefix(element)) }) {
            return existing
        }
        let code = info.flatMap { $0.isChoice ? nil : $0.typeCodes.first }
        let node = TargetNode(name: info.map { $0.isChoice ? element : $0.wireName(for: "") } ?? element,
                              type: code.map { info?.types[$0] ?? MappingType($0) })
        node.order = info?.order
        insert(node, into: parent, first: target.listModes.contains(.first))
        if target.listModes.contains(.share), let id = target.listRuleId { shared[shared.count - 1][id] = node }
        return node
    }

    private func insert(_ node: TargetNode, into parent: TargetNode, first: Bool) {
        node.isAttached = true
        if first, let k = parent.children.firstIndex(where: { $0.name == node.name }) {
            parent.children.insert(node, at: k)
        } else {
            parent.children.append(node)
        }
    }

    /// Writes a value as `parent.element`: the node a variable then names.
    @discardableResult
    func write(_ value: MapValue, to parent: TargetNode, element: String, info: MappingChild?, modes: [TargetListMode]) throws -> TargetNode? {
        // A primitive's own value, `Element.id` and `Extension.url` are fields of the node.
        if case .primitive = value, element == "value", engine.isPrimitive(parent.type?.code, target: true)
            || (parent.type == nil && !parent.isExtension && parent.children.allSatisfy({ $0.name == "extension" })) {
            parent.value = value.text
            return parent
        }
        let node: TargetNode
        switch value {
        case let .target(made):
            // Copying a node that already has a place is a deep copy; a new node is moved in.
            node = made.isAttached ? made.clone() : made
        case let .primitive(v, type):
            node = TargetNode(name: element, type: MappingType(type), value: v)
        case let .source(item):
            if engine.isPrimitive(item.type?.code, target: false) || (item.type == nil && item.element.children.isEmpty && item.element.value != nil) {
                // Primitives are copied by value (their id and extensions stay behind).
                markConsumed(item.path + ".value")
                node = TargetNode(name: element, type: item.type, value: item.element.value)
            } else {
                markWhole(item.path)
                node = TargetNode(copying: item.element, name: element, type: item.type)
            }
        }
        // Choice elements take their name from the value's type (`value` + `Code`).
        let code = node.type?.code ?? node.resourceType
        if let info, info.isChoice, let code {
            node.name = info.wireName(for: code)
        } else if info == nil, element == "value", parent.isExtension, let code {
            node.name = "value" + MappingChild.capitalised(code)
        } else {
            node.name = element
        }
        if node.resourceType == nil, node.type == nil, let declared = info?.typeCodes.first, !(info?.isChoice ?? false) {
            node.type = info?.types[declared] ?? MappingType(declared)
        }
        node.order = info?.order
        let repeats = info?.repeats ?? true
        if !repeats || modes.contains(.single) || modes.contains(.collate) {
            parent.children.removeAll { $0.name == node.name && $0 !== node }
        }
        if !parent.children.contains(where: { $0 === node }) { insert(node, into: parent, first: modes.contains(.first)) }
        return node
    }
}
