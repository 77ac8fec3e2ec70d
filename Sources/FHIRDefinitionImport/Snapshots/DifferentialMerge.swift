import FHIRModel
import FHIRDefinitions

/// Lays one differential ElementDefinition over the snapshot element it constrains, property by
/// property, as the FHIR profiling rules say (profiling.html, "Snapshot generation"): what the
/// differential states replaces the base's value, lists that accumulate (constraints, conditions,
/// codes, aliases, mappings, examples) gain the new items, and `binding` and `slicing` merge field by
/// field. What narrows wrongly (a lower `min`, a higher `max`, a type the base does not allow) is
/// kept as the differential says, as the HL7 generator does, and reported.
enum DifferentialMerge {
    /// ElementDefinition properties in the order R4 defines them (choice properties by their stem):
    /// the merged element keeps this order, so it reads as a published snapshot does.
    static let propertyOrder: [String] = [
        "extension", "modifierExtension", "path", "representation", "sliceName", "sliceIsConstraining", "label", "code",
        "slicing", "short", "definition", "comment", "requirements", "alias", "min", "max", "base", "contentReference",
        "type", "defaultValue", "meaningWhenMissing", "orderMeaning", "fixed", "pattern", "example", "minValue", "maxValue",
        "maxLength", "condition", "constraint", "mustSupport", "isModifier", "isModifierReason", "isSummary", "binding", "mapping",
    ]
    /// Choice properties (`fixedUri`, `patternCodeableConcept`…): one value, whatever its type.
    static let choiceStems: [String] = ["defaultValue", "fixed", "pattern", "minValue", "maxValue"]
    /// Lists the differential adds to rather than replaces.
    static let accumulating: Set<String> = ["constraint", "condition", "code", "alias", "mapping", "example"]
    /// Properties of the base that a derived element keeps whatever its differential says.
    static let kept: Set<String> = ["id", "path", "base"]

    /// `target` with `diff` laid over it; problems go to `issues`, each naming `profile` and `elementId`.
    static func merge(_ diff: Element, onto target: Element, profile: String, elementId: String, issues: inout [Issue]) -> Element {
        var result = target
        checkNarrowing(diff, base: target, profile: profile, elementId: elementId, issues: &issues)
        var done = Set<String>()
        for property in diff.children where !done.contains(property.name) && !kept.contains(property.name) {
            done.insert(property.name)
            let values = diff.children(named: property.name)
            let name = property.name
            if let stem = choiceStems.first(where: { isChoice(name, of: $0) }) {
                result.children.removeAll { isChoice($0.name, of: stem) }
                result.children += values
            } else if name == "binding" || name == "slicing" {
                result.children = replacing(name, in: result.children,
                                            with: [fieldwise(property, onto: result.child(name))])
            } else if name == "extension" {
                // An extension of the same URL is replaced (a newer `translatable`, `obligation`…).
                let urls = Set(values.compactMap(\.url))
                result.children.removeAll { $0.name == name && $0.url.map(urls.contains) == true }
                result.children += values
            } else if name == "constraint" {
                // A constraint of an existing key replaces it; HL7's generator does the same.
                let keys = Set(values.compactMap { $0.child("key")?.value })
                result.children.removeAll { $0.name == name && $0.child("key")?.value.map(keys.contains) == true }
                result.children += values
            } else if accumulating.contains(name) {
                let present = result.children(named: name)
                result.children += values.filter { v in !present.contains { same($0, v) } }
            } else {
                result.children = replacing(name, in: result.children, with: values)
            }
        }
        result.children = ordered(result.children)
        return result
    }

    /// `diff`'s fields replace `base`'s one by one (a `binding` that changes only its strength keeps
    /// the value set; a `slicing` that adds only `rules` keeps the discriminators).
    static func fieldwise(_ diff: Element, onto base: Element?) -> Element {
        guard var merged = base else { return diff }
        var done = Set<String>()
        for field in diff.children where !done.contains(field.name) {
            done.insert(field.name)
            merged.children = replacing(field.name, in: merged.children, with: diff.children(named: field.name))
        }
        return merged
    }

