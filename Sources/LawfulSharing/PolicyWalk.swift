import FHIRModel
import FHIRDefinitions
import FHIRPath

/// One message's walk through a policy: the transform of the numbered input tree into the output
/// tree, then the finishing pass (references, narrative, required elements). Collects decisions.
struct PolicyWalk {
    let sharer: MessageSharer
    let selection: RuleSelection
    /// The normalised identity date shifts are keyed on.
    let person: String
    /// `MessageHeader.timestamp`: the date age bands are computed at.
    let referenceDate: String?
    /// The serial of the Patient that gets the linkage token.
    let linkageSerial: Int32?
    let linkageToken: LinkageToken?
    var decisions: [SharingDecision] = []
    /// Rewritten references that named a resource of the input: the ones to drop if it is withheld.
    var inputTargets = Set<String>()

    init(sharer: MessageSharer, selection: RuleSelection, person: String, referenceDate: String?,
         linkageSerial: Int32?, linkageToken: LinkageToken?) {
        self.sharer = sharer
        self.selection = selection
        self.person = person
        self.referenceDate = referenceDate
        self.linkageSerial = linkageSerial
        self.linkageToken = linkageToken
    }

    var policy: SharingPolicy { sharer.policy }
    var pack: DefinitionPack { sharer.engine.pack }
    var pseudonymiseIds: Bool { policy.identifiers == .pseudonymise }

    // MARK: ids, fullUrls and references

    /// The pseudonym of a resource id: a UUID stays a UUID, anything else becomes 32 hex digits.
    func newId(_ id: String) -> String {
        guard pseudonymiseIds else { return id }
        return Self.isUUID(id) ? sharer.transforms.pseudonymUUID(id) : sharer.transforms.pseudonym(id)
    }

    static func isUUID(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard u.count == 36 else { return false }
        for (i, c) in u.enumerated() {
            if [8, 13, 18, 23].contains(i) { if c != UInt8(ascii: "-") { return false } } else if !(c >= 48 && c <= 57 || c >= 97 && c <= 102 || c >= 65 && c <= 70) { return false }
        }
        return true
    }

    /// A fullUrl or reference with its id part pseudonymised: `urn:uuid:X`, `#X`, `Type/X`,
    /// `https://base/Type/X` (a `_history/n` tail dropped). Anything else is pseudonymised whole.
    func rewriteReference(_ r: String) -> String {
        guard pseudonymiseIds else { return r }
        if r.hasPrefix("urn:uuid:") { return "urn:uuid:" + newId(String(r.dropFirst(9))) }
        if r.hasPrefix("urn:oid:") { return "urn:oid:2.25." + String(UInt64(sharer.transforms.pseudonym(r).prefix(15), radix: 16) ?? 0) }
        if r.hasPrefix("#") { return "#" + newId(String(r.dropFirst())) }
        var parts = r.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if let h = parts.firstIndex(of: "_history"), h >= 2 { parts.removeSubrange(h...) }
        if parts.count >= 2, let last = parts.last, !last.isEmpty {
            parts[parts.count - 1] = newId(last)
            return parts.joined(separator: "/")
        }
        return "urn:uuid:" + sharer.transforms.pseudonymUUID(r)
    }

    /// Records the input's resources as reference targets (rewritten as they will be written).
    mutating func indexInput(_ root: Element) {
        for entry in root.children where entry.name == "entry" {
            if let full = entry.valueOfChild(named: "fullUrl") { inputTargets.insert(rewriteReference(full)) }
            if let resource = entry.children.first(where: { $0.name == "resource" }), let type = resource.resourceType,
               let id = resource.valueOfChild(named: "id") {
                inputTargets.insert(type + "/" + newId(id))
            }
        }
        indexContained(root)
    }

    private mutating func indexContained(_ e: Element) {
        for child in e.children {
            if child.name == "contained", let id = child.valueOfChild(named: "id") { inputTargets.insert("#" + newId(id)) }
            indexContained(child)
        }
    }

    // MARK: the transform

    struct Result {
        var element: Element?
        /// True when the element was dropped because no rule allowed it (not by a `remove` rule).
        var droppedByDefault: Bool
    }

