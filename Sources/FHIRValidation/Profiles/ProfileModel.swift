import Foundation
import FHIRModel
import FHIRDefinitions

/// A profile's snapshot compiled for validation: its elements as a tree by element id, slices
/// hung under the element they slice, fixed and pattern values parsed once.
final class CompiledProfile: @unchecked Sendable {
    /// Canonical URL.
    let url: String
    /// `CareConnect-DCH-Patient-1`: what messages call it.
    let name: String
    /// The type it constrains (`Patient`, `Extension`).
    let type: String
    /// The root element (`Patient`).
    let root: ProfileNode

    init(url: String, name: String, type: String, root: ProfileNode) {
        self.url = url
        self.name = name
        self.type = type
        self.root = root
    }
}

/// One element definition of a profile (a slice is a node of its own).
///
/// Its `var`s are set while ``ProfileCompiler`` builds the tree and only read once the profile
/// is shared.
final class ProfileNode: @unchecked Sendable {
    let record: ElementRecord
    /// Element id with slice names (`Patient.identifier:nhsNumber.system`).
    let id: String
    /// Last path segment (`identifier`, `value[x]`, `valueQuantity`).
    let name: String
    /// `value` for `value[x]`: the prefix its choice variants share.
    private(set) var choicePrefix: String?
    /// Children in definition order (slices excluded).
    var children: [ProfileNode] = []
    /// When this node defines slicing: its slices in definition order.
    var slices: [ProfileNode] = []
    /// Per slice, what it expects at each discriminator (same order as the discriminators).
    var sliceKeys: [[SliceKey]] = []
    /// The discriminator paths split at dots, `[x]` removed (empty for `$this`), once.
    var discriminatorSteps: [[String]] = []
    /// Per discriminator: the choice prefix whose variants name types (for `type` discriminators).
    var discriminatorChoices: [String?] = []
    /// `fixed[x]` and `pattern[x]`, parsed (the element is named `fixedUri` and so on).
    let fixed: Element?
    let pattern: Element?
    /// Allowed type codes (empty: as the base says).
    let typeCodes: [String]
    /// For references: the target profiles' URLs (empty: any resource).
    let targetProfiles: [String]
    /// A profile on a non-extension type the value must meet (`type.profile`), not a core one.
    let typeProfile: String?
    /// For an extension slice: the extension's URL (its `type.profile`).
    let extensionURL: String?
    /// Whether the base definition repeats (decides `[n]` in paths).
    let repeats: Bool
    /// The tightest max as a number (`Int.max` for `*`).
    let max: Int
    /// False when this element and everything below it say no more than the base definitions
    /// (layer 1 checks those): the walk skips it. Set by ``ProfileCompiler``.
    var matters = true
    /// False when the binding is the base definition's own (layer 3 checks it already).
    var bindingMatters = true

    // Worked out once by ``ProfileCompiler`` so the walk of each message only reads them.
    /// Indices into ``children`` of the children that matter (definition order).
    var matteringChildren: [Int] = []
    /// The binding the walk checks here (one that matters and that layer 3 can judge), if any.
    var checkedBinding: BindingRecord?
    /// This element's binding (its own or the base's) when the profile's constraints on its codings
    /// exclude every code of it (see ``ProfileBindingConflict``): the profile contradicting itself.
    var bindingConflict: BindingConflict?
    /// For a choice: the wire names of its allowed variants (`valueQuantity`).
    private(set) var variantNames: [String] = []
    /// The type code each of ``variantNames`` names (same order).
    private var variantTypes: [String] = []
    /// For a sliced element: its discriminator paths, `rules` (`open` when absent) and `ordered`.
    private(set) var discriminatorPaths: [String] = []
    private(set) var slicingRules = "open"
    private(set) var slicingOrdered = false
    /// Why this element's slices cannot be told apart (no discriminator, or a slice the
    /// definitions give no key for), reported once per message; nil when they can.
    private(set) var unevaluableSlicing: String?
    /// For a slicing told apart by `url` alone (extension slices): each slice's URL, in slice
    /// order (slices with no URL to match left out), so an occurrence finds its slice by comparing
    /// its url; nil for any other slicing.
    private(set) var slicesByURL: [(url: String, slice: Int)]?
    /// Indices into ``children`` by exact wire name (choices aside), the choice children's
    /// indices, and whether two children could claim one name (then each is asked in turn).
    private var childTable = NameTable<Int>()
    private var choiceChildren: [Int] = []
    private(set) var ambiguousNames = false
    /// When the children that matter are few: the walk compares their names with the instance's
    /// children rather than looking each child up (a hash over its name costs more than a few
    /// length compares). A choice counts for more: its variants are matched by prefix.
    private(set) var scansNames = false
    /// What ``ProfileRules`` checks on each occurrence of this element, worked out once.
    private(set) var checks: Checks = []

