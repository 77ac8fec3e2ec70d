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
    /// Value sets this checker (and its copies) has resolved, to skip the resolver's lookup by URL.
    /// (None for the base walk's throwaway checkers, which are handed the value set.)
    let memo: ValueSetMemo?

    /// A checker over a resolver (share one resolver between checkers of one pack).
    public init(resolver: TerminologyResolver) {
        self.init(resolver: resolver, memo: ValueSetMemo())
    }

    init(resolver: TerminologyResolver, memo: ValueSetMemo?) {
        self.resolver = resolver
        self.memo = memo
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
    func check(_ element: Element, typeCode: String, binding: BindingRecord, valueSet: ValueSetExpansion?,
               path: @autoclosure () -> String, into report: inout TerminologyReport) {
        guard Self.isChecked(binding), let url = binding.valueSet else { return }
        withoutActuallyEscaping(path) { path in
            // The report moves into the context and back (a swap, so its arrays are never copied).
            let known = valueSet ?? memo?.lookup(url)
            var context = BindingContext(element: element, binding: binding, url: url, path: path, report: .init(),
                                         valueSet: known)
            swap(&context.report, &report)
            check(typeCode, &context)
            if known == nil, let resolved = context.valueSet { memo?.keep(url, resolved) }
            swap(&context.report, &report)
        }
    }

    private func check(_ typeCode: String, _ context: inout BindingContext) {
        let element = context.element
        switch typeCode {
        case "code", "string", "uri":
            guard let value = element.value, let vs = context.valueSet(resolver) else { return }
            context.judge(vs.contains(system: nil, code: value), vs, what: "code '\(value)'")
        case "Coding":
            checkCoding(&context)
        case "CodeableConcept":
            checkConcept(&context)
        case "Quantity", "Age", "Count", "Distance", "Duration", "Money", "SimpleQuantity":
            let fields = withUnsafePointer(to: element) { CodingFields($0) }
            guard let code = fields.code else { return }
            let system = fields.system
            guard let vs = context.valueSet(resolver) else { return }
            context.judge(vs.contains(system: system, code: code), vs, what: Self.describe(system: system, code: code))
        default:
            return
        }
    }

    private func checkCoding(_ context: inout BindingContext) {
        let coding = withUnsafePointer(to: context.element) { CodingFields($0) }
        let system = coding.system
        guard let vs = context.valueSet(resolver) else { return }
        guard let code = coding.code else {
            context.fail(vs, "the Coding has no code, so it cannot be in value set \(vs.label)")
            return
        }
        // A Coding without a system names no code at all: it cannot be a member.
        let membership = system.map { vs.contains(system: $0, code: code) } ?? .notMember
        context.judge(membership, vs, what: Self.describe(system: system, code: code))
        checkDisplay(coding, system: system, code: code, suffix: "display", &context)
    }

    private func checkConcept(_ context: inout BindingContext) {
        guard let vs = context.valueSet(resolver) else { return }
        var undecided: [Membership.Undecided] = []
        var found = false
        var codingCount = 0
        // The codings are read in place (no array of copies).
        let concept = context.element
        concept.children.withUnsafeBufferPointer { kids in
            for k in kids.indices where kids[k].name.utf8.count == 6 && kids[k].name == "coding" {
                let i = codingCount
                codingCount += 1
                let coding = CodingFields(kids.baseAddress! + k)
                guard let code = coding.code else { continue }
                let system = coding.system
                if !found, let system {
                    switch vs.contains(system: system, code: code) {
                    case .member: found = true
                    case .notMember: break
                    case let .cannotTell(why): undecided.append(why)
                    }
                }
                checkDisplay(coding, system: system, code: code, suffix: "coding[\(i)].display", &context)
            }
        }
        if found { return }
        if !undecided.isEmpty {
            for why in undecided { context.noteNotChecked(vs.url, vs.label, why) }
            return
        }
        if codingCount == 0 {
            // Text alone is allowed where the binding is extensible; a required one needs a code.
            if context.binding.strength == "required" {
                context.fail(vs, "the concept has no coding, and a code from value set \(vs.label) is required")
            }
            return
        }
        let codes = concept.children(named: "coding").map { Self.describe(system: $0.child("system")?.value, code: $0.child("code")?.value ?? "") }
        context.fail(vs, "none of the codings (\(codes.joined(separator: "; "))) is in value set \(vs.label)")
    }

    /// The display of a coding against the code system's, when the pack knows that code.
    private func checkDisplay(_ coding: CodingFields, system: String?, code: String, suffix: @autoclosure () -> String,
                              _ context: inout BindingContext) {
        guard let display = coding.display, let system,
              let cs = context.valueSet?.codeSystem(system) ?? (try? resolver.codeSystem(url: system)),
              let expected = cs.display(of: code),
              display != expected, Self.normalised(display) != Self.normalised(expected) else { return }
        context.report.issues.append(Issue(.warning, .codeInvalid, rule: "terminology.display",
            "display '\(display)' does not match '\(expected)', the display of code '\(code)' in code system \(TerminologyNames.label(of: cs))",
            path: context.path() + "." + suffix(), position: coding.displayPosition ?? context.element.position))
    }

    /// Lower case, inner runs of whitespace as one space, no edge spaces (edge spaces are
    /// reported by layer 1 already).
    static func normalised(_ s: String) -> String {
        s.split(whereSeparator: \.isWhitespace).joined(separator: " ").lowercased()
    }

    static func describe(system: String?, code: String) -> String {
        system.map { "code '\(code)' of system '\($0)'" } ?? "code '\(code)' with no system"
    }
}

