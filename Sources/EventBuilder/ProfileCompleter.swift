import Foundation
import FHIRModel
import FHIRDefinitions

/// What the completer knows of the message around a resource: the other entries (to resolve
/// references) and the event's time.
struct CompletionContext {
    /// One entry of the message being built.
    struct Entry {
        var type: String
        var profile: String?
        var fullUrl: String
    }

    var entries: [Entry]
    /// The time of the event: the value of any required dateTime the builders did not set.
    var time: FHIRTime
    /// The type of the resource being completed.
    var currentType: String = ""
    /// Entry types a required reference found missing (the builder adds such resources and runs again).
    var missingTargets: [Target] = []

    /// A resource a reference needs: its type and, when the reference demands one, its profile.
    struct Target: Hashable, Comparable {
        var type: String
        var profile: String?
        static func < (a: Target, b: Target) -> Bool { (a.type, a.profile ?? "") < (b.type, b.profile ?? "") }
    }
}

/// Completes a resource against its profile: adds every element the profile requires that the
/// resource lacks (fixed and pattern values, a code of a bound value set, references to entries of
/// the message, values for required primitives), adds required slices and extensions, and removes
/// elements the profile forbids (max 0). The builders write the realistic content; this makes sure
/// the many DCH profiles' remaining requirements are met.
final class ProfileCompleter {
    let pack: DefinitionPack
    let picker: TerminologyPicker
    private var trees: [String: SnapshotTree?] = [:]
    private var typeOfProfile: [String: String?] = [:]

    init(pack: DefinitionPack) {
        self.pack = pack
        picker = TerminologyPicker(pack: pack)
    }

    /// The profile's tree, cached.
    func tree(_ url: String) -> SnapshotTree? {
        if let t = trees[url] { return t }
        let t = (try? pack.structure(url: url)).flatMap { $0 }.flatMap(SnapshotTree.init)
        trees[url] = t
        return t
    }

    /// The resource or data type a profile constrains.
    func constrainedType(_ url: String) -> String? {
        if let t = typeOfProfile[url] { return t }
        var t = (try? pack.structure(url: url))??.type
        if t == nil, url.hasPrefix(DefinitionPack.coreStructurePrefix) {
            t = String(url.dropFirst(DefinitionPack.coreStructurePrefix.count))
        }
        typeOfProfile[url] = t
        return t
    }

    /// Ids of the profile's elements treated as required in the current completion (the event
    /// page's mandatory data items, which profiles often leave optional).
    private var alsoRequired: Set<String> = []
    /// The type to give a required choice element, by element id (`multipleBirth[x]` -> `integer`).
    private var choiceTypes: [String: String] = [:]

    /// Completes `resource` against `profile`; no-op when the pack does not have the profile.
    /// `alsoRequired` names elements (by id) to make present as if their minimum were 1.
    func complete(_ resource: inout Element, profile: String, context: inout CompletionContext,
                  alsoRequired: Set<String> = [], choiceTypes: [String: String] = [:]) {
        guard let tree = tree(profile) else { return }
        self.alsoRequired = alsoRequired
        self.choiceTypes = choiceTypes
        defer { self.alsoRequired = []; self.choiceTypes = [:] }
        complete(&resource, node: tree.root, context: &context, depth: 0)
    }

    /// The least number of instances of `node`, mandatory data items counted.
    private func minimum(_ node: SnapshotNode) -> Int {
        alsoRequired.contains(node.record.id ?? node.record.path) ? max(node.record.min, 1) : node.record.min
    }

    // MARK: - Walking

