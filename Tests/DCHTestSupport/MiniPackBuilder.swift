import Foundation
import FHIRDefinitions

/// A small definition pack for codec tests, written with the real ``DefinitionPackWriter`` so that
/// those tests run without the generated `Schemas/`. A test target lists its records with the
/// helpers below and opens them once with ``makePack()``.
public protocol MiniPackDefinition {
    /// Names the pack's temporary folder and any failure to build it.
    static var label: String { get }
    /// The StructureDefinitions of the pack.
    static func records() -> [StructureRecord]
}

extension MiniPackDefinition {
    /// One element: `max` `"1"` by default, no types for a root; `attribute` marks an XML attribute
    /// (`id`, `value`, `url`), which the codecs do not treat as a child; `baseMax` as a profile sets it.
    public static func element(_ path: String, _ max: String = "1", _ types: [String] = [], attribute: Bool = false,
                               baseMax: String? = nil) -> ElementRecord {
        ElementRecord(path: path, min: 0, max: max, baseMax: baseMax,
                      types: types.isEmpty ? nil : types.map { TypeRecord(code: $0) },
                      xmlAttribute: attribute ? true : nil)
    }

    /// A core StructureDefinition: the root element `type`, then `elements`.
    public static func structure(_ type: String, _ kind: String, _ elements: [ElementRecord]) -> StructureRecord {
        StructureRecord(url: DefinitionPack.coreStructurePrefix + type, name: type, type: type, kind: kind,
                        elements: [element(type, "*")] + elements)
    }

    /// A primitive type: `id` (attribute), `extension`, `value` (attribute).
    public static func primitive(_ type: String) -> StructureRecord {
        structure(type, "primitive-type", [
            element("\(type).id", "1", ["string"], attribute: true),
            element("\(type).extension", "*", ["Extension"]),
            element("\(type).value", "1", [type], attribute: true),
        ])
    }

    /// A complex datatype: `id` (attribute), `extension`, then `own` (full paths).
    public static func complex(_ type: String, _ own: [ElementRecord]) -> StructureRecord {
        structure(type, "complex-type", [
            element("\(type).id", "1", ["string"], attribute: true),
            element("\(type).extension", "*", ["Extension"]),
        ] + own)
    }

    /// Writes ``records()`` as a pack into a temporary folder of this process (removed when the
    /// process exits: the pack reads its files lazily) and opens it. A failure stops the tests.
    public static func makePack() -> DefinitionPack {
        _ = miniPackFoldersRemovedAtExit
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("dch-\(label)-minipack-\(ProcessInfo.processInfo.processIdentifier)")
        var writer = DefinitionPackWriter()
        do {
            for record in records() { try writer.add(record, file: "core.ndjson") }
            try writer.write(to: dir)
            return try DefinitionPack(directory: dir)
        } catch {
            fatalError("\(label) mini pack: \(error)")
        }
    }
}

/// Registers, once, the removal of this process's mini pack folders when it exits.
private let miniPackFoldersRemovedAtExit: Void = {
    atexit {
        let fm = FileManager.default
        let suffix = "-minipack-\(ProcessInfo.processInfo.processIdentifier)"
        let names = (try? fm.contentsOfDirectory(atPath: fm.temporaryDirectory.path)) ?? []
        for name in names where name.hasPrefix("dch-") && name.hasSuffix(suffix) {
            try? fm.removeItem(at: fm.temporaryDirectory.appendingPathComponent(name))
        }
    }
}()