    /// The parts of an occurrence's check that apply to an element.
    struct Checks: OptionSet {
        let rawValue: UInt8
        /// A choice whose variants the profile restricts.
        static let choiceType = Checks(rawValue: 1)
        static let fixed = Checks(rawValue: 2)
        static let pattern = Checks(rawValue: 4)
        /// A binding of the profile's own (``checkedBinding``), or one it contradicts (``bindingConflict``).
        static let binding = Checks(rawValue: 8)
        /// Reference targets to check.
        static let target = Checks(rawValue: 16)
        /// Children that matter: walk them.
        static let children = Checks(rawValue: 32)
        /// No children of its own, but a non-core type profile to walk instead.
        static let typeProfile = Checks(rawValue: 64)
    }

    /// For a reference element: its target profiles once ``ProfileCache/targets(of:)`` has worked
    /// them out (the inner nil: one is not in the pack). Read and written under the cache's lock only.
    var targets: [ProfileCache.TargetProfile]??

    /// Whether some slice of this element is required.
    private(set) var hasRequiredSlice = false
    /// `Extension.url` and the like: an XML attribute in the tree.
    let isXMLAttribute: Bool

    /// A node for a snapshot element whose path ends in `step` (``SnapshotNode/step``).
    init(record: ElementRecord, step: String) {
        self.record = record
        id = record.id ?? record.path
        let last = step
        name = last
        choicePrefix = Self.choicePrefix(ofStep: last)
        fixed = record.fixed?.element
        pattern = record.pattern?.element
        let types = record.types ?? []
        typeCodes = types.map(\.code)
        // DSTU2-style profiles put a reference's target in `profile` (CareConnect-DCH-Diagnosis-
        // Condition-1's subject): on a Reference, that can only mean the target.
        targetProfiles = types.compactMap { $0.targetProfile ?? ($0.code == "Reference" ? $0.profile : nil) }
        let isExtension = types.contains { $0.code == "Extension" }
        extensionURL = isExtension ? types.first(where: { $0.profile != nil })?.profile : nil
        typeProfile = isExtension ? nil : types.first(where: {
            guard let p = $0.profile else { return false }
            return !p.hasPrefix(DefinitionPack.coreStructurePrefix)
        })?.profile
        repeats = record.repeats
        max = record.max == "*" ? Int.max : Int(record.max) ?? Int.max
        isXMLAttribute = record.xmlAttribute == true
        updateChoiceTables()
    }

    /// `value` for the step `value[x]`; nil for a step that names no choice.
    static func choicePrefix(ofStep step: String) -> String? {
        step.hasSuffix("[x]") ? String(step.dropLast(3)) : nil
    }

