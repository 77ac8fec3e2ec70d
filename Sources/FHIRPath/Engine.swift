import Foundation
import FHIRModel
import FHIRDefinitions

/// A compiled FHIRPath expression: parse once, evaluate many times. Its parts live in one shared
/// object, so that passing an expression around costs one reference count.
public struct FHIRPathExpression: Sendable {
    private final class Parts: Sendable {
        let text: String
        let root: Node
        let unsupportedReason: String?
        let plan: BooleanPlan?
        let focusHeads: Set<String>?

        init(text: String, root: Node, unsupportedReason: String?) {
            self.text = text
            self.root = root
            self.unsupportedReason = unsupportedReason
            plan = unsupportedReason == nil ? BooleanPlan.compile(root) : nil
            focusHeads = unsupportedReason == nil ? FocusHeads.of(root) : nil
        }
    }

    private let parts: Parts

    /// The source text.
    public var text: String { parts.text }
    var root: Node { parts.root }
    /// Why the expression cannot be evaluated (it calls `memberOf`, `conformsTo`, an unknown function
    /// or names an unknown `%` constant), or nil when every part of it is supported.
    public var unsupportedReason: String? { parts.unsupportedReason }
    /// The boolean shape that ``FHIRPathEngine/evaluateBoolean(_:on:in:)`` answers without
    /// building collections, when the expression has one (and is supported).
    var plan: BooleanPlan? { parts.plan }
    /// The names of the focus's children (and `id` / `url` attributes) the expression reads, when
    /// they are all it reads of the focus and of the message; nil otherwise. A name stands for its
    /// choice variants too (`value`: `valueQuantity`…). On an element with none of them the
    /// expression gives what it gives on an empty element of the same type.
    public var focusHeads: Set<String>? { parts.focusHeads }

    init(text: String, root: Node, unsupportedReason: String?) {
        parts = Parts(text: text, root: root, unsupportedReason: unsupportedReason)
    }
}

/// The FHIRPath engine: compiles expressions (cached by text) and evaluates them over element
/// trees, typed through a definition pack.
///
/// Type awareness: a child name selects its choice variants (`value` finds `valueQuantity`), items
/// know their FHIR type (for `is`, `as`, `ofType`), primitive elements convert to FHIRPath values by
/// their type (booleans, integers, exact decimals, strings, partial dates), and resources are typed
/// by their `resourceType`.
///
/// ```swift
/// let engine = FHIRPathEngine(pack: try .shipped())
/// let expr = try engine.compile("name.given.first()").get()
/// let env = FHIRPathEnvironment(root: patient, engine: engine)
/// let given = try engine.evaluate(expr, on: env.rootElement, in: env)
/// ```
///
/// An engine is safe to share between threads; its caches (compiled expressions, type contexts,
/// type ancestry, regular expressions) live as long as it does.
public final class FHIRPathEngine: @unchecked Sendable {
    /// The definitions that type the trees.
    public let pack: DefinitionPack
    private let lock = NSLock()
    private var compiled: [String: Result<FHIRPathExpression, FHIRPathSyntaxError>] = [:]
    private var childTypes: [ObjectIdentifier: ElementType] = [:]
    private var resourceTypes: [String: ElementType?] = [:]
    private var ancestry: [String: [String]] = [:]
    private var regexes: [String: NSRegularExpression] = [:]

    /// True when `%name` constants the engine does not know are left to the environment's
    /// ``FHIRPathEnvironment/variables`` (a host such as the mapping engine supplies them); false:
    /// such an expression is unsupported when compiled.
    public let acceptsHostVariables: Bool

    /// An engine over a pack. `acceptsHostVariables`: see ``acceptsHostVariables``.
    public init(pack: DefinitionPack, acceptsHostVariables: Bool = false) {
        self.pack = pack
        self.acceptsHostVariables = acceptsHostVariables
    }