    /// Reports a differential that widens what its base allows (the snapshot keeps what the differential says).
    private static func checkNarrowing(_ diff: Element, base: Element, profile: String, elementId: String, issues: inout [Issue]) {
        func report(_ message: String) {
            issues.append(Issue(.warning, .invalid, rule: DefinitionRule.importSnapshotLoosened.rawValue,
                                "\(profile): \(message)", path: elementId))
        }
        if let min = diff.child("min")?.value.flatMap(Int.init), let baseMin = base.child("min")?.value.flatMap(Int.init), min < baseMin {
            report("min \(min) is below the base's \(baseMin)")
        }
        if let max = diff.child("max")?.value, let baseMax = base.child("max")?.value, cardinality(max) > cardinality(baseMax) {
            report("max \(max) is above the base's \(baseMax)")
        }
        // R4 types `Element.id`, `Extension.url`… with a FHIRPath system type and names the FHIR type
        // in an extension: a differential states the FHIR type (`uri`).
        let baseCodes = Set(base.children(named: "type").flatMap { t -> [String] in
            let fhirType = t.extensions(url: StructureImporter.fhirTypeExtension).compactMap { $0.string("valueUrl") ?? $0.string("valueUri") }
            return (t.child("code")?.value).map { [$0] + fhirType } ?? fhirType
        })
        let open: Set<String> = ["*", "Element", "BackboneElement", "Resource", "DomainResource"]
        if !baseCodes.isEmpty, baseCodes.isDisjoint(with: open) {
            for code in diff.children(named: "type").compactMap({ $0.child("code")?.value }) where !baseCodes.contains(code) {
                report("type \(code) is not one of the base's (\(baseCodes.sorted().joined(separator: ", ")))")
            }
        }
    }

    /// `element` with its `name` properties replaced by `values` (none removes them), in ElementDefinition order.
    static func setting(_ name: String, to values: [Element], in element: Element) -> Element {
        var result = element
        result.children = ordered(replacing(name, in: result.children, with: values))
        return result
    }

    private static func cardinality(_ max: String) -> Int { max == "*" ? Int.max : Int(max) ?? Int.max }

    /// True for `name` = `stem` followed by a type name (`fixedUri` of `fixed`).
    static func isChoice(_ name: String, of stem: String) -> Bool {
        name.count > stem.count && name.hasPrefix(stem) && name[name.index(name.startIndex, offsetBy: stem.count)].isUppercase
    }

    /// The children with every `name` replaced by `values`, where the first of them stood (else at the end).
    private static func replacing(_ name: String, in children: [Element], with values: [Element]) -> [Element] {
        guard let at = children.firstIndex(where: { $0.name == name }) else { return children + values }
        var result = children.filter { $0.name != name }
        result.insert(contentsOf: values, at: min(at, result.count))
        return result
    }

    /// Children in ElementDefinition order (a stable sort: repeats keep their order).
    private static func ordered(_ children: [Element]) -> [Element] {
        func rank(_ name: String) -> Int {
            if let k = propertyOrder.firstIndex(of: name) { return k }
            if let stem = choiceStems.first(where: { isChoice(name, of: $0) }) { return propertyOrder.firstIndex(of: stem)! }
            return propertyOrder.count
        }
        return children.enumerated().sorted { a, b in
            let ra = rank(a.element.name), rb = rank(b.element.name)
            return ra != rb ? ra < rb : a.offset < b.offset
        }.map(\.element)
    }

    /// Equal content, wherever it was read from.
    private static func same(_ a: Element, _ b: Element) -> Bool {
        a.name == b.name && a.value == b.value && a.url == b.url && a.children.count == b.children.count
            && zip(a.children, b.children).allSatisfy { same($0, $1) }
    }
}
