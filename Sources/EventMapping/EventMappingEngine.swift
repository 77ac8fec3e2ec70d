import Foundation
import FHIRModel
import FHIRDefinitions
import FHIRPath
import ChildHealthEvents
import EventBuilder

/// Why a record or a message cannot be mapped: where, what is wrong, and which source fields
/// were missing.
public struct MappingError: Error, Sendable, CustomStringConvertible {
    /// The record or message (`file.csv: row 4`).
    public var location: String
    /// What is wrong.
    public var message: String
    /// The source fields (CSV columns) whose values were needed and absent.
    public var missingFields: [String]
    /// The source field whose value a transform or the builder refused, when one did.
    public var faultyField: String?
    /// What kind of fault it is, for an HL7 v2 ACK's error code.
    public var kind: Kind = .other

    /// What kind of fault a mapping error is.
    public enum Kind: Sendable, Hashable {
        /// Values the message needs are absent (``MappingError/missingFields``).
        case missing
        /// A value has the wrong form (a date that is no date).
        case badValue
        /// A code is not in the mapping's translation table.
        case unknownCode
        /// No mapping applies to the record (its message type or event).
        case unsupported
        /// Anything else (the builder refused the values).
        case other
    }

    /// `location: error: message`.
    public var description: String { "\(location): error: \(message)" }
}

/// A message built from one source record, with what the record had that the mapping did not use.
public struct MappedMessage: Sendable {
    /// The event message (a Bundle).
    public var message: Element
    /// The event it is a message of.
    public var event: EventDefinition
    /// Positions of the record that hold a value no field of the mapping read, in record order.
    public var unusedPositions: [String]
    /// Positions of the record that fields of the mapping read.
    public var usedPositions: Set<String> = []
}

/// Runs mapping definitions: builds event messages from source records (through
/// `EventMessageBuilder`, so each is a complete event message) and reads messages back into
/// records (through FHIRPath). One engine serves every mapping file; nothing is written per field.
///
/// Not thread-safe (the builder caches); use one per thread.
public final class EventMappingEngine {
    /// The mappings it runs.
    public let mappings: MappingCatalogue
    /// The events they build.
    public let events: EventCatalogue
    private let builder: EventMessageBuilder
    private let fhirpath: FHIRPathEngine
    private let renderer: FHIRPathResultRenderer

    /// The builder inputs a message cannot be built without.
    public static let requiredInputs: [MappingTarget] = [
        .patient(.nhsNumber), .patient(.given), .patient(.family), .patient(.gender), .patient(.birth),
        .sender(.odsCode), .sender(.name), .occurred, .eventIdentifier,
    ]

    /// An engine over the mappings of one source kind, with the pack they build messages from.
    public init(pack: DefinitionPack, events: EventCatalogue, mappings: MappingCatalogue, fhirpath: FHIRPathEngine) {
        self.mappings = mappings
        self.events = events
        self.fhirpath = fhirpath
        builder = EventMessageBuilder(pack: pack)
        renderer = FHIRPathResultRenderer(engine: fhirpath)
    }

    /// Loads the mapping files of `kind` (from `folder`, or the shipped ones) and makes an engine.
    public convenience init(kind: String, folder: URL? = nil, pack: DefinitionPack, events: EventCatalogue) throws {
        let fhirpath = FHIRPathEngine(pack: pack)
        self.init(pack: pack, events: events,
                  mappings: try MappingCatalogue(kind: kind, folder: folder, fhirpath: fhirpath, events: events), fhirpath: fhirpath)
    }

    // MARK: - Records to messages

    /// Builds the event message of one record with `mapping`. Its ids come from the record's
    /// content, so the same record always gives the same message.
    /// - Throws: ``MappingError`` naming the record and the missing or faulty fields.
    public func message(from record: MappingSource, mapping: MappingDefinition) throws -> MappedMessage {
        guard let event = events.event(code: mapping.eventCode, system: mapping.eventSystem) else {
            throw MappingError(location: record.location, message: "event '\(mapping.eventCode)' is not in the catalogue", missingFields: [])
        }
        if !mapping.missingInputs.isEmpty {
            throw MappingError(location: record.location,
                               message: "\(mapping.name) maps \(event.eventCode) messages out only: no field gives \(mapping.missingInputs.joined(separator: ", "))",
                               missingFields: [])
        }
        let (input, used) = try self.input(from: record, mapping: mapping)
        var random = SeededRandom(seed: Self.fingerprint(record.identity, mapping.name))
        let message: Element
        do {
            message = try builder.build(event, input, using: &random)
        } catch let error as EventMessageBuilder.BuildError {
            throw MappingError(location: record.location, message: error.description, missingFields: [])
        }
        let unused = record.presentPositions.filter { !used.contains($0) }
        return MappedMessage(message: message, event: event, unusedPositions: unused, usedPositions: used)
    }