    /// Parses an expression (or returns it from the cache). A syntax error is a value with its column.
    public func compile(_ text: String) -> Result<FHIRPathExpression, FHIRPathSyntaxError> {
        if let known = lock.withLock({ compiled[text] }) { return known }
        let result: Result<FHIRPathExpression, FHIRPathSyntaxError>
        do {
            let root = try Parser.parse(text)
            result = .success(FHIRPathExpression(text: text, root: root,
                                                 unsupportedReason: Self.unsupported(in: root, hostVariables: acceptsHostVariables)))
        } catch let error as FHIRPathSyntaxError {
            result = .failure(error)
        } catch {
            result = .failure(FHIRPathSyntaxError("\(error)", column: 1))
        }
        lock.withLock { compiled[text] = result }
        return result
    }

    /// Evaluates an expression with `focus` as its context (`%context`, the initial `$this`).
    /// Throws ``FHIRPathEvaluationError`` when the expression is unsupported or meets an error
    /// (a singleton expected where the data has several items, incomparable types, …).
    public func evaluate(_ expression: FHIRPathExpression, on focus: TypedElement,
                         in environment: FHIRPathEnvironment) throws -> FHIRPathCollection {
        if let why = expression.unsupportedReason { throw FHIRPathEvaluationError(why) }
        var evaluation = Evaluation(engine: self, env: environment, context: focus)
        return try evaluation.eval(expression.root, [.element(focus)])
    }

    /// Evaluates a constraint: true, false, or nil when the result is empty (unknown: e.g. dates of
    /// different precision compared). Several items or a non-boolean item are errors.
    public func evaluateBoolean(_ expression: FHIRPathExpression, on focus: TypedElement,
                                in environment: FHIRPathEnvironment) throws -> Bool? {
        if let plan = expression.plan {
            var evaluation: Evaluation?
            return try decide(plan, focus, environment, &evaluation)
        }
        let result = try evaluate(expression, on: focus, in: environment)
        guard !result.isEmpty else { return nil }
        guard result.count == 1 else {
            throw FHIRPathEvaluationError("the result has \(result.count) items, not one boolean")
        }
        if let b = result[0].booleanValue { return b }
        // A single non-boolean item counts as true (FHIRPath singleton evaluation).
        return true
    }

    // MARK: typing

    /// A resource element typed by its `resourceType` (untyped when the type is unknown).
    public func typedResource(_ element: Element) -> TypedElement {
        TypedElement(element: element, type: resourceType(element.resourceType ?? element.name))
    }

    /// A child element typed by its definition in the parent (`info` from the parent's child table;
    /// nil when the definitions do not know it).
    public func typed(_ element: Element, as info: ChildInfo?) -> TypedElement {
        guard let info else {
            if element.resourceType != nil { return typedResource(element) }
            return TypedElement(element: element, type: nil)
        }
        if case .resource = info.content { return typedResource(element) }
        return TypedElement(element: element, type: type(of: info))
    }

    /// The type of elements a child definition describes (cached per definition).
    public func type(of info: ChildInfo) -> ElementType {
        let id = ObjectIdentifier(info)
        if let known = lock.withLock({ childTypes[id] }) { return known }
        let made: ElementType
        switch info.content {
        case let .backbone(owner, path):
            let context = (try? pack.type(named: owner)).flatMap { $0 }.map { TypeContext(model: $0, path: path) }
            made = ElementType(name: info.typeCode == "Element" ? "Element" : "BackboneElement", context: context)
        case .xhtml:
            made = ElementType(name: "xhtml", context: nil)
        default:
            made = ElementType(name: info.typeCode, context: (try? pack.context(forType: info.typeCode)) ?? nil)
        }
        // The first made wins (another thread may have made one meanwhile): one type object per definition.
        return lock.withLock {
            if let first = childTypes[id] { return first }
            childTypes[id] = made
            return made
        }
    }

    /// The type of a resource by name; nil when the definitions do not know it.
    public func resourceType(_ name: String) -> ElementType? {
        if let known = lock.withLock({ resourceTypes[name] }) { return known }
        let made = ((try? pack.context(forType: name)) ?? nil).map { ElementType(name: name, context: $0) }
        return lock.withLock {
            if let first = resourceTypes[name] { return first }
            resourceTypes[name] = made
            return made
        }
    }

