import FHIRModel
import FHIRDefinitions

/// Layer 2: each resource of a message against the profiles it claims (`meta.profile`) and the
/// ones the caller asks for (`--profile`, applied to every resource of the profile's type), from
/// the snapshots in the pack; and every extension against its definition, found by URL.
///
/// Rules (`profile.*`): `unknown` (a claimed profile the pack lacks: warning), `wrong-type`,
/// `min`/`max` (where the profile is tighter than the base), `type` (a choice type the profile
/// removed), `fixed`, `pattern`, `slice-min`/`slice-max`, `slice-closed`, `slice-order` (ordered
/// and openAtEnd slicing), `slicing-unevaluable` (information, once per slicing), `target-type`
/// and `target-profile` (references), `extension-unknown` (warning; error for a modifier extension),
/// `binding-conflict` (once per message and definition: a binding the profile's own constraints on
/// the codings make unsatisfiable; a warning when it is required, information when extensible).
struct ProfileRules {
    let profiles: ProfileCache
    let definitions: DefinitionCache
    var resources: MessageResources
    let requested: [String]
    var issues: [Issue] = []
    var path = PathStack()
    /// Layer 3 for the profiles' own bindings: the checker and the message's report so far.
    var terminology: (checker: BindingChecker, report: TerminologyReport)? {
        get { bindingChecker.map { ($0, bindingReport) } }
        set {
            bindingChecker = newValue?.checker
            bindingReport = newValue?.report ?? TerminologyReport()
        }
    }
    /// ``terminology``'s parts, kept apart: a check then reads the checker and extends the report
    /// in place, where going through the optional pair copies and destroys it on every check.
    private var bindingChecker: BindingChecker?
    private var bindingReport = TerminologyReport()
    /// Paths of elements a profile binds itself: its binding replaces the base's extensible one there.
    /// Collected only when layer 3 found extensible-binding issues (``extensibleFindings``).
    var rebound: Set<String> = []
    /// The paths where the base walk reported `terminology.extensible` issues.
    var extensibleFindings: Set<String> = []
    /// The resource being walked (an index into ``resources``): references resolve from it.
    private var current = 0
    /// Slicings (their nodes) already reported as unevaluable in this message.
    private var unevaluable: Set<ObjectIdentifier> = []
    /// While an occurrence is walked against its slice: the fixed values the slice sets, by path.
    /// The sliced element's own definition fixing another value at the same place is the profile
    /// contradicting itself (CareConnect-DCH-Height-Observation-1 fixes the SNOMED display to
    /// 'Body height' in its slice and every display to 'Body height measure'): one warning per
    /// definition, `profile.fixed-conflict`, instead of failing every instance.
    /// Filed by the occurrence's place (see ``ElementPlace``), so no path is rendered; the last
    /// filing of an element counts.
    private var sliceFixed = ElementPlaceMemo<ProfileNode>()
    private var inSlice = 0
    /// The bindings checked so far in this message: where, at which path depth, by which definition, as which type.
    private var checkedBindings = ElementPlaceMemo<(depth: Int, definition: ProfileNode, type: String)>()
    /// The place of the element being checked (``checkElement(_:_:_:)``): kept as the walk descends.
    private var place = ElementPlace(resource: 0)
    /// The walks' scratch lists (occurrences of a definition, their slices, counts), one frame
    /// per walk level, reused for the whole message.
    private var scratch = IntStack()
    /// Definitions already reported as contradicting their slices, once per message.
    private var fixedConflicts: Set<String> = []
    /// While an occurrence is matched to a slice: the first value discriminator whose path gave it
    /// several values, one of them the slice's (-1: none).
    private var severalValuesAt = -1
    /// Definitions whose contradicted binding was already reported, once per message.
    private var bindingConflicts: Set<ObjectIdentifier> = []
    /// Whether a resource (by index) conforms to a profile (by identity), once per message; filled
    /// with `true` up front for the pairs walked anyway (claimed or requested), whose problems
    /// are reported where they are, not again at every reference to them.
    /// A message has a few dozen pairs at most: a list, searched by two integer compares, costs
    /// less than a dictionary growing (and rehashing) as it fills.
    private var conformance = ConformanceMemo()
    /// The extension scan's buffers (see ``checkExtensions(in:node:)``), reused across resources.
    private var extensionTrail: [Int] = []
    private var extensionSites: [Int] = []
    /// The resource types met in this message with their base definitions (see ``resourceNode(_:)``).
    private var resourceTypes: [(type: String, node: NodeDef?)] = []
    /// Per resource of ``resources``: its base definition (nil for a type layer 1 reported unknown).
    private var resourceNodes: [NodeDef?] = []

    /// Profiles this message looked up, by URL as written: a message names a handful, many
    /// times, and comparing its URLs costs less than hashing them into the shared cache.
    private var recentProfiles: [(url: String, profile: CompiledProfile?)] = []

