import FHIRDefinitions

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
                default:
                    // "(with patient-BirthTime extension)": the element's extension of that slice name.
                    if let qualifier, let ext = extensionSlice(named: qualifier, under: baseID, in: structure),
                       let slice = ext.sliceName, let url = ext.types?.first?.profile {
                        steps.append(.extensionSlice(slice: slice, url: url))
                        ids.append(ext.id ?? ext.path)
                    }
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
        // Pages write British spellings of names the StructureDefinitions spell the FHIR way
        // (`CareConnect-DCH-Immunisation-1` for `CareConnect-DCH-Immunization-1`).
        if name.contains("isation") { return profile(named: name.replacingOccurrences(of: "isation", with: "ization")) }
        return nil
    }

    /// The extension slice a qualifier such as `with patient-BirthTime extension` names, under an element.
    func extensionSlice(named qualifier: String, under id: String, in structure: StructureRecord) -> ElementRecord? {
        var name = Substring(qualifier)
        if name.hasPrefix("with ") { name = name.dropFirst(5) }
        if name.hasSuffix(" extension") { name = name.dropLast(10) }
        let key = EventCatalogue.nameKey(String(name))
        return structure.elements.first { e in
            guard let eid = e.id, eid.hasPrefix(id + ".extension:"), let slice = e.sliceName else { return false }
            return !eid.dropFirst(id.count + 11).contains(".") && EventCatalogue.nameKey(slice) == key
        }
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
                  let system = record(in: structure, id: sliceID + ".system").flatMap({ ($0.fixed ?? $0.pattern)?.value })
            else { continue }
            let name = slice.sliceName ?? qualifier
            return coding ? .codingSliced(segment, slice: name, system: system) : .sliced(segment, slice: name, system: system)
        }
        return .child(segment)
    }


    /// Why a mandatory data item is not checked.
    struct Unresolved: Error, Hashable { let reason: String; init(_ reason: String) { self.reason = reason } }
}
