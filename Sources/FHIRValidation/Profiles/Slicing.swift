import FHIRModel
import FHIRDefinitions

/// What one slice expects at one discriminator's path: how an instance is told to belong to it.
enum SliceKey {
    /// `value`: the instance's value there equals this (the slice's fixed value, or its pattern).
    case value(Element)
    /// `pattern`: the instance's value there contains this.
    case pattern(Element)
    /// `type`: the instance's type there is one of these.
    case types([String])
    /// `profile`: the instance there conforms to one of these profiles.
    case profiles([String])
    /// `value` by a required binding (STU3 lets a slice be told apart by the value set its
    /// element is bound to): the instance's code there is in this value set.
    case valueSet(String)
    /// `exists`: the instance has (true) or lacks (false) something there.
    case exists(Bool)
    /// The definitions do not say (no fixed value at the path, an unsupported path): why.
    case unknown(String)
}

extension ProfileCompiler {
    /// Works out every slice's keys once per profile (see ``ProfileNode/sliceKeys``).
    static func computeSliceKeys(_ node: ProfileNode) {
        if !node.slices.isEmpty {
            computeDiscriminatorTables(node)
            let discriminators = node.record.slicing?.discriminators ?? []
            node.sliceKeys = node.slices.map { slice in
                discriminators.map { key(for: $0, in: slice) }
            }
        }
        for child in node.children { computeSliceKeys(child) }
        for slice in node.slices { computeSliceKeys(slice) }
    }

    /// A sliced node's discriminator paths as steps, and the choice each names (from its record).
    static func computeDiscriminatorTables(_ node: ProfileNode) {
        let discriminators = node.record.slicing?.discriminators ?? []
        node.discriminatorSteps = discriminators.map { d in
            d.path == "$this" ? [] : d.path.split(separator: ".").map { $0.hasSuffix("[x]") ? String($0.dropLast(3)) : String($0) }
        }
        // For a type discriminator: the choice whose variants name the types.
        node.discriminatorChoices = discriminators.map { d in
            if d.path == "$this" { return node.choicePrefix }
            let last = d.path.split(separator: ".").last.map(String.init) ?? d.path
            return last.hasSuffix("[x]") ? String(last.dropLast(3)) : nil
        }
    }

    private static func key(for d: DiscriminatorRecord, in slice: ProfileNode) -> SliceKey {
        let steps = d.path == "$this" ? [] : d.path.split(separator: ".")
        guard steps.allSatisfy({ !$0.contains("(") }) else {
            return .unknown("discriminator path '\(d.path)' uses a function")
        }
        // Extension slices are told apart by url; STU3 snapshots rarely expand `url` under the
        // slice, but the slice's type names the extension, whose url is the same.
        if d.type == "value" && d.path == "url", let url = slice.extensionURL,
           slice.descendant(steps[...])?.fixed == nil {
            return .value(Element(name: "url", value: url))
        }
        guard let target = slice.descendant(steps[...]) else {
            return .unknown("the slice '\(slice.record.sliceName ?? slice.id)' says nothing at '\(d.path)'")
        }
        switch d.type {
        case "value", "pattern":
            if let fixed = target.fixed { return d.type == "value" ? .value(fixed) : .pattern(fixed) }
            if let pattern = target.pattern { return .pattern(pattern) }
            // A complex element is often fixed piece by piece (`code.coding.system` and
            // `code.coding.code` under a `code` discriminator): those pieces together are the value.
            if let assembled = assembledPattern(target) { return .pattern(assembled) }
            if let binding = target.record.binding, binding.strength == "required", let url = binding.valueSet {
                return .valueSet(url)
            }
            return .unknown("the slice '\(slice.record.sliceName ?? slice.id)' fixes no value at '\(d.path)'")
        case "type":
            return target.typeCodes.isEmpty ? .unknown("no type at '\(d.path)'") : .types(target.typeCodes)
        case "profile":
            let urls = (target.record.types ?? []).compactMap { $0.profile ?? $0.targetProfile }
            return urls.isEmpty ? .unknown("no profile at '\(d.path)'") : .profiles(urls)
        case "exists":
            if target.record.min > 0 { return .exists(true) }
            if target.max == 0 { return .exists(false) }
            return .unknown("the slice neither requires nor forbids '\(d.path)'")
        default:
            return .unknown("unknown discriminator type '\(d.type)'")
        }
    }
}

