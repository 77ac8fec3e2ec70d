import Foundation
import FHIRModel
import FHIRDefinitions
import FHIRPath

/// A constraint made ready to evaluate: its expression parsed once, its severity decoded. A class,
/// so that the constraint lists of layer 5's sites pass around by reference.
public final class CompiledConstraint: Sendable {
    /// The constraint as the definitions give it.
    public let record: ConstraintRecord
    /// The issue severity (`error` or `warning`).
    public let severity: Severity
    /// The parsed expression, or why it cannot be evaluated (no expression, a syntax error, an
    /// unsupported function).
    public let expression: Result<FHIRPathExpression, NotEvaluable>

    /// Why a constraint cannot be evaluated.
    public struct NotEvaluable: Error, Sendable {
        /// What stops it, for a person (e.g. a function the engine does not implement).
        public let reason: String
    }

    /// Compiles a constraint with an engine (whose cache keeps each expression parsed once).
    public init(_ record: ConstraintRecord, engine: FHIRPathEngine) {
        self.record = record
        severity = record.severity == "warning" ? .warning : .error
        guard let text = record.expression, !text.isEmpty else {
            expression = .failure(NotEvaluable(reason: "the definition gives no FHIRPath expression"))
            return
        }
        switch engine.compile(text) {
        case let .success(compiled):
            if let why = compiled.unsupportedReason {
                expression = .failure(NotEvaluable(reason: why))
            } else {
                expression = .success(compiled)
            }
        case let .failure(error):
            expression = .failure(NotEvaluable(reason: "the expression does not parse (\(error))"))
        }
    }
}

/// Evaluates invariants (`ElementDefinition.constraint`) on elements: layer 5 of the validator,
/// and the API the profile layer uses for a profile's own constraints.
///
/// ```swift
/// let checker = InvariantChecker(pack: pack)
/// var run = checker.run(root: message)
/// run.check(profileConstraints, on: element, typeName: "Patient", path: "Bundle.entry[2].resource",
///           resource: patientElement)
/// issues += run.issues
/// ```
///
/// Safe to share between threads; compiled constraints are cached for its lifetime.
public final class InvariantChecker: @unchecked Sendable {
    /// The FHIRPath engine (its caches are shared by every run).
    public let engine: FHIRPathEngine
    private let lock = NSLock()
    private var constraintsByText: [ConstraintRecord: CompiledConstraint] = [:]
    /// Site memos of finished runs, for the next ones (at most one per concurrent run is kept).
    private var siteMemos: [InvariantSiteMemo] = []
    /// Layer 5's compiled sites (per child definition and resource type).
    let sites: InvariantSiteCache

    /// A checker over a pack.
    public convenience init(pack: DefinitionPack) {
        self.init(engine: FHIRPathEngine(pack: pack))
    }

    /// A checker sharing an engine.
    public init(engine: FHIRPathEngine) {
        self.engine = engine
        sites = InvariantSiteCache(engine: engine)
    }

    /// Layer 5 over one message: the invariants of the base STU3 definitions on every element.
    public func validate(_ root: Element) -> [Issue] {
        evaluate(root).issues
    }

    /// Layer 5 over one message, with the finished run (its issues and how many constraint
    /// evaluations it made).
    public func evaluate(_ root: Element) -> InvariantRun {
        // A warm site memo from an earlier message (sites never change once made): one lock per
        // message instead of one per new child definition.
        let memo = lock.withLock { siteMemos.popLast() } ?? InvariantSiteMemo()
        var rules = InvariantRules(checker: self, root: root, siteMemo: memo)
        rules.check(root)
        let used = rules.siteMemo
        lock.withLock { if siteMemos.count < 16 { siteMemos.append(used) } }
        return rules.run
    }

    /// Every evaluable constraint layer 5 applies to every element of a message, in walk order,
    /// without evaluating any: the constraints it can decide without evaluating, and those another
    /// layer checks in messages (ref-1), are listed too. (For tests that compare evaluations with
    /// another FHIRPath implementation.)
    public func applications(in root: Element) -> [InvariantApplication] {
        var rules = InvariantRules(checker: self, root: root)
        rules.collected = []
        rules.check(root)
        return rules.collected ?? []
    }

    /// A constraint compiled (cached: one parse per distinct constraint).
    public func compile(_ record: ConstraintRecord) -> CompiledConstraint {
        if let known = lock.withLock({ constraintsByText[record] }) { return known }
        let compiled = CompiledConstraint(record, engine: engine)
        // The first compiled wins: one object per constraint, whichever thread got there first.
        return lock.withLock {
            if let first = constraintsByText[record] { return first }
            constraintsByText[record] = compiled
            return compiled
        }
    }

    /// A run over one message: it collects issues and reports each unevaluable constraint once.
    public func run(root: Element) -> InvariantRun {
        InvariantRun(checker: self, environment: FHIRPathEnvironment(root: root, engine: engine))
    }

