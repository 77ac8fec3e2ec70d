import FHIRModel
import FHIRDefinitions

/// The compact form of a compiled profile tree (``CompiledProfile``), as ``PrecompiledProfiles``
/// stores it: what ``ProfileCompiler`` worked out (the tree, what matters, slice keys, binding
/// conflicts) is stored, so reading a profile only rebuilds the walk tables (``ProfileNode/finish()``).
///
/// Nodes the walk reaches (the root, the children that matter below them, every slice: the ones
/// ``ProfileCompiler/finish(_:pack:)`` finishes) are stored whole. The other children are stored
/// as stubs: enough to be matched by name (`step`, their id, path, slice name and cardinality),
/// without their types or children, which nothing reads.
enum ProfileNodeCoding {
    private struct NodeFlags: OptionSet {
        let rawValue: UInt8
        static let whole = NodeFlags(rawValue: 1)
        static let matters = NodeFlags(rawValue: 2)
        static let bindingMatters = NodeFlags(rawValue: 4)
        /// ``ProfileNode/narrowChoice(named:)`` made it stand for its choice.
        static let narrowed = NodeFlags(rawValue: 8)
    }

    static func encode(_ profile: CompiledProfile, into w: inout CompactWriter) {
        w.string(profile.url)
        w.string(profile.name)
        w.string(profile.type)
        encode(profile.root, whole: true, into: &w)
    }

    static func decode(from r: inout CompactReader) throws -> CompiledProfile {
        let url = try r.string(), name = try r.string(), type = try r.string()
        let root = try decodeNode(from: &r)
        guard r.isAtEnd else { throw CompactReader.Malformed() }
        return CompiledProfile(url: url, name: name, type: type, root: root)
    }

    private static func encode(_ node: ProfileNode, whole: Bool, into w: inout CompactWriter) {
        var flags: NodeFlags = []
        if whole { flags.insert(.whole) }
        if node.matters { flags.insert(.matters) }
        if node.bindingMatters { flags.insert(.bindingMatters) }
        if node.choicePrefix != ProfileNode.choicePrefix(ofStep: node.name) { flags.insert(.narrowed) }
        w.byte(flags.rawValue)
        w.string(node.name)
        guard whole else {
            encodeStub(node.record, narrowed: flags.contains(.narrowed), into: &w)
            return
        }
        encode(node.record, into: &w)
        w.int(node.children.count)
        for child in node.children { encode(child, whole: child.matters, into: &w) }
        w.int(node.slices.count)
        for slice in node.slices { encode(slice, whole: true, into: &w) }
        if !node.slices.isEmpty {
            for keys in node.sliceKeys {
                w.int(keys.count)
                for key in keys { encode(key, into: &w) }
            }
        }
        if let conflict = node.bindingConflict {
            w.byte(1)
            w.strings(conflict.systems)
            w.string(conflict.confinement)
            w.string(conflict.valueSet)
            w.string(conflict.strength)
        } else {
            w.byte(0)
        }
    }

    private static func decodeNode(from r: inout CompactReader) throws -> ProfileNode {
        let flags = NodeFlags(rawValue: try r.byte())
        let step = try r.string()
        guard flags.contains(.whole) else {
            let node = ProfileNode(record: try decodeStub(from: &r), step: step)
            try setFlags(flags, of: node)
            return node
        }
        let node = ProfileNode(record: try decodeRecord(from: &r), step: step)
        try setFlags(flags, of: node)
        let childCount = try r.int()
        node.children.reserveCapacity(childCount)
        for _ in 0..<childCount { node.children.append(try decodeNode(from: &r)) }
        let sliceCount = try r.int()
        node.slices.reserveCapacity(sliceCount)
        for _ in 0..<sliceCount { node.slices.append(try decodeNode(from: &r)) }
        if sliceCount > 0 {
            ProfileCompiler.computeDiscriminatorTables(node)
            node.sliceKeys = try (0..<sliceCount).map { _ in try (0..<r.int()).map { _ in try decodeKey(from: &r) } }
        }
        if try r.byte() == 1 {
            node.bindingConflict = BindingConflict(systems: try r.strings(), confinement: try r.string(),
                                                   valueSet: try r.string(), strength: try r.string())
        }
        node.finish()
        return node
    }

    private static func setFlags(_ flags: NodeFlags, of node: ProfileNode) throws {
        if flags.contains(.narrowed) {
            node.narrowChoice(named: node.record.sliceName ?? "")
            guard node.choicePrefix != ProfileNode.choicePrefix(ofStep: node.name) else { throw CompactReader.Malformed() }
        }
        node.matters = flags.contains(.matters)
        node.bindingMatters = flags.contains(.bindingMatters)
    }