    /// ``conformance``'s store: a list while short (a message holds a few dozen pairs, found by
    /// two integer compares each), a dictionary once long (no quadratic scans in a huge Bundle).
    private struct ConformanceMemo {
        private var pairs: [(key: ConformanceKey, conforms: Bool)] = []
        private var index: [ConformanceKey: Int]?

        mutating func reserve(_ count: Int) { pairs.reserveCapacity(min(count, 64)) }

        subscript(key: ConformanceKey) -> Bool? {
            get {
                if let index { return index[key].map { pairs[$0].conforms } }
                return pairs.first(where: { $0.key == key })?.conforms
            }
            set {
                let slot = index.map { $0[key] } ?? pairs.firstIndex(where: { $0.key == key })
                if let slot {
                    pairs[slot].conforms = newValue ?? false
                    return
                }
                pairs.append((key, newValue ?? false))
                if index != nil {
                    index![key] = pairs.count - 1
                } else if pairs.count > 64 {
                    index = Dictionary(uniqueKeysWithValues: pairs.indices.map { (pairs[$0].key, $0) })
                }
            }
        }
    }

    /// A resource (its index in ``resources``) and a profile.
    private struct ConformanceKey: Hashable {
        let resource: Int
        let profile: ObjectIdentifier
    }

    init(profiles: ProfileCache, definitions: DefinitionCache, root: Element, requested: [String]) {
        self.profiles = profiles
        self.definitions = definitions
        self.resources = MessageResources(root: root)
        self.requested = requested
    }

    /// The compiled profile of `url` (see ``ProfileCache/profile(_:)``).
    private mutating func profile(_ url: String) throws -> CompiledProfile? {
        let length = url.utf8.count   // most URLs differ in length: compared without reading them
        for recent in recentProfiles where recent.url.utf8.count == length && recent.url == url { return recent.profile }
        let found = try profiles.profile(url)
        if recentProfiles.count < 32 { recentProfiles.append((url, found)) }
        return found
    }

    /// Checks every resource of the message.
    mutating func check() {
        // The resources are read in place from a copy of their list (one retain), not copied out one by one.
        let list = resources.resources
        let located = list.span
        resourceNodes.reserveCapacity(located.count)
        conformance.reserve(located.count + 4)
        for k in located.indices { resourceNodes.append(resourceNode(located[k].element)) }
        for k in located.indices {
            markClaimedOrRequested(located[k].element, resource: k)
        }
        for k in located.indices {
            // A resource of no known type was reported by layer 1; its profiles would only echo that.
            guard let node = resourceNodes[k] else { continue }
            check(located[k].element, resource: k, node: node)
        }
    }

    /// Layer 2 for one resource (index `k` in ``resources``).
    private mutating func check(_ resource: borrowing Element, resource k: Int, node: NodeDef) {
        current = k
        place = ElementPlace(resource: k)
        let depth = path.depth
        resources.push(k, onto: &path)
        var walked = false
        var claimCount = 0
        resource.withChild(named: "meta") { meta in
            let kids = meta.children.span
            for c in kids.indices where Self.isProfile(kids[c].name) {
                let i = claimCount
                claimCount += 1
                walked = true
                guard let url = kids[c].value else { continue }
                apply(url, to: resource, claim: kids[c], index: i)
            }
        }
        for url in requested where !isClaimed(url, by: resource) {
            if let profile = try? self.profile(url), profile.type == resource.resourceType {
                walk(resource, profile.root, profile)
                walked = true
            }
        }
        // A resource no profile is walked for still has its base definition's reference target
        // types to meet (layer 1 does not resolve references): its core definition, walked as
        // a profile, matters only there.
        if !walked, let type = resource.resourceType,
           let core = try? self.profile(DefinitionPack.coreStructurePrefix + type) {
            walk(resource, core.root, core)
        }
        checkExtensions(in: resource, node: node)
        path.pop(to: depth)
    }

    /// Files the profiles `resource` claims or is asked to meet as met (see ``conformance``).
    private mutating func markClaimedOrRequested(_ resource: borrowing Element, resource k: Int) {
        resource.withChild(named: "meta") { meta in
            let kids = meta.children.span
            for c in kids.indices where Self.isProfile(kids[c].name) {
                if let url = kids[c].value, let profile = try? self.profile(url) { markConforming(k, profile) }
            }
        }
        for url in requested where !isClaimed(url, by: resource) {
            if let profile = try? self.profile(url), profile.type == resource.resourceType { markConforming(k, profile) }
        }
    }

    private mutating func markConforming(_ resource: Int, _ profile: CompiledProfile) {
        let key = ConformanceKey(resource: resource, profile: ObjectIdentifier(profile))
        conformance[key] = true
    }

