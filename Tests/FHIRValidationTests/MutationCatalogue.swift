import Foundation
import FHIRModel
import FHIRDefinitions
@testable import FHIRValidation

/// The kinds of defect applied to every valid message by ``MutationCatalogueTests``, across all
/// layers. Each finds its place generically, from the definitions and the message itself, so it
/// applies to any message that has such a place. Only the expected finding is asserted; the other
/// errors each kind also caused over the corpus (cascades, printed by the test) are named in its
/// comment with why.
enum MutationCatalogue {
    static let kinds: [MutationKind] = structural + values + definitionLayers + bundleAndEvents

    // MARK: layer 1: structure

    static let structural: [MutationKind] = [
        // Every occurrence of a child whose base definition has min >= 1 removed, from an element
        // that keeps other children (an element left empty is `struct.empty` instead). Cascades:
        // a Coding without its code matches no slice of a closed slicing (`profile.slice-closed`);
        // MessageHeader.event without its code or system (`event.G5`).
        MutationKind(name: "drop-required") { t, root in
            let candidates = t.sites.compactMap { site -> (MutationSite, String, [Int])? in
                guard let node = site.node, let requirement = node.required.first else { return nil }
                let kids = site.element.children
                let matching = kids.indices.filter { node.children[kids[$0].name]?.slot == requirement.slot }
                guard !matching.isEmpty, matching.count < kids.count else { return nil }
                return (site, requirement.name, matching)
            }
            guard let (site, name, matching) = t.pick(candidates) else { return nil }
            root.modify(at: site.location) { e in
                for k in matching.reversed() { e.children.remove(at: k) }
            }
            return ExpectedFinding(rule: "struct.min", path: site.path + "." + name)
        },
        // A second copy of an element whose base max is 1, right after it. Cascade: invariants
        // that compare it as one value now see two (`invariant.cpb-9`, `cpb-12`, `lst-2`).
        MutationKind(name: "duplicate-max-1") { t, root in
            guard let site = t.pick(t.sites.filter { s in
                guard let def = s.def, !s.isResource, def.max == 1, !def.info.repeats else { return false }
                return s.element.name != "extension" && s.element.name != "modifierExtension"
            }) else { return nil }
            root.modify(at: site.location.dropLast()) { parent in
                parent.children.insert(site.element, at: site.location.last! + 1)
            }
            return ExpectedFinding(rule: "struct.max", path: site.path)
        },
        // An element no definition has, at the end of a complex element.
        MutationKind(name: "unknown-element") { t, root in
            guard let site = t.pick(t.sites.filter { $0.def?.primitive == nil && $0.node != nil && !$0.isResource
                && !$0.element.children.isEmpty }) else { return nil }
            root.modify(at: site.location) { $0.children.append(Element(name: "favouriteColour", value: "blue")) }
            return ExpectedFinding(rule: "struct.unknown-element", path: site.path + ".favouriteColour")
        },
        // Two adjacent siblings (each alone of its name) swapped against definition order: an
        // XML rule only (JSON properties have no order), so JSON messages offer no place.
        MutationKind(name: "swap-order") { t, root in
            guard t.syntax == .xml else { return nil }
            var candidates: [(site: MutationSite, k: Int, path: String)] = []
            for site in t.sites {
                guard let node = site.node else { continue }
                let kids = site.element.children
                for k in kids.indices.dropLast() {
                    let (a, b) = (kids[k].name, kids[k + 1].name)
                    guard a != b, kids.filter({ $0.name == a || $0.name == b }).count == 2,
                          let da = node.children[a], let db = node.children[b], da.info.order < db.info.order
                    else { continue }
                    candidates.append((site, k, site.path + "." + a + (da.info.repeats ? "[0]" : "")))
                }
            }
            guard let c = t.pick(candidates) else { return nil }
            root.modify(at: c.site.location) { $0.children.swapAt(c.k, c.k + 1) }
            return ExpectedFinding(rule: "struct.order", path: c.path)
        },
        // An entry's resource renamed to a type FHIR does not have. Cascades: a renamed
        // MessageHeader (`bundle.messageheader-first`); event rules miss the resource (`event.G3`,
        // `G4`, `G12`, the event page's `event.E-…`).
        MutationKind(name: "unknown-resource-type") { t, root in
            guard let site = t.pick(t.sites.filter { $0.isResource && $0.element.name == "resource" }) else { return nil }
            root.modify(at: site.location) { $0.resourceType = "Patent" }
            return ExpectedFinding(rule: "struct.unknown-resource-type", path: site.path)
        },
        // A value on a complex (non-primitive) element.
        MutationKind(name: "value-on-complex") { t, root in
            guard let site = t.pick(t.sites.filter { $0.def != nil && $0.def!.primitive == nil && !$0.isResource
                && $0.def!.isXHTML == false && $0.element.value == nil && $0.element.name != "extension" }) else { return nil }
            root.modify(at: site.location) { $0.value = "stray text" }
            return ExpectedFinding(rule: "struct.unexpected-value", path: site.path)
        },
        // JSON only: a non-repeating element written as an array.
        MutationKind(name: "json-array-for-single") { t, root in
            guard t.syntax == .json, let site = t.pick(t.sites.filter { s in
                guard let def = s.def, !def.info.repeats, !s.element.inJSONArray else { return false }
                return s.element.name != "extension" && s.element.name != "modifierExtension" && s.element.name != "resource"
            }) else { return nil }
            root.modify(at: site.location) { $0.inJSONArray = true }
            return ExpectedFinding(rule: "struct.json-array", path: site.path)
        },
        // An extension without its url (Extension.url is 1..1). Cascades: a profile's slice keyed
        // by that url loses its occurrence (`profile.slice-min`); event rules that find extensions
        // by url (`event.G6` event type, `G10` routing demographics, `E-…`).
        MutationKind(name: "extension-without-url") { t, root in
            guard let site = t.pick(t.sites.filter { $0.element.name == "extension" && $0.element.url != nil }) else { return nil }
            root.modify(at: site.location) { $0.url = nil }
            return ExpectedFinding(rule: "struct.min", path: site.path + ".url")
        },
    ]