    /// The output of one input element, or nil. `governing` is the index of the rule that governs
    /// the element through an enclosing one (nil: no rule, so removed unless something below is allowed).
    mutating func transform(_ e: Element, info: ChildInfo?, context: TypeContext?, governing: Int?, path: String,
                            isRoot: Bool = false) -> Result {
        let own = RuleSelection.serial(e).flatMap { selection.ruleBySerial[$0] }
        let ruleIndex = own ?? governing
        let rule = ruleIndex.map { policy.rules[$0] }
        if let own { decisions.append(SharingDecision(rule: policy.rules[own].id, path: path, action: policy.rules[own].action.name)) }
        let action = rule?.action
        let isResource = e.resourceType != nil
        let context = isResource ? ((try? pack.context(forType: e.resourceType!)) ?? nil) : context

        if action == .redact, !isResource {
            return Result(element: Self.masked(named: e.name, url: e.url, keeping: []), droppedByDefault: false)
        }
        let passes = action != nil && action != .remove && !(action == .redact)
        var out = Element(name: e.name, resourceType: e.resourceType, value: nil, id: passes ? e.id : nil, url: e.url)

        // The value.
        var masked = false
        var addedExtension: Element?
        if let value = e.value, passes, let action {
            let typeCode = info?.typeCode ?? "string"
            switch apply(action, to: value, typeCode: typeCode, name: e.name, direct: own != nil) {
            case .value(let v): out.value = v
            case .masked: masked = true
            case .extension(let url, let text): addedExtension = Self.extensionElement(url, text)
            }
        }
        if e.name == "reference", let v = out.value { out.value = rewriteReference(v) }

        // The children.
        var counts: [String: Int] = [:]
        var resourceId: String?
        var fullUrl: String?
        var keptResource = false
        var defaultRemovals: [SharingDecision] = []
        for child in e.children {
            let childInfo = context?.child(child.name)
            let n = counts[child.name, default: 0]
            counts[child.name] = n + 1
            if isResource && child.name == "id" && child.value != nil { resourceId = child.value; continue }
            if isResource && child.name == "text" { continue }
            if child.name == "fullUrl" && context?.path == "Bundle.entry" { fullUrl = child.value; continue }
            let childPath = path + "." + child.name + ((childInfo?.repeats ?? true) ? "[\(n)]" : "")
            let complexContext: TypeContext? = childInfo.flatMap { info in
                if case .primitive = info.content { return (try? pack.primitiveContext(info)) ?? nil }
                guard let context else { return nil }
                return (try? pack.context(of: info, in: context)) ?? nil
            }
            var sub = transform(child, info: childInfo, context: complexContext, governing: ruleIndex, path: childPath)
            if pseudonymiseSystem(action, parentType: info?.typeCode, childName: child.name), var kept = sub.element {
                if case .pseudonymise(let system?) = action { kept.value = system }
                sub.element = kept
            }
            if let kept = sub.element {
                out.children.append(kept)
                if child.name == "resource" || child.resourceType != nil { keptResource = true }
            } else if sub.droppedByDefault {
                defaultRemovals.append(SharingDecision(rule: "default", path: childPath, action: "remove"))
            }
        }
        if let addedExtension { out.children.append(addedExtension) }
        if masked { out.children.append(Self.dataAbsentReason()) }

        if isResource, let serial = RuleSelection.serial(e), serial == linkageSerial, let token = linkageToken {
            out.children.append(Element(name: "identifier", children: [
                Element(name: "system", value: LinkageToken.identifierSystem),
                Element(name: "value", value: token.value),
            ]))
            decisions.append(SharingDecision(rule: "linkage", path: path + ".identifier", action: "linkage-token",
                                             note: "basis \(token.basis.rawValue)"))
        }
        let hasContent = out.value != nil || !out.children.isEmpty
        // Only the topmost element of a removed subtree is recorded: here when this one stays.
        if hasContent || isRoot { decisions += defaultRemovals }
        if isResource {
            guard hasContent || isRoot else { return Result(element: nil, droppedByDefault: action == nil) }
            if let resourceId {
                out.children.insert(Element(name: "id", value: newId(resourceId)), at: 0)
                if pseudonymiseIds { decisions.append(SharingDecision(rule: "identifiers", path: path + ".id", action: "pseudonymise")) }
            }
            return Result(element: out, droppedByDefault: false)
        }
        if let fullUrl, keptResource {
            out.children.insert(Element(name: "fullUrl", value: rewriteReference(fullUrl)), at: 0)
        }
        guard hasContent else { return Result(element: nil, droppedByDefault: action == nil) }
        return Result(element: out, droppedByDefault: false)
    }