    /// Whether `resource`'s `meta.profile` names `url`.
    private func isClaimed(_ url: String, by resource: borrowing Element) -> Bool {
        resource.withChild(named: "meta") { meta in
            meta.children.contains { Self.isProfile($0.name) && $0.value == url }
        } ?? false
    }

    private static func isProfile(_ name: String) -> Bool {
        name.utf8.count == 7 && name == "profile"
    }

    /// Walks `resource` against the profile its `meta.profile[index]` (`claim`) names.
    private mutating func apply(_ url: String, to resource: borrowing Element, claim: borrowing Element, index: Int) {
        var claimPath: String { path.text(appending: "meta.profile[\(index)]") }
        let profile: CompiledProfile?
        do { profile = try self.profile(url) } catch {
            add(.fatal, .processing, ProfileRule.definitions, "the definitions cannot be read: \(error)", claim, claimPath)
            return
        }
        guard let profile else {
            add(.warning, .notSupported, ProfileRule.unknown,
                "profile '\(url)' is not in the definition pack: the resource is not checked against it", claim, claimPath)
            return
        }
        guard profile.type == resource.resourceType else {
            add(.error, .invalid, ProfileRule.wrongType,
                "profile '\(profile.name)' is for \(profile.type), not \(resource.resourceType ?? resource.name)",
                claim, claimPath)
            return
        }
        walk(resource, profile.root, profile)
    }

    // MARK: elements

    /// Checks `e`'s children against `node`'s child definitions (the path stack is at `e`).
    ///
    /// Elements are borrowed in place from their parents' children (the tree is not changed while
    /// it is validated): reading an element then touches only the fields used, where copying the
    /// struct would retain all four. The scratch lists live in ``scratch``, one frame per level.
    mutating func walk(_ e: borrowing Element, _ node: ProfileNode, _ profile: CompiledProfile) {
        let kids = e.children.span
        // A node with few definitions that matter compares their names with the children's;
        // otherwise each child's definition is found by one lookup (and counted), and only the
        // definitions with occurrences look for them.
        let byLookup = !node.ambiguousNames && !node.scansNames
        // The frame: occurrences (one slot per child), their slices (as many), and when looking
        // up, each child's definition (as many) and each definition's count.
        let frame = scratch.push(byLookup ? 3 * kids.count + node.children.count : 2 * kids.count)
        defer { scratch.pop(to: frame) }
        let occurrences = frame, matched = frame + kids.count
        let owner = frame + 2 * kids.count, counts = owner + kids.count
        if byLookup {
            for k in kids.indices {
                let d = node.childIndex(of: kids[k].name)
                scratch[owner + k] = d
                if d >= 0 { scratch[counts + d] += 1 }
            }
        }
        for d in node.matteringChildren {
            let def = node.children[d]
            if def.isXMLAttribute {
                if def.name == "url" { checkURLAttribute(e, def, profile) }
                continue
            }
            var n = 0
            if byLookup {
                if scratch[counts + d] > 0 {
                    for k in kids.indices where scratch[owner + k] == d {
                        scratch[occurrences + n] = k
                        n += 1
                    }
                }
            } else {
                for k in kids.indices where def.matches(kids[k].name) {
                    scratch[occurrences + n] = k
                    n += 1
                }
            }
            visit(e, def, profile, occurrences: occurrences..<(occurrences + n), matched: matched)
        }
    }

    /// Checks `parent.children[k]` against `def`, its place one step below the current one.
    private mutating func checkChild(of parent: borrowing Element, _ k: Int, _ def: ProfileNode, _ profile: CompiledProfile) {
        let kids = parent.children.span
        place.trail.append(k)
        checkElement(kids[k], def, profile)
        place.trail.removeLast()
    }

    /// The occurrences of `def` among `e`'s children: their indices are `scratch[occurrences]`;
    /// `scratch[matched...]` is room for one slot per occurrence.
    private mutating func visit(_ e: borrowing Element, _ def: ProfileNode,
                                _ profile: CompiledProfile, occurrences: Range<Int>, matched: Int) {
        let kids = e.children.span
        let count = occurrences.count
        if count == 0 {
            if def.record.min > 0 { checkCardinality(e, def, count: 0, first: nil, profile) }
            if def.hasRequiredSlice { checkSlicing(e, def, occurrences: occurrences, matched: matched, profile) }
            return
        }
        if count < def.record.min || count > def.max {
            // The first occurrence past the max, when there are too many.
            let extra = count > def.max ? scratch[occurrences.lowerBound + def.max] : nil
            checkCardinality(e, def, count: count, first: extra.map { (kids[$0], def.max) }, profile)
        }
        guard def.slices.isEmpty else {
            walkSliced(e, def, profile, occurrences: occurrences, matched: matched)
            return
        }
        // Index among same-named siblings: all of an element's occurrences share its name
        // (a choice's variants never repeat).
        for n in 0..<count {
            let k = scratch[occurrences.lowerBound + n]
            path.push(kids[k].name, index: def.repeats ? n : -1)
            checkChild(of: e, k, def, profile)
            if inSlice == 0 && !sliceFixed.isEmpty { sliceFixed.removeAll() }
            path.pop()
        }
    }