    // MARK: layer 1: primitive values

    /// A primitive of a type given a wrong lexical form.
    static func primitive(_ name: String, types: Set<PrimitiveType>, rule: String? = nil,
                          where accept: @escaping (String) -> Bool = { _ in true },
                          _ wrong: @escaping (String) -> String) -> MutationKind {
        MutationKind(name: name) { t, root in
            guard let site = t.pick(t.sites.filter { s in
                guard let p = s.def?.primitive, types.contains(p), let v = s.element.value else { return false }
                return accept(v)
            }) else { return nil }
            root.modify(at: site.location) { $0.value = wrong($0.value!) }
            return ExpectedFinding(rule: rule ?? site.def!.primitive!.rule, path: site.path)
        }
    }

    /// Cascades: a malformed birth date no longer matches the routing demographics (`event.G10`);
    /// a time without zone is also `event.G13`; a code or uri (system) that changes breaks a
    /// profile's fixed value, the slices told apart by it, its binding, the event code (`event.G5`);
    /// a changed contained resource id breaks its `#id` references (`invariant.ref-1`, `dom-3`).
    /// A malformed boolean is still read by invariants: `notGiven` = `yes` fails `invariant.imm-2`
    /// (one defect reported twice).
    static let values: [MutationKind] = [
        primitive("date-wrong-format", types: [.date], rule: "value.date") { _ in "02/11/2025" },
        primitive("date-impossible", types: [.date], rule: "value.date") { _ in "2019-02-30" },
        primitive("datetime-without-zone", types: [.dateTime], rule: "value.dateTime") { v in
            String(v.prefix(10)) + "T10:30:00"
        },
        primitive("instant-without-zone", types: [.instant], rule: "value.instant") { v in
            String(v.prefix(10)) + "T10:30:00"
        },
        primitive("boolean-word", types: [.boolean], rule: "value.boolean") { _ in "yes" },
        primitive("code-edge-space", types: [.code], rule: "value.code") { v in " " + v },
        primitive("id-with-space", types: [.id], rule: "value.id") { _ in "not an id" },
        primitive("integer-with-fraction", types: [.integer, .positiveInt, .unsignedInt]) { _ in "1.5" },
        primitive("decimal-comma", types: [.decimal], rule: "value.decimal") { _ in "1,5" },
        primitive("uri-with-space", types: [.uri], rule: "value.uri",
                  where: { !$0.hasPrefix("urn:uuid:") }) { _ in "http://example.org/has space" },
        primitive("empty-string", types: [.string], rule: "value.empty") { _ in "" },
    ]