extension ProfileCompiler {
    /// The fixed and pattern values below a node, as one pattern (nil when there are none). A
    /// required slice below contributes too: an instance of the node must hold it.
    static func assembledPattern(_ node: ProfileNode) -> Element? {
        if let fixed = node.fixed ?? node.pattern { return Element(name: node.name, value: fixed.value, children: fixed.children) }
        var parts: [Element] = []
        for child in node.children where child.record.xmlAttribute != true && child.choicePrefix == nil {
            if let part = assembledPattern(child) { parts.append(part) }
            for slice in child.slices where slice.record.min > 0 {
                if let part = assembledPattern(slice) { parts.append(Element(name: child.name, children: part.children)) }
            }
        }
        return parts.isEmpty ? nil : Element(name: node.name, children: parts)
    }
}

/// Evaluates the restricted FHIRPath of discriminators on instances: dotted names (choice
/// variants included), `url` (an attribute in our tree) and `$this`.
enum DiscriminatorPath {
    /// Whether some element at `steps` (a discriminator path split at dots, `[x]` removed; empty
    /// for `$this`) below `e` meets `test`. Visits them in place (borrowed from their parents'
    /// children): no collection is built, no element copied.
    static func contains(_ steps: ArraySlice<String>, in e: borrowing Element,
                         where test: (borrowing Element) -> Bool) -> Bool {
        var found = false
        visit(steps, in: e) { v in
            found = test(v)
            return !found
        }
        return found
    }

    /// What a `value` discriminator's path gives on an instance: FHIR requires one value.
    enum OnlyValue: Equatable {
        case none
        /// One value, and whether it meets the test.
        case one(Bool)
        /// Two or more (the path does not resolve to a single value).
        case several
    }

    /// The elements at `steps` below `e`, if exactly one, tested (counting stops at two).
    static func onlyValue(_ steps: ArraySlice<String>, in e: borrowing Element,
                          where test: (borrowing Element) -> Bool) -> OnlyValue {
        var count = 0
        var meets = false
        visit(steps, in: e) { v in
            count += 1
            if count == 1 { meets = test(v) }
            return count < 2
        }
        return count == 0 ? .none : count == 1 ? .one(meets) : .several
    }

    /// Calls `body` on each element at `steps` below `e`, in document order, until it returns false;
    /// returns false when stopped.
    @discardableResult
    private static func visit(_ steps: ArraySlice<String>, in e: borrowing Element,
                              _ body: (borrowing Element) -> Bool) -> Bool {
        guard let step = steps.first else { return body(e) }
        let rest = steps.dropFirst()
        if step == "url", let url = e.url {
            return visit(rest, in: Element(name: "url", value: url, position: e.position), body)
        }
        let kids = e.children.span
        for k in kids.indices where kids[k].name == step || isVariant(kids[k].name, of: step) {
            if !visit(rest, in: kids[k], body) { return false }
        }
        return true
    }

    /// `valueQuantity` is a variant of `value` (a choice element named without `[x]` in a path).
    static func isVariant(_ name: String, of step: String) -> Bool {
        let bytes = name.utf8, prefix = step.utf8
        guard bytes.count > prefix.count, bytes.starts(with: prefix) else { return false }
        let next = bytes[bytes.index(bytes.startIndex, offsetBy: prefix.count)]
        if next >= 0x41 && next <= 0x5A { return true }
        if next < 0x80 { return false }
        return name[name.index(name.startIndex, offsetBy: step.count)].isUppercase
    }

    /// The type of an instance element: a resource's type, or a choice variant's suffix.
    static func typeOf(_ e: Element, choicePrefix: String?) -> String? {
        if let type = e.resourceType { return type }
        guard let prefix = choicePrefix, e.name.count > prefix.count else { return nil }
        return String(e.name.dropFirst(prefix.count))
    }
}
