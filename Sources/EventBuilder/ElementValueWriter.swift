import FHIRModel
import FHIRDefinitions
import FHIRValidation

/// Checks ``ElementValue``s against the profiles of the resources they go into and writes them
/// into the drafts, before the completer fills what the profiles still require.
final class ElementValueWriter {
    private let completer: ProfileCompleter
    private let terminology: TerminologyResolver

    init(completer: ProfileCompleter, pack: DefinitionPack) {
        self.completer = completer
        terminology = TerminologyResolver(pack: pack)
    }

    /// What an element path resolves to in a profile: its type and its binding.
    private struct Target {
        var type: String
        var binding: BindingRecord?
        /// The wire name of the last step (a choice's name with its type).
        var name: String
    }

    /// Writes `value` into `resource` (whose profile is `profile`).
    /// - Throws: ``EventMessageBuilder/BuildError`` naming the value when the profile has no such
    ///   element, the value does not fit its type, or a code is outside a required binding.
    func write(_ value: ElementValue, into resource: inout Element, profile: String?) throws {
        let steps = value.path.split(separator: ".").map(String.init)
        guard !steps.isEmpty else { throw error(value, "has an empty path") }
        let target = try resolve(steps, profile: profile ?? DefinitionPack.coreStructurePrefix + value.resourceType, value)
        try check(value, target)
        let leaf: Element
        switch value.value {
        case .text(let text):
            leaf = .primitive(target.name, text)
        case .coding(let system, let code, let display):
            let coding = Element.coding(target.type == "Coding" ? target.name : "coding", system: system, code: code, display: display)
            leaf = target.type == "Coding" ? coding : .group(target.name, [coding])
        }
        set(leaf, at: steps.dropLast(), in: &resource)
    }

    /// Puts `leaf` under the path's parents (made when missing), replacing an element of its name.
    private func set(_ leaf: Element, at parents: ArraySlice<String>, in element: inout Element) {
        guard let first = parents.first else {
            if let i = element.children.firstIndex(where: { $0.name == leaf.name }) {
                element.children[i] = leaf
            } else {
                element.children.append(leaf)
            }
            return
        }
        if let i = element.children.firstIndex(where: { $0.name == first }) {
            set(leaf, at: parents.dropFirst(), in: &element.children[i])
        } else {
            var made = Element(name: first)
            set(leaf, at: parents.dropFirst(), in: &made)
            element.children.append(made)
        }
    }

    /// Walks the profile (and the data types' own definitions below what it unrolls) along `steps`.
    private func resolve(_ steps: [String], profile: String, _ value: ElementValue) throws -> Target {
        guard var node = completer.tree(profile)?.root else {
            throw error(value, "goes into a resource whose profile \(profile) is not in the definition pack")
        }
        var name = steps[0]
        for (i, step) in steps.enumerated() {
            if node.children.isEmpty, let type = node.typeCodes.first, let tree = completer.tree(DefinitionPack.coreStructurePrefix + type) {
                node = tree.root
            }
            guard let child = node.children.first(where: { $0.matches(step) }) else {
                throw error(value, "names '\(step)', which \(profile) does not have at \(steps[..<i].joined(separator: "."))")
            }
            guard child.record.max != "0" else {
                throw error(value, "names '\(step)', which \(profile) forbids (max 0)")
            }
            node = child
            name = step
        }
        var type = node.typeCodes.first ?? ""
        if node.isChoice {
            let suffix = String(name.dropFirst(node.choiceBase.count))
            guard let chosen = node.typeCodes.first(where: { $0.lowercased() == suffix.lowercased() }) else {
                throw error(value, "names '\(name)'; the element takes \(node.typeCodes.map { node.choiceBase + SnapshotNode.choiceSuffix(of: $0) }.joined(separator: ", "))")
            }
            type = chosen
        }
        return Target(type: type, binding: node.record.binding, name: name)
    }

    /// The value fits the element's type and, for a required binding, its value set.
    private func check(_ value: ElementValue, _ target: Target) throws {
        switch value.value {
        case .coding(let system, let code, _):
            guard target.type == "CodeableConcept" || target.type == "Coding" else {
                throw error(value, "is a coding, but the element is of type \(target.type)")
            }
            try checkBinding(value, target, system: system, code: code)
        case .text(let text):
            guard !["CodeableConcept", "Coding", "BackboneElement", "Reference", "Quantity", "Identifier"].contains(target.type) else {
                throw error(value, "is a primitive value, but the element is of type \(target.type)")
            }
            if let rule = Self.lexicalRules[target.type], !rule(text) {
                throw error(value, "'\(text)' is not a valid \(target.type)")
            }
            if target.type == "code" { try checkBinding(value, target, system: nil, code: text) }
        }
    }

    private func checkBinding(_ value: ElementValue, _ target: Target, system: String?, code: String) throws {
        guard let binding = target.binding, binding.strength == "required", let url = binding.valueSet,
              let valueSet = try? terminology.valueSet(url: url) else { return }
        if case .notMember = valueSet.contains(system: system, code: code) {
            throw error(value, "code '\(code)'\(system.map { " of \($0)" } ?? "") is not in the value set \(valueSet.label) that the element's required binding names")
        }
    }

    private func error(_ value: ElementValue, _ what: String) -> EventMessageBuilder.BuildError {
        EventMessageBuilder.BuildError(description: "element value \(value.label) \(what)")
    }

    /// Lexical forms of the primitive types a mapped value commonly has (FHIR STU3 regular expressions, simplified).
    private static let lexicalRules: [String: (String) -> Bool] = [
        "boolean": { $0 == "true" || $0 == "false" },
        "integer": { Int($0) != nil },
        "positiveInt": { (Int($0) ?? 0) > 0 },
        "unsignedInt": { (Int($0) ?? -1) >= 0 },
        "decimal": { s in
            let body = s.hasPrefix("-") ? s.dropFirst() : Substring(s)
            let parts = body.split(separator: ".", omittingEmptySubsequences: false)
            return (1...2).contains(parts.count) && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
        },
        "date": { s in s.count >= 4 && s.prefix(4).allSatisfy(\.isNumber) && s.count <= 10 },
        "dateTime": { s in s.count >= 4 && s.prefix(4).allSatisfy(\.isNumber) },
    ]
}