    // MARK: layers 2, 3 and 5: profiles, terminology, invariants

    static let definitionLayers: [MutationKind] = [
        // A code bound (required) by its base definition to a value set the pack can decide.
        // Cascades: its profile's fixed value, the slices it tells apart, `invariant.lst-2`
        // (List.mode no longer `changes`).
        MutationKind(name: "code-outside-required-binding") { t, root in
            let code = "zz-not-a-code"
            guard let site = t.pick(t.sites.filter { s in
                guard s.def?.primitive == .code, s.element.value != nil, let bound = s.def?.binding,
                      bound.binding.strength == "required",
                      let vs = bound.valueSet(t.tools.cache.terminology) else { return false }
                return vs.contains(system: nil, code: code) == .notMember
            }) else { return nil }
            root.modify(at: site.location) { $0.value = code }
            return ExpectedFinding(rule: "terminology.required", path: site.path)
        },
        // A primitive a claimed profile fixes, given another value. Cascades: a code also leaves
        // its binding (`terminology.required`, `event.G5` for the event code); a fixed
        // `notGiven` flipped to true with a reaction recorded (`invariant.imm-1`).
        MutationKind(name: "profile-fixed-value") { t, root in
            guard let site = t.pick(t.profileSites.filter { $0.node.fixed?.value != nil && $0.element.value != nil }) else { return nil }
            root.modify(at: site.location) { e in
                let v = e.value!
                e.value = v == "true" ? "false" : v == "false" ? "true" : Int(v).map { String($0 + 1) } ?? v + "x"
            }
            return ExpectedFinding(rule: "profile.fixed", path: site.path)
        },
        // Every occurrence of a slice with min >= 1 removed: extension slices (by url) and slices
        // told apart by a fixed `system` (the NHS number identifier, coding slices). Cascades: the
        // profile's min on the element, event rules that need the extension (`event.G6`, `G10`,
        // `E-…`), a removed contained-resource extension leaves it unreferenced (`dom-3`).
        MutationKind(name: "missing-required-slice") { t, root in
            var candidates: [(site: ProfileSite, name: String, members: [Int])] = []
            for site in t.profileSites {
                for def in site.node.children {
                    for slice in def.slices where slice.record.min > 0 {
                        let kids = site.element.children
                        let members = kids.indices.filter { k in
                            guard def.matches(kids[k].name) else { return false }
                            if let url = slice.extensionURL { return kids[k].url == url }
                            if let system = slice.children.first(where: { $0.name == "system" })?.fixed?.value {
                                return kids[k].child("system")?.value == system
                            }
                            return false
                        }
                        if !members.isEmpty, members.count < kids.count { candidates.append((site, def.name, members)) }
                    }
                }
            }
            guard let c = t.pick(candidates) else { return nil }
            root.modify(at: c.site.location) { e in
                for k in c.members.reversed() { e.children.remove(at: k) }
            }
            return ExpectedFinding(rule: "profile.slice-min", path: c.site.path + "." + c.name)
        },
        // A reference whose profile allows only some resource types, pointed at an entry of
        // another type. Cascade: the responsible organisation is no Organization (`event.G12`).
        wrongTargetType("reference-wrong-target-type", \.profileSites),
        // The same against the base definitions' target types, in any resource (claimed profile
        // or none). Cascade: as above.
        wrongTargetType("reference-wrong-base-target-type", \.baseSites),
        // A modifierExtension with a URL the pack does not know: an error, since it may change
        // the meaning of its resource. Placed in definition order (after text, contained, extension).
        MutationKind(name: "unknown-modifier-extension") { t, root in
            guard let site = t.pick(t.sites.filter { $0.isResource && $0.node?.children["modifierExtension"] != nil
                && $0.element.child("modifierExtension") == nil }), let node = site.node else { return nil }
            let order = node.children["modifierExtension"]!.info.order
            let at = site.element.children.firstIndex { (node.children[$0.name]?.info.order ?? Int.max) > order }
                ?? site.element.children.count
            let ext = Element(name: "modifierExtension", url: "https://example.org/fhir/unknown-modifier",
                              children: [Element(name: "valueBoolean", value: "true", valueKind: t.syntax == .json ? .boolean : .unspecified)])
            root.modify(at: site.location) { $0.children.insert(ext, at: at) }
            return ExpectedFinding(rule: "profile.extension-unknown", path: site.path + ".modifierExtension[0]")
        },
        // dom-2: a contained resource that contains another. Cascade: dom-3 (the contained resource
        // is not referenced from its container).
        MutationKind(name: "nested-contained") { t, root in
            guard let site = t.pick(t.sites.filter { $0.isResource && $0.node?.children["contained"] != nil
                && $0.element.child("contained") == nil }), let node = site.node else { return nil }
            let order = node.children["contained"]!.info.order
            let at = site.element.children.firstIndex { (node.children[$0.name]?.info.order ?? Int.max) > order }
                ?? site.element.children.count
            func basic(_ id: String, _ more: [Element]) -> Element {
                var e = Element(name: "contained", resourceType: "Basic", children: [Element(name: "id", value: id)] + more
                                + [Element(name: "code", children: [Element(name: "text", value: "mutation")])])
                e.inJSONArray = t.syntax == .json   // contained repeats: an array in JSON
                return e
            }
            root.modify(at: site.location) { $0.children.insert(basic("outer", [basic("inner", [])]), at: at) }
            return ExpectedFinding(rule: "invariant.dom-2", path: site.path)
        },
        // per-1: a Period that ends before it starts.
        MutationKind(name: "period-end-before-start") { t, root in
            guard let site = t.pick(t.sites.filter { $0.typeCode == "Period" }) else { return nil }
            root.modify(at: site.location) { e in
                e.children.removeAll { $0.name == "start" || $0.name == "end" }
                e.children += [Element(name: "start", value: "2020-02-01"), Element(name: "end", value: "2020-01-01")]
            }
            return ExpectedFinding(rule: "invariant.per-1", path: site.path)
        },
        // qty-3: a Quantity with a unit code and no system. Cascade: a profile that requires the
        // system (`profile.min`).
        MutationKind(name: "quantity-code-without-system") { t, root in
            guard let site = t.pick(t.sites.filter { s in
                ["Quantity", "SimpleQuantity"].contains(s.node?.typeName ?? "") && s.element.child("code") != nil && s.element.child("system") != nil
            }) else { return nil }
            root.modify(at: site.location) { $0.children.removeAll { $0.name == "system" } }
            return ExpectedFinding(rule: "invariant.qty-3", path: site.path)
        },
    ]

