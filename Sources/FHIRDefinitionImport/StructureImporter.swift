import FHIRModel
import FHIRDefinitions
import FHIRXML

/// Turns one StructureDefinition (as an untyped tree from either codec) into a pack record.
struct StructureImporter {
    static let jsonTypeExtension = "http://hl7.org/fhir/StructureDefinition/structuredefinition-json-type"
    static let regexExtension = "http://hl7.org/fhir/StructureDefinition/structuredefinition-regex"


    func record(from sd: Element, source: String) throws -> StructureRecord {
        guard let url = sd.string("url"), let type = sd.string("type") ?? sd.string("name"),
              let kind = sd.string("kind") else {
            throw IssuesError(Issue(.error, .required, rule: DefinitionRule.importIncomplete,
                "StructureDefinition lacks url, type or kind", file: source))
        }
        guard let snapshot = sd.child("snapshot") else {
            throw IssuesError(Issue(.error, .required, rule: DefinitionRule.importNoSnapshot,
                "StructureDefinition \(url) has no snapshot; dch imports snapshots only", file: source))
        }
        var constraints = ConstraintTable()
        let elements = try snapshot.children(named: "element").map { try element($0, source: source, constraints: &constraints) }
        var record = StructureRecord(
            url: url, name: sd.string("name") ?? type, type: type, kind: kind,
            abstract: sd.bool("abstract") == true ? true : nil,
            derivation: sd.string("derivation"), baseDefinition: sd.string("baseDefinition"),
            elements: elements, constraints: constraints.list.isEmpty ? nil : constraints.list)
        if kind == "primitive-type" {
            let valueElement = snapshot.children(named: "element").first { $0.string("path") == "\(type).value" }
            let valueType = valueElement?.child("type")
            record.jsonKind = valueType?.child("code")?.extensions(url: Self.jsonTypeExtension).first?.string("valueString")
                ?? JSONKind.ofPrimitive(type)?.rawValue
            record.regex = valueType?.extensions(url: Self.regexExtension).first?.string("valueString")
        }
        return record
    }

    private func element(_ e: Element, source: String, constraints table: inout ConstraintTable) throws -> ElementRecord {
        guard let path = e.string("path") else {
            throw IssuesError(Issue(.error, .required, rule: DefinitionRule.importIncomplete,
                "snapshot element without path", position: e.position, file: source))
        }
        let id = e.id ?? e.string("id")
        var record = ElementRecord(path: path, min: e.int("min") ?? 0, max: e.string("max") ?? "*")
        if let id, id != path { record.id = id }
        record.sliceName = e.string("sliceName")
        if let baseMax = e.child("base")?.string("max"), baseMax != record.max { record.baseMax = baseMax }
        let types = e.children(named: "type").compactMap { t -> TypeRecord? in
            guard let code = t.string("code") else { return nil }
            let aggregation = t.children(named: "aggregation").compactMap(\.value)
            return TypeRecord(code: code, profile: t.string("profile"), targetProfile: t.string("targetProfile"),
                              aggregation: aggregation.isEmpty ? nil : aggregation)
        }
        if !types.isEmpty { record.types = types }
        record.contentReference = e.string("contentReference")
        if let fixed = e.choice("fixed") { record.fixed = FixedValue(fixed) }
        if let pattern = e.choice("pattern") { record.pattern = FixedValue(pattern) }
        if let b = e.child("binding"), let strength = b.string("strength") {
            let valueSet = b.child("valueSetReference")?.string("reference") ?? b.string("valueSetUri")
            record.binding = BindingRecord(strength: strength, valueSet: valueSet)
        }
        if let s = e.child("slicing") {
            let discriminators = s.children(named: "discriminator").compactMap { d -> DiscriminatorRecord? in
                guard let type = d.string("type"), let path = d.string("path") else { return nil }
                return DiscriminatorRecord(type: type, path: path)
            }
            record.slicing = SlicingRecord(discriminators: discriminators.isEmpty ? nil : discriminators,
                                           ordered: s.bool("ordered"), rules: s.string("rules") ?? "open")
        }
        let constraints = e.children(named: "constraint").compactMap { c -> ConstraintRecord? in
            guard let key = c.string("key") else { return nil }
            return ConstraintRecord(key: key, severity: c.string("severity") ?? "error",
                                    human: c.string("human") ?? "", expression: c.string("expression"))
        }
        if !constraints.isEmpty { record.constraintIndices = constraints.map { table.index(of: $0) } }
        let conditions = e.children(named: "condition").compactMap(\.value)
        if !conditions.isEmpty { record.conditions = conditions }
        if e.bool("isModifier") == true { record.isModifier = true }
        if e.bool("mustSupport") == true { record.mustSupport = true }
        if e.children(named: "representation").contains(where: { $0.value == "xmlAttr" }) { record.xmlAttribute = true }
        record.maxLength = e.int("maxLength")
        return record
    }

}

/// The distinct constraints of one snapshot, each stored once.
private struct ConstraintTable {
    private(set) var list: [ConstraintRecord] = []
    private var positions: [ConstraintRecord: Int] = [:]

    mutating func index(of constraint: ConstraintRecord) -> Int {
        if let i = positions[constraint] { return i }
        positions[constraint] = list.count
        list.append(constraint)
        return list.count - 1
    }
}
