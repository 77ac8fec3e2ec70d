import Foundation
import FHIRModel

/// The kinds of defect applied to every valid message by ``MutationCatalogueTests``, across all
/// layers. Each finds its place generically, from the raw StructureDefinitions in `../shared`
/// (``RawDefinitionLibrary``, not the validator's compiled model) and the message itself, so it
/// applies to any message that has such a place. A kind says what must be reported and which
/// other errors the standard makes follow from its defect; the test fails on any other error.
/// Where an error would follow only from how a site is used elsewhere (a profile's slice told
/// apart by the value, the event rules reading it), kinds pick another site instead.
enum MutationCatalogue {
    static let kinds: [MutationKind] = structural + values + definitionLayers + bundleAndEvents

    // MARK: layer 1: structure

    static let structural: [MutationKind] = [
        // Every occurrence of a child whose core definition has min >= 1 removed, from an element
        // that keeps other children (an element left empty is `struct.empty` instead), outside
        // what claimed profiles slice or fix and outside the MessageHeader of an event message.
        MutationKind(name: "drop-required") { t, root in
            var candidates: [(site: MutationSite, name: String, matching: [Int])] = []
            for site in t.sites where !site.isPrimitive && !t.isReadByEventRules(site.location) {
                guard let node = site.node else { continue }
                let kids = site.element.children
                for requirement in node.children where requirement.min >= 1 && !requirement.isChoice {
                    let matching = kids.indices.filter { node.child(named: kids[$0].name)?.element === requirement }
                    guard !matching.isEmpty, matching.count < kids.count,
                          !matching.contains(where: { t.isProfiled(site.location + [$0]) }) else { continue }
                    candidates.append((site, requirement.name, matching))
                }
            }
            guard let c = t.pick(candidates) else { return nil }
            root.modify(at: c.site.location) { e in
                for k in c.matching.reversed() { e.children.remove(at: k) }
            }
            return Mutation("struct.min", at: c.site.path + "." + c.name)
                .entailing(t.invariantsReading(c.site.location + [c.matching[0]], because: "it is gone"))
        },
        // A second copy of an element whose core max is 1, right after it. Invariants that read
        // it as one value now see two.
        MutationKind(name: "duplicate-max-1") { t, root in
            guard let site = t.pick(t.sites.filter { s in
                guard let def = s.def, !s.isResource, def.max == "1" else { return false }
                return s.element.name != "extension" && s.element.name != "modifierExtension"
            }) else { return nil }
            root.modify(at: site.location.dropLast()) { parent in
                parent.children.insert(site.element, at: site.location.last! + 1)
            }
            return Mutation("struct.max", at: site.path)
                .entailing(t.invariantsReading(site.location, because: "it now has two values"))
        },
        // An element no definition has, at the end of a complex element.
        MutationKind(name: "unknown-element") { t, root in
            guard let site = t.pick(t.sites.filter { !$0.isPrimitive && $0.node != nil && !$0.isResource
                && !$0.element.children.isEmpty }) else { return nil }
            root.modify(at: site.location) { $0.children.append(Element(name: "favouriteColour", value: "blue")) }
            return Mutation("struct.unknown-element", at: site.path + ".favouriteColour")
        },
        // Two adjacent siblings (each alone of its name) swapped against snapshot order: an XML
        // rule only (JSON properties have no order), so JSON messages offer no place.
        MutationKind(name: "swap-order") { t, root in
            guard t.syntax == .xml else { return nil }
            var candidates: [(site: MutationSite, k: Int, path: String)] = []
            for site in t.sites {
                guard let node = site.node else { continue }
                let kids = site.element.children
                for k in kids.indices.dropLast() {
                    let (a, b) = (kids[k].name, kids[k + 1].name)
                    guard a != b, kids.filter({ $0.name == a || $0.name == b }).count == 2,
                          let da = node.child(named: a)?.element, let db = node.child(named: b)?.element, da.order < db.order
                    else { continue }
                    candidates.append((site, k, site.path + "." + a + (da.repeats ? "[0]" : "")))
                }
            }
            guard let c = t.pick(candidates) else { return nil }
            root.modify(at: c.site.location) { $0.children.swapAt(c.k, c.k + 1) }
            return Mutation("struct.order", at: c.path)
        },
        // An entry's resource renamed to a type FHIR does not have. In an event message, only a
        // resource whose type another entry also has and that the MessageHeader does not
        // reference: the event rules count and follow the others (event pages, G3, G4, G12).
        MutationKind(name: "unknown-resource-type") { t, root in
            let types = t.entries.compactMap(\.type)
            let fromHeader = Set(t.sites.filter { $0.element.name == "reference" && t.isReadByEventRules($0.location) }
                .compactMap(\.element.value))
            guard let site = t.pick(t.sites.filter { s in
                guard s.isResource, s.element.name == "resource", s.element.resourceType != "MessageHeader" else { return false }
                guard t.isEventMessage else { return true }
                let fullUrl = root.children[s.location[0]].child("fullUrl")?.value
                return types.filter { $0 == s.element.resourceType }.count > 1 && !fromHeader.contains(fullUrl ?? "")
            }) else { return nil }
            root.modify(at: site.location) { $0.resourceType = "Patent" }
            return Mutation("struct.unknown-resource-type", at: site.path)
        },
        // A value on a complex (non-primitive) element.
        MutationKind(name: "value-on-complex") { t, root in
            guard let site = t.pick(t.sites.filter { $0.def != nil && !$0.isPrimitive && !$0.isResource && $0.node != nil
                && $0.element.value == nil && $0.element.name != "extension" }) else { return nil }
            root.modify(at: site.location) { $0.value = "stray text" }
            return Mutation("struct.unexpected-value", at: site.path)
        },
        // JSON only: a non-repeating element written as an array.
        MutationKind(name: "json-array-for-single") { t, root in
            guard t.syntax == .json, let site = t.pick(t.sites.filter { s in
                guard let def = s.def, !def.repeats, !s.element.inJSONArray else { return false }
                return s.element.name != "extension" && s.element.name != "modifierExtension" && s.element.name != "resource"
            }) else { return nil }
            root.modify(at: site.location) { $0.inJSONArray = true }
            return Mutation("struct.json-array", at: site.path)
        },
        // An extension without its url (Extension.url is 1..1), not inside another extension
        // (whose own definition slices its parts by url), nor in the MessageHeader or Patient of
        // an event message, nor one an event page makes a mandatory data item (by its slice
        // name, `vaccinationProcedure`, or the element it extends, `birthDate` with the birth
        // time). A claimed profile's extension slice with min >= 1 that only it filled then
        // misses it.
        MutationKind(name: "extension-without-url") { t, root in
            guard let site = t.pick(t.sites.filter { s in
                let parent = Array(s.location.dropLast())
                guard s.element.name == "extension", let url = s.element.url, let owner = t.site(at: parent),
                      owner.element.name != "extension", !t.isProfiled(parent), !t.isReadByEventRules(s.location),
                      !(t.isEventMessage && t.site(at: Array(s.location.prefix(2)))?.element.resourceType == "Patient")
                else { return false }
                let sliceNames = t.profileSites.filter { $0.location == parent }.flatMap { p in
                    (p.def.children.first { $0.name == "extension" }?.slices ?? []).filter { $0.types.first?.profile == url }
                        .compactMap(\.sliceName)
                }
                return !t.isEventDataItem(sliceNames + [owner.def?.name ?? ""], in: parent)
            }), let url = site.element.url else { return nil }
            root.modify(at: site.location) { $0.url = nil }
            let parent = t.site(at: Array(site.location.dropLast()))!
            let others = parent.element.children.filter { $0.name == "extension" && $0.url == url }.count - 1
            var found = Mutation("struct.min", at: site.path + ".url")
            for profileSite in t.profileSites where profileSite.location == parent.location {
                let slices = profileSite.def.children.first { $0.name == "extension" }?.slices ?? []
                for slice in slices where slice.types.first?.profile == url && slice.min > others {
                    found = found.entailing("profile.slice-min", at: parent.path + ".extension",
                                            because: "the extension no longer fills the profile's \(slice.sliceName ?? "") slice")
                }
            }
            return found
        },
    ]

