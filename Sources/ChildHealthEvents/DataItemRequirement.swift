import FHIRDefinitions

/// A "Mandatory data item" of an event page, parsed from its text
/// (`Mandatory data item 'Date' -> CareConnect-DCH-Encounter-1.period.start (must always be sent …)`).
public struct DataItemMapping: Sendable, Hashable {
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
/// be present in them. ``EventCheck`` reports its absence as `event.<rule id>`.
public struct DataItemRequirement: Sendable, Hashable {
    /// One step from an element to the next on the way to the data item.
    public enum Step: Sendable, Hashable {
        /// A child by wire name, e.g. `period` or `valueQuantity`.
        case child(String)
        /// A child whose `system` is fixed by a profile slice, e.g. `identifier` of system ods-site-code.
        case sliced(String, slice: String, system: String)
        /// A coded element whose `coding` slice fixes the system (e.g. `type.coding:childHealthEncounterType`).
        case codingSliced(String, slice: String, system: String)
        /// An extension of the given URL, named by its slice in the profile.
        case extensionSlice(slice: String, url: String)

        /// The step as a path segment in messages.
        var segment: String {
            switch self {
            case .child(let name), .sliced(let name, _, _), .codingSliced(let name, _, _): return name
            case .extensionSlice: return "extension"
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

    /// The digest's rule id, e.g. `E-AdditionalDemographics-3`.
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

/// Resolves mandatory data items against a definition pack, or says why one cannot be checked.
struct DataItemResolver {
    let pack: DefinitionPack
    let event: EventDefinition

    /// The requirement, or the reason the item cannot be checked.
    func resolve(_ mapping: DataItemMapping, ruleID: String) -> Result<DataItemRequirement, Unresolved> {
        if mapping.offersAlternatives {
            return .failure(Unresolved("the page offers alternatives ('or'); either satisfies it"))
        }
        guard let structure = profile(named: mapping.profileName) else {
            return .failure(Unresolved("profile \(mapping.profileName) is not in the definitions"))
        }
        var steps: [DataItemRequirement.Step] = []
        var ids: [String] = []
        var choiceTypes: [String: String] = [:]
        var basePath = structure.type
        var baseID = structure.type
        let segments = mapping.path.split(separator: ".").map(String.init)
        for (i, segment) in segments.enumerated() {
            let last = i == segments.count - 1
            // By id, else by path: type slices such as `Observation.valueQuantity:valueQuantity` carry irregular ids.
            let choicePath = choiceElement(in: structure, base: baseID, wireName: segment)?.path
            let forbidden = structure.elements.first { e in
                (e.id ?? e.path) == baseID + "." + segment || e.path == basePath + "." + segment || e.path == choicePath
            }
            if let forbidden, forbidden.max == "0" {
                return .failure(Unresolved("the page names \(mapping.path), but the profile forbids \(forbidden.path) (max 0): "
                                           + "page and profile disagree"))
            }
            if let element = record(in: structure, id: baseID + "." + segment)
                ?? structure.elements.first(where: { $0.path == basePath + "." + segment && $0.sliceName == nil })
                ?? structure.elements.first(where: { $0.path == basePath + "." + segment }) {
                let qualifier = last ? mapping.qualifier : nil
                let step = slicedStep(segment, element: element, structure: structure, qualifier: qualifier)
                steps.append(step)
                basePath += "." + segment; baseID = element.id ?? element.path
                ids.append(baseID)
                switch step {
                case .sliced(_, let slice, _): ids.append(baseID + ":" + slice)
                case .codingSliced(_, let slice, _): ids += [baseID + ".coding", baseID + ".coding:" + slice]
                default: break
                }
            } else if let choice = choiceElement(in: structure, base: baseID, wireName: segment) {
                steps.append(.child(segment))
                basePath = choice.path; baseID = choice.id ?? choice.path
                ids.append(baseID)
                choiceTypes[baseID] = choice.types?.first { segment.lowercased().hasSuffix($0.code.lowercased()) }?.code
            } else if let ext = structure.elements.first(where: { $0.id == baseID + ".extension:" + segment }),
                      let url = ext.types?.first?.profile {
                steps.append(.extensionSlice(slice: segment, url: url))
                basePath += ".extension"; baseID = ext.id ?? ext.path
                ids.append(baseID)
            } else {
                let what = structure.type == "QuestionnaireResponse" && mapping.path.hasPrefix("item.")
                    ? "questionnaire item linkIds are not elements of the profile"
                    : "'\(segment)' is not an element of \(structure.name) at \(baseID)"
                return .failure(Unresolved(what))
            }
        }
        if let bound = boundElsewhere(mapping, in: structure, resolvedPath: basePath) {
            return .failure(Unresolved("the page names \(mapping.path), but the profile binds the item's value set "
                                       + "(\(bound.valueSet)) to \(bound.path): page and profile disagree"))
        }
        return .success(DataItemRequirement(ruleID: ruleID, mapping: mapping, profile: structure.url,
                                            resourceType: structure.type, steps: steps, elementIDs: ids, choiceTypes: choiceTypes))
    }

    /// The profile named on the page: the event's own resource of that name first, else the NHS or
    /// CareConnect canonical URL of the name.
    func profile(named name: String) -> StructureRecord? {
        let key = EventCatalogue.nameKey(name)
        var urls = event.resources.filter { EventCatalogue.nameKey($0.name) == key }.map(\.profile)
        urls += ["https://fhir.nhs.uk/STU3/StructureDefinition/", "https://fhir.hl7.org.uk/STU3/StructureDefinition/"].map { $0 + name }
        for url in urls { if let s = (try? pack.structure(url: url)) ?? nil { return s } }
        // Some pages drop the version suffix (`CareConnect-DCH-Practitioner`).
        if name.last?.isNumber != true { return profile(named: name + "-1") }
        return nil
    }

    /// An element other than the page's whose required binding is named after the item
    /// (`Delivery Place Type Code` and `DCH-DeliveryPlaceType-1` on `Location.type`), when there is one.
    func boundElsewhere(_ mapping: DataItemMapping, in structure: StructureRecord, resolvedPath: String) -> (path: String, valueSet: String)? {
        var key = EventCatalogue.nameKey(mapping.item)
        if key.hasSuffix("code") { key = String(key.dropLast(4)) }
        guard key.count >= 8 else { return nil }
        for e in structure.elements {
            guard let binding = e.binding, binding.strength == "required", let valueSet = binding.valueSet,
                  e.path != resolvedPath, !e.path.hasPrefix(resolvedPath + "."), !resolvedPath.hasPrefix(e.path + "."),
                  Self.valueSetKey(valueSet) == key else { continue }
            return (e.path, valueSet)
        }
        return nil
    }

    /// A value set's name without publisher prefix or version: `DCH-DeliveryPlaceType-1` -> `deliveryplacetype`.
    static func valueSetKey(_ url: String) -> String {
        var key = Substring(EventCatalogue.nameKey(url.components(separatedBy: "/").last ?? ""))
        for prefix in ["careconnect", "dch"] where key.hasPrefix(prefix) { key = key.dropFirst(prefix.count) }
        while key.last?.isNumber == true { key = key.dropLast() }
        return String(key)
    }

    func record(in structure: StructureRecord, id: String) -> ElementRecord? {
        structure.elements.first { ($0.id ?? $0.path) == id }
    }

    /// `valueQuantity` names `value[x]` when Quantity is one of its types.
    func choiceElement(in structure: StructureRecord, base: String, wireName: String) -> ElementRecord? {
        structure.elements.first { e in
            let id = e.id ?? e.path
            guard id.hasPrefix(base + "."), id.hasSuffix("[x]") else { return false }
            let stem = String(id.dropFirst(base.count + 1).dropLast(3))
            guard !stem.contains("."), wireName.hasPrefix(stem) else { return false }
            let suffix = wireName.dropFirst(stem.count)
            return e.types?.contains { $0.code.lowercased() == suffix.lowercased() } ?? false
        }
    }

    /// The step for an element, narrowed to the slice the qualifier names (by name, spaces ignored).
    func slicedStep(_ segment: String, element: ElementRecord, structure: StructureRecord, qualifier: String?) -> DataItemRequirement.Step {
        guard let qualifier else { return .child(segment) }
        let key = EventCatalogue.nameKey(qualifier)
        let base = element.id ?? element.path
        for (prefix, coding) in [(base + ":", false), (base + ".coding:", true)] {
            guard let slice = structure.elements.first(where: { e in
                guard let id = e.id, id.hasPrefix(prefix), let name = e.sliceName else { return false }
                return !id.dropFirst(prefix.count).contains(".") && EventCatalogue.nameKey(name) == key
            }), let sliceID = slice.id,
                  let system = record(in: structure, id: sliceID + ".system").flatMap({ Self.fixedValue($0.fixed ?? $0.pattern) })
            else { continue }
            let name = slice.sliceName ?? qualifier
            return coding ? .codingSliced(segment, slice: name, system: system) : .sliced(segment, slice: name, system: system)
        }
        return .child(segment)
    }

    /// The `value` attribute of a fixed/pattern XML fragment (`<fixedUri value="…"/>`).
    static func fixedValue(_ fragment: String?) -> String? {
        guard let fragment, let start = fragment.range(of: "value=\"") else { return nil }
        let rest = fragment[start.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    /// Why a mandatory data item is not checked.
    struct Unresolved: Error, Hashable { let reason: String; init(_ reason: String) { self.reason = reason } }
}