/// One check in progress: what is checked, where, and the report being filled.
struct BindingContext {
    let element: Element
    let binding: BindingRecord
    let url: String
    let path: () -> String
    var report: TerminologyReport
    /// The bound value set when the caller has it already (nil: look it up).
    var valueSet: ValueSetExpansion?

    /// The bound value set, or nil after noting (once) that it cannot be checked.
    mutating func valueSet(_ resolver: TerminologyResolver) -> ValueSetExpansion? {
        if let valueSet { return valueSet }
        let url = url
        do {
            if let vs = try resolver.valueSet(url: url) {
                valueSet = vs
                return vs
            }
            noteNotChecked(url, "'\(url)'", .init(system: nil, reason: "the value set is not in the definition pack"))
        } catch {
            noteNotChecked(url, "'\(url)'", .init(system: nil, reason: "the definition pack cannot be read (\(error))"))
        }
        return nil
    }

    /// A membership outcome for one code: nothing, a failure, or a not-checked note.
    mutating func judge(_ membership: Membership, _ vs: ValueSetExpansion, what: @autoclosure () -> String) {
        switch membership {
        case .member: return
        case .notMember: fail(vs, "\(what()) is not in value set \(vs.label)")
        case let .cannotTell(why): noteNotChecked(vs.url, vs.label, why)
        }
    }

    /// An error (required) or a warning (extensible).
    mutating func fail(_ vs: ValueSetExpansion, _ message: String) {
        let required = binding.strength == "required"
        report.issues.append(Issue(required ? .error : .warning, .codeInvalid,
                                   rule: required ? "terminology.required" : "terminology.extensible",
                                   "\(message) (\(binding.strength) binding)", path: path(), position: element.position))
    }

    /// Information, once per message per value set and system.
    /// The label is rendered only for a first note.
    mutating func noteNotChecked(_ url: String, _ label: @autoclosure () -> String, _ why: Membership.Undecided) {
        guard report.firstNote(valueSet: url, system: why.system) else { return }
        let system = why.system.map { " for codes of \(TerminologyNames.label(ofSystem: $0))" } ?? ""
        report.issues.append(Issue(.information, .notSupported, rule: "terminology.not-checked",
                                   "binding to value set \(label()) not checked\(system): \(why.reason)",
                                   path: path(), position: element.position))
    }
}