    /// The brief one-call form: evaluates `constraints` on `element` (of FHIR type `typeName`, nil
    /// when unknown; a resource is typed by its `resourceType`) at `path`, with `resource` as
    /// `%resource` and `root` as the message `resolve()` searches, appending the issues.
    public func check(_ constraints: [ConstraintRecord], on element: Element, typeName: String?, path: String,
                      resource: Element, root: Element, into issues: inout [Issue]) {
        var run = run(root: root)
        run.check(constraints, on: element, typeName: typeName, path: path, resource: resource)
        issues += run.issues
    }
}

/// One constraint on one element of a message (``InvariantChecker/applications(in:)``).
public struct InvariantApplication {
    /// The constraint's key (`dom-3`, `per-1`).
    public let key: String
    /// Its expression, compiled.
    public let expression: FHIRPathExpression
    /// The element it is evaluated on (the focus and `%context`).
    public let element: TypedElement
    /// Where the element is: `Bundle.entry[2].resource.name[0]`.
    public let path: String
    /// `%resource` for it: the resource holding the element (a contained resource's container).
    public let resource: TypedElement
    /// Where that resource is: `Bundle.entry[2].resource`, or the root's type.
    public let resourcePath: String
}

/// Invariant evaluation over one message. Issues:
/// - `invariant.<key>` (type `.invariant`, the constraint's severity) when a constraint is false,
///   with the constraint's text and expression, at the element's path and position;
/// - `invariant.not-evaluated` (information), once per constraint key and message, when a
///   constraint cannot be evaluated (unsupported function, an evaluation error, or a reference
///   outside the message that decides the answer).
///
/// An empty result (e.g. dates of different precision compared) is no violation: FHIRPath says
/// the answer is unknown, and a validator should not claim an error it cannot show.
public struct InvariantRun {
    let checker: InvariantChecker
    /// The FHIRPath environment of the message (`%resource` is updated as resources are entered).
    public let environment: FHIRPathEnvironment
    /// The issues found so far.
    public private(set) var issues: [Issue] = []
    private var notEvaluated: Set<String> = []
    /// Keys another layer checks natively in this message (layer 5 leaves them out).
    /// (A list, not a set: it holds one key at most, and a compare costs less than a hash.)
    var skippedKeys: [String] = []
    /// Number of constraint evaluations made (for measurements and tests).
    public private(set) var evaluations = 0

    init(checker: InvariantChecker, environment: FHIRPathEnvironment) {
        self.checker = checker
        self.environment = environment
    }

    /// Evaluates constraint records on an element typed by name.
    public mutating func check(_ constraints: [ConstraintRecord], on element: Element, typeName: String?, path: String,
                               resource: Element) {
        let engine = checker.engine
        let typed: TypedElement
        if element.isResource {
            typed = engine.typedResource(element)
        } else {
            let context = typeName.flatMap { (try? engine.pack.context(forType: $0)) ?? nil }
            typed = TypedElement(element: element, typeName: typeName, context: context)
        }
        let saved = environment.resource
        environment.resource = engine.typedResource(resource)
        defer { environment.resource = saved }
        check(constraints.map(checker.compile), on: typed, path: { path })
    }

    /// Evaluates compiled constraints on a typed element; `path` is rendered only for an issue.
    public mutating func check(_ constraints: [CompiledConstraint], on element: TypedElement, path: () -> String) {
        check(constraints, on: element, skipping: 0, path: path)
    }

    /// As above, leaving out the constraints known to hold (bit k of `decided`: the k-th).
    mutating func check(_ constraints: [CompiledConstraint], on element: TypedElement, skipping decided: UInt64,
                        path: () -> String) {
        for (k, constraint) in constraints.enumerated() {
            if k < 64 && decided & (1 << UInt64(k)) != 0 { continue }
            let key = constraint.record.key
            if !skippedKeys.isEmpty && skippedKeys.contains(key) { continue }
            let expression: FHIRPathExpression
            switch constraint.expression {
            case let .success(e): expression = e
            case let .failure(why):
                reportNotEvaluated(key, why.reason, element.element, path)
                continue
            }
            evaluations += 1
            environment.unresolvedReference = false
            do {
                let result = try checker.engine.evaluateBoolean(expression, on: element, in: environment)
                if result == true { continue }
                if environment.unresolvedReference {
                    reportNotEvaluated(key, "it resolves a reference that is not in the message", element.element, path)
                } else if result == false {
                    issues.append(Issue(constraint.severity, .invariant, rule: InvariantRule.constraint(key),
                                        "\(constraint.record.human) (\(key): \(expression.text))",
                                        path: path(), position: element.element.position))
                }
            } catch {
                reportNotEvaluated(key, "\(error)", element.element, path)
            }
        }
    }

    private mutating func reportNotEvaluated(_ key: String, _ reason: String, _ element: Element, _ path: () -> String) {
        guard notEvaluated.insert(key).inserted else { return }
        issues.append(Issue(.information, .informational, rule: InvariantRule.notEvaluated,
                            "constraint \(key) was not evaluated: \(reason)", path: path(), position: element.position))
    }
}
