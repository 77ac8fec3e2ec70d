import XCTest
import FHIRModel
@testable import FHIRPath
import DCHTestSupport

/// The compiled boolean shapes (`BooleanPlan`) and the fused `descendants().name` must answer
/// exactly what the general evaluator answers: values, unknowns (empty) and errors alike.
final class BooleanPlanTests: XCTestCase {
    /// Shapes a plan covers, each with general leaves mixed in somewhere.
    private let planned = [
        "name.exists()", "name.given.exists()", "deceased.empty()", "multipleBirth.exists()",
        "Patient.name.exists()", "Patient.exists()", "id.exists()", "extension.url.exists()",
        "contained.text.empty()", "contained.contained.empty()",
        "contained.where(('#'+id in %resource.descendants().reference).not()).empty()",
        "contained.meta.versionId.empty() and contained.meta.lastUpdated.empty()",
        "extension.exists() != value.exists()", "name.exists() = gender.exists()",
        "gender = 'female' or birthDate.exists()", "gender = 'male' implies deceased.exists()",
        "active.not() or name.exists()", "(active and gender.exists()).not()",
        "birthDate > @2020 or gender.empty()", "deceased.exists() xor active",
        "link.where(type = 'seealso').empty()", "name.where(use = 'nickname').exists()",
        "(name.given and true) or gender.exists()", "name.given.empty() or (name.given = 'Ann')",
        "value.empty() or code != component.code", "effective.exists() and (effective as Period).start <= (effective as Period).end",
        "referenceRange.low.empty() or referenceRange.high.empty() or (referenceRange.low <= referenceRange.high)",
        // `name = literal`, `where(name = literal)` on the focus, and sums of counts compared to 0.
        "gender = 'female'", "gender != 'female'", "active = true", "active != false", "status = 'final'",
        "name = 'Ann'", "deceased = true", "id = 'x'", "Patient = 'x'", "value = 'x'",
        "(identifier.count() + name.count()) > 0", "(telecom.count() + photo.count()) > 0",
        "where(gender = 'female').empty()", "where(active = true).exists()", "where(status = 'final').exists()",
    ]

    func testPlansAgreeWithTheGeneralEvaluator() throws {
        let engine = try FP.engine()
        for json in [FP.patient, FP.observation] {
            let root = try FP.resource(json)
            let env = FHIRPathEnvironment(root: root, engine: engine)
            for text in planned {
                let expression = try engine.compile(text).get()
                XCTAssertNotNil(expression.plan, "\(text) has a plan")
                let fast = outcome { try engine.evaluateBoolean(expression, on: env.rootElement, in: env) }
                let slow = outcome { try Self.generalBoolean(engine.evaluate(expression, on: env.rootElement, in: env)) }
                XCTAssertEqual(fast, slow, "\(text) on \(root.resourceType ?? "?")")
            }
        }
    }

    func testPlansAgreeOnNestedElements() throws {
        let engine = try FP.engine()
        let root = try FP.resource(FP.patient)
        let env = FHIRPathEnvironment(root: root, engine: engine)
        let all = try engine.evaluate(try engine.compile("descendants()").get(), on: env.rootElement, in: env)
        let focuses = all.compactMap { item -> TypedElement? in
            if case let .element(t) = item { return t } else { return nil }
        }
        XCTAssertGreaterThan(focuses.count, 10)
        for text in ["extension.exists() != value.exists()", "value.empty() or system.exists()",
                     "given.exists() or family.exists()", "reference.startsWith('#').not() or reference.exists()",
                     "url.exists() and value.exists()", "use = 'official'", "system != 'phone'",
                     "where(use = 'home').empty()", "where(system = 'email').exists()", "(given.count() + family.count()) > 0",
                     "url = 'http://example.org/x'", "value = true"] {
            let expression = try engine.compile(text).get()
            XCTAssertNotNil(expression.plan, text)
            for focus in focuses {
                let fast = outcome { try engine.evaluateBoolean(expression, on: focus, in: env) }
                let slow = outcome { try Self.generalBoolean(engine.evaluate(expression, on: focus, in: env)) }
                XCTAssertEqual(fast, slow, "\(text) on \(focus.element.name)")
            }
        }
    }

