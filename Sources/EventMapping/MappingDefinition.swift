import FHIRPath

/// Where a key of a mapping file is: file, line and column (1-based).
public struct MappingFilePosition: Sendable, Hashable, CustomStringConvertible {
    /// The file's path (or its name inside the package's Mappings folder).
    public var file: String
    /// Line, from 1.
    public var line: Int
    /// Column, from 1.
    public var column: Int

    /// `file:line:column`.
    public var description: String { "\(file):\(line):\(column)" }
}

/// One field of a mapping: a source value (a CSV column; an HL7 v2 field), where it goes in the
/// event (``target``), and how it is read back from an event message (``read``).
public struct MappingField: Sendable {
    /// The source path: a CSV column's name, an HL7 v2 path such as `PID-3.1`.
    public var source: String
    /// What the field holds, for the column dictionary (`dch map --describe csv`).
    public var description: String
    /// Where the value goes when a message is built from a record; nil for a field that is only
    /// written (e.g. a postcode district derived from the postcode).
    public var target: MappingTarget?
    /// True when a record without a value here cannot be mapped (the builder's other required
    /// inputs are required anyway).
    public var required: Bool
    /// Functions applied to the source value before it goes to the target.
    public var importTransforms: [ValueTransform]
    /// The FHIRPath expression (on the message Bundle) that reads the value out of an event
    /// message; several items are joined with `|`.
    public var read: FHIRPathExpression?
    /// Functions applied to what ``read`` gives.
    public var exportTransforms: [ValueTransform]
    /// Where the field is written.
    public var position: MappingFilePosition
}

/// A mapping file, loaded and checked: which event it builds, its fields, and the values it
/// fixes or defaults. Run by ``EventMappingEngine``.
public struct MappingDefinition: Sendable {
    /// `csv/vaccinations-1`: the source kind and the file's base name.
    public var name: String
    /// The file it was read from.
    public var file: String
    /// The kind of source records: `csv` or `hl7v2`.
    public var sourceKind: String
    /// `MessageHeader.event.code` of the messages it maps.
    public var eventCode: String
    /// `MessageHeader.event.system`, when the file names one (codes shared by two systems).
    public var eventSystem: String?
    /// What the mapping is for.
    public var description: String
    /// The fields, included fragments' first, in column order.
    public var fields: [MappingField]
    /// Values every message built by this mapping gets, by target (element values only for the
    /// resources some field gives a value to).
    public var fixed: [(target: MappingTarget, value: String)]
    /// Values for targets a record leaves empty.
    public var defaults: [MappingTarget: String]
    /// The builder inputs that neither a field, a fixed value nor a default gives: when not empty,
    /// messages cannot be built from this mapping's records (it maps messages out only).
    public var missingInputs: [String]

    /// When the mapping applies to a record (HL7 v2: `MSH-9.2` is `V04`); every condition must hold.
    /// Empty for CSV mappings, which a row's `event_code` picks.
    public var conditions: [MappingCondition] = []
    /// The repeating group of segments that gives one event each (HL7 v2: one per `RXA`), or nil
    /// for one event per record.
    public var group: MappingGroup?

    /// The profile of each element-value instance that names one (`Observation[apgar]` ->
    /// its profile URL): the `profiles:` section, for events that list several profiles of a type.
    public var instanceProfiles: [String: String] = [:]

    /// The column names, in order (the CSV header).
    public var columns: [String] { fields.map(\.source) }
}

/// A condition of a mapping's `when:` section: the value at a source path is one of ``values``
/// (or, when ``negated``, none of them: an absent value then holds).
public struct MappingCondition: Sendable, Hashable {
    /// The source path (`MSH-9.2`, `PV1-4`).
    public var source: String
    /// The values it may have.
    public var values: [String]
    /// True for `{not: [...]}`.
    public var negated: Bool

    /// True when `value` (nil when the record has none) meets the condition.
    public func holds(for value: String?) -> Bool {
        guard let value else { return negated }
        return values.contains(value) != negated
    }
}

/// A mapping's `each:` section: the record holds several events, one per ``anchor`` segment, with
/// the segments listed in ``before`` that precede it and those in ``after`` that follow it
/// (`{segment: RXA, before: [ORC], after: [RXR, OBX, NTE]}`). The segments before the first group
/// (MSH, PID, PD1, PV1…) belong to every item.
public struct MappingGroup: Sendable, Hashable {
    /// The segment that starts a new item (`RXA`, `OBR`).
    public var anchor: String
    /// Segments of the group written before the anchor (`ORC`).
    public var before: Set<String>
    /// Segments of the group written after the anchor (`RXR`, `OBX`, `NTE`).
    public var after: Set<String>

    /// The items of a message: for each anchor, the indices of the header segments and of its group.
    public func items(segmentIDs ids: [String]) -> [[Int]] {
        guard let first = ids.firstIndex(where: { $0 == anchor || before.contains($0) }) else { return [] }
        let header = Array(0..<first)
        var groups: [[Int]] = []
        var pending: [Int] = []
        for i in first..<ids.count {
            let id = ids[i]
            if id == anchor {
                groups.append(pending + [i])
                pending = []
            } else if before.contains(id) {
                pending.append(i)
            } else if !groups.isEmpty, pending.isEmpty {
                groups[groups.count - 1].append(i)
            } else {
                pending.append(i)
            }
        }
        if !pending.isEmpty, !groups.isEmpty { groups[groups.count - 1] += pending }
        return groups.map { header + $0 }
    }
}
