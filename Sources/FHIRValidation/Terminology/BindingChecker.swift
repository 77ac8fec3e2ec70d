import FHIRModel
import FHIRDefinitions

/// Checks a bound element against its terminology binding (validation layer 3).
///
/// - `code`, `string`, `uri`: the value must be a code of the value set, whatever its system.
/// - `Coding`: its system and code must be in the value set.
/// - `CodeableConcept`: at least one coding must be (other codings may be translations); with an
///   extensible binding a concept given as text alone is allowed.
/// - `Quantity` (and its specialisations): its `system` and `code`, when it has a code (a quantity
///   with a human unit only carries no code to check).
/// - Other types carry no code and are skipped.
///
/// Strength decides the outcome: `required` → error `terminology.required`; `extensible` →
/// warning `terminology.extensible`; `preferred` and `example` are not checked. A display that
/// differs from the code system's (ignoring case and spacing) is a warning `terminology.display`.
/// What the pack cannot decide (a value set it does not have, SNOMED CT, LOINC…) is information
/// `terminology.not-checked`, once per message and value set / system.
///
/// ```swift
/// var report = TerminologyReport()
/// checker.check(element, typeCode: "CodeableConcept", binding: binding,
///               path: "Observation.code", into: &report)
/// ```
public struct BindingChecker: Sendable {
    /// Where value sets and code systems come from (its compiled forms are shared by copies).
    public let resolver: TerminologyResolver

    /// A checker over a resolver (share one resolver between checkers of one pack).
    public init(resolver: TerminologyResolver) {
        self.resolver = resolver
    }

    /// A checker with a resolver of its own over `pack`.
    public init(pack: DefinitionPack) {
        self.init(resolver: TerminologyResolver(pack: pack))
    }

    /// True when a binding is one this checker enforces (`required` or `extensible`, with a value set).
    public static func isChecked(_ binding: BindingRecord) -> Bool {
        binding.valueSet != nil && (binding.strength == "required" || binding.strength == "extensible")
    }

    /// Checks `element` (of type `typeCode`, at `path`) against `binding`, adding any findings to `report`.
    /// The path is rendered only when there is something to report.
    public func check(_ element: Element, typeCode: String, binding: BindingRecord,
                      path: @autoclosure () -> String, into report: inout TerminologyReport) {
        check(element, typeCode: typeCode, binding: binding, valueSet: nil, path: path(), into: &report)
    }

    /// As above, with the bound value set already resolved (the base walk keeps it per element definition).
    /// The element, the path and the report are handed down, never stored: a check copies no
    /// `Element` and allocates nothing unless it reports.
    func check(_ element: Element, typeCode: String, binding: BindingRecord, valueSet: ValueSetExpansion?,
               path: @autoclosure () -> String, into report: inout TerminologyReport) {
        guard Self.isChecked(binding), let url = binding.valueSet else { return }
        var site = BindingSite(binding: binding, url: url)
        if let valueSet {
            site.known = valueSet
        } else if let kept = resolver.memo.lookup(url) {
            site.known = kept
            site.absent = kept == nil
        }
        let resolvedHere = site.known == nil && !site.absent
        check(typeCode, element, &site, path, &report)
        if resolvedHere, site.known != nil || site.absent { resolver.memo.keep(url, site.known) }
    }

    private func check(_ typeCode: String, _ element: Element, _ site: inout BindingSite, _ path: () -> String,
                       _ report: inout TerminologyReport) {
        switch typeCode {
        case "code", "string", "uri":
            guard let value = element.value, let vs = site.valueSet(resolver, element, path, &report) else { return }
            site.judge(vs.contains(system: nil, code: value), vs, what: "code '\(value)'", resolver, element, path, &report)
        case "Coding":
            checkCoding(element, &site, path, &report)
        case "CodeableConcept":
            checkConcept(element, &site, path, &report)
        case "Quantity", "Age", "Count", "Distance", "Duration", "Money", "SimpleQuantity":
            let fields = CodingFields(element)
            guard let code = fields.code else { return }
            let system = fields.system
            guard let vs = site.valueSet(resolver, element, path, &report) else { return }
            site.judge(vs.contains(system: system, code: code), vs, what: Self.describe(system: system, code: code),
                       resolver, element, path, &report)
        default:
            return
        }
    }

