import Foundation
import FHIRDefinitions

/// A tiny definition pack written with the real pack writer: enough of Patient, Bundle, HumanName,
/// Extension, Narrative and a few primitives to test definition order without the shipped pack.
enum MiniPack {
    static let shared: DefinitionPack = {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("dch-xml-minipack-\(ProcessInfo.processInfo.processIdentifier)")
        var writer = DefinitionPackWriter()
        do {
            for record in records() { try writer.add(record, file: "core.ndjson") }
            try writer.write(to: dir)
            let pack = try DefinitionPack(directory: dir)
            // Map the one data file now, then remove the folder (the mapping outlives the unlink).
            _ = try pack.type(named: "Patient")
            try? FileManager.default.removeItem(at: dir)
            return pack
        } catch {
            fatalError("mini pack: \(error)")
        }
    }()

    private static func el(_ path: String, _ max: String = "1", _ types: [String] = [], attribute: Bool = false) -> ElementRecord {
        ElementRecord(path: path, min: 0, max: max, types: types.isEmpty ? nil : types.map { TypeRecord(code: $0) },
                      xmlAttribute: attribute ? true : nil)
    }

    private static func structure(_ type: String, _ kind: String, _ elements: [ElementRecord]) -> StructureRecord {
        StructureRecord(url: DefinitionPack.coreStructurePrefix + type, name: type, type: type, kind: kind,
                        elements: [el(type)] + elements)
    }

    private static func primitive(_ type: String) -> StructureRecord {
        structure(type, "primitive-type", [
            el("\(type).id", "1", ["string"], attribute: true),
            el("\(type).extension", "*", ["Extension"]),
            el("\(type).value", "1", [type], attribute: true),
        ])
    }

    /// `id`, `extension` (and for backbone/resources `modifierExtension`) then `own`.
    private static func complex(_ type: String, _ own: [ElementRecord]) -> StructureRecord {
        structure(type, "complex-type", [el("\(type).id", "1", ["string"], attribute: true),
                                         el("\(type).extension", "*", ["Extension"])] + own)
    }

    static func records() -> [StructureRecord] {
        ["string", "code", "id", "uri", "date", "boolean", "decimal", "xhtml"].map(primitive) + [
            complex("Extension", [
                el("Extension.url", "1", ["uri"], attribute: true),
                el("Extension.value[x]", "1", ["string", "code", "boolean", "Quantity"]),
            ]),
            complex("HumanName", [
                el("HumanName.use", "1", ["code"]),
                el("HumanName.family", "1", ["string"]),
                el("HumanName.given", "*", ["string"]),
            ]),
            complex("Quantity", [
                el("Quantity.value", "1", ["decimal"]),
                el("Quantity.unit", "1", ["string"]),
            ]),
            complex("Narrative", [
                el("Narrative.status", "1", ["code"]),
                el("Narrative.div", "1", ["xhtml"]),
            ]),
            structure("Patient", "resource", [
                el("Patient.id", "1", ["id"]),
                el("Patient.text", "1", ["Narrative"]),
                el("Patient.contained", "*", ["Resource"]),
                el("Patient.extension", "*", ["Extension"]),
                el("Patient.modifierExtension", "*", ["Extension"]),
                el("Patient.active", "1", ["boolean"]),
                el("Patient.name", "*", ["HumanName"]),
                el("Patient.gender", "1", ["code"]),
                el("Patient.birthDate", "1", ["date"]),
                el("Patient.contact", "*", ["BackboneElement"]),
                el("Patient.contact.id", "1", ["string"], attribute: true),
                el("Patient.contact.extension", "*", ["Extension"]),
                el("Patient.contact.modifierExtension", "*", ["Extension"]),
                el("Patient.contact.name", "1", ["HumanName"]),
                el("Patient.contact.gender", "1", ["code"]),
            ]),
            structure("Medication", "resource", [
                el("Medication.id", "1", ["id"]),
                el("Medication.text", "1", ["Narrative"]),
                el("Medication.contained", "*", ["Resource"]),
                el("Medication.extension", "*", ["Extension"]),
                el("Medication.isBrand", "1", ["boolean"]),
            ]),
            structure("Bundle", "resource", [
                el("Bundle.id", "1", ["id"]),
                el("Bundle.type", "1", ["code"]),
                el("Bundle.entry", "*", ["BackboneElement"]),
                el("Bundle.entry.id", "1", ["string"], attribute: true),
                el("Bundle.entry.extension", "*", ["Extension"]),
                el("Bundle.entry.fullUrl", "1", ["uri"]),
                el("Bundle.entry.resource", "1", ["Resource"]),
            ]),
        ]
    }
}
