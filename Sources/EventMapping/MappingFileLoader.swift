import Foundation
import Yams
import YAMLNesting
import FHIRPath
import ChildHealthEvents

/// Why a mapping file cannot be used: the file, line:column and key, and what is wrong.
public struct MappingFileError: Error, Sendable, CustomStringConvertible {
    /// Where the fault is.
    public var position: MappingFilePosition
    /// The key at fault (`fields[3].target`), or empty for the file as a whole.
    public var key: String
    /// What is wrong, for a person.
    public var message: String

    /// `file:line:col: error: key: message`.
    public var description: String { "\(position): error: \(key.isEmpty ? "" : key + ": ")\(message)" }
}

/// Reads mapping files (YAML) into checked ``MappingDefinition``s: every key known, every target
/// one the builder takes, every transform one the engine has, every FHIRPath expression parsed,
/// the event in the catalogue.
struct MappingFileLoader {
    let fhirpath: FHIRPathEngine
    let events: EventCatalogue
    /// Reads an included fragment by its name (relative to the including file's folder).
    let readFragment: (_ name: String, _ from: String) throws -> (text: String, file: String)

    private static let mappingKeys: Set<String> = ["mapping", "source", "event", "eventSystem", "description", "include", "fields", "required", "fixed", "defaults", "profiles", "when", "each"]
    private static let fragmentKeys: Set<String> = ["description", "fields", "defaults"]
    private static let fieldKeys: Set<String> = ["source", "description", "target", "required", "import", "read", "export"]

    /// The fields and defaults of the fragment in `text` (a file that mappings `include:`), read from `file`.
    func loadFragment(_ text: String, file: String) throws -> (fields: [MappingField], defaults: [(target: MappingTarget, value: String)]) {
        let fragment = try compose(text, file: file)
        guard let map = fragment.mapping else { throw fault(fragment, file, "", "a fragment is a YAML mapping") }
        try checkKeys(map, Self.fragmentKeys, file, "")
        return (try fields(map, file), try targetValues(map, "defaults", file))
    }

    /// The mapping in `text`, read from `file`, named `name` (`csv/vaccinations-1`).
    func load(_ text: String, file: String, name: String) throws -> MappingDefinition {
        let root = try compose(text, file: file)
        guard let map = root.mapping else { throw fault(root, file, "", "a mapping file is a YAML mapping (key: value lines)") }
        try checkKeys(map, Self.mappingKeys, file, "")
        let eventCode = try string(map, "event", file, required: true)!
        let eventSystem = try string(map, "eventSystem", file)
        guard events.event(code: eventCode, system: eventSystem) != nil else {
            throw fault(map["event"]!, file, "event", "'\(eventCode)' is not an event of the catalogue (see `dch events`)")
        }
        let sourceKind = try string(map, "source", file) ?? String(name.split(separator: "/").first ?? "csv")
        var fields: [MappingField] = []
        var defaults: [MappingTarget: String] = [:]
        for include in map["include"]?.sequence.map(Array.init) ?? map["include"].map({ [$0] }) ?? [] {
            guard let fragmentName = include.string else { throw fault(include, file, "include", "names a fragment file") }
            let (fragmentText, fragmentFile) = try readFragment(fragmentName, file)
            let fragment = try loadFragment(fragmentText, file: fragmentFile)
            fields += fragment.fields
            defaults.merge(fragment.defaults.map { ($0.target, $0.value) }) { _, b in b }
        }
        fields += try self.fields(map, file)
        try defaults.merge(targetValues(map, "defaults", file).map { ($0.target, $0.value) }) { _, b in b }
        var seen: [String: MappingFilePosition] = [:]
        // A CSV column is one field; an HL7 v2 field may feed several targets (a vaccine code and,
        // through a table, the vaccination procedure).
        for f in fields where sourceKind != "hl7v2" {
            if let first = seen[f.source] {
                throw MappingFileError(position: f.position, key: "fields.source", message: "'\(f.source)' is already a field at \(first)")
            }
            seen[f.source] = f.position
        }
        // `required: [a, b]` makes fields required here that a shared fragment leaves optional.
        if let node = map["required"] {
            for item in node.sequence.map(Array.init) ?? [node] {
                guard let source = item.string, let i = fields.firstIndex(where: { $0.source == source }) else {
                    throw fault(item, file, "required", "'\(item.string ?? "")' is not a field of this mapping")
                }
                fields[i].required = true
            }
        }
        if sourceKind == "hl7v2" {
            // A path that is not an HL7 v2 selector would read nothing on every message: refuse it here.
            for f in fields where HL7v2Selector(f.source) == nil {
                throw MappingFileError(position: f.position, key: "fields.source",
                                       message: "'\(f.source)' is not an HL7 v2 path (SEG[occurrence or field.component=value]-field[repetition or component=value].component.subcomponent, alternatives joined by |)")
            }
        }
        let fixed = try targetValues(map, "fixed", file)
        let given = Set(fields.compactMap(\.target)).union(fixed.map(\.target)).union(defaults.keys)
        let missing = EventMappingEngine.requiredInputs.filter { !given.contains($0) }.map(\.text)
        let event = events.event(code: eventCode, system: eventSystem)!
        return MappingDefinition(name: name, file: file, sourceKind: sourceKind, eventCode: eventCode, eventSystem: eventSystem,
                                 description: try string(map, "description", file) ?? "", fields: fields, fixed: fixed,
                                 defaults: defaults, missingInputs: missing,
                                 conditions: try conditions(map, file), group: try group(map, file),
                                 instanceProfiles: try instanceProfiles(map, file, event: event))
    }

