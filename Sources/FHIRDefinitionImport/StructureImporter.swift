import FHIRModel
import FHIRDefinitions
import FHIRXML

/// Turns one StructureDefinition (as an untyped tree from either codec) into a pack record.
struct StructureImporter {
    static let jsonTypeExtension = "http://hl7.org/fhir/StructureDefinition/structuredefinition-json-type"
    static let regexExtension = "http://hl7.org/fhir/StructureDefinition/structuredefinition-regex"
    /// R4's name for the regex extension on a primitive's value type.
    static let r4RegexExtension = "http://hl7.org/fhir/StructureDefinition/regex"
    /// R4 types `Element.id`, `Extension.url`, `Resource.id` and primitive values with a FHIRPath
    /// system type (`http://hl7.org/fhirpath/System.String`) and names the FHIR type in this extension.
    static let fhirTypeExtension = "http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type"
    static let systemTypePrefix = "http://hl7.org/fhirpath/System."


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
        let elements = try snapshot.children(named: "element").map {
            try element($0, source: source, constraints: &constraints, kind: kind)
        }
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
            record.regex = (valueType?.extensions(url: Self.regexExtension).first
                ?? valueType?.extensions(url: Self.r4RegexExtension).first)?.string("valueString")
        }
        return record
    }

    private func element(_ e: Element, source: String, constraints table: inout ConstraintTable, kind: String) throws -> ElementRecord {
        guard let path = e.string("path") else {
            throw IssuesError(Issue(.error, .required, rule: DefinitionRule.importIncomplete,
                "snapshot element without path", position: e.position, file: source))
        }
        let id = e.id ?? e.string("id")
        var record = ElementRecord(path: path, min: e.int("min") ?? 0, max: e.string("max") ?? "*")
        if let id, id != path { record.id = id }
        record.sliceName = e.string("sliceName")
        if let baseMax = e.child("base")?.string("max"), baseMax != record.max { record.baseMax = baseMax }
        let types = e.children(named: "type").flatMap { t -> [TypeRecord] in
            guard let code = Self.typeCode(t, path: path, kind: kind) else { return [] }
            let aggregation = t.children(named: "aggregation").compactMap(\.value)
            // STU3 has one profile and target per type; R4 lists several (`Reference(Patient|Group)`
            // is one type with two targets): stored as STU3 stores it, one type entry per target.
            let profiles: [String?] = t.children(named: "profile").compactMap(\.value).nilWhenEmpty
            let targets: [String?] = t.children(named: "targetProfile").compactMap(\.value).nilWhenEmpty
            return profiles.flatMap { profile in
                targets.map { target in
                    TypeRecord(code: code, profile: profile, targetProfile: target,
                               aggregation: aggregation.isEmpty ? nil : aggregation)
                }
            }
        }
        if !types.isEmpty { record.types = types }
        record.contentReference = e.string("contentReference")
        if let fixed = e.choice("fixed") { record.fixed = FixedValue(fixed) }
        if let pattern = e.choice("pattern") { record.pattern = FixedValue(pattern) }
        if let b = e.child("binding"), let strength = b.string("strength") {
            // STU3: valueSetReference or valueSetUri; R4: valueSet (a canonical).
            let valueSet = b.child("valueSetReference")?.string("reference") ?? b.string("valueSetUri") ?? b.string("valueSet")
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


    /// The FHIR type code of an element's type. R4 gives `Element.id`, `Extension.url`, `Resource.id`
    /// and primitive values a FHIRPath system type and names the FHIR type in an extension: the FHIR
    /// type is what the codecs and validators need. A primitive's own value has no FHIR type (as in
    /// STU3, where its code is absent). R4 types `Resource.id` as `string` there, while the
    /// specification's Resource page says `id`: it is typed `id`, as in STU3.
    static func typeCode(_ type: Element, path: String, kind: String) -> String? {
        guard let code = type.string("code") else { return nil }
        guard code.hasPrefix(systemTypePrefix) else { return code }
        if kind == "primitive-type" && path.hasSuffix(".value") { return nil }
        let parts = path.split(separator: ".")
        if kind == "resource", parts.count == 2, parts[1] == "id" { return "id" }
        return type.extensions(url: fhirTypeExtension).first.flatMap { $0.string("valueUrl") ?? $0.string("valueUri") } ?? code
    }
}

private extension Array where Element == String {
    /// The items as optionals, or one nil when there are none (for a cross product of choices).
    var nilWhenEmpty: [String?] { isEmpty ? [nil] : map { $0 } }
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