    /// True when a `pseudonymise` rule with a `system` replaces this Identifier's system.
    private func pseudonymiseSystem(_ action: ElementAction?, parentType: String?, childName: String) -> Bool {
        guard case .pseudonymise(let system?) = action else { return false }
        return system.isEmpty == false && childName == "system" && (parentType == "Identifier" || parentType == nil)
    }

    // MARK: values

    enum ValueResult {
        case value(String)
        case masked
        case `extension`(url: String, text: String)
    }

    static let dateTypes: Set<String> = ["date", "dateTime", "instant"]
    static let stringTypes: Set<String> = ["string", "markdown", "id", "oid", "uuid"]
    /// Types a value action leaves alone when it reaches them through an enclosing element:
    /// systems, codes and flags describe the value rather than identify anyone.
    static let structuralTypes: Set<String> = ["code", "uri", "boolean"]
    /// Names a value action leaves alone below the selected element for the same reason (a
    /// Coding's display, a Quantity's unit).
    static let structuralNames: Set<String> = ["display", "system", "version", "unit", "reference"]

    func apply(_ action: ElementAction, to value: String, typeCode: String, name: String, direct: Bool) -> ValueResult {
        let isDate = Self.dateTypes.contains(typeCode)
        if !direct && (Self.structuralTypes.contains(typeCode) || Self.structuralNames.contains(name)) { return .value(value) }
        switch action {
        case .keep, .remove, .redact:
            return .value(value)
        case .substitute(let v):
            return .value(v)
        case .pseudonymise:
            let normalised = value.allSatisfy({ $0.isNumber || $0 == " " || $0 == "-" }) ? value.filter(\.isNumber) : value
            let token = sharer.transforms.pseudonym(normalised)
            if Self.stringTypes.contains(typeCode) || typeCode == "code" { return .value(token) }
            if typeCode == "uri" { return .value("urn:dch:pseudonym:" + token) }
            if isDate { return .masked }
            return direct ? .masked : .value(value)
        case .encrypt:
            guard let sealed = try? sharer.transforms.encrypt(value, context: name) else { return .masked }
            return .extension(url: MessageSharer.encryptedValueURL, text: sealed)
        case .dateShift(let maximum):
            guard isDate else { return direct ? .masked : .value(value) }
            let days = sharer.transforms.dateShiftDays(person: person, maximum: maximum)
            return ValueGeneralisation.shift(value, days: days).map(ValueResult.value) ?? .masked
        case .generalise(let g):
            switch g {
            case .month, .year:
                guard isDate else { return direct ? .masked : .value(value) }
                return ValueGeneralisation.truncate(value, toYear: g == .year, isInstant: typeCode == "instant")
                    .map(ValueResult.value) ?? .masked
            case .postcodeDistrict:
                guard direct || name == "postalCode" else { return .value(value) }
                return ValueGeneralisation.postcodeDistrict(value).map(ValueResult.value) ?? .masked
            case .ageBand(let bands):
                guard isDate else { return direct ? .masked : .value(value) }
                guard let reference = referenceDate, let age = ValueGeneralisation.age(birth: value, at: reference) else { return .masked }
                return .extension(url: MessageSharer.ageBandURL, text: ValueGeneralisation.bandLabel(age: age, bands: bands))
            }
        }
    }

    static func extensionElement(_ url: String, _ text: String) -> Element {
        Element(name: "extension", url: url, children: [Element(name: "valueString", value: text)])
    }

    static func dataAbsentReason() -> Element {
        Element(name: "extension", url: MessageSharer.dataAbsentReasonURL, children: [Element(name: "valueCode", value: "masked")])
    }

    /// An element that says only that its content is withheld.
    static func masked(named name: String, url: String?, keeping: [Element]) -> Element {
        Element(name: name, url: url, children: keeping + [dataAbsentReason()])
    }
}