    private func checkCoding(_ element: Element, _ site: inout BindingSite, _ path: () -> String,
                             _ report: inout TerminologyReport) {
        let coding = CodingFields(element)
        let system = coding.system
        guard let vs = site.valueSet(resolver, element, path, &report) else { return }
        guard let code = coding.code else {
            site.fail(vs, "the Coding has no code, so it cannot be in value set \(vs.label)", element, path, &report)
            return
        }
        // A Coding without a system names no code at all: it cannot be a member.
        let membership = system.map { vs.contains(system: $0, code: code) } ?? .notMember
        site.judge(membership, vs, what: Self.describe(system: system, code: code), resolver, element, path, &report)
        checkDisplay(coding, system: system, code: code, vs, element, path, suffix: "display", &report)
    }

    private func checkConcept(_ concept: Element, _ site: inout BindingSite, _ path: () -> String,
                              _ report: inout TerminologyReport) {
        guard let vs = site.valueSet(resolver, concept, path, &report) else { return }
        // At most one undecided reason is kept inline; more (rare) go to an array made only then.
        var firstUndecided: Membership.Undecided?
        var moreUndecided: [Membership.Undecided] = []
        var found = false
        var codingCount = 0
        // The codings are read in place (no array of copies).
        let kids = concept.children.span
        for k in kids.indices where kids[k].name.utf8.count == 6 && kids[k].name == "coding" {
            let i = codingCount
            codingCount += 1
            let coding = CodingFields(kids[k])
            guard let code = coding.code else { continue }
            let system = coding.system
            if !found, let system {
                switch vs.contains(system: system, code: code) {
                case .member: found = true
                case .notMember: break
                case let .cannotTell(why):
                    if firstUndecided == nil { firstUndecided = why } else { moreUndecided.append(why) }
                }
            }
            checkDisplay(coding, system: system, code: code, vs, concept, path, suffix: "coding[\(i)].display", &report)
        }
        if found { return }
        if let firstUndecided {
            site.noteNotChecked(vs, firstUndecided, resolver, concept, path, &report)
            for why in moreUndecided { site.noteNotChecked(vs, why, resolver, concept, path, &report) }
            return
        }
        if codingCount == 0 {
            // Text alone is allowed where the binding is extensible; a required one needs a code.
            if site.binding.strength == "required" {
                site.fail(vs, "the concept has no coding, and a code from value set \(vs.label) is required",
                          concept, path, &report)
            }
            return
        }
        let codes = concept.children(named: "coding").map { Self.describe(system: $0.child("system")?.value, code: $0.child("code")?.value ?? "") }
        site.fail(vs, "none of the codings (\(codes.joined(separator: "; "))) is in value set \(vs.label)",
                  concept, path, &report)
    }

    /// The display of a coding against the code system's, when the pack knows that code.
    private func checkDisplay(_ coding: CodingFields, system: String?, code: String, _ vs: ValueSetExpansion,
                              _ element: Element, _ path: () -> String, suffix: @autoclosure () -> String,
                              _ report: inout TerminologyReport) {
        guard let display = coding.display, let system,
              let cs = codeSystem(system, vs),
              let expected = cs.display(of: code),
              display != expected, !Self.sameDisplay(display, expected) else { return }
        report.issues.append(Issue(.warning, .codeInvalid, rule: TerminologyRule.display,
            "display '\(display)' does not match '\(expected)', the display of code '\(code)' in code system \(TerminologyNames.label(of: cs))",
            path: path() + "." + suffix(), position: coding.displayPosition ?? element.position))
    }

    /// The pack's code system `system`: the value set knows the answer for the systems it names
    /// (no lock, no hashed lookup); others are asked of the resolver.
    private func codeSystem(_ system: String, _ vs: ValueSetExpansion) -> CodeSystemIndex? {
        if let known = vs.codeSystem(named: system) { return known }
        return try? resolver.codeSystem(url: system)
    }

    /// Lower case, inner runs of whitespace as one space, no edge spaces (edge spaces are
    /// reported by layer 1 already).
    static func normalised(_ s: String) -> String {
        s.split(whereSeparator: \.isWhitespace).joined(separator: " ").lowercased()
    }

