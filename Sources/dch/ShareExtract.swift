import Foundation
import FHIRModel
import FHIRDefinitions
import ChildHealthEvents
import EventMapping
import LawfulSharing

/// One CSV row of a shared message: the layout (its event's mapping) and the cells.
struct ExtractedRow: Sendable {
    let mapping: MappingDefinition
    let cells: [String]
}

/// `dch share --to csv` on one worker thread: reads each shared message's row with the CSV
/// mappings (`dch map --to csv`), then applies the policy's `extract:` setting. The row is read
/// from the shared message, never from the input, so what the policy removed cannot reach it.
///
/// The mapping engine caches as it builds and is not thread-safe: each worker has its own
/// extractor and no other thread touches it (hence the unchecked conformance).
final class SharedRowExtractor: @unchecked Sendable {
    private let engine: EventMappingEngine
    private let filters: [String: ExtractRowFilter]
    private let transforms: KeyedTransforms

    /// An extractor over `pack` (the worker's own) with the CSV mappings of `folder` (else the shipped ones).
    init(pack: DefinitionPack, events: EventCatalogue, mappingsFolder: String?, identifiers: ExtractIdentifiers, key: SharingKey) throws {
        engine = try EventMappingEngine(kind: "csv", folder: mappingsFolder.map { URL(fileURLWithPath: $0) }, pack: pack, events: events)
        var filters: [String: ExtractRowFilter] = [:]
        for mapping in engine.mappings.mappings {
            filters[mapping.name] = ExtractRowFilter(columns: mapping.columns, identifiers: identifiers)
        }
        self.filters = filters
        transforms = KeyedTransforms(key: key)
    }

    /// The row of `shared`, the policy's output of `input`. The layout is the input's event's
    /// (the policy may have removed the event code from the output).
    /// - Throws: ``UnmappedEvent`` when no mapping covers the event, `MappingError` when a read fails.
    func row(input: Element, shared: Element, location: String) throws -> ExtractedRow {
        guard let mapping = engine.mapping(for: input) else {
            let code = EventMappingEngine.eventCoding(of: input)?.code ?? "none"
            throw UnmappedEvent(description: "\(location): error: no CSV mapping for event '\(code)'; mapped events: \(engine.mappings.eventCodes.joined(separator: ", "))")
        }
        var cells = try engine.record(of: shared, mapping: mapping, location: location)
        if let filter = filters[mapping.name], filter.identifiers != .asShared {
            let compared = filter.comparedColumns.isEmpty ? []
                : try engine.record(of: input, mapping: mapping, location: location, fields: filter.comparedColumns)
            filter.filter(&cells, inputRow: compared, shared: shared, transforms: transforms)
        }
        return ExtractedRow(mapping: mapping, cells: cells)
    }
}

/// A shared message whose event no CSV mapping covers (the diagnostic names only the event code).
struct UnmappedEvent: Error, CustomStringConvertible {
    let description: String
}