    /// The builder inputs of one record, and the record positions read.
    public func input(from record: MappingSource, mapping: MappingDefinition) throws -> (EventMessageInput, Set<String>) {
        var values: [MappingTarget: String] = [:]
        var sourceOf: [MappingTarget: String] = [:]
        var used: Set<String> = []
        var missingRequired: [String] = []
        for field in mapping.fields {
            let read = record.value(at: field.source)
            if let read { used.formUnion(read.positions) }
            guard let target = field.target else { continue }
            sourceOf[target] = field.source
            var value = read?.text
            do {
                for t in field.importTransforms { value = try t.apply(value, .importing) }
            } catch let failure as ValueTransform.Failure {
                throw MappingError(location: record.location, message: "\(field.source): \(failure.description)", missingFields: [],
                                   faultyField: field.source, kind: failure.isUnknownCode ? .unknownCode : .badValue)
            }
            if let value, !value.isEmpty { values[target] = value } else if field.required { missingRequired.append(field.source) }
        }
        // Fixed element values complete what the record gives: a one-step path goes into a resource
        // a field gave a value to, a longer one into an element (first step) a field gave a value to.
        var givenElements: Set<String> = []
        for t in values.keys { if let a = Self.anchors(t) { givenElements.insert(a.resource); givenElements.insert(a.element) } }
        for (target, value) in mapping.fixed where values[target] == nil {
            if let a = Self.anchors(target), !givenElements.contains(a.element) { continue }
            values[target] = value
        }
        for (target, value) in mapping.defaults where values[target] == nil && !value.isEmpty { values[target] = value }
        let missing = missingRequired + EventMappingEngine.requiredInputs.filter { values[$0] == nil }.map { sourceOf[$0] ?? $0.text }
        if !missing.isEmpty {
            var unique: [String] = []
            for m in missing where !unique.contains(m) { unique.append(m) }
            throw MappingError(location: record.location,
                               message: "cannot build a \(mapping.eventCode) message: no value for \(unique.joined(separator: ", "))",
                               missingFields: unique, kind: .missing)
        }
        return (try MappingInputAssembler(values: values, sourceOf: sourceOf, location: record.location,
                                          instanceProfiles: mapping.instanceProfiles).assemble(), used)
    }

    /// The resource instance an element target writes to and its element (first path step), or
    /// nil for other targets; `element` is the instance itself for a one-step path.
    private static func anchors(_ target: MappingTarget) -> (resource: String, element: String)? {
        switch target {
        case let .elementText(r, i, p), let .elementCoding(r, i, p, _):
            let resource = r + "[" + i + "]"
            let steps = p.split(separator: ".")
            return (resource, steps.count > 1 ? resource + "." + steps[0] : resource)
        default: return nil
        }
    }

    /// FNV-1a over the record and the mapping's name: the seed of the message's ids.
    static func fingerprint(_ bytes: [UInt8], _ name: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes + Array(name.utf8) { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return h
    }

    // MARK: - Messages to records

    /// The event of a message: its `MessageHeader.event` code and system.
    public static func eventCoding(of message: Element) -> (code: String, system: String?)? {
        guard let header = message.children.first(where: { $0.name == "entry" })?
            .children.first(where: { $0.name == "resource" || $0.resourceType != nil }),
              header.resourceType == "MessageHeader" || header.name == "MessageHeader",
              let event = header.children.first(where: { $0.name == "event" }),
              let code = event.children.first(where: { $0.name == "code" })?.value else { return nil }
        return (code, event.children.first(where: { $0.name == "system" })?.value)
    }

    /// The mapping for a message's event, or nil when no mapping file covers it.
    public func mapping(for message: Element) -> MappingDefinition? {
        guard let coding = Self.eventCoding(of: message) else { return nil }
        return mappings.mapping(eventCode: coding.code, system: coding.system)
    }

    /// The record of a message: one value per field of `mapping` (empty where the message has
    /// none), in field order. With `fields`, only the fields at those indexes are read (the
    /// others are empty): a caller that compares a few columns pays for those only.
    /// - Throws: ``MappingError`` when a read expression fails on the message or an export
    ///   transform rejects its value.
    public func record(of message: Element, mapping: MappingDefinition, location: String, fields: Set<Int>? = nil) throws -> [String] {
        let environment = FHIRPathEnvironment(root: message, engine: fhirpath)
        var row: [String] = []
        row.reserveCapacity(mapping.fields.count)
        for (index, field) in mapping.fields.enumerated() {
            var value: String?
            if let read = field.read, fields?.contains(index) ?? true {
                do {
                    let items = try fhirpath.evaluate(read, on: environment.rootElement, in: environment)
                    if !items.isEmpty { value = items.map(text).joined(separator: "|") }
                    for t in field.exportTransforms { value = try t.apply(value, .exporting) }
                } catch let failure as ValueTransform.Failure {
                    throw MappingError(location: location, message: "\(field.source): \(failure.description)", missingFields: [])
                } catch {
                    throw MappingError(location: location, message: "\(field.source): \(field.read?.text ?? ""): \(error)", missingFields: [])
                }
            }
            row.append(value ?? "")
        }
        return row
    }

    /// An item's text: a primitive's lexical value as written, else the FHIRPath rendering.
    private func text(_ value: FHIRPathValue) -> String {
        if case .element(let typed) = value, let v = typed.element.value { return v }
        if case .string(let s) = value { return s }
        return renderer.render(value).text
    }
}