    // MARK: Slice keys

    private static func encode(_ key: SliceKey, into w: inout CompactWriter) {
        switch key {
        case let .value(e): w.byte(0); encode(FixedValue(e), into: &w)
        case let .pattern(e): w.byte(1); encode(FixedValue(e), into: &w)
        case let .types(codes): w.byte(2); w.strings(codes)
        case let .profiles(urls): w.byte(3); w.strings(urls)
        case let .valueSet(url): w.byte(4); w.string(url)
        case let .exists(flag): w.byte(5); w.byte(flag ? 1 : 0)
        case let .unknown(why): w.byte(6); w.string(why)
        }
    }

    private static func decodeKey(from r: inout CompactReader) throws -> SliceKey {
        switch try r.byte() {
        case 0: return .value(try decodeFixed(from: &r).element)
        case 1: return .pattern(try decodeFixed(from: &r).element)
        case 2: return .types(try r.strings())
        case 3: return .profiles(try r.strings())
        case 4: return .valueSet(try r.string())
        case 5: return .exists(try r.byte() == 1)
        case 6: return .unknown(try r.string())
        default: throw CompactReader.Malformed()
        }
    }

    // MARK: Element records

    /// Which optional fields a record has (and the optional flags' values).
    private struct Present: OptionSet {
        let rawValue: Int
        static let id = Present(rawValue: 1 << 0)
        static let sliceName = Present(rawValue: 1 << 1)
        static let baseMax = Present(rawValue: 1 << 2)
        static let types = Present(rawValue: 1 << 3)
        static let contentReference = Present(rawValue: 1 << 4)
        static let fixed = Present(rawValue: 1 << 5)
        static let pattern = Present(rawValue: 1 << 6)
        static let binding = Present(rawValue: 1 << 7)
        static let slicing = Present(rawValue: 1 << 8)
        static let constraintIndices = Present(rawValue: 1 << 9)
        static let conditions = Present(rawValue: 1 << 10)
        static let isModifier = Present(rawValue: 1 << 11)
        static let mustSupport = Present(rawValue: 1 << 12)
        static let xmlAttribute = Present(rawValue: 1 << 13)
        static let maxLength = Present(rawValue: 1 << 14)
        static let isModifierTrue = Present(rawValue: 1 << 15)
        static let mustSupportTrue = Present(rawValue: 1 << 16)
        static let xmlAttributeTrue = Present(rawValue: 1 << 17)
    }

    private static func present(_ e: ElementRecord) -> Present {
        var p: Present = []
        if e.id != nil { p.insert(.id) }
        if e.sliceName != nil { p.insert(.sliceName) }
        if e.baseMax != nil { p.insert(.baseMax) }
        if e.types != nil { p.insert(.types) }
        if e.contentReference != nil { p.insert(.contentReference) }
        if e.fixed != nil { p.insert(.fixed) }
        if e.pattern != nil { p.insert(.pattern) }
        if e.binding != nil { p.insert(.binding) }
        if e.slicing != nil { p.insert(.slicing) }
        if e.constraintIndices != nil { p.insert(.constraintIndices) }
        if e.conditions != nil { p.insert(.conditions) }
        if let v = e.isModifier { p.insert(.isModifier); if v { p.insert(.isModifierTrue) } }
        if let v = e.mustSupport { p.insert(.mustSupport); if v { p.insert(.mustSupportTrue) } }
        if let v = e.xmlAttribute { p.insert(.xmlAttribute); if v { p.insert(.xmlAttributeTrue) } }
        if e.maxLength != nil { p.insert(.maxLength) }
        return p
    }

    private static func encode(_ e: ElementRecord, into w: inout CompactWriter) {
        let p = present(e)
        w.int(p.rawValue)
        w.string(e.path)
        w.int(e.min)
        w.string(e.max)
        if let v = e.id { w.string(v) }
        if let v = e.sliceName { w.string(v) }
        if let v = e.baseMax { w.string(v) }
        if let v = e.types { encode(v, into: &w) }
        if let v = e.contentReference { w.string(v) }
        if let v = e.fixed { encode(v, into: &w) }
        if let v = e.pattern { encode(v, into: &w) }
        if let v = e.binding { w.string(v.strength); w.optionalString(v.valueSet) }
        if let v = e.slicing {
            w.int(v.discriminators.map { $0.count + 1 } ?? 0)
            for d in v.discriminators ?? [] { w.string(d.type); w.string(d.path) }
            w.byte(v.ordered.map { $0 ? 2 : 1 } ?? 0)
            w.string(v.rules)
        }
        if let v = e.constraintIndices { w.int(v.count); v.forEach { w.int($0) } }
        if let v = e.conditions { w.strings(v) }
        if let v = e.maxLength { w.int(v) }
    }