    // MARK: layer 1: primitive values

    /// A primitive of a type given a wrong lexical form, outside what claimed profiles fix or
    /// slice and the MessageHeader of an event message. Declared consequences: invariants that
    /// read the value; in an event message, the routing demographics' copy of a changed Patient
    /// value (G10) and a time without UTC offset (G13); a code or a coding's system changed
    /// under a required binding; `#id` references to a contained resource whose id changed.
    static func primitive(_ name: String, types: Set<String>, rule: String? = nil,
                          where accept: @escaping (String) -> Bool = { _ in true },
                          _ wrong: @escaping (String) -> String) -> MutationKind {
        MutationKind(name: name) { t, root in
            guard let site = t.pick(t.sites.filter { s in
                guard s.isPrimitive, let code = s.typeCode, types.contains(code), let v = s.element.value,
                      !t.isProfiled(s.location), !t.isReadByEventRules(s.location) else { return false }
                return accept(v)
            }) else { return nil }
            let original = site.element.value!
            let changed = wrong(original)
            root.modify(at: site.location) { $0.value = changed }
            var found = Mutation(rule ?? "value." + site.typeCode!, at: site.path)
                .entailing(t.invariantsReading(site.location, because: "the value is malformed"))
            for copy in t.routingCopies(of: original) where t.site(at: Array(site.location.prefix(2)))?.element.resourceType == "Patient" {
                found = found.entailing("event.G10", at: copy, because: "the routing demographics repeat the Patient's value")
            }
            if t.isEventMessage, ["dateTime", "instant"].contains(site.typeCode!), changed.contains("T"),
               !changed.hasSuffix("Z"), !changed.contains("+") {
                found = found.entailing("event.G13", at: site.path, because: "GENERIC-RULES G13: a time carries a UTC offset")
            }
            if site.typeCode == "code" || site.element.name == "system" {
                for path in try t.requiredBindings(around: site.location) {
                    found = found.entailing("terminology.required", at: path, because: "the coding changed under a required binding")
                }
            }
            if site.element.name == "id", t.site(at: Array(site.location.dropLast()))?.element.name == "contained" {
                for reference in t.references(to: "#" + original) {
                    found = found.entailing("invariant.ref-1", at: t.site(at: Array(reference.location.dropLast()))!.path,
                                            because: "the local reference no longer finds the contained resource")
                }
            }
            return found
        }
    }