    /// `normalised(a) == normalised(b)`, compared byte by byte without building strings when both
    /// are ASCII (displays almost always are); otherwise by ``normalised(_:)``.
    static func sameDisplay(_ a: String, _ b: String) -> Bool {
        DisplayWords.equalASCII(a.utf8.span, b.utf8.span) ?? (normalised(a) == normalised(b))
    }

    static func describe(system: String?, code: String) -> String {
        system.map { "code '\(code)' of system '\($0)'" } ?? "code '\(code)' with no system"
    }
}

/// One check in progress: the binding and its value set once found. The element, the path and
/// the report are parameters of each step, not fields (storing them copied the element and
/// boxed the path closure on every check).
struct BindingSite {
    let binding: BindingRecord
    let url: String
    /// The bound value set, once known (nil: not looked up yet, or absent).
    var known: ValueSetExpansion?
    /// True once the pack is known not to have the value set.
    var absent = false

    /// The bound value set, or nil after noting (once) that it cannot be checked.
    mutating func valueSet(_ resolver: TerminologyResolver, _ element: Element, _ path: () -> String,
                           _ report: inout TerminologyReport) -> ValueSetExpansion? {
        if let known { return known }
        let url = url
        do {
            if !absent, let vs = try resolver.valueSet(url: url) {
                known = vs
                return vs
            }
            absent = true
            note(url, "'\(url)'", .init(system: nil, reason: "the value set is not in the definition pack"),
                 element, path, &report)
        } catch {
            note(url, "'\(url)'", .init(system: nil, reason: "the definition pack cannot be read (\(error))"),
                 element, path, &report)
        }
        return nil
    }

    /// A membership outcome for one code: nothing, a failure, or a not-checked note.
    func judge(_ membership: Membership, _ vs: ValueSetExpansion, what: @autoclosure () -> String,
               _ resolver: TerminologyResolver, _ element: Element, _ path: () -> String,
               _ report: inout TerminologyReport) {
        switch membership {
        case .member: return
        case .notMember: fail(vs, "\(what()) is not in value set \(vs.label)", element, path, &report)
        case let .cannotTell(why): noteNotChecked(vs, why, resolver, element, path, &report)
        }
    }

    /// An error (required) or a warning (extensible).
    func fail(_ vs: ValueSetExpansion, _ message: String, _ element: Element, _ path: () -> String,
              _ report: inout TerminologyReport) {
        let required = binding.strength == "required"
        report.issues.append(Issue(required ? .error : .warning, .codeInvalid,
                                   rule: required ? TerminologyRule.required : TerminologyRule.extensible,
                                   "\(message) (\(binding.strength) binding)", path: path(), position: element.position))
    }

    /// Information, once per message per value set and system. The message is the same in every
    /// message, so the resolver's memo keeps it rendered.
    func noteNotChecked(_ vs: ValueSetExpansion, _ why: Membership.Undecided, _ resolver: TerminologyResolver,
                        _ element: Element, _ path: () -> String, _ report: inout TerminologyReport) {
        guard report.firstNote(valueSet: vs.url, system: why.system) else { return }
        let message = resolver.memo.noteMessage(valueSet: vs, why) { Self.noteMessage(vs.label, why) }
        report.issues.append(Issue(.information, .notSupported, rule: TerminologyRule.notChecked,
                                   message, path: path(), position: element.position))
    }

    /// As above, for a value set that could not be found (named by its URL).
    private func note(_ url: String, _ label: @autoclosure () -> String, _ why: Membership.Undecided,
                      _ element: Element, _ path: () -> String, _ report: inout TerminologyReport) {
        guard report.firstNote(valueSet: url, system: why.system) else { return }
        report.issues.append(Issue(.information, .notSupported, rule: TerminologyRule.notChecked,
                                   Self.noteMessage(label(), why), path: path(), position: element.position))
    }

    static func noteMessage(_ label: String, _ why: Membership.Undecided) -> String {
        let system = why.system.map { " for codes of \(TerminologyNames.label(ofSystem: $0))" } ?? ""
        return "binding to value set \(label) not checked\(system): \(why.reason)"
    }
}