    // MARK: - Parts

    private func fields(_ map: Node.Mapping, _ file: String) throws -> [MappingField] {
        guard let node = map["fields"] else { return [] }
        guard let list = node.sequence else { throw fault(node, file, "fields", "is a list of fields (lines starting with '- ')") }
        var fields: [MappingField] = []
        for (i, item) in list.enumerated() {
            let key = "fields[\(i + 1)]"
            guard let f = item.mapping else { throw fault(item, file, key, "a field is a mapping with source, target, read…") }
            try checkKeys(f, Self.fieldKeys, file, key)
            guard let source = f["source"]?.string, !source.isEmpty else { throw fault(item, file, key + ".source", "is required") }
            var target: MappingTarget?
            if let t = f["target"] {
                guard let text = t.string, let parsed = MappingTarget(text) else {
                    throw fault(t, file, key + ".target", "'\(t.string ?? "")' is not a target; targets: \(MappingTarget.vocabulary)")
                }
                target = parsed
            }
            var read: FHIRPathExpression?
            if let r = f["read"] {
                guard let text = r.string else { throw fault(r, file, key + ".read", "is a FHIRPath expression") }
                switch fhirpath.compile(text) {
                case .success(let e):
                    if let why = e.unsupportedReason { throw fault(r, file, key + ".read", why) }
                    read = e
                case .failure(let error): throw fault(r, file, key + ".read", "FHIRPath: \(error)")
                }
            }
            let mark = item.mark
            fields.append(MappingField(
                source: source, description: f["description"]?.string ?? "", target: target,
                required: f["required"]?.bool ?? false,
                importTransforms: try transforms(f["import"], file, key + ".import"),
                read: read, exportTransforms: try transforms(f["export"], file, key + ".export"),
                position: MappingFilePosition(file: file, line: mark?.line ?? 0, column: mark?.column ?? 0)))
        }
        return fields
    }