    private func complete(_ element: inout Element, node: SnapshotNode, context: inout CompletionContext, depth: Int) {
        guard depth < 12 else { return }
        let isExtension = node.typeCodes.first == "Extension" || node.record.path.hasSuffix("extension")
            || node.record.path == "Extension"
        if node.children.isEmpty {
            // Not unrolled in this snapshot: an extension or datatype profile may say more.
            if let profile = node.record.types?.first?.profile, node.record.types?.count == 1,
               let tree = tree(profile), !tree.root.children.isEmpty {
                if isExtension, element.url == nil { element.url = profile }
                complete(&element, node: tree.root, context: &context, depth: depth + 1)
            }
            return
        }
        for child in node.children {
            if child.step == "id" && depth > 0 { continue }  // Element.id: an attribute, never required
            if child.step == "url" && isExtension {
                if element.url == nil { element.url = fixedValue(child)?.value ?? node.record.types?.first?.profile }
                continue
            }
            if child.record.max == "0" {
                element.children.removeAll { child.matches($0.name) }
                continue
            }
            for slice in child.slices where minimum(slice) > 0 {
                let have = element.children.filter { child.matches($0.name) && sliceMatches(slice, $0) }.count
                for _ in have..<max(have, minimum(slice)) {
                    if let made = made(slice, context: &context, depth: depth) { insert(made, into: &element) }
                }
            }
            let have = element.children.filter { child.matches($0.name) }.count
            for _ in have..<max(have, minimum(child)) {
                if let made = made(child, context: &context, depth: depth) { insert(made, into: &element) }
            }
            if let fixed = fixedValue(child)?.value {
                // A fixed primitive wins over what a builder or a bound code put there.
                for i in element.children.indices where child.matches(element.children[i].name) {
                    element.children[i].value = fixed
                }
            }
            for i in element.children.indices where child.matches(element.children[i].name) {
                let target = child.slices.first { sliceMatches($0, element.children[i]) } ?? child
                complete(&element.children[i], node: target, context: &context, depth: depth + 1)
                let name = element.children[i].name
                let type = child.isChoice ? String(name.dropFirst(child.choiceBase.count)) : (target.typeCodes.first ?? "")
                fillEmpty(&element.children[i], type: child.isChoice ? lowerFirst(type) : type)
            }
        }
    }

    /// Inserts after the last sibling of the same name (keeps runs together), else at the end;
    /// the builder sorts into definition order at the end.
    private func insert(_ child: Element, into parent: inout Element) {
        if let last = parent.children.lastIndex(where: { $0.name == child.name }) {
            parent.children.insert(child, at: last + 1)
        } else {
            parent.children.append(child)
        }
    }

    /// Whether an instance element belongs to a slice: an extension by URL, a type slice by wire
    /// name, otherwise by the fixed and pattern values the slice's children state.
    private func sliceMatches(_ slice: SnapshotNode, _ e: Element) -> Bool {
        if slice.record.path.hasSuffix("extension") || slice.record.path.hasSuffix("modifierExtension") {
            if let profile = slice.record.types?.first?.profile { return e.url == profile }
            if let url = slice.children.first(where: { $0.step == "url" }).flatMap(fixedValue)?.value { return e.url == url }
            return false
        }
        if let name = slice.sliceName, slice.record.path.hasSuffix("[x]") { return e.name == name }
        if let whole = fixedValue(slice) ?? patternValue(slice) { return contains(e, whole) }
        var constrained = false
        for child in slice.children {
            guard let want = fixedValue(child) ?? patternValue(child) else { continue }
            constrained = true
            guard let have = e.children.first(where: { child.matches($0.name) }), contains(have, want) else { return false }
        }
        return constrained
    }

    /// Whether `e` has every value `pattern` states.
    private func contains(_ e: Element, _ pattern: Element) -> Bool {
        if let v = pattern.value, e.value != v { return false }
        return pattern.children.allSatisfy { p in e.children.contains { $0.name == p.name && contains($0, p) } }
    }

    // MARK: - Making elements