    static let values: [MutationKind] = [
        primitive("date-wrong-format", types: ["date"], rule: "value.date") { _ in "02/11/2025" },
        primitive("date-impossible", types: ["date"], rule: "value.date") { _ in "2019-02-30" },
        primitive("datetime-without-zone", types: ["dateTime"], rule: "value.dateTime") { v in
            String(v.prefix(10)) + "T10:30:00"
        },
        primitive("instant-without-zone", types: ["instant"], rule: "value.instant") { v in
            String(v.prefix(10)) + "T10:30:00"
        },
        primitive("boolean-word", types: ["boolean"], rule: "value.boolean") { _ in "yes" },
        primitive("code-edge-space", types: ["code"], rule: "value.code") { v in " " + v },
        primitive("id-with-space", types: ["id"], rule: "value.id") { _ in "not an id" },
        primitive("integer-with-fraction", types: ["integer", "positiveInt", "unsignedInt"]) { _ in "1.5" },
        primitive("decimal-comma", types: ["decimal"], rule: "value.decimal") { _ in "1,5" },
        primitive("uri-with-space", types: ["uri"], rule: "value.uri",
                  where: { !$0.hasPrefix("urn:uuid:") }) { _ in "http://example.org/has space" },
        primitive("empty-string", types: ["string"], rule: "value.empty") { _ in "" },
    ]