    /// The occurrences of a sliced element: each against its slice, then against the element.
    /// `scratch[matched...]` is room for one slot per occurrence.
    private mutating func walkSliced(_ e: borrowing Element, _ def: ProfileNode, _ profile: CompiledProfile,
                                     occurrences: Range<Int>, matched: Int) {
        let kids = e.children.span
        checkSlicing(e, def, occurrences: occurrences, matched: matched, profile)
        for n in 0..<occurrences.count {
            let k = scratch[occurrences.lowerBound + n]
            path.push(kids[k].name, index: def.repeats ? n : -1)
            let slice = scratch[matched + n]
            if slice >= 0 {
                inSlice += 1
                checkChild(of: e, k, def.slices[slice], profile)
                inSlice -= 1
            }
            checkChild(of: e, k, def, profile)
            if inSlice == 0 && !sliceFixed.isEmpty { sliceFixed.removeAll() }
            path.pop()
        }
    }

    /// `Extension.url` is an attribute in our tree: required and fixed like any element.
    private mutating func checkURLAttribute(_ e: borrowing Element, _ def: ProfileNode, _ profile: CompiledProfile) {
        guard let url = e.url else {
            if def.record.min > 0 {
                add(.error, .required, ProfileRule.min, "missing 'url', required by \(label(def, profile))", e, path.text(appending: "url"))
            }
            return
        }
        if let fixed = def.fixed?.value, fixed != url {
            add(.error, .value, ProfileRule.fixed, "url is '\(url)' but \(label(def, profile)) fixes it to '\(fixed)'",
                e, path.text(appending: "url"))
        }
    }

    /// `count` occurrences of `def` below `e`; `first` is the first occurrence past the max (and
    /// its index among its siblings) when there are too many.
    private mutating func checkCardinality(_ e: Element, _ def: ProfileNode, count: Int, first: (element: Element, index: Int)?,
                                           _ profile: CompiledProfile) {
        if count < def.record.min {
            add(.error, .required, ProfileRule.min,
                "missing '\(def.name)': \(label(def, profile)) needs at least \(def.record.min), found \(count)",
                e, path.text(appending: def.name))
        }
        guard count > def.max, let first, let baseMax = def.record.baseMax, def.max < (Int(baseMax) ?? Int.max) else { return }
        add(.error, .structure, ProfileRule.max,
            def.max == 0 ? "'\(first.element.name)' is not allowed by \(label(def, profile)) (max 0)"
                         : "'\(first.element.name)' occurs \(count) times; \(label(def, profile)) allows \(def.max)",
            first.element, path.text(appending: def.repeats ? "\(first.element.name)[\(first.index)]" : first.element.name))
    }

    /// Checks one occurrence against one definition (the path stack is at the occurrence).
    private mutating func checkElement(_ e: borrowing Element, _ def: ProfileNode, _ profile: CompiledProfile) {
        // Most nodes are walked only for what lies below them: their checks say which parts to read.
        let checks = def.checks
        if checks.contains(.choiceType), !def.allowsVariant(e.name), let type = def.variantType(e.name) {
            add(.error, .structure, ProfileRule.type,
                "type \(type) is not allowed by \(label(def, profile)); allowed: \(def.typeCodes.joined(separator: ", "))", e)
            return
        }
        if checks.contains(.fixed), let fixed = def.fixed {
            if inSlice > 0 { sliceFixed.append(def, at: place) }
            if !ValueConformance.equals(e, fixed) { reportFixed(e, fixed, def, profile) }
        }
        if checks.contains(.pattern), let pattern = def.pattern, !ValueConformance.contains(e, pattern) {
            add(.error, .value, ProfileRule.pattern,
                "value \(ValueConformance.describe(e)) does not match the pattern \(ValueConformance.describe(pattern)) of \(label(def, profile))", e)
        }
        if checks.contains(.binding) { checkBinding(e, def, profile) }
        if checks.contains(.target) {
            e.withChild(named: "reference") { checkTarget($0, def, profile) }
        }
        if checks.contains(.children) {
            walk(e, def, profile)
        } else if checks.contains(.typeProfile), let url = def.typeProfile, let typeProfile = try? self.profile(url) {
            walk(e, typeProfile.root, typeProfile)
        }
    }