    /// A new instance of `node`, completed against it (so that a slice gets its fixed parts).
    private func made(_ node: SnapshotNode, context: inout CompletionContext, depth: Int) -> Element? {
        guard var e = make(node, context: &context, depth: depth) else { return nil }
        complete(&e, node: node, context: &context, depth: depth + 1)
        if e.name == "extension" || e.name == "modifierExtension", e.children.isEmpty, let url = e.url,
           let value = tree(url)?.root.children.first(where: { $0.isChoice && $0.record.max != "0" }),
           let made = made(value, context: &context, depth: depth + 1) {
            e.children.append(made)  // ext-1: an extension needs a value or extensions
        }
        if e.children.isEmpty, e.value == nil, e.url == nil || !node.children.isEmpty || e.name != "extension" {
            let type = node.isChoice ? chooseType(node) : (node.typeCodes.first ?? "")
            fillEmpty(&e, type: type)
            if e.children.isEmpty, e.value == nil, let first = node.children.first(where: { c in
                !["id", "extension", "modifierExtension"].contains(c.step) && c.record.max != "0"
            }), let inner = made(first, context: &context, depth: depth + 1) {
                e.children.append(inner)  // an empty backbone: its first usable child (e.g. stage.summary)
            }
        }
        return e
    }

    /// A new instance of `node`, or nil when none can be made (an unknown type).
    private func make(_ node: SnapshotNode, context: inout CompletionContext, depth: Int) -> Element? {
        let type = chooseType(node)
        let name = node.isChoice ? node.choiceBase + SnapshotNode.choiceSuffix(of: type) : node.step
        if var fixed = fixedValue(node) ?? patternValue(node) {
            fixed.name = name
            return fixed
        }
        let binding = node.record.binding?.valueSet.flatMap { picker.firstCode(of: $0) }
        switch type {
        case "Extension":
            var e = Element(name: name)
            e.url = node.record.types?.first?.profile
            if node.children.isEmpty, e.url == nil { return nil }
            return e
        case "CodeableConcept":
            // The coding's own binding, when the profile gives one, is the more specific.
            let codingBinding = node.children.first { $0.step == "coding" }?.record.binding?.valueSet
                .flatMap { picker.firstCode(of: $0) }
            if let coding = node.children.first(where: { $0.step == "coding" }), coding.slices.contains(where: { minimum($0) > 0 }) {
                return Element(name: name)  // the required coding slices fill it
            }
            if let code = codingBinding ?? binding {
                return .group(name, [coding(code)])
            }
            return Element(name: name)
        case "Coding":
            if let code = binding { return coding(code, name: name) }
            return Element(name: name)
        case "Reference":
            return reference(node, name: name, context: &context)
        default:
            if let value = primitiveValue(type, node: node, binding: binding, context: context) {
                return .primitive(name, value)
            }
            return Element(name: name)
        }
    }

    /// Fills an element the profile left empty with the least content its type needs (FHIR forbids
    /// empty elements).
    func fillEmpty(_ e: inout Element, type: String) {
        guard e.children.isEmpty, e.value == nil else { return }
        switch type {
        case "CodeableConcept": e.children = [.primitive("text", "Not recorded")]
        case "Identifier": e.children = [.primitive("system", "https://fhir.nhs.uk/Id/local-identifier"), .primitive("value", "LOCAL-0001")]
        case "HumanName": e.children = [.primitive("family", "UNKNOWN")]
        case "Period": e.children = [.primitive("start", "2024-01-01T00:00:00+00:00")]
        case "Quantity": e.children = [.primitive("value", "1")]
        case "Address": e.children = [.primitive("text", "Address not recorded")]
        case "ContactPoint": e.children = [.primitive("system", "phone"), .primitive("value", "0113 496 0000")]
        case "Annotation": e.children = [.primitive("text", "Recorded by the sending system")]
        default: break
        }
    }

    private func lowerFirst(_ s: String) -> String {
        // Choice suffixes capitalise the type; complex type names are capitalised anyway.
        guard let f = s.first, s.count > 1, !s.dropFirst().first!.isUppercase else { return s }
        return ["CodeableConcept", "Identifier", "HumanName", "Period", "Quantity", "Address", "ContactPoint", "Annotation"]
            .contains(s) ? s : f.lowercased() + s.dropFirst()
    }

