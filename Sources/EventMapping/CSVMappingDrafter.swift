import FHIRDefinitions
import ChildHealthEvents

/// Drafts the CSV mapping file of an event from the event catalogue and the definition pack: the
/// common columns, `event_id` and `event_date` where the builder puts the event's identifier and
/// time, the professional where the event requires one, then one group of columns per mandatory
/// data item of the event page and per coded fact of the event's own resources (`code`, a single
/// typed `value[x]`, a Procedure's `outcome`): code, system and display for a coded element, value
/// and unit for a quantity (the unit in the column's name when the profile fixes it), the value for
/// a date or text. Resources of a type the event lists under several profiles get an instance per
/// profile (the mapping's `profiles:` section).
///
/// The shipped files of `Mappings/csv` were drafted so (`scripts/draft-csv-mappings`) and then
/// reviewed; an integrator starts a mapping for a local event the same way
/// (`dch map --draft csv --event CODE`).
public struct CSVMappingDrafter {
    /// The definitions the columns' types, bindings and fixed units come from.
    public let pack: DefinitionPack
    private let classifier: EventRuleClassifier

    /// The columns every drafted file includes (`include: _common.yaml`), which an event's own
    /// columns must not repeat.
    public let commonColumns: Set<String>

    /// The fragment every drafted file includes.
    public static let commonFragment = "_common.yaml"

    /// A drafter over a definition pack, for the CSV mappings of `catalogue` (whose
    /// ``commonFragment`` gives the common columns).
    /// - Throws: ``MappingFileError`` when the catalogue has no such fragment.
    public init(pack: DefinitionPack, catalogue: MappingCatalogue) throws {
        guard let common = catalogue.fragments[Self.commonFragment] else {
            throw MappingFileError(position: .init(file: Self.commonFragment, line: 1, column: 1), key: "include",
                                   message: "the \(catalogue.kind) mappings have no \(Self.commonFragment), which drafted files include")
        }
        self.pack = pack
        commonColumns = Set(common.map(\.source))
        classifier = EventRuleClassifier(pack: pack)
    }

    /// The resource types whose facts the common columns, `event_id`/`event_date` or the
    /// professional's columns already carry.
    private static let carriedElsewhere: Set<String> = ["Patient", "Organization", "HealthcareService", "Practitioner"]

    /// One column group in the making.
    private struct Group {
        var name: String
        var description: String
        var resourceType: String
        var instance: String
        var profile: String
        var path: [String]
        var codingSystem: String?
    }

