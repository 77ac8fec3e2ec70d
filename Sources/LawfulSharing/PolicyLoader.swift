import Foundation
import Yams
import YAMLNesting
import FHIRPath

/// A problem in a policy file: where it is (`file:line:column`), which key, and what is wrong.
public struct PolicyProblem: Sendable, Equatable, CustomStringConvertible {
    /// The policy file's name as given.
    public var file: String
    /// 1-based line and column of the offending node (0 when unknown).
    public var line: Int, column: Int
    /// The key path (`rules[2].action`).
    public var key: String
    /// What is wrong, for a person.
    public var message: String

    /// `file:line:column: error: key: message`, the compiler style of every dch diagnostic.
    public var description: String { "\(file):\(line):\(column): error: \(key): \(message)" }
}

/// A policy file that cannot be used: every problem found, in file order.
public struct PolicyError: Error, Sendable, CustomStringConvertible {
    /// The problems.
    public var problems: [PolicyProblem]
    /// One line per problem.
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// Reads and checks a sharing policy (YAML).
///
/// The schema (every key is listed in the README's policy section; any other key is an error):
/// `dch-sharing-policy: 1`, `name`, `recipient: {setting, organisation}`, `purpose`,
/// `lawful-basis: {article-6, article-9, note}`, `events: all | [codes]`, `consent: {code-system,
/// given-code, refused-code, when-given, when-refused, when-not-recorded}`, `narrative`,
/// `required-elements`, `placeholder`, `identifiers`, `linkage-token`, `extract: {identifiers}`, and `rules: [{id, resource,
/// select, action, to, bands, max-days, system, value}]`. Rule expressions are compiled with the
/// given engine, so a policy that loads has only expressions dch can evaluate.
public struct PolicyLoader {
    private let engine: FHIRPathEngine

    /// A loader whose rules compile with `engine`.
    public init(engine: FHIRPathEngine) { self.engine = engine }

    /// Loads the policy file at `path`.
    public func load(path: String) throws -> SharingPolicy {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw PolicyError(problems: [PolicyProblem(file: path, line: 0, column: 0, key: "(file)",
                                                       message: "cannot read the policy: \(error.localizedDescription)")])
        }
        return try load(yaml: text, file: path)
    }

    /// Loads a policy from YAML text; `file` names it in problems.
    public func load(yaml: String, file: String) throws -> SharingPolicy {
        var reader = Reader(file: file, engine: engine)
        let root: Node?
        do {
            try YAMLNesting.check(yaml)
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw PolicyError(problems: [reader.problem(for: error)])
        } catch let error as YAMLTooDeep {
            throw PolicyError(problems: [PolicyProblem(file: file, line: error.line, column: error.column, key: "(yaml)",
                                                       message: error.description)])
        }
        guard let root, let policy = reader.policy(root), reader.problems.isEmpty else {
            if reader.problems.isEmpty { reader.report(nil, "(document)", "the policy file is empty") }
            throw PolicyError(problems: reader.problems)
        }
        return policy
    }
}

/// Walks the YAML nodes, collecting every problem rather than stopping at the first.
private struct Reader {
    let file: String
    let engine: FHIRPathEngine
    var problems: [PolicyProblem] = []

    init(file: String, engine: FHIRPathEngine) {
        self.file = file
        self.engine = engine
    }

    mutating func report(_ node: Node?, _ key: String, _ message: String) {
        problems.append(PolicyProblem(file: file, line: node?.mark?.line ?? 0, column: node?.mark?.column ?? 0,
                                      key: key, message: message))
    }

