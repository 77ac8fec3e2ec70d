import FHIRDefinitions

/// A "Mandatory data item" of an event page, parsed from its text
/// (`Mandatory data item 'Date' -> CareConnect-DCH-Encounter-1.period.start (must always be sent …)`).
public struct DataItemMapping: Sendable, Hashable, Codable {
    /// The data item's name on the page, e.g. `Local Patient Identifier`.
    public var item: String
    /// Everything after `->`: profile, path, and any qualifier, as the page writes it.
    public var target: String
    /// The profile's name, e.g. `CareConnect-DCH-Patient-1`.
    public var profileName: String
    /// The dotted element path inside the profile, e.g. `identifier` or `period.start`.
    public var path: String
    /// The parenthesised qualifier after the path (a slice or system), e.g. `localIdentifier`.
    public var qualifier: String?

    /// True when the page maps the item to alternatives (`… .code or …`); an `or` inside the
    /// qualifier (`ODS Code or ODS Site Code`) only widens the slice.
    public var offersAlternatives: Bool {
        var depth = 0
        var outside = ""
        for c in target {
            if c == "(" || c == "[" { depth += 1 } else if c == ")" || c == "]" { depth -= 1 } else if depth == 0 { outside.append(c) }
        }
        return outside.split(separator: " ").contains("or")
    }

    /// The item's name, or its path when the page leaves the name empty.
    public var displayName: String { item.isEmpty ? profileName + "." + path : item }

    /// Parses a rule's text; nil when it is not a mandatory data item.
    public init?(ruleText text: String) {
        let prefix = "Mandatory data item '"
        guard text.hasPrefix(prefix) else { return nil }
        let rest = text.dropFirst(prefix.count)
        guard let quote = rest.firstIndex(of: "'"), let arrow = rest.range(of: " -> ") else { return nil }
        item = rest[..<quote].split(whereSeparator: \.isWhitespace).joined(separator: " ")
        var target = String(rest[arrow.upperBound...])
        if let tail = target.range(of: " (must always be sent") { target = String(target[..<tail.lowerBound]) }
        self.target = target
        // "Profile.path (qualifier) [note]": the qualifier is the first parenthesised part.
        let head = target.prefix { $0 != " " }
        if let open = target.firstIndex(of: "("), let close = target[open...].firstIndex(of: ")") {
            qualifier = String(target[target.index(after: open)..<close])
        }
        guard let dot = head.firstIndex(of: ".") else { return nil }
        profileName = String(head[..<dot])
        path = String(head[head.index(after: dot)...])
    }
}

/// A mandatory data item resolved against the definitions: which resources carry it and what must
/// be present in them. ``EventRules`` reports its absence as `event.<rule id>`.
public struct DataItemRequirement: Sendable, Hashable, Codable {
    /// One step from an element to the next on the way to the data item.
    public enum Step: Sendable, Hashable, Codable {
        /// A child by wire name, e.g. `period` or `valueQuantity`.
        case child(String)
        /// A child whose `system` is fixed by a profile slice, e.g. `identifier` of system ods-site-code.
        case sliced(String, slice: String, system: String)
        /// A coded element whose `coding` slice fixes the system (e.g. `type.coding:childHealthEncounterType`).
        case codingSliced(String, slice: String, system: String)
        /// An extension of the given URL, named by its slice in the profile.
        case extensionSlice(slice: String, url: String)

        /// The step as a path segment in messages (`extension` for an extension slice).
        public var segment: String {
            switch self {
            case .child(let name), .sliced(let name, _, _), .codingSliced(let name, _, _): return name
            case .extensionSlice: return "extension"
            }
        }

        private enum CodingKeys: String, CodingKey { case kind, name, slice, system, url }

        // One flat object per step (`{"kind":"sliced","name":…,"slice":…,"system":…}`), readable in
        // the shipped catalogue.
        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let kind = try c.decode(String.self, forKey: .kind)
            self = try Self(kind: kind, name: c.decodeIfPresent(String.self, forKey: .name),
                            slice: c.decodeIfPresent(String.self, forKey: .slice),
                            system: c.decodeIfPresent(String.self, forKey: .system),
                            url: c.decodeIfPresent(String.self, forKey: .url))
        }

        /// A step from its stored fields; throws when the kind is unknown or a field it needs is absent.
        init(kind: String, name: String?, slice: String?, system: String?, url: String?) throws {
            func need(_ value: String?, _ field: String) throws -> String {
                guard let value else {
                    throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "a \(kind) step needs \(field)"))
                }
                return value
            }
            switch kind {
            case "child": self = .child(try need(name, "name"))
            case "sliced": self = .sliced(try need(name, "name"), slice: try need(slice, "slice"), system: try need(system, "system"))
            case "codingSliced":
                self = .codingSliced(try need(name, "name"), slice: try need(slice, "slice"), system: try need(system, "system"))
            case "extensionSlice": self = .extensionSlice(slice: try need(slice, "slice"), url: try need(url, "url"))
            default: throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "unknown step kind '\(kind)'"))
            }
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            switch self {
            case .child(let name):
                try c.encode("child", forKey: .kind); try c.encode(name, forKey: .name)
            case .sliced(let name, let slice, let system):
                try c.encode("sliced", forKey: .kind); try c.encode(name, forKey: .name)
                try c.encode(slice, forKey: .slice); try c.encode(system, forKey: .system)
            case .codingSliced(let name, let slice, let system):
                try c.encode("codingSliced", forKey: .kind); try c.encode(name, forKey: .name)
                try c.encode(slice, forKey: .slice); try c.encode(system, forKey: .system)
            case .extensionSlice(let slice, let url):
                try c.encode("extensionSlice", forKey: .kind); try c.encode(slice, forKey: .slice)
                try c.encode(url, forKey: .url)
            }
        }

        /// How the step reads in a finding.
        var text: String {
            switch self {
            case .child(let name): return name
            case .sliced(let name, let slice, let system): return "\(name) (slice \(slice): system \(system))"
            case .codingSliced(let name, let slice, let system): return "\(name).coding (slice \(slice): system \(system))"
            case .extensionSlice(let slice, let url): return "extension \(slice) (\(url))"
            }
        }
    }

    /// The page rule's id, e.g. `E-AdditionalDemographics-3`.
    public var ruleID: String
    /// The rule's parsed text.
    public var mapping: DataItemMapping
    /// The canonical URL of the profile whose resources carry the item.
    public var profile: String
    /// That profile's resource type.
    public var resourceType: String
    /// The steps from the resource to the item.
    public var steps: [Step]
    /// The ids of the profile's elements (slices included) on the way to the item: what a builder
    /// must make present.
    public var elementIDs: [String]
    /// For a choice element on the way (`multipleBirth[x]`), the type the page names (`integer`), by element id.
    public var choiceTypes: [String: String] = [:]

    /// The path the requirement checks, with slices spelled out.
    public var pathText: String { steps.map(\.text).joined(separator: ".") }
}