    /// A reference pointed at an entry of a type its definition does not allow.
    static func wrongTargetType(_ name: String, _ sites: KeyPath<MutationTarget, [ProfileSite]>) -> MutationKind {
        MutationKind(name: name) { t, root in
            let fullUrls = t.entries.compactMap(\.fullUrl)
            let candidates = t[keyPath: sites].compactMap { site -> (ProfileSite, String)? in
                guard site.node.typeCodes.contains("Reference"), site.element.child("reference")?.value != nil,
                      let allowed = t.tools.profiles.targets(of: site.node), !allowed.isEmpty,
                      !allowed.contains(where: { $0.type == "Resource" }) else { return nil }
                let types = Set(allowed.map(\.type))
                return t.entries.first(where: { e in
                    guard let url = e.fullUrl, let type = e.type else { return false }
                    return !types.contains(type) && fullUrls.filter { $0 == url }.count == 1
                }).map { (site, $0.fullUrl!) }
            }
            guard let (site, url) = t.pick(candidates) else { return nil }
            let k = site.element.children.firstIndex { $0.name == "reference" }!
            root.modify(at: site.location + [k]) { $0.value = url }
            return ExpectedFinding(rule: "profile.target-type", path: site.path + ".reference")
        }
    }

    // MARK: layer 4 and event rules

