import FHIRModel
import FHIRValidation

/// One deliberate defect put into a generated message: the rule id the validator reports for it
/// and the element's FHIRPath-style location, as `dch validate` writes them.
public struct Defect: Sendable, Hashable, Codable {
    /// The rule id the validator reports (`Issue.rule`), e.g. `value.date`.
    public var rule: String
    /// Where the defect is (`Issue.path`), e.g. `Bundle.entry[1].resource.birthDate`.
    public var path: String
    /// What was broken, in words.
    public var description: String

    /// A defect's label.
    public init(rule: String, path: String, description: String) {
        self.rule = rule; self.path = path; self.description = description
    }
}

/// Breaks valid messages in labelled ways, for negative test cases: each kind of defect is one
/// a validator layer detects (lexical, structure, terminology, Bundle references, invariants), and
/// the kinds touch different elements so that one defect never hides another.
public enum DefectInjector {
    /// A kind of defect; `apply` returns nil when the message has no element it can break.
    struct Kind {
        var name: String
        var apply: (inout Element, inout SeededRandom) -> Defect?
    }

    /// How many different defects `message` can take.
    public static func capacity(of message: Element) -> Int {
        var scratch = message
        var random = SeededRandom(seed: 0)
        return kinds.filter { $0.apply(&scratch, &random) != nil }.count
    }

    /// Puts `count` different defects (chosen with `random`) into `message` and returns their labels.
    /// Fewer when the message cannot take that many (see ``capacity(of:)``).
    public static func inject(_ count: Int, into message: inout Element, using random: inout SeededRandom) -> [Defect] {
        var order = Array(kinds.indices)
        order.shuffle(using: &random)
        var defects: [Defect] = []
        for i in order where defects.count < count {
            if let d = kinds[i].apply(&message, &random) { defects.append(d) }
        }
        return defects
    }

    static let kinds: [Kind] = [
        Kind(name: "timestamp without zone") { m, _ in
            edit(&m, entry: 0, path: ["timestamp"]) { e in
                guard let v = e.value, v.count > 6 else { return nil }
                e.value = String(v.dropLast(6))
                return (PrimitiveRule.instant.rawValue, "MessageHeader.timestamp has a time but no time zone")
            }
        },
        Kind(name: "missing source") { m, _ in
            guard var header = resource(m, entry: 0), header.child("source") != nil else { return nil }
            header.children.removeAll { $0.name == "source" }
            setResource(&m, entry: 0, header)
            return Defect(rule: StructureRule.min.rawValue, path: "Bundle.entry[0].resource.source", description: "MessageHeader.source (1..1) removed")
        },
        Kind(name: "unresolved responsible") { m, random in
            let uuid = random.uuid()
            return edit(&m, entry: 0, path: ["responsible", "reference"]) { e in
                e.value = "urn:uuid:" + uuid
                return (BundleRule.referenceUnresolved.rawValue, "MessageHeader.responsible points to no entry of the message")
            }
        },
        Kind(name: "event code with a leading space") { m, _ in
            edit(&m, entry: 0, path: ["event", "code"]) { e in
                e.value = " " + (e.value ?? "")
                return (PrimitiveRule.code.rawValue, "MessageHeader.event.code starts with a space")
            }
        },
        Kind(name: "gender outside its value set") { m, _ in
            guard let i = entryIndex(m, type: "Patient") else { return nil }
            return edit(&m, entry: i, path: ["gender"]) { e in
                e.value = "boy"
                return (TerminologyRule.required.rawValue, "Patient.gender is not an administrative-gender code")
            }
        },
        Kind(name: "impossible birth date") { m, _ in
            guard let i = entryIndex(m, type: "Patient") else { return nil }
            return edit(&m, entry: i, path: ["birthDate"]) { e in
                guard let v = e.value, v.count == 10 else { return nil }
                e.value = String(v.prefix(4)) + "-02-30"
                return (PrimitiveRule.date.rawValue, "Patient.birthDate is 30 February")
            }
        },
        Kind(name: "period ends before it starts") { m, _ in
            guard let i = entryIndex(m, type: "Encounter") else { return nil }
            return edit(&m, entry: i, path: ["period"]) { e in
                guard let start = e.child("start")?.value, start.count > 4, let year = Int(start.prefix(4)) else { return nil }
                e.children.removeAll { $0.name == "end" }
                e.children.append(.primitive("end", String(year - 1) + start.dropFirst(4)))
                return (InvariantRule.constraint("per-1"), "Encounter.period.end is a year before its start")
            }
        },
        Kind(name: "duplicate fullUrl") { m, _ in
            let entries = m.children.indices.filter { m.children[$0].name == "entry" }
            guard entries.count >= 3, let url = m.children[entries[1]].child("fullUrl")?.value else { return nil }
            let last = entries.count - 1
            guard let f = m.children[entries[last]].children.firstIndex(where: { $0.name == "fullUrl" }) else { return nil }
            m.children[entries[last]].children[f].value = url
            return Defect(rule: BundleRule.fullURLDuplicate.rawValue, path: "Bundle.entry[\(last)].fullUrl",
                          description: "the last entry repeats the fullUrl of entry 1")
        },
    ]

    // MARK: - Tree access by entry index

    private static func entryPositions(_ m: Element) -> [Int] {
        m.children.indices.filter { m.children[$0].name == "entry" }
    }

    private static func resource(_ m: Element, entry: Int) -> Element? {
        let positions = entryPositions(m)
        guard entry < positions.count else { return nil }
        return m.children[positions[entry]].child("resource")
    }

    private static func setResource(_ m: inout Element, entry: Int, _ resource: Element) {
        let p = entryPositions(m)[entry]
        if let r = m.children[p].children.firstIndex(where: { $0.name == "resource" }) { m.children[p].children[r] = resource }
    }

    private static func entryIndex(_ m: Element, type: String) -> Int? {
        entryPositions(m).enumerated().first { m.children[$0.element].child("resource")?.resourceType == type }?.offset
    }

    /// Edits the first element at `path` under entry `entry`'s resource; the closure returns the rule
    /// and description, or nil to give up (then nothing changes).
    private static func edit(_ m: inout Element, entry: Int, path: [String],
                             _ change: (inout Element) -> (String, String)?) -> Defect? {
        guard var r = resource(m, entry: entry) else { return nil }
        var changed: (String, String)?
        func walk(_ e: inout Element, _ steps: ArraySlice<String>) {
            guard let step = steps.first, let i = e.children.firstIndex(where: { $0.name == step }) else { return }
            if steps.count == 1 { changed = change(&e.children[i]) } else { walk(&e.children[i], steps.dropFirst()) }
        }
        walk(&r, path[...])
        guard let (rule, text) = changed else { return nil }
        setResource(&m, entry: entry, r)
        let fhirPath = "Bundle.entry[\(entry)].resource." + path.joined(separator: ".")
        return Defect(rule: rule, path: fhirPath, description: text)
    }
}
