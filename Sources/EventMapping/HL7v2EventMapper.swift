import HL7v2

/// What one HL7 v2 message gave: the event messages mapped from it, the errors of the items that
/// could not be mapped, what it had that no mapping field read, and the errors its ACK reports.
public struct HL7v2MappingResult: Sendable {
    /// The message mapped.
    public var message: HL7v2Message
    /// The mapping that applied, nil when none did.
    public var mapping: MappingDefinition?
    /// One event message per item mapped (one for most messages; one per RXA of a VXU…).
    public var mapped: [MappedMessage]
    /// Why the message, or some of its items, could not be mapped.
    public var errors: [MappingError]
    /// Full leaf paths (`PID-3[1].4.1`) of every populated position that no field read, in message order.
    public var unusedPositions: [String]
    /// The errors for the message's ACK (empty: AA).
    public var acknowledgementErrors: [HL7v2AckError]
}

/// Maps HL7 v2 messages with the `hl7v2` mapping files: picks the file whose `when:` conditions
/// hold, splits the message into items by its `each:` group, and runs ``EventMappingEngine`` on
/// each. Nothing here knows a segment or an event: that is all in the files.
///
/// Not thread-safe (the engine caches); use one per thread.
public final class HL7v2EventMapper {
    /// The engine, over the `hl7v2` mapping files.
    public let engine: EventMappingEngine
    private let selectors = HL7v2SelectorCache()

    /// A mapper running `engine`'s mappings (of kind `hl7v2`).
    public init(engine: EventMappingEngine) { self.engine = engine }

    /// Maps one message; `input` names where it came from (a file, `<stdin>`).
    public func map(_ message: HL7v2Message, input: String) -> HL7v2MappingResult {
        var location = "\(input): message \(message.index + 1)"
        if let id = message.controlID { location += " (MSH-10 \(id))" }
        let whole = HL7v2MessageSource(message: message, location: location, selectors: selectors)
        var result = HL7v2MappingResult(message: message, mapping: nil, mapped: [], errors: [], unusedPositions: [],
                                        acknowledgementErrors: [])
        // A message the reader could not read properly (no usable MSH, an unsupported version) is not mapped.
        let readingErrors = message.issues.filter { $0.severity >= .error }
        if !readingErrors.isEmpty {
            result.errors = readingErrors.map {
                MappingError(location: location, message: "\($0.location.path.map { $0 + ": " } ?? "")\($0.message) (\($0.rule.rawValue))",
                             missingFields: [], kind: .unsupported)
            }
            result.acknowledgementErrors = message.issues.map(HL7v2AckError.init)
            result.unusedPositions = whole.presentPositions
            return result
        }
        var used: Set<String> = []
        guard let mapping = chooseMapping(whole, marking: &used) else {
            let (error, ack) = unsupported(message, location)
            result.errors = [error]
            result.acknowledgementErrors = [ack]
            result.unusedPositions = whole.presentPositions.filter { !used.contains($0) }
            return result
        }
        result.mapping = mapping
        var items: [(segments: [Int]?, label: String)] = [(nil, "")]
        if let group = mapping.group {
            let split = group.items(segmentIDs: message.segments.map(\.id))
            items = split.enumerated().map { ($1, ", \(group.anchor) \($0 + 1)") }
            if items.isEmpty {
                result.errors = [MappingError(location: location, message: "\(mapping.name): no \(group.anchor) segment: nothing to map",
                                              missingFields: [group.anchor], kind: .missing)]
                result.acknowledgementErrors = [HL7v2AckError(.segmentSequenceError, at: HL7v2Path(segment: group.anchor),
                                                              text: "no \(group.anchor) segment")]
            }
        }
        for item in items {
            let source = HL7v2MessageSource(message: message, segments: item.segments, location: location + item.label, selectors: selectors)
            do {
                let mapped = try engine.message(from: source, mapping: mapping)
                used.formUnion(mapped.usedPositions)
                result.mapped.append(mapped)
            } catch let error as MappingError {
                result.errors.append(error)
                result.acknowledgementErrors.append(acknowledgementError(error))
            } catch {
                result.errors.append(MappingError(location: source.location, message: "\(error)", missingFields: []))
                result.acknowledgementErrors.append(HL7v2AckError(.applicationError, text: "\(error)"))
            }
        }
        result.unusedPositions = whole.presentPositions.filter { !used.contains($0) }
        return result
    }

