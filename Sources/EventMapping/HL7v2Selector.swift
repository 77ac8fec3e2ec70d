import HL7v2

/// A source path of an HL7 v2 mapping: an `HL7v2Path` whose segment occurrence and field
/// repetition may be chosen by content instead of by number, with alternatives tried in order.
///
/// | written | reads |
/// |---|---|
/// | `PID-7` | the first PID's field 7 (first repetition, component, subcomponent) |
/// | `PID-3[2].4.1` | repetition 2, component 4, subcomponent 1 |
/// | `PID-3[5=NH].1` | component 1 of the first PID-3 repetition whose component 5 is `NH` |
/// | `PID-3[4.2=2.16.840.1.113883.2.1.4.1].1` | a condition on a subcomponent |
/// | `OBX[3.1=314081000]-5.1` | the first OBX whose OBX-3.1 is `314081000` |
/// | `OBX[3.1=413083006&4=2]-5.1` | the first OBX meeting both conditions |
/// | `ORC-21.1 \| MSH-4.1` | the first alternative that has a value |
public struct HL7v2Selector: Sendable, Hashable, CustomStringConvertible {
    /// One alternative.
    public struct Alternative: Sendable, Hashable {
        /// The segment ID.
        public var segment: String
        /// Which segment: by occurrence (from 1) or by a condition on one of its fields.
        public var occurrence: Choice
        /// The field, or nil for the whole segment.
        public var field: Int?
        /// Which repetition: by number, by a condition on one of its components, or nil (the first).
        public var repetition: Choice?
        /// The component.
        public var component: Int?
        /// The subcomponent.
        public var subcomponent: Int?
    }

    /// A choice among occurrences or repetitions.
    public enum Choice: Sendable, Hashable {
        /// By number, from 1.
        case number(Int)
        /// The first whose places (`field.component.subcomponent` for a segment, `component.subcomponent`
        /// for a repetition) all hold exactly their values.
        case conditions([Condition])
    }

    /// A place and the value it must hold.
    public struct Condition: Sendable, Hashable {
        /// `field.component.subcomponent` (segment) or `component.subcomponent` (repetition).
        public var place: [Int]
        /// The exact value.
        public var value: String
    }

    /// The alternatives, tried in order.
    public var alternatives: [Alternative]
    /// The text as written.
    public let description: String

    /// Parses a selector; nil when some alternative is not a path.
    public init?(_ text: String) {
        description = text
        var parts: [Alternative] = []
        for piece in text.split(separator: "|") {
            guard let a = Self.alternative(piece.trimmingCharacters(in: .whitespaces)) else { return nil }
            parts.append(a)
        }
        guard !parts.isEmpty else { return nil }
        alternatives = parts
    }

    private static func alternative(_ text: String) -> Alternative? {
        var s = Substring(text)
        func number() -> Int? { HL7v2Path.leadingNumber(&s) }
        // `[n]` or `[a.b=value]`.
        func choice() -> Choice?? {
            guard s.first == "[" else { return .some(nil) }
            guard let close = s.firstIndex(of: "]") else { return nil }
            let inner = s[s.index(after: s.startIndex)..<close]
            s = s[s.index(after: close)...]
            if inner.contains("=") {
                var conditions: [Condition] = []
                for part in inner.split(separator: "&") {
                    guard let eq = part.firstIndex(of: "=") else { return nil }
                    let place = part[..<eq].split(separator: ".", omittingEmptySubsequences: false).map { Int($0) }
                    guard !place.isEmpty, place.count <= 3, place.allSatisfy({ ($0 ?? 0) >= 1 }) else { return nil }
                    conditions.append(Condition(place: place.map { $0! }, value: String(part[part.index(after: eq)...])))
                }
                return .some(.conditions(conditions))
            }
            guard let n = Int(inner), n >= 1 else { return nil }
            return .some(.number(n))
        }
        let id = s.prefix(3)
        guard id.count == 3, id.utf8.enumerated().allSatisfy({ i, b in
            (b >= 0x41 && b <= 0x5A) || (i > 0 && b >= 0x30 && b <= 0x39)
        }) else { return nil }
        s = s.dropFirst(3)
        guard let occurrence = choice() else { return nil }
        var a = Alternative(segment: String(id), occurrence: occurrence ?? .number(1))

        guard s.first == "-" else { return s.isEmpty ? a : nil }
        s = s.dropFirst()
        guard let f = number() else { return nil }
        a.field = f
        guard let repetition = choice() else { return nil }
        a.repetition = repetition
        if case .conditions(let list)? = repetition, list.contains(where: { $0.place.count > 2 }) { return nil }
        if s.first == "." {
            s = s.dropFirst()
            guard let c = number() else { return nil }
            a.component = c
            if s.first == "." {
                s = s.dropFirst()
                guard let sc = number() else { return nil }
                a.subcomponent = sc
            }
        }
        return s.isEmpty ? a : nil
    }

    /// The concrete path of the first alternative that has a value in `message`, with that value;
    /// nil when none has.
    public func resolve(in message: HL7v2Message) -> (path: HL7v2Path, value: String)? {
        for a in alternatives {
            guard let path = a.path(in: message), let value = message.value(at: path), !value.isEmpty else { continue }
            return (path, value)
        }
        return nil
    }

    /// The place a mapping names for an error (an ACK's ERR): the first alternative, its choices
    /// by content read as the first occurrence and repetition.
    public var errorLocation: HL7v2Path {
        let a = alternatives[0]
        var occurrence = 1
        if case .number(let n) = a.occurrence { occurrence = n }
        var repetition: Int?
        if case .number(let n)? = a.repetition { repetition = n }
        return HL7v2Path(segment: a.segment, occurrence: occurrence, field: a.field, repetition: repetition,
                         component: a.component, subcomponent: a.subcomponent)
    }
}

extension HL7v2Selector.Alternative {
    /// The concrete path this alternative picks in `message`, nil when no segment or repetition
    /// meets its conditions.
    func path(in message: HL7v2Message) -> HL7v2Path? {
        var occurrence = 1
        switch self.occurrence {
        case .number(let n): occurrence = n
        case .conditions(let list):
            var seen = 0
            var found: Int?
            for s in message.segments where s.id == segment {
                seen += 1
                let all = list.allSatisfy { c in
                    message.value(at: HL7v2Path(segment: segment, occurrence: seen, field: c.place[0],
                                                component: c.place.count > 1 ? c.place[1] : nil,
                                                subcomponent: c.place.count > 2 ? c.place[2] : nil)) == c.value
                }
                if all { found = seen; break }
            }
            guard let found else { return nil }
            occurrence = found
        }
        var path = HL7v2Path(segment: segment, occurrence: occurrence, field: field, component: component, subcomponent: subcomponent)
        switch repetition {
        case .number(let n)?: path.repetition = n
        case .conditions(let list)?:
            let count = message.repetitionCount(at: path)
            guard let r = (1...max(count, 1)).first(where: { r in
                count > 0 && list.allSatisfy { c in
                    message.value(at: HL7v2Path(segment: path.segment, occurrence: path.occurrence, field: path.field, repetition: r,
                                                component: c.place[0], subcomponent: c.place.count > 1 ? c.place[1] : nil)) == c.value
                }
            }) else { return nil }
            path.repetition = r
        case nil: break
        }
        return path
    }
}