    /// The type and its ancestors (`Patient`, `DomainResource`, `Resource`), from the definitions'
    /// base chain.
    func ancestors(of type: String) -> [String] {
        if let known = lock.withLock({ ancestry[type] }) { return known }
        var chain = [type]
        var current = type
        while chain.count < 10,
              let record = (try? pack.structure(url: DefinitionPack.coreStructurePrefix + current)) ?? nil,
              let base = record.baseDefinition, base.hasPrefix(DefinitionPack.coreStructurePrefix) {
            current = String(base.dropFirst(DefinitionPack.coreStructurePrefix.count))
            chain.append(current)
        }
        if type == "BackboneElement" && chain.count == 1 { chain.append("Element") }
        lock.withLock { ancestry[type] = chain }
        return chain
    }

    func regex(_ pattern: String) throws -> NSRegularExpression {
        if let known = lock.withLock({ regexes[pattern] }) { return known }
        do {
            let made = try NSRegularExpression(pattern: pattern)
            lock.withLock { regexes[pattern] = made }
            return made
        } catch {
            throw FHIRPathEvaluationError("invalid regular expression '\(pattern)'")
        }
    }

    // MARK: support analysis

    /// Environment constants we know: `%ucum`, `%sct`, `%loinc`, `%context`, `%resource` and the
    /// `%"vs-…"` / `%"ext-…"` shorthands.
    static func knowsConstant(_ name: String) -> Bool {
        ["ucum", "sct", "loinc", "context", "resource", "rootResource"].contains(name)
            || name.hasPrefix("vs-") || name.hasPrefix("ext-")
    }

    private static func unsupported(in node: Node, hostVariables: Bool) -> String? {
        func unsupported(in node: Node) -> String? { Self.unsupported(in: node, hostVariables: hostVariables) }
        switch node {
        case .empty, .literal, .special: return nil
        case let .external(name):
            return knowsConstant(name) || hostVariables ? nil : "the environment constant %\(name) is not supported"
        case let .member(input, _): return input.flatMap(unsupported(in:))
        case let .call(input, function, args):
            if case let .unsupported(name) = function {
                switch name {
                case "memberOf": return "memberOf() needs terminology expansion, which layer 5 does not do"
                case "conformsTo": return "conformsTo() needs profile validation, which layer 5 does not do"
                default: return "the function \(name)() is not supported"
                }
            }
            return input.flatMap(unsupported(in:)) ?? args.lazy.compactMap(unsupported(in:)).first
        case let .index(a, b), let .binary(_, a, b): return unsupported(in: a) ?? unsupported(in: b)
        case let .unary(_, a), let .typeOp(_, a, _): return unsupported(in: a)
        }
    }
}

/// What an evaluation may refer to beyond its focus: the message (for `resolve()`), the resource
/// being evaluated (`%resource`), and a record of references that could not be resolved.
///
/// One per message; not thread-safe (evaluate one message on one thread).
public final class FHIRPathEnvironment {
    /// The engine that types the message.
    public let engine: FHIRPathEngine
    /// The message's root resource, typed.
    public let rootElement: TypedElement
    /// `%resource`: the resource the focus lies in. A contained resource counts as part of its
    /// container, since `#id` references between contained resources resolve through it.
    public var resource: TypedElement
    /// Set when `resolve()` met a reference it could not resolve inside the message (an outside
    /// server): a constraint that is not true after that is unknown, not false.
    public var unresolvedReference = false
    /// Values a host names (the mapping engine's rule variables): `%name`, and a name at the head of
    /// a path that is not a child of the focus. Empty for validation.
    public var variables: [String: FHIRPathCollection] = [:]
    /// Called by `trace(name)` with the name and the collection traced; nil: trace does nothing.
    public var tracer: ((String, FHIRPathCollection) -> Void)?
    /// Resources of the message by fullUrl and by `Type/id`, built on the first `resolve()`.
    var resolutionIndex: [String: Element]?
    /// The last narrative `htmlChecks()` scanned and its answer: txt-1 and txt-2 ask it of the
    /// same `div` one after the other (the text compares in O(1) when it is the same string).
    var lastNarrativeCheck: (xhtml: String, passes: Bool)?

    /// An environment for one message.
    public init(root: Element, engine: FHIRPathEngine) {
        self.engine = engine
        rootElement = engine.typedResource(root)
        resource = rootElement
    }
}