    /// The mapping file's text for `event`.
    public func draft(_ event: EventDefinition) -> String {
        var out = "# \(event.family.rawValue) \(event.name) (\(event.eventCode)): one row per message. Drafted from the event catalogue\n"
        out += "# and the definition pack (dch map --draft csv --event \(event.eventCode)), then reviewed.\n"
        out += "event: \(event.eventCode)\n"
        out += "eventSystem: \(event.eventSystem)\n"
        let carried = event.entryResources.filter { $0.role != .subject }.map(\.name)
        out += "description: \(yaml(event.name + (carried.isEmpty ? ", the patient only." : ": " + carried.joined(separator: ", ") + ".")))\n"
        out += "include: \(Self.commonFragment)\n"
        if event.family == .nems, !event.isLegacy {
            out += "# NEMS headers carry a contact for problems with the message (event rule G3).\nrequired: [sender_phone]\n"
        }
        out += "fields:\n"
        var names = commonColumns
        var notMapped: [String] = []
        var fixed: [(String, String)] = []
        var profiles: [(String, String)] = []

        // The event's identifier and time: where the builder writes them.
        let anchor = anchorResource(event)
        if let anchor {
            out += field("event_id", "The sender's identifier of the event (\(anchor.type).identifier.value), kept across update and delete.",
                         target: "eventIdentifier", required: true,
                         read: "entry.resource.ofType(\(anchor.type)).first().identifier.value.first()")
            let (path, what) = anchor.type == "Immunization" ? ("date", "date") : ("period.start", "period.start")
            out += field("event_date", "Date of the event, YYYY-MM-DD (\(anchor.type).\(what)).", target: "occurred", required: true,
                         read: "entry.resource.ofType(\(anchor.type)).first().\(path)", export: "[dateOnly]")
        } else if event.entryResources.contains(where: { $0.type == "Communication" && $0.role == .focus }) {
            out += field("event_date", "Date of the event, YYYY-MM-DD (the focus Communication.sent).", target: "occurred", required: true,
                         read: "entry.resource.ofType(Communication).first().sent", export: "[dateOnly]")
        } else {
            out += field("event_date", "Date of the event, YYYY-MM-DD: the message's time (MessageHeader.timestamp), as no resource of the event carries one.",
                         target: "occurred", required: true, read: "entry.resource.ofType(MessageHeader).timestamp", export: "[dateOnly]")
        }
        names.formUnion(["event_id", "event_date"])
        if event.entryResources.contains(where: { $0.type == "Practitioner" && $0.min > 0 }) {
            let base = "entry.resource.ofType(Practitioner).first()"
            out += field("practitioner_sds_id", "SDS user id of the professional (Practitioner.identifier).", target: "practitioner.sdsUserId",
                         read: base + ".identifier.where(system = 'https://fhir.nhs.uk/Id/sds-user-id').value")
            out += field("practitioner_given_name", "The professional's given name.", target: "practitioner.given", read: base + ".name.first().given.first()")
            out += field("practitioner_family_name", "The professional's family name.", target: "practitioner.family", read: base + ".name.first().family")
            names.formUnion(["practitioner_sds_id", "practitioner_given_name", "practitioner_family_name"])
        }

        // A vaccination: the builder's typed inputs write the procedure extension as CareConnect has it.
        if event.entryResources.contains(where: { $0.type == "Immunization" }) {
            let imm = "entry.resource.ofType(Immunization).first()"
            let procedure = imm + ".extension('https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-VaccinationProcedure-1').value.coding"
            out += field("vaccination_procedure_code", "SNOMED CT code of the vaccination procedure (Extension-CareConnect-VaccinationProcedure-1).",
                         target: "vaccination.procedureCode", read: procedure + ".code")
            out += field("vaccination_procedure_display", "The procedure's display.", target: "vaccination.procedureDisplay", read: procedure + ".display")
            out += field("vaccine_code", "SNOMED CT / dm+d code of the vaccine product (Immunization.vaccineCode).",
                         target: "coding(Immunization[1].vaccineCode).code", read: imm + ".vaccineCode.coding.first().code")
            out += field("vaccine_system", "Code system of the vaccine code.", target: "coding(Immunization[1].vaccineCode).system",
                         read: imm + ".vaccineCode.coding.first().system")
            out += field("vaccine_display", "The vaccine product's display.", target: "coding(Immunization[1].vaccineCode).display",
                         read: imm + ".vaccineCode.coding.first().display")
            out += field("lot_number", "Batch number (Immunization.lotNumber).", target: "vaccination.lotNumber", read: imm + ".lotNumber")
            names.formUnion(["vaccination_procedure_code", "vaccination_procedure_display", "vaccine_code", "vaccine_system", "vaccine_display", "lot_number"])
        }

        for group in groups(event, anchor: anchor) {
            guard let leaf = leaf(of: group) else {
                notMapped.append("\(group.name): \(shortName(group.profile)).\(group.path.joined(separator: ".")) (not found in the profile)")
                continue
            }
            let several = event.entryResources.filter { $0.type == group.resourceType }.map(\.profile)
            let resource = Set(several).count > 1
                ? "entry.resource.ofType(\(group.resourceType)).where(meta.profile contains '\(group.profile)').first()"
                : "entry.resource.ofType(\(group.resourceType)).first()"
            if Set(several).count > 1, !profiles.contains(where: { $0.0 == "\(group.resourceType)[\(group.instance)]" }) {
                profiles.append(("\(group.resourceType)[\(group.instance)]", group.profile))
            }
            let coded = leaf.type == "CodeableConcept" || leaf.type == "Coding"
            // `apgar_score_code` gives apgar_score_code / _system / _display, not `_code_code`.
            var base = coded && group.name.hasSuffix("_code") ? String(group.name.dropLast(5)) : group.name
            // A name another group took gets the instance's prefix, then a number.
            func taken(_ b: String) -> Bool { ["", "_code", "_value", "_given"].contains { names.contains(b + $0) } }
            if taken(base) { base = instancePrefix(group) + "_" + base }
            var n = 2
            while taken(base) { base = (base.split(separator: "_").last.map { Int($0) != nil } == true ? String(base[..<base.lastIndex(of: "_")!]) : base) + "_\(n)"; n += 1 }
            let element = "\(group.resourceType)[\(group.instance)].\(leaf.wirePath)"
            let readPath = resource + "." + leaf.wirePath
            let origin = "\(shortName(group.profile)).\(leaf.wirePath)"
            switch leaf.type {
            case "CodeableConcept", "Coding":
                let coding = leaf.type == "Coding" ? readPath
                    : readPath + ".coding" + (group.codingSystem.map { ".where(system = '\($0)')" } ?? "") + ".first()"
                let bound = leaf.valueSet.map { ", from \(shortName($0))" } ?? ""
                out += field(base + "_code", "\(group.description): code (\(origin)\(bound)).", target: "coding(\(element)).code", read: coding + ".code")
                out += field(base + "_system", "Code system of \(base)_code.", target: "coding(\(element)).system", read: coding + ".system")
                out += field(base + "_display", "Display of \(base)_code.", target: "coding(\(element)).display", read: coding + ".display")
                names.formUnion([base + "_code", base + "_system", base + "_display"])
            case "Quantity", "SimpleQuantity", "Age", "Duration", "Count":
                if let unit = leaf.fixedUnit {
                    let column = base + "_" + snake(unit)
                    out += field(column, "\(group.description), in \(unit) (\(origin).value; the profile fixes the unit).",
                                 target: "value(\(element).value)", read: readPath + ".value")
                    names.insert(column)
                } else if leaf.unitForbidden {
                    out += field(base, "\(group.description): a number without unit (\(origin).value; the profile forbids code and system).",
                                 target: "value(\(element).value)", read: readPath + ".value")
                    names.insert(base)
                } else {
                    out += field(base + "_value", "\(group.description): the value (\(origin).value).", target: "value(\(element).value)", read: readPath + ".value")
                    out += field(base + "_unit", "UCUM unit of \(base)_value (\(origin).code).", target: "value(\(element).code)", read: readPath + ".code")
                    fixed.append(("value(\(element).system)", "http://unitsofmeasure.org"))
                    names.formUnion([base + "_value", base + "_unit"])
                }
            case "Identifier":
                out += field(base, "\(group.description) (\(origin).value).", target: "value(\(element).value)", read: readPath + ".value.first()")
                names.insert(base)
            case "HumanName":
                out += field(base + "_given", "\(group.description): given name (\(origin).given).", target: "value(\(element).given)", read: readPath + ".given.first()")
                out += field(base + "_family", "\(group.description): family name (\(origin).family).", target: "value(\(element).family)", read: readPath + ".family")
                names.formUnion([base + "_given", base + "_family"])
            case let t where Self.primitives.contains(t):
                let kind = t == "date" ? ", YYYY-MM-DD" : t == "dateTime" || t == "instant" ? ", FHIR dateTime" : t == "boolean" ? ", true or false" : ""
                out += field(base, "\(group.description) (\(origin), \(t)\(kind)).", target: "value(\(element))", read: readPath)
                names.insert(base)
            default:
                notMapped.append("\(group.name): \(origin) (\(leaf.type))")
            }
        }
        if !profiles.isEmpty {
            out += "# The event lists several profiles of these types: each instance goes into a resource of its profile.\nprofiles:\n"
            for (key, url) in profiles { out += "  \(key): \(url)\n" }
        }
        if !fixed.isEmpty {
            out += "fixed:\n"
            for (target, value) in fixed { out += "  \(target): \(value)\n" }
        }
        if anchor == nil {
            out += "# No resource of this event carries an event identifier: the builder's input gets this one, which no resource receives.\n"
            out += "defaults:\n  eventIdentifier: not-carried\n"
        }
        if !notMapped.isEmpty {
            out += "# Not mapped (no flat form): " + notMapped.joined(separator: "; ") + "\n"
        }
        return out
    }