    /// `when: {MSH-9.2: [A01, A04], PV1-4: N, PID-30: {not: [Y]}}`.
    private func conditions(_ map: Node.Mapping, _ file: String) throws -> [MappingCondition] {
        guard let node = map["when"] else { return [] }
        guard let m = node.mapping else { throw fault(node, file, "when", "is a mapping of source path: value, [values] or {not: [values]}") }
        return try m.map { k, v in
            guard let source = k.string, !source.isEmpty else { throw fault(k, file, "when", "a condition's key is a source path") }
            var negated = false
            var list = v
            if let inner = v.mapping {
                guard inner.count == 1, let (nk, nv) = inner.first, nk.string == "not" else {
                    throw fault(v, file, "when.\(source)", "is a value, a list of values or {not: [values]}")
                }
                negated = true
                list = nv
            }
            let values = (list.sequence.map(Array.init) ?? [list]).compactMap(\.string)
            guard !values.isEmpty else { throw fault(v, file, "when.\(source)", "names no value") }
            return MappingCondition(source: source, values: values, negated: negated)
        }
    }

    /// `each: {segment: RXA, before: [ORC], after: [RXR, OBX, NTE]}`.
    private func group(_ map: Node.Mapping, _ file: String) throws -> MappingGroup? {
        guard let node = map["each"] else { return nil }
        guard let m = node.mapping else { throw fault(node, file, "each", "is {segment: ID, before: [IDs], after: [IDs]}") }
        try checkKeys(m, ["segment", "before", "after"], file, "each")
        guard let anchor = m["segment"]?.string, anchor.count == 3 else { throw fault(node, file, "each.segment", "is a segment ID (RXA)") }
        func ids(_ key: String) -> Set<String> {
            guard let n = m[key] else { return [] }
            return Set((n.sequence.map(Array.init) ?? [n]).compactMap(\.string))
        }
        return MappingGroup(anchor: anchor, before: ids("before"), after: ids("after"))
    }

    /// `[trim, {date: dd/MM/yyyy}, {translate: {M: male}}]`.
    private func transforms(_ node: Node?, _ file: String, _ key: String) throws -> [ValueTransform] {
        guard let node else { return [] }
        let items = node.sequence.map(Array.init) ?? [node]
        return try items.map { item in
            if let name = item.string {
                switch name {
                case "trim": return .trim
                case "upper": return .upper
                case "lower": return .lower
                case "digits": return .digits
                case "dateOnly": return .dateOnly
                case "utcMinute": return .utcMinute
                case "postcodeDistrict": return .postcodeDistrict
                case "v2DateTime": return .v2DateTime(zone: "Europe/London")
                case "v2Number": return .v2Number
                default: throw fault(item, file, key, "'\(name)' is not a transform without argument; transforms: \(ValueTransform.names.joined(separator: ", "))")
                }
            }
            guard let m = item.mapping, m.count == 1, let (k, v) = m.first, let name = k.string else {
                throw fault(item, file, key, "a transform is a name or one 'name: argument' pair")
            }
            switch name {
            case "date":
                guard let p = v.string, let pattern = DatePattern(p) else { throw fault(v, file, key + ".date", "a pattern with yyyy, MM and dd") }
                return .date(pattern)
            case "translate":
                guard let table = v.mapping else { throw fault(v, file, key + ".translate", "a table of 'from: to' pairs") }
                var pairs: [String: String] = [:]
                var otherwise: String?
                for (a, b) in table {
                    guard let from = a.string, let to = b.string else { throw fault(a, file, key + ".translate", "entries are text: text") }
                    if from == "otherwise" { otherwise = to } else { pairs[from] = to }
                }
                return .translate(pairs, otherwise: otherwise)
            case "scale":
                guard let s = v.string, let d = Decimal(string: s, locale: Locale(identifier: "en_US_POSIX")) else {
                    throw fault(v, file, key + ".scale", "a decimal factor")
                }
                return .scale(d)
            case "default":
                return .defaultValue(v.string ?? "")
            case "v2DateTime":
                guard let zone = v.string, TimeZone(identifier: zone) != nil else {
                    throw fault(v, file, key + ".v2DateTime", "a time zone name (Europe/London, UTC)")
                }
                return .v2DateTime(zone: zone)
            default:
                throw fault(k, file, key, "'\(name)' is not a transform; transforms: \(ValueTransform.names.joined(separator: ", "))")
            }
        }
    }

