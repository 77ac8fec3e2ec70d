import XCTest
import FHIRModel
import FHIRDefinitions
@testable import FHIRValidation

/// Display comparison on bytes against the string definition it replaces
/// (`BindingChecker.normalised(a) == normalised(b)`), and the not-checked notes the resolver keeps.
final class DisplayWordsTests: XCTestCase {
    /// Displays that differ by case, by white space of every ASCII kind, by a letter, by a word
    /// boundary, plus non-ASCII ones (left to the string definition).
    private let displays = [
        "", " ", "Body height", "body height", "BODY  HEIGHT", " Body\theight ", "Body\u{0B}height",
        "Body\u{0C}height", "Body\r\nheight", "Bodyheight", "Body heigh", "Body height measure",
        "Body  height\n", "Body_height", "Body@height", "Body[height", "Körpergröße", "körpergröße",
        "Body\u{A0}height", "Body\u{85}height", "Ｂody height", "a", "A", "ab", "a b", "a  b ", "b a",
    ]

    func testAgreesWithNormalisedStrings() {
        for a in displays {
            for b in displays {
                let expected = BindingChecker.normalised(a) == BindingChecker.normalised(b)
                XCTAssertEqual(BindingChecker.sameDisplay(a, b), expected, "'\(a)' vs '\(b)'")
            }
        }
    }

    func testNonASCIIIsLeftToStrings() {
        let a = "Body\u{A0}height", b = "body height"
        XCTAssertNil(DisplayWords.equalASCII(a.utf8.span, b.utf8.span))
        XCTAssertTrue(BindingChecker.sameDisplay(a, b))
    }

    /// The memo renders a note once and answers the same text after, by value set and reason.
    func testNoteMessagesAreKeptByValueSetAndReason() throws {
        let resolver = TerminologyResolver(pack: try VT.validator().bindingChecker.resolver.pack)
        let vs = try XCTUnwrap(resolver.valueSet(url: "http://hl7.org/fhir/ValueSet/administrative-gender"))
        let why = Membership.Undecided(system: "http://snomed.info/sct", reason: "test reason")
        var made = 0
        let first = resolver.memo.noteMessage(valueSet: vs, why) { made += 1; return "first" }
        let again = resolver.memo.noteMessage(valueSet: vs, why) { made += 1; return "second" }
        let other = resolver.memo.noteMessage(valueSet: vs, .init(system: nil, reason: "test reason")) {
            made += 1; return "third"
        }
        XCTAssertEqual([first, again, other], ["first", "first", "third"])
        XCTAssertEqual(made, 2)
    }

    /// A value set the pack lacks is noted in every message, also once the memo knows it is absent.
    func testMissingValueSetNotedInEveryMessage() throws {
        let checker = BindingChecker(resolver: TerminologyResolver(pack: try VT.validator().bindingChecker.resolver.pack))
        let binding = BindingRecord(strength: "required", valueSet: "http://example.org/ValueSet/not-in-pack")
        for message in 0..<3 {
            var report = TerminologyReport()
            for _ in 0..<2 {
                checker.check(Element(name: "status", value: "x"), typeCode: "code", binding: binding,
                              path: "X.status\(message)", into: &report)
            }
            XCTAssertEqual(report.issues.map { "\($0.rule) \($0.path ?? "")" }, ["terminology.not-checked X.status\(message)"])
            XCTAssertTrue(report.issues[0].message.contains("not in the definition pack"), report.issues[0].message)
        }
    }
}