    // MARK: - What the columns come from

    /// The resource the builder writes the event identifier and time into: the focus when it is
    /// an Encounter, Immunization or EpisodeOfCare, else the first such resource every message has.
    private func anchorResource(_ event: EventDefinition) -> EventResource? {
        let carriers: Set<String> = ["Encounter", "Immunization", "EpisodeOfCare"]
        if let focus = event.focus, carriers.contains(focus.type) { return focus }
        return event.entryResources.first { carriers.contains($0.type) && $0.min > 0 }
    }

    /// The data items of the event page, then the coded facts of the event's own resources, one
    /// group per element (the first item naming it gives the group its name).
    private func groups(_ event: EventDefinition, anchor: EventResource?) -> [Group] {
        var result: [Group] = []
        func add(_ g: Group) {
            if !result.contains(where: { $0.resourceType == g.resourceType && $0.profile == g.profile && $0.path == g.path }) { result.append(g) }
        }
        let items = event.dataItems ?? classifier.mandatoryDataItems(of: event)
        for item in items {
            let steps = item.steps.map(\.segment)
            guard event.entryResources.contains(where: { $0.type == item.resourceType }) else { continue }
            if Self.carriedElsewhere.contains(item.resourceType) { continue }
            if case .extensionSlice? = item.steps.last { continue }  // the vaccination procedure: typed columns above
            if item.resourceType == anchor?.type, steps == ["period", "start"] || steps == ["date"] || steps == ["identifier"] { continue }
            var system: String?
            if case .codingSliced(_, _, let s)? = item.steps.last { system = s }
            let label = item.mapping.item.isEmpty ? "\(shortName(item.profile)).\(steps.joined(separator: "."))" : item.mapping.item
            let name = item.mapping.item.isEmpty ? instancePrefix(item.resourceType, item.profile, event) + "_" + snake(steps.joined(separator: "_"))
                : snake(item.mapping.item)
            add(Group(name: name, description: "'\(label)', a mandatory data item of the event page", resourceType: item.resourceType,
                      instance: instanceName(item.resourceType, item.profile, event), profile: item.profile, path: steps, codingSystem: system))
        }
        for resource in event.entryResources where !Self.carriedElsewhere.contains(resource.type)
            && !["Location", "Encounter", "PractitionerRole", "RelatedPerson", "EpisodeOfCare", "Communication", "Task", "Provenance"].contains(resource.type) {
            guard let root = tree(resource.profile)?.root else { continue }
            let prefix = instancePrefix(resource.type, resource.profile, event)
            for step in ["code", "value[x]", "outcome"] {
                guard let node = root.children.first(where: { $0.step == step }), node.record.max != "0" else { continue }
                var wire = step
                if step == "value[x]" {
                    guard node.typeCodes.count == 1 else { continue }
                    wire = "value" + SnapshotNode.choiceSuffix(of: node.typeCodes[0])
                }
                add(Group(name: prefix + "_" + snake(wire == step ? step : "value"),
                          description: "The \(wire == step ? step : "value") of the \(shortName(resource.profile)) resource", resourceType: resource.type,
                          instance: instanceName(resource.type, resource.profile, event), profile: resource.profile, path: [wire], codingSystem: nil))
            }
        }
        return result
    }

