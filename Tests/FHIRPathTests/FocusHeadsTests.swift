import XCTest
import FHIRModel
import FHIRPath
import DCHTestSupport

/// `FHIRPathExpression.focusHeads`: the children of the focus an expression reads, when nothing
/// else of the focus or the message can change its answer.
final class FocusHeadsTests: XCTestCase {
    func testHeadsOfConstraintShapes() throws {
        let engine = try FP.engine()
        let expected: [(String, Set<String>?)] = [
            ("start.empty() or end.empty() or (start <= end)", ["start", "end"]),
            ("extension.exists() != value.exists()", ["extension", "value"]),
            // The iteration over `contained` never runs without it, so %resource inside does not count.
            ("contained.where(('#'+id in %resource.descendants().reference).not()).empty()", ["contained"]),
            ("entry.all(request.exists() = (%resource.type = 'batch'))", ["entry"]),
            ("(identifier.count() + name.count()) > 0", ["identifier", "name"]),
            ("code = %ucum or system.exists()", ["code", "system"]),
            ("url.exists() and id.exists()", ["url", "id"]),
            // The focus itself, the message, a type name and the clock are more than its children.
            ("hasValue() or extension.exists()", nil),
            ("%resource.id.exists()", nil),
            ("%context.name.exists()", nil),
            ("$this.name.exists()", nil),
            ("Patient.name.exists()", nil),
            ("birthDate < today()", nil),
            ("(1 | 2).where(%resource.id.exists()).empty()", nil),
            ("link.other.resolve().exists()", ["link"]),
            ("'a'.resolve().exists()", nil),
        ]
        for (text, heads) in expected {
            XCTAssertEqual(try engine.compile(text).get().focusHeads, heads, text)
        }
    }

    /// The promise itself: on every element of the samples that lacks all the heads, an expression
    /// answers what it answers on an empty element of the same type.
    func testElementsWithoutTheHeadsAnswerAsAnEmptyElement() throws {
        let engine = try FP.engine()
        let texts = [
            "start.empty() or end.empty() or (start <= end)", "extension.exists() != value.exists()",
            "value.empty() or system.exists()", "given.exists() or family.exists()",
            "(identifier.count() + name.count()) > 0", "url.exists() and value.exists()",
            "coding.where(system = 'x').empty()", "id.exists() or use = 'home'",
        ]
        var compared = 0
        for json in [FP.patient, FP.observation] {
            let root = try FP.resource(json)
            let env = FHIRPathEnvironment(root: root, engine: engine)
            let all = try engine.evaluate(try engine.compile("descendants()").get(), on: env.rootElement, in: env)
            let focuses = [env.rootElement] + all.compactMap { item -> TypedElement? in
                if case let .element(t) = item { return t } else { return nil }
            }
            for text in texts {
                let expression = try engine.compile(text).get()
                let heads = try XCTUnwrap(expression.focusHeads, text)
                for focus in focuses where !Self.has(focus.element, anyOf: heads) {
                    let element = Element(name: focus.element.name, resourceType: focus.element.resourceType)
                    let empty = TypedElement(element: element, type: focus.type)
                    let emptyEnv = FHIRPathEnvironment(root: element, engine: engine)
                    let onFocus = outcome { try engine.evaluateBoolean(expression, on: focus, in: env) }
                    let onEmpty = outcome { try engine.evaluateBoolean(expression, on: empty, in: emptyEnv) }
                    XCTAssertEqual(onFocus, onEmpty, "\(text) on \(focus.element.name)")
                    compared += 1
                }
            }
        }
        XCTAssertGreaterThan(compared, 50)
    }

    /// A child named by a head (or one of its choice variants), or the `id` / `url` attribute.
    static func has(_ e: Element, anyOf heads: Set<String>) -> Bool {
        e.children.contains { c in heads.contains { c.name.hasPrefix($0) } }
            || (heads.contains("id") && e.id != nil) || (heads.contains("url") && e.url != nil)
    }

    private func outcome(_ body: () throws -> Bool?) -> String {
        do { return "\(String(describing: try body()))" } catch { return "error: \(error)" }
    }
}
