import FHIRDefinitions
import DCHTestSupport

/// A small definition pack, so the writer tests run without the generated `Schemas/`: enough of
/// Patient, Bundle, Observation and their datatypes to cover arrays, JSON kinds, choices, backbone
/// elements and nested resources.
enum JSONMiniPack: MiniPackDefinition {
    static let label = "json"
    static let shared = makePack()

    /// A datatype: `id`, `extension`, then its own elements (paths relative to the type).
    private static func datatype(_ type: String, _ own: [(String, String, [String])]) -> StructureRecord {
        complex(type, own.map { element("\(type).\($0.0)", $0.1, $0.2) })
    }

    /// A resource: `id, meta, implicitRules, language, text, contained, extension, modifierExtension`,
    /// then its own elements (paths relative to the type; backbone children as `a.b`).
    private static func resource(_ type: String, _ own: [(String, String, [String])]) -> StructureRecord {
        let base: [(String, String, [String])] = [
            ("id", "1", ["id"]), ("meta", "1", ["Meta"]), ("implicitRules", "1", ["uri"]),
            ("language", "1", ["code"]), ("text", "1", ["Narrative"]), ("contained", "*", ["Resource"]),
            ("extension", "*", ["Extension"]), ("modifierExtension", "*", ["Extension"]),
        ]
        return structure(type, "resource", (base + own).map { element("\(type).\($0.0)", $0.1, $0.2) })
    }

    private static func backbone(_ path: String) -> [(String, String, [String])] {
        [("\(path).id", "1", ["string"]), ("\(path).extension", "*", ["Extension"]),
         ("\(path).modifierExtension", "*", ["Extension"])]
    }

    static func records() -> [StructureRecord] {
        var records = ["string", "code", "id", "uri", "date", "dateTime", "instant", "boolean", "decimal", "integer",
                       "positiveInt", "unsignedInt", "markdown", "xhtml"].map(primitive)
        records += [
            datatype("Extension", [("url", "1", ["uri"]),
                                   ("value[x]", "1", ["string", "code", "boolean", "integer", "decimal", "Quantity",
                                                      "CodeableConcept"])]),
            datatype("HumanName", [("use", "1", ["code"]), ("family", "1", ["string"]), ("given", "*", ["string"]),
                                   ("prefix", "*", ["string"])]),
            datatype("Quantity", [("value", "1", ["decimal"]), ("unit", "1", ["string"]), ("system", "1", ["uri"]),
                                  ("code", "1", ["code"])]),
            datatype("Coding", [("system", "1", ["uri"]), ("code", "1", ["code"]), ("display", "1", ["string"])]),
            datatype("CodeableConcept", [("coding", "*", ["Coding"]), ("text", "1", ["string"])]),
            datatype("Identifier", [("system", "1", ["uri"]), ("value", "1", ["string"])]),
            datatype("Reference", [("reference", "1", ["string"]), ("display", "1", ["string"])]),
            datatype("Meta", [("versionId", "1", ["id"]), ("lastUpdated", "1", ["instant"]),
                              ("profile", "*", ["uri"])]),
            datatype("Narrative", [("status", "1", ["code"]), ("div", "1", ["xhtml"])]),
        ]
        // Patient: a backbone `contact`, a choice `multipleBirth[x]`, a profile-tightened array.
        var patient = resource("Patient", [
            ("identifier", "*", ["Identifier"]), ("active", "1", ["boolean"]), ("name", "*", ["HumanName"]),
            ("gender", "1", ["code"]), ("birthDate", "1", ["date"]), ("multipleBirth[x]", "1", ["boolean", "integer"]),
            ("contact", "*", ["BackboneElement"]),
        ] + backbone("contact") + [
            ("contact.name", "1", ["HumanName"]), ("contact.gender", "1", ["code"]),
            ("managingOrganization", "1", ["Reference"]),
        ])
        // A profile may tighten max to 1; arrays still follow the base (F17).
        if let i = patient.elements.firstIndex(where: { $0.path == "Patient.identifier" }) {
            patient.elements[i].max = "1"
            patient.elements[i].baseMax = "*"
        }
        records.append(patient)
        records.append(resource("Bundle", [
            ("type", "1", ["code"]), ("total", "1", ["unsignedInt"]), ("entry", "*", ["BackboneElement"]),
        ] + backbone("entry") + [
            ("entry.fullUrl", "1", ["uri"]), ("entry.resource", "1", ["Resource"]),
            ("entry.request", "1", ["BackboneElement"]),
        ] + backbone("entry.request") + [
            ("entry.request.method", "1", ["code"]), ("entry.request.url", "1", ["uri"]),
        ]))
        records.append(resource("Observation", [
            ("status", "1", ["code"]), ("code", "1", ["CodeableConcept"]), ("subject", "1", ["Reference"]),
            ("value[x]", "1", ["Quantity", "string", "boolean", "integer"]),
            ("component", "*", ["BackboneElement"]),
        ] + backbone("component") + [
            ("component.code", "1", ["CodeableConcept"]), ("component.value[x]", "1", ["Quantity", "string"]),
        ]))
        records.append(resource("Medication", [("code", "1", ["CodeableConcept"])]))
        return records
    }
}