    /// What an element path ends at in its profile.
    private struct Leaf {
        var type: String
        var wirePath: String
        var valueSet: String?
        var fixedUnit: String?
        var unitForbidden = false
    }

    /// Walks the profile (and the data types' definitions below what it unrolls) along the path.
    private func leaf(of group: Group) -> Leaf? {
        guard var node = tree(group.profile)?.root else { return nil }
        var wire: [String] = []
        for step in group.path {
            if node.children.isEmpty, let type = node.typeCodes.first, let tree = tree(DefinitionPack.coreStructurePrefix + type) { node = tree.root }
            guard let child = node.children.first(where: { $0.matches(step) || $0.step == step }) else { return nil }
            node = child
            wire.append(step)
        }
        var type = node.typeCodes.first ?? ""
        if node.isChoice {
            let last = wire.last ?? ""
            let suffix = String(last.dropFirst(node.choiceBase.count))
            if let chosen = node.typeCodes.first(where: { $0.lowercased() == suffix.lowercased() }) {
                type = chosen
            } else if node.typeCodes.count == 1 {
                type = node.typeCodes[0]
                wire[wire.count - 1] = node.choiceBase + SnapshotNode.choiceSuffix(of: type)
            } else {
                return nil
            }
        }
        var unit: String?
        if ["Quantity", "SimpleQuantity", "Age", "Duration", "Count"].contains(type) {
            let codeNode = node.children.first { $0.step == "code" }
            unit = codeNode.flatMap { ($0.record.fixed ?? $0.record.pattern)?.value }
                ?? (node.record.fixed ?? node.record.pattern)?.children.first { $0.name == "code" }?.value
        }
        var forbidden = false
        if unit == nil, let system = node.children.first(where: { $0.step == "system" }) { forbidden = system.record.max == "0" }
        return Leaf(type: type, wirePath: wire.joined(separator: "."), valueSet: node.record.binding?.valueSet, fixedUnit: unit, unitForbidden: forbidden)
    }