    /// Fills the tables that depend on the node's slices and choice prefix (after compilation).
    func finish() {
        var exact: [String: Int] = [:]
        for (i, child) in children.enumerated() {
            if child.choicePrefix != nil {
                choiceChildren.append(i)
            } else if exact.updateValue(i, forKey: child.name) != nil {
                ambiguousNames = true
            }
        }
        childTable = NameTable(exact)
        // A choice's variants could also be some other child's name (or another choice's variants,
        // `value[x]` and `valueSet[x]`): rare enough to ask each child then.
        for c in choiceChildren where children.contains(where: { $0 !== children[c] && ($0.matches(children[c].name)
                                                             || children[c].matches($0.name)) }) {
            ambiguousNames = true
        }
        hasRequiredSlice = slices.contains { $0.record.min > 0 }
        if !slices.isEmpty {
            let slicing = record.slicing
            discriminatorPaths = (slicing?.discriminators ?? []).map(\.path)
            slicingRules = slicing?.rules ?? "open"
            slicingOrdered = slicing?.ordered == true
            if discriminatorPaths == ["url"] {
                var table: [(url: String, slice: Int)] = []
                var simple = true
                for (k, keys) in sliceKeys.enumerated() {
                    switch keys.first {
                    case let .value(v)? where v.children.isEmpty:
                        if let url = v.value { table.append((url, k)) }
                    case .unknown?: break   // matches nothing
                    default: simple = false
                    }
                }
                slicesByURL = simple ? table : nil
            }
            unevaluableSlicing = discriminatorPaths.isEmpty ? "the slicing has no discriminator"
                : sliceKeys.lazy.compactMap { keys in keys.lazy.compactMap { if case let .unknown(r) = $0 { r } else { nil } }.first }.first
        }
        matteringChildren = children.indices.filter { children[$0].matters }
        let scanCost = matteringChildren.reduce(0) { cost, c in
            children[c].isXMLAttribute ? cost : cost + (children[c].choicePrefix == nil ? 1 : 4)
        }
        scansNames = scanCost <= 8
        checkedBinding = bindingMatters ? record.binding.flatMap { BindingChecker.isChecked($0) ? $0 : nil } : nil
        var checks: Checks = []
        if choicePrefix != nil && !typeCodes.isEmpty { checks.insert(.choiceType) }
        if fixed != nil { checks.insert(.fixed) }
        if pattern != nil { checks.insert(.pattern) }
        if checkedBinding != nil || bindingConflict != nil { checks.insert(.binding) }
        if !targetProfiles.isEmpty { checks.insert(.target) }
        if !matteringChildren.isEmpty { checks.insert(.children) }
        if children.isEmpty && typeProfile != nil { checks.insert(.typeProfile) }
        self.checks = checks
    }

    private func updateChoiceTables() {
        guard let prefix = choicePrefix else { return }
        variantNames = []
        variantTypes = []
        for code in typeCodes {
            guard !code.isEmpty else { continue }
            variantNames.append(prefix + Self.capitalized(code))
            variantTypes.append(code)
        }
    }

    /// A type code with its first letter upper-cased (`dateTime` -> `DateTime`): the suffix of its
    /// choice variant. ASCII, as type codes are, by its first byte (`Character.uppercased()` goes
    /// through Unicode's case tables for every choice element a profile has).
    static func capitalized(_ code: String) -> String {
        guard let first = code.utf8.first, first < 0x80 else {
            return code.first.map { $0.uppercased() + code.dropFirst() } ?? code
        }
        guard first >= UInt8(ascii: "a") && first <= UInt8(ascii: "z") else { return code }
        return String(UnicodeScalar(first - 0x20)) + String(code.unicodeScalars.dropFirst())
    }

    /// Makes a type-named choice element (`valueDateTime`) stand for its whole choice (`value[x]`).
    func narrowChoice(named sliceName: String) {
        guard choicePrefix == nil, sliceName == name, typeCodes.count == 1, let code = typeCodes.first,
              !code.isEmpty else { return }
        let suffix = Self.capitalized(code)
        guard name.hasSuffix(suffix), name.count > suffix.count else { return }
        choicePrefix = String(name.dropLast(suffix.count))
        updateChoiceTables()
    }

    /// True when an instance child named `wireName` is an occurrence of this element.
    func matches(_ wireName: String) -> Bool {
        guard let prefix = choicePrefix else { return wireName.utf8.count == name.utf8.count && wireName == name }
        return DiscriminatorPath.isVariant(wireName, of: prefix)
    }

    /// The index of the child an instance child named `wireName` is an occurrence of, or -1
    /// (only when no two children can claim one name: ``ambiguousNames`` is false).
    func childIndex(of wireName: String) -> Int {
        if let i = childTable[wireName] { return i }
        for c in choiceChildren where children[c].matches(wireName) { return c }
        return -1
    }

    /// True when `wireName`, a variant of this choice, names a type the element allows.
    func allowsVariant(_ wireName: String) -> Bool {
        if variantNames.contains(wireName) { return true }
        guard let type = variantType(wireName) else { return true }
        return typeCodes.contains { $0.lowercased() == type.lowercased() }
    }