    /// The profile's own binding of `e`, or the note that the profile contradicts the binding there.
    private mutating func checkBinding(_ e: borrowing Element, _ def: ProfileNode, _ profile: CompiledProfile) {
        guard let checker = bindingChecker else { return }
        if let conflict = def.bindingConflict, codings(of: e, allIn: conflict.systems) {
            // The codings do what the profile demands: the binding it contradicts is not held against
            // them (not the base walk's extensible one either), and the profile's defect is noted once.
            if !extensibleFindings.isEmpty { rebound.insert(path.text()) }
            if bindingConflicts.insert(ObjectIdentifier(def)).inserted {
                issues.append(bindingConflict(e, def, profile, conflict, at: path.text()))
            }
            return
        }
        guard let binding = def.checkedBinding,
              let type = def.choicePrefix != nil ? def.variantType(e.name) : def.typeCodes.first,
              firstBindingCheck(of: e, def, binding, type) else { return }
        if !extensibleFindings.isEmpty { rebound.insert(path.text()) }
        checker.check(e, typeCode: type, binding: binding, path: path.text(), into: &bindingReport)
    }

    /// False when this element was already checked against the same binding as the same type (a
    /// slice and its sliced element, an extension's definition and the profile slicing it): the
    /// findings would be the same ones, at the same path, and are reported once anyway.
    private mutating func firstBindingCheck(of e: borrowing Element, _ def: ProfileNode, _ binding: BindingRecord,
                                            _ type: String) -> Bool {
        let depth = path.depth
        let checked = checkedBindings.contains(at: place) { c in
            c.depth == depth && (c.definition === def || (c.definition.bindingConflict == def.bindingConflict && c.type == type
                && c.definition.checkedBinding == binding))
        }
        if checked { return false }
        // Bounded: past that many, checks are simply not remembered (the report drops repeats anyway).
        if checkedBindings.count < 64 { checkedBindings.append((depth, def, type), at: place) }
        return true
    }

    /// A value that is not the fixed one: an error, unless the slice it matched fixes another value
    /// at the same place (the profile contradicting itself: one warning per definition).
    private mutating func reportFixed(_ e: borrowing Element, _ fixed: Element, _ def: ProfileNode, _ profile: CompiledProfile) {
        if inSlice == 0, let other = sliceFixed.last(at: place)?.fixed,
           !ValueConformance.equals(other, fixed) {
            if fixedConflicts.insert(profile.url + "#" + def.id).inserted {
                add(.warning, .value, ProfileRule.fixedConflict,
                    "\(label(def, profile)) fixes \(ValueConformance.describe(fixed)) where its own slice fixes "
                        + "\(ValueConformance.describe(other)): the profile contradicts itself, so the slice's value is accepted", e)
            }
            return
        }
        add(.error, .value, ProfileRule.fixed,
            "value \(ValueConformance.describe(e)) differs from the fixed value \(ValueConformance.describe(fixed)) of \(label(def, profile))", e)
    }

    /// `Element 'Patient.identifier:nhsNumber' of CareConnect-DCH-Patient-1`.
    func label(_ def: ProfileNode, _ profile: CompiledProfile) -> String {
        "\(def.id) of \(profile.name)"
    }

    private mutating func add(_ severity: Severity, _ type: IssueType, _ rule: ProfileRule, _ message: String,
                              _ element: Element, _ at: String? = nil) {
        issues.append(Issue(severity, type, rule: rule, message, path: at ?? path.text(), position: element.position))
    }

    /// The base definition of a resource's type; a message holds a few types many times, so
    /// each is looked up in the shared cache once.
    private mutating func resourceNode(_ resource: Element) -> NodeDef? {
        guard let type = resource.resourceType else { return nil }
        let length = type.utf8.count
        for known in resourceTypes where known.type.utf8.count == length && known.type == type { return known.node }
        var node: NodeDef?
        if case let .found(found)? = try? definitions.resource(named: type) { node = found }
        resourceTypes.append((type, node))
        return node
    }
}

// MARK: slicing

extension ProfileRules {
    /// Assigns each occurrence to a slice by the discriminators and checks the slices' counts,
    /// closed and ordered slicing. Fills `matched` (one slot per occurrence) with each occurrence's
    /// slice index (-1: none).
    mutating func checkSlicing(_ e: borrowing Element, _ def: ProfileNode,
                               occurrences: Range<Int>, matched: Int, _ profile: CompiledProfile) {
        for n in 0..<occurrences.count { scratch[matched + n] = -1 }
        if let reason = def.unevaluableSlicing {
            reportUnevaluable(def, profile, reason, e)
            if def.discriminatorPaths.isEmpty { return }
        }
        let counts = scratch.push(def.slices.count)
        checkSlicing(e, def, occurrences: occurrences, matched: matched, counts: counts, profile)
        scratch.pop(to: counts)
    }