    /// The instance of a resource: its profile's short name where the event lists several
    /// profiles of its type, else `1`.
    private func instanceName(_ type: String, _ profile: String, _ event: EventDefinition) -> String {
        Set(event.entryResources.filter { $0.type == type }.map(\.profile)).count > 1 ? profilePrefix(profile, type) : "1"
    }

    private func instancePrefix(_ type: String, _ profile: String, _ event: EventDefinition) -> String {
        Set(event.entryResources.filter { $0.type == type }.map(\.profile)).count > 1 ? profilePrefix(profile, type) : snake(type)
    }

    private func instancePrefix(_ group: Group) -> String { group.instance == "1" ? snake(group.resourceType) : group.instance }

    /// `CareConnect-DCH-APGARScore-Observation-1` -> `apgar_score`.
    private func profilePrefix(_ profile: String, _ type: String) -> String {
        var name = shortName(profile)
        for head in ["CareConnect-", "DCH-", "EMS-"] where name.hasPrefix(head) { name = String(name.dropFirst(head.count)) }
        if name.hasSuffix("-1") { name = String(name.dropLast(2)) }
        if name.hasSuffix("-" + type) { name = String(name.dropLast(type.count + 1)) }
        return snake(name)
    }

    /// A profile's snapshot as a tree (nil when the pack lacks it).
    private func tree(_ url: String) -> SnapshotTree? {
        (try? pack.structure(url: url)).flatMap { $0 }.flatMap(SnapshotTree.init)
    }

    // MARK: - Text

    private static let primitives: Set<String> = ["string", "date", "dateTime", "instant", "time", "code", "boolean", "integer", "decimal",
                                                  "positiveInt", "unsignedInt", "uri", "id", "markdown", "oid"]

    private func shortName(_ url: String) -> String { String(url.split(separator: "/").last ?? Substring(url)) }

    /// `APGARScore Observation` -> `apgar_score_observation`; `Date/Time` -> `date_time`.
    func snake(_ text: String) -> String {
        var out = ""
        let chars = Array(text)
        for (i, c) in chars.enumerated() {
            if c.isLetter || c.isNumber {
                if c.isUppercase, i > 0, let last = out.last, last != "_" {
                    let prev = chars[i - 1], next = i + 1 < chars.count ? chars[i + 1] : " "
                    if prev.isLowercase || prev.isNumber || (prev.isUppercase && next.isLowercase) { out.append("_") }
                }
                out += c.lowercased()
            } else if out.last != "_", !out.isEmpty {
                out.append("_")
            }
        }
        while out.hasSuffix("_") { out.removeLast() }
        return out
    }

    private func field(_ source: String, _ description: String, target: String, required: Bool = false, read: String, export: String? = nil) -> String {
        var s = "  - source: \(source)\n    description: \(yaml(description))\n    target: \(target)\n"
        if required { s += "    required: true\n" }
        s += "    read: \(yaml(read))\n"
        if let export { s += "    export: \(export)\n" }
        return s
    }

    /// A YAML scalar: plain when safe, else double-quoted.
    private func yaml(_ s: String) -> String {
        let risky = s.contains(": ") || s.contains(" #") || s.hasPrefix("'") || s.hasPrefix("\"") || s.hasPrefix("[") || s.hasPrefix("{")
            || s.hasPrefix("*") || s.hasPrefix("&") || s.hasPrefix("!") || s.hasPrefix("%") || s.hasPrefix("@") || s.hasPrefix("`") || s.hasSuffix(":")
        guard risky else { return s }
        return "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