    /// The type code a choice variant names (`valueQuantity` -> `Quantity`, `valueDateTime` ->
    /// `dateTime`), matched case-insensitively on the first letter against ``typeCodes``.
    func variantType(_ wireName: String) -> String? {
        guard let prefix = choicePrefix else { return nil }
        // The usual case, an allowed variant: its type without comparing lowercased copies.
        if let i = variantNames.firstIndex(of: wireName) { return variantTypes[i] }
        let suffix = wireName.dropFirst(prefix.count)
        return typeCodes.first { $0.lowercased() == suffix.lowercased() } ?? String(suffix)
    }

    /// The first child (or descendant, by dotted names) of this node in the profile tree.
    func descendant(_ steps: ArraySlice<Substring>) -> ProfileNode? {
        guard let first = steps.first else { return self }
        guard let child = children.first(where: { $0.name == first || $0.matches(String(first)) }) else { return nil }
        return child.descendant(steps.dropFirst())
    }
}

/// Builds ``CompiledProfile``s from pack records.
enum ProfileCompiler {
    /// The profile tree of a StructureDefinition's snapshot, on the shared ``SnapshotTree`` (linked
    /// by snapshot order and path, with `sliceName` as the authority for slices).
    static func compile(_ sd: StructureRecord, pack: DefinitionPack? = nil) -> CompiledProfile? {
        guard let tree = SnapshotTree(sd) else { return nil }
        let root = node(for: tree.root)
        computeSliceKeys(root)
        _ = markWhatMatters(root, base: BaseElements(pack: pack))
        finish(root, pack: pack)
        return CompiledProfile(url: sd.url, name: sd.name, type: sd.type, root: root)
    }

    /// The validator's node for a snapshot node, with its children and slices.
    private static func node(for element: SnapshotNode) -> ProfileNode {
        let node = ProfileNode(record: element.record, step: element.step)
        node.children = element.children.map { child in
            let compiled = Self.node(for: child)
            // STU3 names a choice restricted to one type by that type, as a slice of itself
            // (`Extension.valueDateTime`, sliceName `valueDateTime`) with no `value[x]` element:
            // the tree makes it a plain child; it stands for the choice, so every other variant is refused.
            if let sliceName = child.sliceName { compiled.narrowChoice(named: sliceName) }
            return compiled
        }
        node.slices = element.slices.map(Self.node(for:))
        return node
    }

    /// Marks the nodes whose subtree adds something to the base definitions (without a pack,
    /// every node matters). Returns whether `node` does.
    static func markWhatMatters(_ node: ProfileNode, base: BaseElements) -> Bool {
        var matters = false
        if let baseRecord = base.element(node.record.path) {
            let record = node.record
            let baseMax = baseRecord.max == "*" ? Int.max : Int(baseRecord.max) ?? Int.max
            node.bindingMatters = record.binding != baseRecord.binding
            matters = record.min > baseRecord.min || node.max < baseMax || node.fixed != nil || node.pattern != nil
                || (node.bindingMatters && record.binding.map(BindingChecker.isChecked) == true)
                || (record.types ?? []) != (baseRecord.types ?? []) || !node.slices.isEmpty
                || record.slicing?.rules == "closed"   // closed with no slices: nothing allowed
                // Layer 1 does not resolve references: a target type the base already restricts
                // (HealthcareService.providedBy: Organization) is checked here, even when the
                // profile repeats it unchanged.
                || node.targetProfiles.contains { !$0.hasSuffix("/Resource") }
        } else {
            matters = true
        }
        for child in node.children where markWhatMatters(child, base: base) { matters = true }
        for slice in node.slices { _ = markWhatMatters(slice, base: base) }
        node.matters = matters
        return matters
    }

    /// Fills the walk tables of every node a walk can reach once the tree is marked.
    static func finish(_ node: ProfileNode, pack: DefinitionPack?) {
        // Before the node's tables: a contradicted binding is one of its checks.
        if let pack { node.bindingConflict = ProfileBindingConflict.conflict(node, pack: pack) }
        node.finish()
        // A child that adds nothing to the base definitions is never walked (a walk follows only
        // `matteringChildren`), and nothing below it matters either: its tables are not built.
        for child in node.children where child.matters { finish(child, pack: pack) }
        for slice in node.slices { finish(slice, pack: pack) }
    }
}