    func testAnErrorInAGeneralLeafIsTheSameError() throws {
        let engine = try FP.engine()
        let root = try FP.resource(FP.patient)
        let env = FHIRPathEnvironment(root: root, engine: engine)
        let expression = try engine.compile("(name.given and true) or gender.exists()").get()
        let fast = outcome { try engine.evaluateBoolean(expression, on: env.rootElement, in: env) }
        XCTAssertEqual(fast, "error: 'and' needs one item, found 3")
    }

    func testExpressionsWithoutABooleanShapeHaveNoPlan() throws {
        let engine = try FP.engine()
        for text in ["name.given", "htmlChecks()", "(identifier.count() + name.count()) > 1", "where(use = 'home').count()",
                     "name.count() = 2", "name.given = 'Ann'", "where(use.exists()).empty()"] {
            XCTAssertNil(try engine.compile(text).get().plan, text)
        }
    }

    func testDescendantsThenANameKeepsTheGeneralOrder() throws {
        for (fused, general) in [("descendants().given", "descendants().where(true).given"),
                                 ("descendants().reference", "descendants().where(true).reference"),
                                 ("%resource.descendants().reference", "%resource.descendants().where(true).reference"),
                                 ("descendants().value", "descendants().where(true).value")] {
            let a = try FP.text(fused), b = try FP.text(general)
            XCTAssertEqual(a, b, fused)
            XCTAssertNotEqual(a, "[]", "\(fused) finds something")
        }
        XCTAssertEqual(try FP.text("descendants().given"), "[string:Ann, string:Mary, string:Annie]")
        // Attributes of leaves and of inner elements, in document order.
        let json = """
        {"resourceType": "Patient", "birthDate": "2019-03", "_birthDate": {"id": "b1"},
         "name": [{"id": "n1", "family": "Smith", "_family": {"id": "f1"}}],
         "extension": [{"url": "http://example.org/x", "valueString": "A", "_valueString": {"id": "v1"}}]}
        """
        for name in ["id", "url"] {
            let fused = try FP.text("descendants().\(name)", on: json)
            XCTAssertEqual(fused, try FP.text("descendants().where(true).\(name)", on: json))
            XCTAssertNotEqual(fused, "[]", name)
        }
        XCTAssertEqual(try FP.text("descendants().id", on: json), "[string:b1, string:n1, string:f1, string:v1]", "level by level, in document order")
    }

    func testHtmlChecksFoldsCaseAndPrefixesInTagNames() throws {
        func check(_ div: String) throws -> String {
            let json = "{\"resourceType\": \"Basic\", \"code\": {\"text\": \"x\"}, \"text\": {\"status\": \"generated\", \"div\": \"\(div)\"}}"
            return try FP.text("text.div.htmlChecks()", on: json)
        }
        let ns = "xmlns=\\\"http://www.w3.org/1999/xhtml\\\""
        XCTAssertEqual(try check("<div \(ns)>x<SCRIPT>alert(1)</SCRIPT></div>"), "[false]")
        XCTAssertEqual(try check("<div \(ns)>x<Input/></div>"), "[false]")
        XCTAssertEqual(try check("<div \(ns)><IMG src=\\\"a.png\\\"/></div>"), "[true]", "an image is content")
        XCTAssertEqual(try check("<div \(ns)><p>x</p><textareas>y</textareas></div>"), "[true]", "only whole names")
        XCTAssertEqual(try check("<div \(ns)><p>x</p><blockquote>long name</blockquote></div>"), "[true]")
    }

    /// The boolean reading `evaluateBoolean` gives a full result: empty is unknown, one boolean is
    /// itself, one other item is true, several are an error.
    private static func generalBoolean(_ result: FHIRPathCollection) throws -> Bool? {
        guard !result.isEmpty else { return nil }
        guard result.count == 1 else { throw FHIRPathEvaluationError("the result has \(result.count) items, not one boolean") }
        return result[0].booleanValue ?? true
    }

    private func outcome(_ body: () throws -> Bool?) -> String {
        do {
            return (try body()).map { "\($0)" } ?? "empty"
        } catch {
            return "error: \(error)"
        }
    }
}