    /// As above, with `scratch[counts...]` counting each slice's occurrences (zeros on entry).
    private mutating func checkSlicing(_ e: borrowing Element, _ def: ProfileNode,
                                       occurrences: Range<Int>, matched: Int, counts: Int, _ profile: CompiledProfile) {
        let kids = e.children.span
        // Paths are rendered only when something is reported.
        var at: String { path.text(appending: def.name) }
        for n in 0..<occurrences.count {
            let k = scratch[occurrences.lowerBound + n]
            if let byURL = def.slicesByURL {
                // Extension slices: the occurrence's url names its slice (the first with that URL).
                guard let url = kids[k].url else { continue }
                let length = url.utf8.count
                if let s = byURL.first(where: { $0.url.utf8.count == length && $0.url == url })?.slice {
                    scratch[matched + n] = s
                    scratch[counts + s] += 1
                }
                continue
            }
            for (s, keys) in def.sliceKeys.enumerated() {
                severalValuesAt = -1
                // A slice that cannot be recognised matches nothing (reported above).
                if belongsToAll(kids[k], keys, def) {
                    scratch[matched + n] = s
                    scratch[counts + s] += 1
                    if severalValuesAt >= 0 {
                        noteSeveralValues(kids[k], occurrence: n, discriminator: severalValuesAt, slice: s, def, profile)
                    }
                    break
                }
            }
        }
        for (s, slice) in def.slices.enumerated() {
            let count = scratch[counts + s]
            guard count < slice.record.min || count > slice.max else { continue }
            let name = slice.record.sliceName ?? slice.id
            // A slice that cannot be recognised matches nothing: its min is one of the rules not checked
            // (profile.slicing-unevaluable says so), not a finding against the message.
            if count < slice.record.min, !def.sliceKeys[s].contains(where: { if case .unknown = $0 { true } else { false } }) {
                add(.error, .required, ProfileRule.sliceMin,
                    "missing slice '\(name)': \(label(slice, profile)) needs at least \(slice.record.min), found \(count)", e, at)
            }
            if count > slice.max {
                add(.error, .structure, ProfileRule.sliceMax,
                    "slice '\(name)' occurs \(count) times; \(label(slice, profile)) allows \(slice.max)", e, at)
            }
        }
        let rules = def.slicingRules
        guard rules != "open" || def.slicingOrdered else { return }
        var highest = -1
        var sawUnmatched = false
        for n in 0..<occurrences.count {
            let o = kids[scratch[occurrences.lowerBound + n]]
            var here: String { path.text(appending: def.repeats ? "\(o.name)[\(n)]" : o.name) }
            let s = scratch[matched + n]
            if s < 0 {
                sawUnmatched = true
                if rules == "closed" {
                    add(.error, .structure, ProfileRule.sliceClosed,
                        "'\(o.name)' matches none of the slices of \(label(def, profile)), and the slicing is closed",
                        o, here)
                }
                continue
            }
            if def.slicingOrdered && s < highest {
                add(.error, .structure, ProfileRule.sliceOrder,
                    "slice '\(def.slices[s].record.sliceName ?? "")' comes after '\(def.slices[highest].record.sliceName ?? "")'; \(label(def, profile)) orders its slices",
                    o, here)
            } else if rules == "openAtEnd" && sawUnmatched {
                add(.error, .structure, ProfileRule.sliceOrder,
                    "slice '\(def.slices[s].record.sliceName ?? "")' follows an element outside the slices; \(label(def, profile)) puts those at the end",
                    o, here)
            }
            highest = max(highest, s)
        }
    }

    /// An occurrence that joined a slice although a value discriminator's path gave it several
    /// values (FHIR asks for one): it matched because one of them is the slice's, as the HL7
    /// validator matches (`'x' in path`), and is held to the slice's rules. Noted, as information,
    /// so that a finding on its other values can be understood.
    private mutating func noteSeveralValues(_ occurrence: borrowing Element, occurrence n: Int, discriminator d: Int,
                                            slice s: Int, _ def: ProfileNode, _ profile: CompiledProfile) {
        let name = occurrence.name
        add(.information, .informational, ProfileRule.sliceSeveralValues,
            "'\(name)' gives several values at discriminator '\(def.discriminatorPaths[d])' of \(label(def, profile)), where FHIR "
                + "asks for one; one of them is slice '\(def.slices[s].record.sliceName ?? "")''s, so it is taken as that slice and held "
                + "to its rules (as the HL7 validator does: 'value in path')",
            occurrence, path.text(appending: def.repeats ? "\(name)[\(n)]" : name))
    }

    /// True when an occurrence meets every slice key in `keys` (one per discriminator of `def`).
    private mutating func belongsToAll(_ occurrence: borrowing Element, _ keys: [SliceKey], _ def: ProfileNode) -> Bool {
        for d in keys.indices where !belongs(occurrence, d, keys[d], def) { return false }
        return true
    }