    // MARK: layers 2, 3 and 5: profiles, terminology, invariants

    static let definitionLayers: [MutationKind] = [
        // A code bound (required) by its core definition to a value set that provably lacks
        // the new code (a closed enumeration read from the raw ValueSet and CodeSystem files).
        // Invariants that read the code may fail (bdl-1 reads Bundle.type).
        MutationKind(name: "code-outside-required-binding") { t, root in
            let code = "zz-not-a-code"
            let terminology = RawTerminology(definitions: t.definitions)
            guard let site = t.pick(try t.sites.filter { s in
                guard s.typeCode == "code", s.element.value != nil, s.def?.bindingStrength == "required",
                      let valueSet = s.def?.valueSet, !t.isProfiled(s.location),
                      !t.isReadByEventRules(s.location) else { return false }
                return try terminology.provablyLacks(code, valueSet: valueSet)
            }) else { return nil }
            root.modify(at: site.location) { $0.value = code }
            return Mutation("terminology.required", at: site.path)
                .entailing(t.invariantsReading(site.location, because: "the code changed"))
        },
        // A primitive a claimed profile fixes (outside slices), given another value. A code whose
        // core or profile binding is required then also leaves that binding; invariants that
        // read it may fail (lst-2 reads List.mode, imm-1 Immunization.notGiven).
        MutationKind(name: "profile-fixed-value") { t, root in
            guard let site = t.pick(t.profileSites.filter { $0.def.fixedValue != nil && $0.element.value != nil
                && !$0.isInSlicing && !t.isReadByEventRules($0.location) }) else { return nil }
            root.modify(at: site.location) { e in
                let v = e.value!
                e.value = v == "true" ? "false" : v == "false" ? "true" : Int(v).map { String($0 + 1) } ?? v + "x"
            }
            var found = Mutation("profile.fixed", at: site.path)
                .entailing(t.invariantsReading(site.location, because: "the value changed"))
            for path in try t.requiredBindings(around: site.location) {
                found = found.entailing("terminology.required", at: path, because: "the fixed code or system changed under a required binding")
            }
            return found
        },
        // Every occurrence of a slice with min >= 1 removed: extension slices (told apart by
        // their profile's url) and slices told apart by a fixed `system` (the NHS number
        // identifier, coding slices), but not one an event page makes a mandatory data item.
        // Leaving fewer elements than the profile's minimum also breaks that minimum; a removed
        // `#id` reference leaves its contained resource unreferenced (dom-3).
        MutationKind(name: "missing-required-slice") { t, root in
            var candidates: [(site: ProfileSite, def: RawElement, members: [Int])] = []
            for site in t.profileSites where !site.isInSlicing {
                let kids = site.element.children
                for def in site.def.children {
                    for slice in def.slices where slice.min > 0 && !t.isEventDataItem([def.name, slice.sliceName ?? ""], in: site.location) {
                        let url = def.name == "extension" ? slice.types.first?.profile : nil
                        let system = slice.children.first { $0.name == "system" }?.fixedValue
                        guard url != nil || system != nil else { continue }
                        let members = kids.indices.filter { k in
                            guard site.def.child(named: kids[k].name)?.element === def else { return false }
                            if let url { return kids[k].url == url }
                            return kids[k].child("system")?.value == system
                        }
                        if !members.isEmpty, members.count < kids.count,
                           !members.contains(where: { t.isReadByEventRules(site.location + [$0]) }) {
                            candidates.append((site, def, members))
                        }
                    }
                }
            }
            guard let c = t.pick(candidates) else { return nil }
            root.modify(at: c.site.location) { e in
                for k in c.members.reversed() { e.children.remove(at: k) }
            }
            var found = Mutation("profile.slice-min", at: c.site.path + "." + c.def.name)
            let left = c.site.element.children.indices.filter {
                !c.members.contains($0) && c.site.def.child(named: c.site.element.children[$0].name)?.element === c.def
            }
            if left.count < c.def.min {
                found = found.entailing("profile.min", at: c.site.path + "." + c.def.name,
                                        because: "fewer \(c.def.name) are left than the profile's minimum")
            }
            let removed = c.members.map { c.site.element.children[$0] }
            if removed.contains(where: { $0.containsLocalReference }),
               let resource = ([t.site(at: c.site.location)!] + t.ancestors(of: c.site.location)).first(where: \.isResource) {
                found = found.entailing("invariant.dom-3", at: resource.path,
                                        because: "the removed slice held the reference to a contained resource")
            }
            return found
        },
        // A reference whose claimed profile allows only some resource types, pointed at an
        // entry of another type.
        wrongTargetType("reference-wrong-target-type") { t in
            t.profileSites.map { ($0.location, $0.path, $0.element, $0.def.types) }
        },
        // The same against the core definitions' target types, in any resource (claimed
        // profile or none).
        wrongTargetType("reference-wrong-base-target-type") { t in
            t.sites.compactMap { s in s.def.map { (s.location, s.path, s.element, $0.types) } }
        },
        // A modifierExtension with a URL no definition has: an error, since it may change the
        // meaning of its resource. Placed in snapshot order (after text, contained, extension).
        MutationKind(name: "unknown-modifier-extension") { t, root in
            guard let site = t.pick(t.sites.filter { $0.isResource && $0.node?.child(named: "modifierExtension") != nil
                && $0.element.child("modifierExtension") == nil }), let node = site.node else { return nil }
            let at = insertionIndex(of: "modifierExtension", in: site.element, node)
            let ext = Element(name: "modifierExtension", url: "https://example.org/fhir/unknown-modifier",
                              children: [Element(name: "valueBoolean", value: "true", valueKind: t.syntax == .json ? .boolean : .unspecified)])
            root.modify(at: site.location) { $0.children.insert(ext, at: at) }
            return Mutation("profile.extension-unknown", at: site.path + ".modifierExtension[0]")
        },
        // dom-2: a contained resource that contains another. The inner one is referenced from
        // nowhere, so dom-3 (every contained resource is referenced from its container) follows.
        MutationKind(name: "nested-contained") { t, root in
            guard let site = t.pick(t.sites.filter { $0.isResource && $0.node?.child(named: "contained") != nil
                && $0.element.child("contained") == nil }), let node = site.node else { return nil }
            let at = insertionIndex(of: "contained", in: site.element, node)
            func basic(_ id: String, _ more: [Element]) -> Element {
                var e = Element(name: "contained", resourceType: "Basic", children: [Element(name: "id", value: id)] + more
                                + [Element(name: "code", children: [Element(name: "text", value: "mutation")])])
                e.inJSONArray = t.syntax == .json   // contained repeats: an array in JSON
                return e
            }
            root.modify(at: site.location) { $0.children.insert(basic("outer", [basic("inner", [])]), at: at) }
            return Mutation("invariant.dom-2", at: site.path)
                .entailing("invariant.dom-3", at: site.path, because: "the contained resource is referenced from nowhere")
                .entailing("invariant.dom-3", at: site.path + ".contained[0]", because: "the resource it contains is referenced from nowhere")
        },
        // per-1: a Period that ends before it starts.
        MutationKind(name: "period-end-before-start") { t, root in
            guard let site = t.pick(t.sites.filter { $0.typeCode == "Period" && !t.isProfiled($0.location) }) else { return nil }
            root.modify(at: site.location) { e in
                e.children.removeAll { $0.name == "start" || $0.name == "end" }
                e.children += [Element(name: "start", value: "2020-02-01"), Element(name: "end", value: "2020-01-01")]
            }
            return Mutation("invariant.per-1", at: site.path)
        },
        // qty-3: a Quantity with a unit code and no system. A claimed profile that requires the
        // system (min 1) then also reports it missing.
        MutationKind(name: "quantity-code-without-system") { t, root in
            guard let site = t.pick(t.sites.filter { s in
                s.typeCode == "Quantity" && s.element.child("code") != nil && s.element.child("system") != nil
            }) else { return nil }
            root.modify(at: site.location) { $0.children.removeAll { $0.name == "system" } }
            let found = Mutation("invariant.qty-3", at: site.path)
            let required = t.profileSites.contains { $0.location == site.location && ($0.def.child(named: "system")?.element.min ?? 0) > 0 }
            return required ? found.entailing("profile.min", at: site.path + ".system",
                                              because: "the claimed profile makes Quantity.system 1..1") : found
        },
    ]