    /// The first mapping (in file-name order) whose conditions all hold; the positions the
    /// conditions read are marked used.
    private func chooseMapping(_ source: HL7v2MessageSource, marking used: inout Set<String>) -> MappingDefinition? {
        for mapping in engine.mappings.mappings where !mapping.conditions.isEmpty {
            var read: [String] = []
            let holds = mapping.conditions.allSatisfy { condition in
                let value = source.value(at: condition.source)
                read += value?.positions ?? []
                return condition.holds(for: value?.text)
            }
            if holds {
                used.formUnion(read)
                return mapping
            }
        }
        return nil
    }

    /// The error of a message no mapping applies to: AR 200 when no mapping reads its message
    /// type (MSH-9.1), AR 201 when none reads its trigger event, else AE 207 naming the conditions.
    private func unsupported(_ message: HL7v2Message, _ location: String) -> (MappingError, HL7v2AckError) {
        let type = "\(message.messageCode ?? "")^\(message.triggerEvent ?? "")"
        func accepted(_ path: String) -> Set<String> {
            Set(engine.mappings.mappings.flatMap { $0.conditions.filter { $0.source == path && !$0.negated }.flatMap(\.values) })
        }
        let text: String
        let ack: HL7v2AckError
        if !accepted("MSH-9.1").contains(message.messageCode ?? "") {
            text = "no HL7 v2 mapping for message type \(type) (MSH-9.1 '\(message.messageCode ?? "")')"
            ack = HL7v2AckError(.unsupportedMessageType, at: "MSH-9.1", text: text)
        } else if !accepted("MSH-9.2").contains(message.triggerEvent ?? "") {
            text = "no HL7 v2 mapping for trigger event \(type) (MSH-9.2 '\(message.triggerEvent ?? "")')"
            ack = HL7v2AckError(.unsupportedEventCode, at: "MSH-9.2", text: text)
        } else {
            let tried = engine.mappings.mappings.filter { $0.conditions.contains { c in c.source == "MSH-9.2" && c.values.contains(message.triggerEvent ?? "") } }
            let conditions = tried.map { m in
                m.name + " (" + m.conditions.map { "\($0.source) \($0.negated ? "not " : "")\($0.values.joined(separator: "/"))" }.joined(separator: ", ") + ")"
            }
            text = "\(type): no mapping's conditions hold; tried \(conditions.joined(separator: "; "))"
            ack = HL7v2AckError(.applicationError, at: "MSH-9", text: text)
        }
        return (MappingError(location: location, message: text, missingFields: [], kind: .unsupported), ack)
    }

    /// The ACK error of a mapping error: 101 for a missing value, 102 for a malformed one, 103 for
    /// a code outside the mapping's table, 207 otherwise; at the field's first alternative.
    private func acknowledgementError(_ error: MappingError) -> HL7v2AckError {
        let field = error.kind == .missing ? error.missingFields.first : error.faultyField
        let path = field.flatMap { selectors.selector($0)?.errorLocation }
        let code: HL7v2ErrorCode
        switch error.kind {
        case .missing: code = .requiredFieldMissing
        case .badValue: code = .dataTypeError
        case .unknownCode: code = .tableValueNotFound
        case .unsupported: code = .unsupportedEventCode
        case .other: code = .applicationError
        }
        return HL7v2AckError(code, at: path, text: error.message)
    }
}