    /// True when an occurrence meets the slice key of discriminator `d` of `def`. A `value` key
    /// (a fixed value, or a required binding) whose path gives several values is met when any of
    /// them meets it, and sets ``severalValuesAt``.
    private mutating func belongs(_ e: borrowing Element, _ d: Int, _ key: SliceKey, _ def: ProfileNode) -> Bool {
        // The usual case, extension slices told apart by url: no element built to compare.
        if def.discriminatorPaths[d] == "url", case let .value(v) = key {
            return e.url != nil && e.url == v.value && v.children.isEmpty
        }
        let steps = def.discriminatorSteps[d][...]
        switch key {
        case let .value(v):
            return onlyValue(steps, in: e, discriminator: d) { ValueConformance.equals($0, v) }
        case let .pattern(p):
            return DiscriminatorPath.contains(steps, in: e) { ValueConformance.contains($0, p) }
        case let .types(types):
            let prefix = def.discriminatorChoices[d]
            return DiscriminatorPath.contains(steps, in: e) { v in
                guard let t = DiscriminatorPath.typeOf(v, choicePrefix: prefix) else { return false }
                return types.contains { $0.lowercased() == t.lowercased() }
            }
        case let .profiles(urls):
            return DiscriminatorPath.contains(steps, in: e) { v in urls.contains { conforms(copy v, to: $0) } }
        case let .valueSet(url):
            // Layer 3's value sets decide; a code they cannot judge matches no slice.
            guard let valueSet = try? definitions.terminology.valueSet(url: url) else { return false }
            return onlyValue(steps, in: e, discriminator: d) { v in
                guard let code = v.value, case .member = valueSet.contains(system: nil, code: code) else { return false }
                return true
            }
        case let .exists(required): return DiscriminatorPath.contains(steps, in: e) { _ in true } == required
        case .unknown: return false
        }
    }

    /// Whether the value(s) at a value discriminator's path meet `test`. FHIR asks the path to give
    /// one value; where it gives several, the HL7 validator's expression (`'x' in path`, since
    /// 2019; the STU3-era one compared with `=`, false for several) is met by any one of them, and
    /// so is ours; ``severalValuesAt`` remembers it for the note.
    private mutating func onlyValue(_ steps: ArraySlice<String>, in e: borrowing Element, discriminator d: Int,
                                    where test: (borrowing Element) -> Bool) -> Bool {
        switch DiscriminatorPath.onlyValue(steps, in: e, where: test) {
        case let .one(meets): return meets
        case .none: return false
        case .several:
            guard DiscriminatorPath.contains(steps, in: e, where: test) else { return false }
            if severalValuesAt < 0 { severalValuesAt = d }
            return true
        }
    }

    private mutating func reportUnevaluable(_ def: ProfileNode, _ profile: CompiledProfile, _ reason: String,
                                            _ e: Element) {
        guard unevaluable.insert(ObjectIdentifier(def)).inserted else { return }
        add(.information, .informational, ProfileRule.slicingUnevaluable,
            "the slices of \(label(def, profile)) cannot be told apart (\(reason)): their rules are not checked", e, path.text(appending: def.name))
    }

    /// Whether `e` meets a profile without errors (for profile discriminators), walked on a copy.
    private mutating func conforms(_ e: Element, to url: String) -> Bool {
        guard let profile = try? self.profile(url) else { return false }
        return conforms(e, to: profile, at: ElementPlace(resource: ElementPlace.detached))
    }

    /// Whether `e`, standing at `place`, meets a profile without errors, walked by a probe.
    private mutating func conforms(_ e: Element, to profile: CompiledProfile, at place: ElementPlace) -> Bool {
        var probe = self
        probe.issues = []
        probe.place = place
        // Only the probe's errors count: the bindings it would check report into a throwaway copy.
        probe.bindingChecker = nil
        probe.walk(e, profile.root, profile)
        return !probe.issues.contains { $0.severity >= .error }
    }
}

// MARK: references and extensions

extension ProfileRules {
    /// `targetProfile`: the resource a reference resolves to (inside the message) must be of an
    /// allowed type and conform to the profile (claimed in its meta.profile, or checked here).
    mutating func checkTarget(_ reference: borrowing Element, _ def: ProfileNode, _ profile: CompiledProfile) {
        guard let value = reference.value, let k = resources.resolve(value, from: current), resourceNodes[k] != nil,
              let targetType = resources.resources[k].element.resourceType else { return }
        // A target profile the pack lacks leaves the allowed types unknown: nothing to check.
        guard let allowed = profiles.targets(of: def), !allowed.isEmpty, !allowed.contains(where: { $0.type == "Resource" }) else { return }
        var at: String { path.text(appending: "reference") }
        var sameType = false
        for t in allowed where t.type == targetType {
            // A core definition of the type: any resource of that type conforms.
            if t.isCore { return }
            sameType = true
        }
        guard sameType else {
            add(.error, .structure, ProfileRule.targetType,
                "reference '\(value)' resolves to a \(targetType); \(label(def, profile)) allows \(Set(allowed.map(\.type)).sorted().joined(separator: ", "))",
                reference, at)
            return
        }
        var firstFailing: CompiledProfile?
        for t in allowed where t.type == targetType {
            if targetConforms(k, to: t.profile) { return }
            if firstFailing == nil { firstFailing = t.profile }
        }
        guard let first = firstFailing else { return }
        add(.error, .structure, ProfileRule.targetProfile,
            "reference '\(value)' resolves to \(resources.path(of: k)), which does not conform to \(first.name) as \(label(def, profile)) requires",
            reference, at)
    }