    private static func decodeRecord(from r: inout CompactReader) throws -> ElementRecord {
        let p = Present(rawValue: try r.int())
        let path = try r.string(), min = try r.int(), max = try r.string()
        let id = p.contains(.id) ? try r.string() : nil
        let sliceName = p.contains(.sliceName) ? try r.string() : nil
        let baseMax = p.contains(.baseMax) ? try r.string() : nil
        let types = p.contains(.types) ? try decodeTypes(from: &r) : nil
        let contentReference = p.contains(.contentReference) ? try r.string() : nil
        let fixed = p.contains(.fixed) ? try decodeFixed(from: &r) : nil
        let pattern = p.contains(.pattern) ? try decodeFixed(from: &r) : nil
        let binding = p.contains(.binding) ? BindingRecord(strength: try r.string(), valueSet: try r.optionalString()) : nil
        var slicing: SlicingRecord?
        if p.contains(.slicing) {
            let n = try r.int()
            let discriminators = n == 0 ? nil : try (1..<n).map { _ in DiscriminatorRecord(type: try r.string(), path: try r.string()) }
            let ordered: Bool? = switch try r.byte() { case 0: nil; case 1: false; default: true }
            slicing = SlicingRecord(discriminators: discriminators, ordered: ordered, rules: try r.string())
        }
        let constraintIndices = p.contains(.constraintIndices) ? try (0..<r.int()).map { _ in try r.int() } : nil
        let conditions = p.contains(.conditions) ? try r.strings() : nil
        let maxLength = p.contains(.maxLength) ? try r.int() : nil
        return ElementRecord(path: path, id: id, sliceName: sliceName, min: min, max: max, baseMax: baseMax, types: types,
                             contentReference: contentReference, fixed: fixed, pattern: pattern, binding: binding,
                             slicing: slicing, constraintIndices: constraintIndices, conditions: conditions,
                             isModifier: p.contains(.isModifier) ? p.contains(.isModifierTrue) : nil,
                             mustSupport: p.contains(.mustSupport) ? p.contains(.mustSupportTrue) : nil,
                             xmlAttribute: p.contains(.xmlAttribute) ? p.contains(.xmlAttributeTrue) : nil,
                             maxLength: maxLength)
    }

    /// A stub keeps what naming and matching a child reads: its id, path, slice name, cardinality,
    /// whether it is an XML attribute, and its types only when they make it stand for its choice
    /// (``ProfileNode/narrowChoice(named:)``).
    private static func encodeStub(_ e: ElementRecord, narrowed: Bool, into w: inout CompactWriter) {
        encode(ElementRecord(path: e.path, id: e.id, sliceName: e.sliceName, min: e.min, max: e.max,
                             types: narrowed ? e.types : nil, xmlAttribute: e.xmlAttribute), into: &w)
    }

    private static func decodeStub(from r: inout CompactReader) throws -> ElementRecord {
        try decodeRecord(from: &r)
    }

    private static func encode(_ types: [TypeRecord], into w: inout CompactWriter) {
        w.int(types.count)
        for t in types {
            w.string(t.code)
            w.optionalString(t.profile)
            w.optionalString(t.targetProfile)
            if let a = t.aggregation { w.int(a.count + 1); a.forEach { w.string($0) } } else { w.int(0) }
        }
    }

    private static func decodeTypes(from r: inout CompactReader) throws -> [TypeRecord] {
        try (0..<r.int()).map { _ in
            let code = try r.string(), profile = try r.optionalString(), target = try r.optionalString()
            let n = try r.int()
            let aggregation = n == 0 ? nil : try (1..<n).map { _ in try r.string() }
            return TypeRecord(code: code, profile: profile, targetProfile: target, aggregation: aggregation)
        }
    }

    private static func encode(_ v: FixedValue, into w: inout CompactWriter) {
        w.string(v.name)
        w.optionalString(v.value)
        w.optionalString(v.id)
        w.optionalString(v.url)
        w.int(v.children.count)
        for c in v.children { encode(c, into: &w) }
    }

    private static func decodeFixed(from r: inout CompactReader) throws -> FixedValue {
        let name = try r.string(), value = try r.optionalString(), id = try r.optionalString(), url = try r.optionalString()
        let children = try (0..<r.int()).map { _ in try decodeFixed(from: &r) }
        return FixedValue(name: name, value: value, id: id, url: url, children: children)
    }
}
