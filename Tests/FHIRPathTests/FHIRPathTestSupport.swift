import XCTest
import Foundation
import FHIRModel
import FHIRPath
import FHIRConversion
import DCHTestSupport

/// Evaluating expressions on small trees read from JSON with our converter (so they are typed
/// exactly as messages are).
enum FP {
    static func engine() throws -> FHIRPathEngine {
        let pack = try SharedCorpus.definitionPack()
        if let known = lock.withLock({ shared }), known.pack === pack { return known }
        let made = FHIRPathEngine(pack: pack)
        lock.withLock { shared = made }
        return made
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var shared: FHIRPathEngine?

    static func resource(_ json: String) throws -> Element {
        let pack = try SharedCorpus.definitionPack()
        return try Converter(pack: pack).read(Data(json.utf8)).root
    }

    /// Evaluates on the root resource of `json`.
    static func eval(_ expression: String, on json: String) throws -> FHIRPathCollection {
        let engine = try engine()
        let root = try resource(json)
        let env = FHIRPathEnvironment(root: root, engine: engine)
        let compiled = try engine.compile(expression).get()
        return try engine.evaluate(compiled, on: env.rootElement, in: env)
    }

    /// The result rendered as text: `[true]`, `['a', 'b']`, `[1.50]`, `[Quantity]`.
    static func text(_ expression: String, on json: String = patient) throws -> String {
        "[" + (try eval(expression, on: json)).map(render).joined(separator: ", ") + "]"
    }

    static func render(_ v: FHIRPathValue) -> String {
        switch v {
        case let .boolean(b): return b ? "true" : "false"
        case let .integer(n): return "\(n)"
        case let .decimal(d): return "\(d)"
        case let .string(s): return "'\(s)'"
        case let .dateTime(d): return "@\(d.text)"
        case let .quantity(d, u): return "\(d) '\(u)'"
        case let .element(t):
            if let value = t.element.value { return t.typeName.map { "\($0):\(value)" } ?? value }
            return t.typeName ?? t.element.name
        }
    }

    static let patient = """
    {"resourceType": "Patient", "id": "p1",
     "extension": [{"url": "http://example.org/ext-a", "valueString": "A"},
                   {"url": "http://example.org/ext-b", "valueBoolean": true}],
     "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9990001234"}],
     "active": true,
     "name": [{"use": "official", "family": "Smith", "given": ["Ann", "Mary"]},
              {"use": "nickname", "given": ["Annie"]}],
     "gender": "female",
     "birthDate": "2019-03",
     "multipleBirthInteger": 2,
     "contained": [{"resourceType": "Organization", "id": "org1", "name": "Clinic"}],
     "generalPractitioner": [{"reference": "#org1"}],
     "text": {"status": "generated", "div": "<div xmlns=\\"http://www.w3.org/1999/xhtml\\">Ann <b>Smith</b></div>"}
    }
    """

    static let observation = """
    {"resourceType": "Observation", "status": "final",
     "code": {"coding": [{"system": "http://snomed.info/sct", "code": "27113001"}]},
     "effectivePeriod": {"start": "2019-03-04T10:00:00+01:00", "end": "2019-03-04T09:30:00Z"},
     "valueQuantity": {"value": 1.50, "unit": "kg", "system": "http://unitsofmeasure.org", "code": "kg"},
     "referenceRange": [{"low": {"value": 1, "code": "kg", "system": "http://unitsofmeasure.org"},
                         "high": {"value": 2.0, "code": "kg", "system": "http://unitsofmeasure.org"}}]
    }
    """
}