    private mutating func targetConforms(_ target: Int, to profile: CompiledProfile) -> Bool {
        let key = ConformanceKey(resource: target, profile: ObjectIdentifier(profile))
        if let known = conformance[key] { return known }
        conformance[key] = true   // a reference cycle must not recurse
        let result = conforms(resources.resources[target].element, to: profile, at: ElementPlace(resource: target))
        conformance[key] = result
        return result
    }

    /// Every extension below `resource` (resources below are walked on their own), against the
    /// definition its URL names. Inside an extension, relative URLs belong to the parent's definition.
    /// A cheap scan finds them (most elements hold none); the path of each is then rebuilt.
    mutating func checkExtensions(in resource: borrowing Element, node: NodeDef?) {
        // Each site is its trail's length, then the trail (child indices from the resource down);
        // the buffers live as long as the message's walk.
        if !extensionSites.isEmpty { extensionSites.removeAll(keepingCapacity: true) }
        Self.collectExtensions(in: resource, insideExtension: false, trail: &extensionTrail, into: &extensionSites)
        var i = 0
        while i < extensionSites.count {
            let length = extensionSites[i]
            let depth = path.depth
            checkExtensionSite(below: resource, node: node, site: i + 1, steps: length)
            i += length + 1
            path.pop(to: depth)
            place.trail.removeAll(keepingCapacity: true)
        }
    }

    /// Follows `steps` child indices of ``extensionSites`` (from `site` on) down from `e`, pushing
    /// each step onto the path and the place, and checks the extension it reaches. One level per
    /// call, so that each element is borrowed from its parent's children.
    private mutating func checkExtensionSite(below e: borrowing Element, node: NodeDef?, site: Int, steps: Int) {
        guard steps > 0 else {
            if let url = e.url { checkExtension(e, url: url, modifier: e.name == "modifierExtension") }
            return
        }
        let k = extensionSites[site]
        let kids = e.children.span
        var siblings = SiblingIndex()
        let index = siblings.next(k, of: e)
        let name = kids[k].name
        let def = node?.children[name]
        path.push(name, index: Self.isExtension(name) || def?.info.repeats == true ? index : -1)
        place.trail.append(k)
        checkExtensionSite(below: kids[k], node: def?.node, site: site + 1, steps: steps - 1)
    }

    private static func isExtension(_ name: String) -> Bool {
        let length = name.utf8.count   // short names compare cheaply by length first
        return (length == 9 && name == "extension") || (length == 17 && name == "modifierExtension")
    }

    /// The child-index trails of the extensions to check below `e`, in document order (see
    /// ``checkExtensions(in:node:)`` for the layout of `sites`).
    private static func collectExtensions(in e: borrowing Element, insideExtension: Bool, trail: inout [Int],
                                          into sites: inout [Int]) {
        // Borrowed in place: copying each child out of the array would cost four reference counts.
        let kids = e.children.span
        for k in kids.indices {
            let isExtension = isExtension(kids[k].name)
            guard isExtension || !kids[k].children.isEmpty else { continue }
            guard !kids[k].isResource else { continue }
            trail.append(k)
            if isExtension, let url = kids[k].url, !(insideExtension && !url.utf8.contains(UInt8(ascii: ":"))) {
                sites.append(trail.count)
                sites.append(contentsOf: trail)
            }
            if !kids[k].children.isEmpty {
                collectExtensions(in: kids[k], insideExtension: insideExtension || isExtension, trail: &trail, into: &sites)
            }
            trail.removeLast()
        }
    }

    private mutating func checkExtension(_ e: borrowing Element, url: String, modifier: Bool) {
        guard let definition = try? self.profile(url) else {
            if modifier {
                add(.error, .unknownExtension, ProfileRule.extensionUnknown,
                    "unknown modifier extension '\(url)': it may change the meaning of its element, so it cannot be ignored", e)
            } else {
                add(.warning, .unknownExtension, ProfileRule.extensionUnknown,
                    "unknown extension '\(url)': not in the definition pack, so not checked", e)
            }
            return
        }
        guard definition.type == "Extension" else {
            add(.error, .unknownExtension, ProfileRule.wrongType, "'\(url)' defines a \(definition.type), not an extension", e)
            return
        }
        walk(e, definition.root, definition)
    }
}
