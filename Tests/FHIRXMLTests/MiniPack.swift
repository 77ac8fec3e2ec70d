import FHIRDefinitions
import DCHTestSupport

/// A tiny definition pack: enough of Patient, Bundle, HumanName, Extension, Narrative and a few
/// primitives to test definition order without the shipped pack.
enum MiniPack: MiniPackDefinition {
    static let label = "xml"
    static let shared = makePack()

    static func records() -> [StructureRecord] {
        ["string", "code", "id", "uri", "date", "boolean", "decimal", "xhtml"].map(primitive) + [
            complex("Extension", [
                element("Extension.url", "1", ["uri"], attribute: true),
                element("Extension.value[x]", "1", ["string", "code", "boolean", "Quantity"]),
            ]),
            complex("HumanName", [
                element("HumanName.use", "1", ["code"]),
                element("HumanName.family", "1", ["string"]),
                element("HumanName.given", "*", ["string"]),
            ]),
            complex("Quantity", [
                element("Quantity.value", "1", ["decimal"]),
                element("Quantity.unit", "1", ["string"]),
            ]),
            complex("Narrative", [
                element("Narrative.status", "1", ["code"]),
                element("Narrative.div", "1", ["xhtml"]),
            ]),
            structure("Patient", "resource", [
                element("Patient.id", "1", ["id"]),
                element("Patient.text", "1", ["Narrative"]),
                element("Patient.contained", "*", ["Resource"]),
                element("Patient.extension", "*", ["Extension"]),
                element("Patient.modifierExtension", "*", ["Extension"]),
                element("Patient.active", "1", ["boolean"]),
                element("Patient.name", "*", ["HumanName"]),
                element("Patient.gender", "1", ["code"]),
                element("Patient.birthDate", "1", ["date"]),
                element("Patient.contact", "*", ["BackboneElement"]),
                element("Patient.contact.id", "1", ["string"], attribute: true),
                element("Patient.contact.extension", "*", ["Extension"]),
                element("Patient.contact.modifierExtension", "*", ["Extension"]),
                element("Patient.contact.name", "1", ["HumanName"]),
                element("Patient.contact.gender", "1", ["code"]),
            ]),
            structure("Medication", "resource", [
                element("Medication.id", "1", ["id"]),
                element("Medication.text", "1", ["Narrative"]),
                element("Medication.contained", "*", ["Resource"]),
                element("Medication.extension", "*", ["Extension"]),
                element("Medication.isBrand", "1", ["boolean"]),
            ]),
            structure("Bundle", "resource", [
                element("Bundle.id", "1", ["id"]),
                element("Bundle.type", "1", ["code"]),
                element("Bundle.entry", "*", ["BackboneElement"]),
                element("Bundle.entry.id", "1", ["string"], attribute: true),
                element("Bundle.entry.extension", "*", ["Extension"]),
                element("Bundle.entry.fullUrl", "1", ["uri"]),
                element("Bundle.entry.resource", "1", ["Resource"]),
            ]),
        ]
    }
}
