import FHIRModel
import FHIRPath

/// Which rule governs which element of a message: the message is numbered (each node's source
/// position is replaced by its serial number, which the FHIRPath engine carries into its results),
/// every rule is evaluated, and each selected node's serial maps to the last rule that selected it.
struct RuleSelection {
    /// Marks a numbered position (no parsed column is this large).
    static let marker: Int32 = 0x7E5A_11ED

    /// Rule index by node serial.
    private(set) var ruleBySerial: [Int32: Int] = [:]

    /// Numbers every node of `root` in place (pre-order from 1); returns the nodes' names by serial - 1.
    static func number(_ root: inout Element) -> [String] {
        var names: [String] = []
        number(&root, &names)
        return names
    }

    private static func number(_ e: inout Element, _ names: inout [String]) {
        names.append(e.name)
        e.position = SourcePosition(line: names.count, column: Int(marker))
        for k in e.children.indices { number(&e.children[k], &names) }
    }

    /// The serial of a numbered node.
    static func serial(_ e: Element) -> Int32? {
        e.position.column == marker ? e.position.line : nil
    }

    /// Evaluates every rule of `policy` on the numbered message; throws the first rule that cannot be evaluated.
    init(policy: SharingPolicy, numbered root: Element, names: [String], engine: FHIRPathEngine) throws {
        let environment = FHIRPathEnvironment(root: root, engine: engine)
        var resources: [Element] = []
        Self.collectResources(root, into: &resources)
        for (index, rule) in policy.rules.enumerated() {
            let foci: [Element]
            if let type = rule.resourceType {
                foci = type == "*" ? resources : resources.filter { $0.resourceType == type }
            } else {
                foci = [root]
            }
            for focus in foci {
                let typed = engine.typedResource(focus)
                environment.resource = typed
                let result: FHIRPathCollection
                do {
                    result = try engine.evaluate(rule.select, on: typed, in: environment)
                } catch {
                    throw RuleEvaluationFailure(rule: rule.id, reason: "\(error)")
                }
                for case let .element(t) in result {
                    // `id` and `url` attributes come back as made-up elements named so, at their
                    // owner's position: an attribute goes with its element, never alone.
                    guard let serial = Self.serial(t.element), serial >= 1, Int(serial) <= names.count,
                          names[Int(serial) - 1] == t.element.name else { continue }
                    ruleBySerial[serial] = index
                }
            }
        }
    }

    private static func collectResources(_ e: Element, into out: inout [Element]) {
        if e.resourceType != nil { out.append(e) }
        for child in e.children { collectResources(child, into: &out) }
    }
}

/// A rule whose expression failed on a message (the message is withheld: a failed `remove` rule
/// must not let data through).
struct RuleEvaluationFailure: Error {
    let rule: String
    let reason: String
}
