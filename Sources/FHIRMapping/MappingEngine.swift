import Foundation
import FHIRModel
import FHIRDefinitions
import FHIRPath

/// What running a map gives.
public struct MappingResult: Sendable {
    /// The output tree.
    public var output: Element
    /// The source elements (and primitive values, `….value`; ids, `….id`) that no rule consumed:
    /// what the map did not carry over, in document order.
    public var unconsumedElements: [UnconsumedElement]
    /// The paths of ``unconsumedElements``.
    public var unconsumed: [String] { unconsumedElements.map(\.path) }
    /// The `log` lines of the rules and the engine's warnings.
    public var log: [Issue]
}

/// A source element no rule consumed: its path (`Bundle.entry[2].resource.status`) and what it holds.
public struct UnconsumedElement: Sendable, Hashable {
    /// What the lost element holds.
    public enum Kind: String, Sendable, Hashable {
        /// A primitive element (a value, perhaps with an id or extensions).
        case primitive
        /// A primitive's value alone (`….value`: its element was consumed, its value not).
        case primitiveValue = "primitive-value"
        /// An element's `id` attribute.
        case id
        /// An extension or modifier extension (with its url).
        case `extension`
        /// A resource (a contained or entry resource).
        case resource
        /// An element with children (a datatype or backbone element).
        case complex
        /// An element of `element`'s shape.
        init(of element: Element) {
            if element.isResource { self = .resource }
            else if element.url != nil && (element.name == "extension" || element.name == "modifierExtension") { self = .extension }
            else if element.value != nil || element.children.isEmpty { self = .primitive }
            else { self = .complex }
        }
    }
    /// The element's path in the input (repeats indexed when there are several).
    public var path: String
    /// What it holds.
    public var kind: Kind

    /// An unconsumed element.
    public init(path: String, kind: Kind) { self.path = path; self.kind = kind }
}

/// Runs StructureMaps (parsed from FML or read from StructureMap resources) on element trees.
///
/// Semantics follow the FHIR Mapping Language and, where the specification is silent, the HL7
/// reference engine (see `../shared/spec/FML.md`): default groups by type, `extends`, the simple
/// copy `src.a -> tgt.a;` converting recursively, primitives copied by value, complex values by
/// deep copy, empty elements dropped and children written in definition order.
///
/// Type information comes through ``MappingTypeInformation``: the source and target sides may be
/// different FHIR versions (an STU3 pack for sources; an R4 pack, or the STU3 pack as an
/// approximation, for targets). Conditions, `check`, `log` and `evaluate` use the FHIRPath engine,
/// typed by `fhirPathPack`.
///
/// ```swift
/// var library = MapLibrary()
/// library.add(FMLParser.parse(text).map)
/// let engine = MappingEngine(library: library, sourceTypes: stu3, targetTypes: nil, fhirPathPack: pack)
/// let result = try engine.transform(resource, mapURL: "http://example.org/StructureMap/x")
/// ```
///
/// An engine may be shared between threads; each ``transform(_:mapURL:)`` call has its own state.
public final class MappingEngine: @unchecked Sendable {
    /// The maps and ConceptMaps.
    public let library: MapLibrary
    /// Types of the source side; nil: matched by name only.
    public let sourceTypes: MappingTypeInformation?
    /// Types of the target side; nil: types come only from `create('T')` and `<<type+>>` groups.
    public let targetTypes: MappingTypeInformation?
    let resolver: GroupResolver
    let fhirPath: FHIRPathEngine?
    private let lock = NSLock()
    private var elementTypes: [MappingType: ElementType?] = [:]

    /// An engine over `library`. `fhirPathPack` types FHIRPath evaluation on source elements
    /// (usually the source side's pack); nil: conditions cannot be evaluated.
    public init(library: MapLibrary, sourceTypes: MappingTypeInformation?, targetTypes: MappingTypeInformation?,
                fhirPathPack: DefinitionPack?) {
        self.library = library
        self.sourceTypes = sourceTypes
        self.targetTypes = targetTypes
        resolver = GroupResolver(library: library)
        fhirPath = fhirPathPack.map { FHIRPathEngine(pack: $0, acceptsHostVariables: true) }
    }

    /// Runs the map at `mapURL` on `source`: its first group, with the source as its source input
    /// and an empty instance of the map's first target structure as its target input.
    /// Throws `IssuesError` (rule `fml.execution`) when the map fails (a failed `check`, an
    /// unknown group or variable, a transform error).
    public func transform(_ source: Element, mapURL: String) throws -> MappingResult {
        guard let map = library.maps[mapURL] else {
            throw IssuesError(Issue(.error, .processing, rule: FMLRule.execution, "no map \(mapURL) is loaded"))
        }
        guard let entry = map.groups.first else {
            throw IssuesError(Issue(.error, .invalid, rule: FMLRule.execution, "map \(mapURL) has no group"))
        }
        let sourceInput = entry.inputs.first { $0.mode == .source }
        let targetInput = entry.inputs.first { $0.mode == .target }
        guard let sourceInput, let targetInput else {
            throw IssuesError(Issue(.error, .invalid, rule: FMLRule.execution,
                                    "the first group of \(mapURL) needs a source and a target input", position: entry.position))
        }
        let targetCode = map.structures.first { $0.mode == .target }.map { GroupResolver.typeCode(ofStructure: $0.url) }
            ?? GroupResolver.typeCode(targetInput.type, in: map) ?? "Resource"
        let rootType = source.resourceType ?? source.name
        let run = MappingRun(engine: self, root: source)
        let root = TargetNode(name: targetCode, type: MappingType(targetCode),
                              resourceType: (targetTypes?.isResource(targetCode) ?? true) ? targetCode : nil)
        var variables = Variables()
        variables.sources[sourceInput.name] = .source(SourceItem(element: source, type: MappingType(rootType), path: rootType))
        variables.targets[targetInput.name] = .target(root)
        do {
            try run.runGroup(GroupReference(group: entry, map: map), variables)
        } catch let failure as MappingFailure {
            throw IssuesError(run.log + [Issue(.error, .processing, rule: FMLRule.execution, failure.message, position: failure.position)])
        }
        let output = root.element(isRoot: true) ?? Element(name: targetCode, resourceType: targetCode)
        return MappingResult(output: output, unconsumedElements: run.unconsumedElements(), log: run.log)
    }

    /// The FHIRPath type of a source element type (cached).
    func elementType(_ type: MappingType?) -> ElementType? {
        guard let type, let fhirPath else { return nil }
        if let known = lock.withLock({ elementTypes[type] }) { return known }
        var made: ElementType?
        if let model = (try? fhirPath.pack.type(named: type.owner)) ?? nil {
            made = ElementType(name: type.code, context: TypeContext(model: model, path: type.path ?? model.rootPath))
        } else {
            made = ElementType(name: type.code, context: nil)
        }
        lock.withLock { elementTypes[type] = made }
        return made
    }

    /// Primitive type codes, for when the type information does not say.
    static let primitiveCodes: Set<String> = [
        "base64Binary", "boolean", "canonical", "code", "date", "dateTime", "decimal", "id", "instant", "integer",
        "integer64", "markdown", "oid", "positiveInt", "string", "time", "unsignedInt", "uri", "url", "uuid", "xhtml",
    ]

    func isPrimitive(_ code: String?, target: Bool) -> Bool {
        guard let code else { return false }
        if let types = target ? targetTypes : sourceTypes, types.knows(code) { return types.isPrimitive(code) }
        return Self.primitiveCodes.contains(code)
    }
}