    static let bundleAndEvents: [MutationKind] = [
        // A urn:uuid reference that no entry's fullUrl matches, in a message or document Bundle.
        // Cascade: MessageHeader.focus or responsible no longer found (`event.G3`, `G4`).
        MutationKind(name: "broken-urn-reference") { t, root in
            guard t.bundleType == "message" || t.bundleType == "document",
                  let site = t.pick(t.sites.filter { $0.element.name == "reference" && $0.element.value?.hasPrefix("urn:uuid:") == true })
            else { return nil }
            root.modify(at: site.location) { $0.value = "urn:uuid:0f0e0d0c-0b0a-4000-8000-000000000000" }
            return ExpectedFinding(rule: "bundle.reference-unresolved", path: site.path)
        },
        // bdl-7: an entry given the fullUrl of the entry before it. Cascades: references to the
        // changed entry no longer resolve (`bundle.reference-unresolved`, `event.G3`, `G4`).
        MutationKind(name: "duplicate-fullurl") { t, root in
            let withUrl = t.entries.filter { $0.fullUrl != nil }
            guard withUrl.count >= 2 else { return nil }
            let (first, second) = (withUrl[0], withUrl[1])
            let k = root.children[second.location].children.firstIndex { $0.name == "fullUrl" }!
            root.modify(at: [second.location, k]) { $0.value = first.fullUrl }
            let index = t.entries.firstIndex { $0.location == second.location }!
            return ExpectedFinding(rule: "bundle.fullurl-duplicate", path: "Bundle.entry[\(index)].fullUrl")
        },
        // A message Bundle whose MessageHeader is moved behind the next entry. Cascade: the event
        // page's resource table (`event.E-…`) counts entries in order.
        MutationKind(name: "messageheader-not-first") { t, root in
            let entries = t.entries
            guard t.bundleType == "message", entries.count >= 2, entries[0].type == "MessageHeader" else { return nil }
            let moved = root.children.remove(at: entries[0].location)
            root.children.insert(moved, at: entries[1].location)
            return ExpectedFinding(rule: "bundle.messageheader-first", path: "Bundle.entry[0].resource")
        },
        // G5: an event code the catalogue does not know. Cascade: the event code's required
        // binding in the MessageHeader profile (`terminology.required`).
        MutationKind(name: "unknown-event-code") { t, root in
            guard t.isEventMessage, let site = t.sites.first(where: {
                $0.path.hasSuffix(".event.code") && $0.path.hasPrefix("Bundle.entry[0].resource.")
            }) else { return nil }
            root.modify(at: site.location) { $0.value = "zz-unknown-event" }
            return ExpectedFinding(rule: "event.G5", path: site.path)
        },
        // G11: an NHS number whose modulus-11 check digit is wrong. Cascade: it no longer matches
        // the routing demographics' NHS number (`event.G10`).
        MutationKind(name: "nhs-number-check-digit") { t, root in
            guard t.isEventMessage else { return nil }
            let candidates = t.sites.filter { site in
                guard site.element.name == "value", site.path.contains(".identifier["),
                      let value = site.element.value, value.count == 10, value.allSatisfy(\.isNumber) else { return false }
                let owner = t.sites.first { $0.location == Array(site.location.dropLast()) }
                let resource = t.sites.first { $0.location == Array(site.location.dropLast(2)) }
                return resource?.element.resourceType == "Patient"
                    && owner?.element.child("system")?.value == "https://fhir.nhs.uk/Id/nhs-number"
            }
            guard let site = t.pick(candidates), let value = site.element.value else { return nil }
            let last = Int(String(value.last!))!
            root.modify(at: site.location) { $0.value = String(value.dropLast()) + String((last + 1) % 10) }
            return ExpectedFinding(rule: "event.G11", path: site.path)
        },
    ]
}