    /// Where a new child goes among an element's children to keep snapshot order.
    static func insertionIndex(of name: String, in element: Element, _ node: RawElement) -> Int {
        let order = node.child(named: name)!.element.order
        return element.children.firstIndex { (node.child(named: $0.name)?.element.order ?? Int.max) > order }
            ?? element.children.count
    }

    /// A reference pointed at an entry of a type its definition does not allow (the types of
    /// its target profiles, read from the raw definitions of those profiles). References that
    /// require the changed resource to conform to a profile may then fail (`profile.target-profile`).
    static func wrongTargetType(_ name: String,
                                _ sites: @escaping (MutationTarget) -> [([Int], String, Element, [RawType])]) -> MutationKind {
        MutationKind(name: name) { t, root in
            let fullUrls = t.entries.compactMap(\.fullUrl)
            let candidates = try sites(t).compactMap { location, path, element, types -> ([Int], String, String)? in
                let references = types.filter { $0.code == "Reference" }
                guard !references.isEmpty, element.child("reference")?.value != nil,
                      !t.isReadByEventRules(location) else { return nil }
                var allowed = Set<String>()
                for reference in references {
                    guard let target = reference.targetProfile, let sd = try t.definitions.structure(target) else { return nil }
                    allowed.insert(sd.type)
                }
                guard !allowed.contains("Resource") else { return nil }
                return t.entries.first(where: { e in
                    guard let url = e.fullUrl, let type = e.type else { return false }
                    return !allowed.contains(type) && fullUrls.filter { $0 == url }.count == 1
                }).map { (location, path, $0.fullUrl!) }
            }
            guard let (location, path, url) = t.pick(candidates) else { return nil }
            let k = root[location].children.firstIndex { $0.name == "reference" }!
            root.modify(at: location + [k]) { $0.value = url }
            // The resource holding the reference no longer conforms to its profiles: references
            // to it that require one of them fail too.
            let holder = t.entries.first { $0.location == location.first }?.fullUrl
            return t.references(to: holder ?? "").reduce(Mutation("profile.target-type", at: path + ".reference")) {
                $0.entailing("profile.target-profile", at: $1.path, because: "its target no longer conforms to its profile")
            }
        }
    }