    func problem(for error: YamlError) -> PolicyProblem {
        switch error {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _):
            return PolicyProblem(file: file, line: mark.line, column: mark.column, key: "(yaml)", message: problem)
        default:
            return PolicyProblem(file: file, line: 0, column: 0, key: "(yaml)", message: "\(error)")
        }
    }

    static let topKeys: Set<String> = ["dch-sharing-policy", "name", "recipient", "purpose", "lawful-basis", "events",
                                       "consent", "narrative", "required-elements", "placeholder", "identifiers",
                                       "linkage-token", "extract", "rules"]
    /// Names that would hold a secret: a key never belongs in a policy, which is shared and versioned.
    static let secretKeys: Set<String> = ["key", "secret", "hmac-key", "encryption-key", "password", "salt"]

    /// The mapping's entries by key, reporting unknown and duplicate keys.
    mutating func entries(_ node: Node, at path: String, allowed: Set<String>) -> [String: Node] {
        guard let mapping = node.mapping else {
            report(node, path.isEmpty ? "(document)" : path, "expected a mapping of keys to values")
            return [:]
        }
        var found: [String: Node] = [:]
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            let full = path.isEmpty ? key : path + "." + key
            if Self.secretKeys.contains(key.lowercased()) {
                report(keyNode, full, "a key never goes in the policy: give it with --key-file or the DCH_SHARE_KEY environment variable")
            } else if !allowed.contains(key) {
                report(keyNode, full, "unknown key; expected one of \(allowed.sorted().joined(separator: ", "))")
            } else if found[key] != nil {
                report(keyNode, full, "duplicate key")
            } else {
                found[key] = value
            }
        }
        return found
    }

    mutating func string(_ node: Node?, _ key: String, required: Bool, parent: Node) -> String? {
        guard let node else {
            if required { report(parent, key, "missing (required)") }
            return nil
        }
        guard let scalar = node.scalar, !scalar.string.isEmpty else {
            report(node, key, "expected a non-empty text value")
            return nil
        }
        return scalar.string
    }

    mutating func choice<T: RawRepresentable & CaseIterable>(_ node: Node?, _ key: String, parent: Node, default value: T,
                                                             required: Bool = false) -> T where T.RawValue == String {
        guard let text = string(node, key, required: required, parent: parent) else { return value }
        guard let made = T(rawValue: text) else {
            report(node, key, "'\(text)' is not one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            return value
        }
        return made
    }

    mutating func policy(_ root: Node) -> SharingPolicy? {
        let top = entries(root, at: "", allowed: Self.topKeys)
        guard root.mapping != nil else { return nil }
        if let version = top["dch-sharing-policy"] {
            if version.int != 1 { report(version, "dch-sharing-policy", "unsupported schema version; this dch reads version 1") }
        } else {
            report(root, "dch-sharing-policy", "missing (required): the schema version, 1")
        }
        let name = string(top["name"], "name", required: true, parent: root) ?? ""
        let purpose = string(top["purpose"], "purpose", required: true, parent: root) ?? ""

        var setting = RecipientSetting.research
        var organisation: String?
        if let node = top["recipient"] {
            let r = entries(node, at: "recipient", allowed: ["setting", "organisation"])
            setting = choice(r["setting"], "recipient.setting", parent: node, default: .research, required: true)
            organisation = string(r["organisation"], "recipient.organisation", required: false, parent: node)
        } else {
            report(root, "recipient", "missing (required): recipient.setting is one of \(RecipientSetting.allCases.map(\.rawValue).joined(separator: ", "))")
        }

        let basis = lawfulBasis(top["lawful-basis"], root: root)
        let events = eventList(top["events"], root: root)
        let consent = consentRules(top["consent"])
        let narrative = choice(top["narrative"], "narrative", parent: root, default: NarrativeHandling.remove)
        let required = choice(top["required-elements"], "required-elements", parent: root, default: RequiredElementHandling.dataAbsentReason)
        let placeholder = string(top["placeholder"], "placeholder", required: false, parent: root) ?? "withheld"
        let identifiers = choice(top["identifiers"], "identifiers", parent: root, default: IdentifierHandling.pseudonymise)
        var linkage = false
        if let node = top["linkage-token"] {
            if let b = node.bool { linkage = b } else { report(node, "linkage-token", "expected true or false") }
        }
        let extract = extractSettings(top["extract"], linkageToken: linkage)
        var rules: [ElementRule] = []
        if let node = top["rules"] {
            if let list = node.sequence {
                for (i, item) in list.enumerated() {
                    if let rule = rule(item, index: i) { rules.append(rule) }
                }
            } else {
                report(node, "rules", "expected a list of rules")
            }
        } else {
            report(root, "rules", "missing (required): with no rule nothing would be shared")
        }
        var ids = Set<String>()
        for rule in rules where !ids.insert(rule.id).inserted {
            problems.append(PolicyProblem(file: file, line: 0, column: 0, key: "rules", message: "two rules have the id '\(rule.id)'"))
        }
        return SharingPolicy(name: name, recipient: setting, recipientOrganisation: organisation, purpose: purpose,
                             lawfulBasis: basis, events: events, consent: consent, narrative: narrative,
                             requiredElements: required, placeholderText: placeholder, identifiers: identifiers,
                             linkageToken: linkage, extract: extract, rules: rules)
    }

    mutating func extractSettings(_ node: Node?, linkageToken: Bool) -> ExtractSettings {
        guard let node else { return ExtractSettings() }
        let e = entries(node, at: "extract", allowed: ["identifiers"])
        let identifiers = choice(e["identifiers"], "extract.identifiers", parent: node, default: ExtractIdentifiers.asShared, required: true)
        // Rows identifying no one and carrying no token would join with nothing.
        if identifiers == .tokenOnly && !linkageToken {
            report(e["identifiers"], "extract.identifiers", "token-only needs linkage-token: true (else the rows carry no token to join on)")
        }
        return ExtractSettings(identifiers: identifiers)
    }

    mutating func lawfulBasis(_ node: Node?, root: Node) -> LawfulBasis {
        guard let node else {
            report(root, "lawful-basis", "missing (required): an Article 6(1) and an Article 9(2) condition of the GDPR")
            return LawfulBasis(article6: "", article9: "")
        }
        let b = entries(node, at: "lawful-basis", allowed: ["article-6", "article-9", "note"])
        var result = LawfulBasis(article6: "", article9: "")
        for (article, key) in [(6, "article-6"), (9, "article-9")] {
            guard let text = string(b[key], "lawful-basis." + key, required: true, parent: node) else { continue }
            let table = article == 6 ? LawfulBasis.article6Conditions : LawfulBasis.article9Conditions
            guard let point = LawfulBasis.normalise(text, article: article) else {
                report(b[key], "lawful-basis." + key,
                       "'\(text)' is not a condition of Article \(article); expected one of " +
                       table.keys.sorted().map { "\($0) (\(table[$0]!))" }.joined(separator: ", "))
                continue
            }
            if article == 6 { result.article6 = point } else { result.article9 = point }
        }
        return result
    }

    mutating func eventList(_ node: Node?, root: Node) -> Set<String>? {
        guard let node else {
            report(root, "events", "missing (required): 'all' or a list of event codes")
            return []
        }
        if let s = node.scalar?.string, s == "all" { return nil }
        guard let list = node.sequence else {
            report(node, "events", "expected 'all' or a list of event codes")
            return []
        }
        var codes = Set<String>()
        for item in list {
            if let code = item.scalar?.string, !code.isEmpty { codes.insert(code) } else { report(item, "events", "expected an event code") }
        }
        return codes
    }

    mutating func consentRules(_ node: Node?) -> ConsentRules {
        var rules = ConsentRules()
        guard let node else { return rules }
        let c = entries(node, at: "consent", allowed: ["code-system", "given-code", "refused-code", "when-given",
                                                        "when-refused", "when-not-recorded"])
        if let s = string(c["code-system"], "consent.code-system", required: false, parent: node) { rules.codeSystem = s }
        if let s = string(c["given-code"], "consent.given-code", required: false, parent: node) { rules.givenCode = s }
        if let s = string(c["refused-code"], "consent.refused-code", required: false, parent: node) { rules.refusedCode = s }
        rules.whenGiven = choice(c["when-given"], "consent.when-given", parent: node, default: rules.whenGiven)
        rules.whenRefused = choice(c["when-refused"], "consent.when-refused", parent: node, default: rules.whenRefused)
        rules.whenNotRecorded = choice(c["when-not-recorded"], "consent.when-not-recorded", parent: node, default: rules.whenNotRecorded)
        return rules
    }

    static let ruleKeys: Set<String> = ["id", "resource", "select", "action", "to", "bands", "max-days", "system", "value"]

    mutating func rule(_ node: Node, index: Int) -> ElementRule? {
        let at = "rules[\(index)]"
        let r = entries(node, at: at, allowed: Self.ruleKeys)
        guard node.mapping != nil else { return nil }
        let before = problems.count
        let id = string(r["id"], at + ".id", required: false, parent: node) ?? "rule-\(index + 1)"
        let resource = string(r["resource"], at + ".resource", required: false, parent: node)
        if let resource, resource != "*", engine.resourceType(resource) == nil {
            report(r["resource"], at + ".resource", "'\(resource)' is not a FHIR STU3 resource type (or '*' for every resource)")
        }
        var compiled: FHIRPathExpression?
        if let select = string(r["select"], at + ".select", required: true, parent: node) {
            switch engine.compile(select) {
            case let .failure(error):
                report(r["select"], at + ".select", "the FHIRPath expression does not parse: column \(error.column): \(error.message)")
            case let .success(expression):
                if let why = expression.unsupportedReason {
                    report(r["select"], at + ".select", "the FHIRPath expression cannot be evaluated: \(why)")
                } else {
                    compiled = expression
                }
            }
        }
        let action = self.action(r, node: node, at: at)
        guard problems.count == before, let compiled, let action else { return nil }
        let mark = node.mark.map { "\($0.line):\($0.column)" } ?? "?"
        return ElementRule(id: id, resourceType: resource, select: compiled, action: action, location: "\(file):\(mark)")
    }

    mutating func action(_ r: [String: Node], node: Node, at: String) -> ElementAction? {
        guard let name = string(r["action"], at + ".action", required: true, parent: node) else { return nil }
        let parameters: [String: Set<String>] = [
            "generalise": ["to", "bands"], "date-shift": ["max-days"], "pseudonymise": ["system"], "substitute": ["value"],
        ]
        for key in ["to", "bands", "max-days", "system", "value"] where r[key] != nil && !(parameters[name]?.contains(key) ?? false) {
            report(r[key], at + "." + key, "not a parameter of the action '\(name)'")
        }
        switch name {
        case "keep": return .keep
        case "remove": return .remove
        case "redact": return .redact
        case "encrypt": return .encrypt
        case "pseudonymise":
            return .pseudonymise(system: string(r["system"], at + ".system", required: false, parent: node))
        case "substitute":
            guard let value = string(r["value"], at + ".value", required: true, parent: node) else { return nil }
            return .substitute(value)
        case "date-shift":
            guard let node = r["max-days"] else { return .dateShift(maximumDays: 180) }
            guard let days = node.int, (1...3650).contains(days) else {
                report(node, at + ".max-days", "expected a whole number of days from 1 to 3650")
                return nil
            }
            return .dateShift(maximumDays: days)
        case "generalise":
            guard let to = string(r["to"], at + ".to", required: true, parent: node) else { return nil }
            switch to {
            case "month": return .generalise(.month)
            case "year": return .generalise(.year)
            case "district": return .generalise(.postcodeDistrict)
            case "age-band":
                var bands = [0, 1, 2, 5, 11, 16]
                if let list = r["bands"] {
                    let values = list.sequence?.compactMap(\.int) ?? []
                    guard !values.isEmpty, values.count == list.sequence?.count, values == values.sorted(), values.first == 0 else {
                        report(list, at + ".bands", "expected a rising list of whole years starting at 0, e.g. [0, 1, 5, 11, 16]")
                        return nil
                    }
                    bands = values
                }
                return .generalise(.ageBand(bands))
            default:
                report(r["to"], at + ".to", "'\(to)' is not a generalisation; expected one of \(Generalisation.names.joined(separator: ", "))")
                return nil
            }
        default:
            report(r["action"], at + ".action", "'\(name)' is not an action; expected one of \(ElementAction.names.joined(separator: ", "))")
            return nil
        }
    }
}