    private func coding(_ code: PickedCode, name: String = "coding") -> Element {
        var c: [Element] = []
        if let s = code.system { c.append(.primitive("system", s)) }
        c.append(.primitive("code", code.code))
        if let d = code.display { c.append(.primitive("display", d)) }
        return .group(name, c)
    }

    /// The type a new instance of a (choice) element gets: the builders' usual choices first.
    private func chooseType(_ node: SnapshotNode) -> String {
        let types = node.typeCodes
        if let named = choiceTypes[node.record.id ?? node.record.path], types.contains(named) { return named }
        for preferred in ["dateTime", "Quantity", "CodeableConcept", "Reference", "string", "boolean"] where types.contains(preferred) {
            return preferred
        }
        return types.first ?? "BackboneElement"
    }

    /// A reference to an entry of the message whose type one of the element's targets allows.
    private func reference(_ node: SnapshotNode, name: String, context: inout CompletionContext) -> Element {
        // Some NHS profiles put the target in `profile` instead of `targetProfile`.
        let targets = (node.record.types ?? []).compactMap { $0.targetProfile ?? $0.profile }
        let targetTypes = targets.compactMap(constrainedType)
        let open = targetTypes.isEmpty || targetTypes.contains("Resource")
        // Prefer an entry whose profile is the target, then one of the right type.
        let specific = targets.filter { !$0.hasPrefix(DefinitionPack.coreStructurePrefix) }
        if let e = context.entries.first(where: { e in targets.contains { $0 == e.profile } })
            ?? context.entries.first(where: { e in
                open ? e.type == "Patient" : targetTypes.contains(e.type) && (specific.count < targets.count || e.profile == nil
                    || !specific.allSatisfy { constrainedType($0) == e.type }) }) {
            return .reference(name, e.fullUrl)
        }
        if let i = targetTypes.firstIndex(where: { $0 != "Resource" }), targetTypes[i] == context.currentType {
            // A resource of the same type sent earlier (an alert that a nullify cancels): it is not in
            // this message, so the reference points to the sender's server.
            return .reference(name, "https://fhir.example.nhs.uk/STU3/\(targetTypes[i])/\(context.time.minutes)")
        }
        if let i = targetTypes.firstIndex(where: { $0 != "Resource" }) {
            context.missingTargets.append(.init(type: targetTypes[i], profile: targets[i].hasPrefix(DefinitionPack.coreStructurePrefix) ? nil : targets[i]))
        }
        return .group(name, [.primitive("display", "Not known")])
    }

    /// A lexically valid value for a required primitive of `type`.
    private func primitiveValue(_ type: String, node: SnapshotNode, binding: PickedCode?,
                                context: CompletionContext) -> String? {
        switch type {
        case "code": return binding?.code ?? "unknown"
        case "string", "markdown":
            if node.step == "display", let d = binding?.display { return d }
            return "Not recorded"
        case "uri": return node.step == "system" ? (binding?.system ?? "http://snomed.info/sct") : "urn:uuid:00000000-0000-4000-8000-000000000000"
        case "boolean": return "false"
        case "dateTime": return context.time.dateTime
        case "instant": return context.time.dateTime
        case "date": return context.time.date
        case "time": return "09:30:00"
        case "decimal", "integer", "positiveInt": return "1"
        case "unsignedInt": return "0"
        case "id": return "synthetic-1"
        case "oid": return "urn:oid:2.16.840.1.113883.2.1.4.1"
        case "base64Binary": return "AA=="
        default: return nil
        }
    }

    // MARK: - Fixed and pattern values

    private func fixedValue(_ node: SnapshotNode) -> Element? { node.record.fixed?.element }
    private func patternValue(_ node: SnapshotNode) -> Element? { node.record.pattern?.element }
}