    /// The `profiles:` section: `Type[instance]: profile URL`, each a profile the event lists for that type.
    private func instanceProfiles(_ map: Node.Mapping, _ file: String, event: EventDefinition) throws -> [String: String] {
        guard let node = map["profiles"] else { return [:] }
        guard let m = node.mapping else { throw fault(node, file, "profiles", "is a mapping of Type[instance]: profile URL") }
        var result: [String: String] = [:]
        for (k, v) in m {
            guard let key = k.string, let open = key.firstIndex(of: "["), key.hasSuffix("]"), open > key.startIndex else {
                throw fault(k, file, "profiles", "'\(k.string ?? "")' is not Type[instance]")
            }
            guard let url = v.string else { throw fault(v, file, "profiles.\(key)", "is a profile URL") }
            let type = String(key[..<open])
            guard event.entryResources.contains(where: { $0.type == type && $0.profile == url }) else {
                let listed = event.entryResources.filter { $0.type == type }.map(\.profile)
                throw fault(v, file, "profiles.\(key)", "event \(event.eventCode) lists no \(type) of profile \(url)\(listed.isEmpty ? "" : "; it lists " + listed.joined(separator: ", "))")
            }
            result[key] = url
        }
        return result
    }

    /// A `target: value` section (`fixed`, `defaults`), in file order.
    private func targetValues(_ map: Node.Mapping, _ section: String, _ file: String) throws -> [(target: MappingTarget, value: String)] {
        guard let node = map[section] else { return [] }
        guard let m = node.mapping else { throw fault(node, file, section, "is a mapping of target: value") }
        return try m.map { k, v in
            guard let text = k.string, let target = MappingTarget(text) else {
                throw fault(k, file, section, "'\(k.string ?? "")' is not a target; targets: \(MappingTarget.vocabulary)")
            }
            guard let value = v.string else { throw fault(v, file, "\(section).\(text)", "is a text value") }
            return (target, value)
        }
    }

    // MARK: - YAML helpers

    private func compose(_ text: String, file: String) throws -> Node {
        do {
            try YAMLNesting.check(text)
            guard let node = try Yams.compose(yaml: text) else {
                throw MappingFileError(position: .init(file: file, line: 1, column: 1), key: "", message: "the file is empty")
            }
            return node
        } catch let error as YamlError {
            throw MappingFileError(position: Self.position(of: error, file), key: "", message: "not valid YAML: \(Self.problem(error))")
        } catch let error as YAMLTooDeep {
            throw MappingFileError(position: MappingFilePosition(file: file, line: error.line, column: error.column), key: "",
                                   message: error.description)
        }
    }

    private static func position(of error: YamlError, _ file: String) -> MappingFilePosition {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return MappingFilePosition(file: file, line: mark.line, column: mark.column)
        default:
            return MappingFilePosition(file: file, line: 1, column: 1)
        }
    }

    private static func problem(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): return problem
        default: return "\(error)"
        }
    }

    private func checkKeys(_ map: Node.Mapping, _ known: Set<String>, _ file: String, _ at: String) throws {
        for (k, _) in map {
            guard let name = k.string, known.contains(name) else {
                throw fault(k, file, at.isEmpty ? (k.string ?? "") : at + "." + (k.string ?? ""),
                            "unknown key; known here: \(known.sorted().joined(separator: ", "))")
            }
        }
    }

    private func string(_ map: Node.Mapping, _ key: String, _ file: String, required: Bool = false) throws -> String? {
        guard let node = map[key] else {
            if required { throw MappingFileError(position: .init(file: file, line: 1, column: 1), key: key, message: "is required") }
            return nil
        }
        guard let s = node.string else { throw fault(node, file, key, "is text") }
        return s
    }

    private func fault(_ node: Node, _ file: String, _ key: String, _ message: String) -> MappingFileError {
        MappingFileError(position: MappingFilePosition(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1),
                         key: key, message: message)
    }
}