    // MARK: layer 4 and event rules

    static let bundleAndEvents: [MutationKind] = [
        // A urn:uuid reference that no entry's fullUrl matches, in a message or document Bundle.
        MutationKind(name: "broken-urn-reference") { t, root in
            guard t.bundleType == "message" || t.bundleType == "document",
                  let site = t.pick(t.sites.filter { $0.element.name == "reference" && $0.element.value?.hasPrefix("urn:uuid:") == true
                    && !t.isReadByEventRules($0.location) })
            else { return nil }
            root.modify(at: site.location) { $0.value = "urn:uuid:0f0e0d0c-0b0a-4000-8000-000000000000" }
            return Mutation("bundle.reference-unresolved", at: site.path)
        },
        // bdl-7: an entry given the fullUrl of the entry before it; references to its own
        // fullUrl no longer resolve. Not an entry the MessageHeader of an event message
        // references (the event rules follow those: G3, G4).
        MutationKind(name: "duplicate-fullurl") { t, root in
            let withUrl = t.entries.filter { $0.fullUrl != nil }
            let fromHeader = Set(t.sites.filter { $0.element.name == "reference" && t.isReadByEventRules($0.location) }
                .compactMap(\.element.value))
            guard let (first, second) = t.pick(zip(withUrl, withUrl.dropFirst()).filter { !fromHeader.contains($1.fullUrl!) })
            else { return nil }
            let k = root.children[second.location].children.firstIndex { $0.name == "fullUrl" }!
            root.modify(at: [second.location, k]) { $0.value = first.fullUrl }
            let index = t.entries.firstIndex { $0.location == second.location }!
            return t.references(to: second.fullUrl!).reduce(Mutation("bundle.fullurl-duplicate", at: "Bundle.entry[\(index)].fullUrl")) {
                $0.entailing("bundle.reference-unresolved", at: $1.path, because: "no entry has the fullUrl it references any more")
            }
        },
        // A message Bundle whose first entry is another one, moved before the MessageHeader. In an
        // event message, one whose resource type another entry also has: the event rules count
        // resources by type and do not count the first entry's.
        MutationKind(name: "messageheader-not-first") { t, root in
            let entries = t.entries
            guard t.bundleType == "message", entries.count >= 2, entries[0].type == "MessageHeader",
                  let moved = t.pick(entries.dropFirst().filter { e in !t.isEventMessage || entries.filter { $0.type == e.type }.count > 1 })
            else { return nil }
            let entry = root.children.remove(at: moved.location)
            root.children.insert(entry, at: entries[0].location)
            return Mutation("bundle.messageheader-first", at: "Bundle.entry[0].resource")
        },
        // G5: an event code the catalogue does not know.
        MutationKind(name: "unknown-event-code") { t, root in
            guard t.isEventMessage, let site = t.sites.first(where: {
                $0.path.hasSuffix(".event.code") && $0.path.hasPrefix("Bundle.entry[0].resource.")
            }) else { return nil }
            root.modify(at: site.location) { $0.value = "zz-unknown-event" }
            return try t.requiredBindings(around: site.location).reduce(Mutation("event.G5", at: site.path)) {
                $0.entailing("terminology.required", at: $1, because: "the MessageHeader profile binds the event (required)")
            }
        },
        // G11: an NHS number whose modulus-11 check digit is wrong.
        MutationKind(name: "nhs-number-check-digit") { t, root in
            guard t.isEventMessage else { return nil }
            let candidates = t.sites.filter { site in
                guard site.element.name == "value", site.path.contains(".identifier["),
                      let value = site.element.value, value.count == 10, value.allSatisfy(\.isNumber) else { return false }
                let owner = t.site(at: Array(site.location.dropLast()))
                let resource = t.site(at: Array(site.location.dropLast(2)))
                return resource?.element.resourceType == "Patient"
                    && owner?.element.child("system")?.value == "https://fhir.nhs.uk/Id/nhs-number"
            }
            guard let site = t.pick(candidates), let value = site.element.value else { return nil }
            let last = Int(String(value.last!))!
            root.modify(at: site.location) { $0.value = String(value.dropLast()) + String((last + 1) % 10) }
            return t.routingCopies(of: value).reduce(Mutation("event.G11", at: site.path)) {
                $0.entailing("event.G10", at: $1, because: "the routing demographics repeat the Patient's NHS number (G10)")
            }
        },
    ]
}

extension Element {
    /// True when this element or one inside it is a `#id` reference to a contained resource.
    var containsLocalReference: Bool {
        (name == "reference" && value?.hasPrefix("#") == true) || children.contains { $0.containsLocalReference }
    }

    /// The descendant at these child indices.
    subscript(location: [Int]) -> Element {
        location.reduce(self) { $0.children[$1] }
    }
}
