import Foundation
import XCTest
import FHIRModel
import FHIRDefinitions
@testable import FHIRJSON
import DCHTestSupport

final class WriterTests: XCTestCase {
    let pack = JSONMiniPack.shared

    func write(_ root: Element, pretty: Bool = false) throws -> Encoded {
        try FHIRJSONWriter(pack: pack, options: JSONWriteOptions(pretty: pretty)).write(root)
    }

    /// JSON text -> tree -> compact JSON text.
    func rewrite(_ text: String, pretty: Bool = false, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let tree = try readJSON(text).root
        let encoded = try write(tree, pretty: pretty)
        XCTAssertEqual(encoded.issues, [], file: file, line: line)
        return encoded.text
    }

    /// The errors of a failed write; fails the test when the write succeeded.
    func writeErrors(_ root: Element, file: StaticString = #filePath, line: UInt = #line) -> [Issue] {
        expectIssues(file: file, line: line, describing: { $0.text }) { try write(root) }
    }

    /// read -> write -> read gives the same tree (positions aside), in both layouts, for a document
    /// whose properties are in definition order; writing the result again gives the same bytes.
    func assertRoundTrip(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let first = try readJSON(text).root
        for pretty in [false, true] {
            let encoded = try write(first, pretty: pretty)
            let second = try FHIRJSONReader().read(encoded.bytes).root
            XCTAssertNoThrow(try JSONValue.parse(encoded.bytes), "strict JSON: \(encoded.text)", file: file, line: line)
            XCTAssertEqual(treeDifferences(first, second, comments: true, valueKinds: true), [],
                           "pretty=\(pretty): \(encoded.text)", file: file, line: line)
            XCTAssertEqual(withoutPositions(first), withoutPositions(second), file: file, line: line)
            XCTAssertEqual(try write(second, pretty: pretty).bytes, encoded.bytes, file: file, line: line)
        }
    }

    // MARK: - Layout

    func testPrettyLayout() throws {
        let text = #"{"gender":"female","name":[{"given":["Ann"],"family":"Smith"}],"resourceType":"Patient","id":"p1","active":true,"identifier":[{"system":"s","value":"1"}]}"#
        let expected = """
        {
          "resourceType": "Patient",
          "id": "p1",
          "identifier": [
            {
              "system": "s",
              "value": "1"
            }
          ],
          "active": true,
          "name": [
            {
              "family": "Smith",
              "given": [
                "Ann"
              ]
            }
          ],
          "gender": "female"
        }

        """
        XCTAssertEqual(try rewrite(text, pretty: true), expected)
    }

    func testCompactLayout() throws {
        let text = """
        { "resourceType" : "Patient",
          "gender" : "female", "id" : "p1" }
        """
        XCTAssertEqual(try rewrite(text), #"{"resourceType":"Patient","id":"p1","gender":"female"}"#)
    }

    func testEmptyObjects() throws {
        XCTAssertEqual(try rewrite(#"{"resourceType":"Patient","managingOrganization":{}}"#),
                       #"{"resourceType":"Patient","managingOrganization":{}}"#)
        XCTAssertEqual(try rewrite(#"{"resourceType":"Patient"}"#, pretty: true), "{\n  \"resourceType\": \"Patient\"\n}\n")
        XCTAssertEqual(try rewrite(#"{"resourceType":"Patient","managingOrganization":{}}"#, pretty: true),
                       "{\n  \"resourceType\": \"Patient\",\n  \"managingOrganization\": {}\n}\n")
    }

    // MARK: - Arrays and kinds

    func testArraysFollowTheBaseDefinitionEvenForOneItem() throws {
        // A tree built in code (as the XML reader builds it): no arrays in sight.
        let patient = Element(name: "Patient", resourceType: "Patient", children: [
            Element(name: "identifier", children: [Element(name: "value", value: "1")]),
            Element(name: "name", children: [
                Element(name: "given", value: "Ann"),
                Element(name: "family", value: "Smith"),
            ]),
            Element(name: "managingOrganization", children: [Element(name: "reference", value: "Organization/1")]),
        ])
        XCTAssertEqual(try write(patient).text,
            #"{"resourceType":"Patient","identifier":[{"value":"1"}],"name":[{"family":"Smith","given":["Ann"]}],"managingOrganization":{"reference":"Organization/1"}}"#,
            "identifier is max 1 in the profile but * in the base: still an array")
    }

    func testNumbersAndBooleansAreJSONKinds() throws {
        // XML gives no kinds: the definitions decide.
        let observation = Element(name: "Observation", resourceType: "Observation", children: [
            Element(name: "valueQuantity", children: [
                Element(name: "value", value: "1.50"),
                Element(name: "unit", value: "mmol/L"),
            ]),
        ])
        XCTAssertEqual(try write(observation).text,
                       #"{"resourceType":"Observation","valueQuantity":{"value":1.50,"unit":"mmol/L"}}"#)
        let patient = Element(name: "Patient", resourceType: "Patient", children: [
            Element(name: "active", value: "false"),
            Element(name: "multipleBirthInteger", value: "-0"),
        ])
        XCTAssertEqual(try write(patient).text, #"{"resourceType":"Patient","active":false,"multipleBirthInteger":-0}"#)
        XCTAssertEqual(try rewrite(#"{"resourceType":"Bundle","total":1e2}"#), #"{"resourceType":"Bundle","total":1e2}"#)
    }

    func testStringInANumberFieldIsWrittenAsAStringWithAWarning() throws {
        // Corpus trap T4.
        let tree = try readJSON(#"{"resourceType":"Patient","multipleBirthInteger":"one","active":"yes"}"#).root
        let encoded = try write(tree)
        XCTAssertEqual(encoded.text, #"{"resourceType":"Patient","active":"yes","multipleBirthInteger":"one"}"#)
        XCTAssertEqual(encoded.issues.map(\.rule), [JSONRule.kind.rawValue, JSONRule.kind.rawValue])
        XCTAssertEqual(encoded.issues.map(\.severity), [.warning, .warning])
        XCTAssertEqual(encoded.issues.map(\.path), ["Patient.active", "Patient.multipleBirthInteger"])
        XCTAssertEqual(encoded.issues.first?.position, SourcePosition(line: 1, column: 56))
        // A string whose text is a JSON number is written as the number the definitions ask for
        // (corpus trap T4: "multipleBirthInteger":"1" becomes 1; the validator reports the input).
        let t4 = try readJSON(#"{"resourceType":"Patient","multipleBirthInteger":"1"}"#).root
        let fixed = try write(t4)
        XCTAssertEqual(fixed.text, #"{"resourceType":"Patient","multipleBirthInteger":1}"#)
        XCTAssertEqual(fixed.issues, [])
        // Numbers that are valid JSON but not FHIR decimals stay numbers (the validator reports them).
        let decimal = Element(name: "Observation", resourceType: "Observation", children: [
            Element(name: "valueQuantity", children: [Element(name: "value", value: "01.5")]),
        ])
        let written = try write(decimal)
        XCTAssertEqual(written.text, #"{"resourceType":"Observation","valueQuantity":{"value":"01.5"}}"#)
        XCTAssertEqual(written.issues.map(\.path), ["Observation.valueQuantity.value"])
    }

    // MARK: - Primitives with id, extensions, comments

    func testUnderscoreObjects() throws {
        XCTAssertEqual(try rewrite(#"{"resourceType":"Patient","_gender":{"extension":[{"valueCode":"f","url":"http://e.org/x"}],"id":"g"},"gender":"female"}"#),
                       #"{"resourceType":"Patient","gender":"female","_gender":{"id":"g","extension":[{"url":"http://e.org/x","valueCode":"f"}]}}"#)
        XCTAssertEqual(try rewrite(#"{"resourceType":"Patient","_birthDate":{"extension":[{"url":"u","valueString":"x"}]}}"#),
                       #"{"resourceType":"Patient","_birthDate":{"extension":[{"url":"u","valueString":"x"}]}}"#)
    }

    func testAlignedArrays() throws {
        XCTAssertEqual(try rewrite(#"{"resourceType":"Patient","name":[{"given":["Ann",null,"Bea"],"_given":[null,{"id":"b"}]}]}"#),
                       #"{"resourceType":"Patient","name":[{"given":["Ann",null,"Bea"],"_given":[null,{"id":"b"},null]}]}"#)
        // All values missing: no value array.
        XCTAssertEqual(try rewrite(#"{"resourceType":"Patient","name":[{"_given":[{"id":"a"},{"id":"b"}]}]}"#),
                       #"{"resourceType":"Patient","name":[{"_given":[{"id":"a"},{"id":"b"}]}]}"#)
        // No metadata: no _ array.
        XCTAssertEqual(try rewrite(#"{"resourceType":"Patient","name":[{"given":["A","B"]}]}"#),
                       #"{"resourceType":"Patient","name":[{"given":["A","B"]}]}"#)
    }

    func testAnEmptyPrimitiveKeepsAnEmptyUnderscoreObject() throws {
        let patient = Element(name: "Patient", resourceType: "Patient", children: [
            Element(name: "gender"),
            Element(name: "name", children: [Element(name: "given", value: "A"), Element(name: "given")]),
        ])
        let text = try write(patient).text
        XCTAssertEqual(text, #"{"resourceType":"Patient","name":[{"given":["A",null],"_given":[null,{}]}],"_gender":{}}"#)
        let back = try readJSON(text).root
        XCTAssertEqual(back.child("gender")?.value, nil)
        XCTAssertEqual(back.child("name")?.children.count, 2)
    }

    func testElementIdAndExtensionURL() throws {
        let text = #"{"resourceType":"Patient","extension":[{"id":"e","url":"http://x","valueBoolean":true}],"name":[{"id":"n","family":"F"}],"contact":[{"id":"c","gender":"male"}]}"#
        XCTAssertEqual(try rewrite(text), text)
    }

    func testComments() throws {
        let text = #"{"resourceType":"Patient","fhir_comments":["root"],"name":[{"fhir_comments":["n"],"family":"F","_family":{"fhir_comments":["f"]}}],"gender":"male","_gender":{"fhir_comments":["g"]}}"#
        XCTAssertEqual(try rewrite(text), text)
        try assertRoundTrip(text)
    }

    func testTrailingCommentsGoToTheLastChild() throws {
        // <Patient><name><family value="F"/><!--after family--></name><gender value="male"/><!--end--></Patient>
        let patient = Element(name: "Patient", resourceType: "Patient", children: [
            Element(name: "name", children: [Element(name: "family", value: "F")], trailingComments: ["after family"]),
            Element(name: "gender", value: "male", comments: ["own"]),
            Element(name: "managingOrganization", children: [Element(name: "display", value: "O")],
                    comments: ["before org"], trailingComments: ["in org"]),
        ], trailingComments: ["end"])
        XCTAssertEqual(try write(patient).text,
            #"{"resourceType":"Patient","name":[{"family":"F","_family":{"fhir_comments":["after family"]}}],"gender":"male","_gender":{"fhir_comments":["own"]},"managingOrganization":{"fhir_comments":["before org","end"],"display":"O","_display":{"fhir_comments":["in org"]}}}"#)
        // Without children, trailing comments stay on the element itself.
        let empty = Element(name: "Patient", resourceType: "Patient", trailingComments: ["t"])
        XCTAssertEqual(try write(empty).text, #"{"resourceType":"Patient","fhir_comments":["t"]}"#)
    }

    // MARK: - Resources

    func testNestedResources() throws {
        let text = #"{"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"urn:uuid:1","resource":{"resourceType":"Patient","id":"a","_id":{"fhir_comments":["c"]},"contained":[{"resourceType":"Medication","id":"m1"}]},"request":{"method":"POST","url":"Patient"}}]}"#
        XCTAssertEqual(try rewrite(text), text)
        try assertRoundTrip(text)
    }

    func testNarrativeDivIsWrittenAsAString() throws {
        let text = #"{"resourceType":"Patient","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>a/b</p></div>"}}"#
        XCTAssertEqual(try rewrite(text), text)
    }

    func testStringEscaping() throws {
        let value = "q\" b\\ s/ nl\n cr\r tab\t bell\u{7} nul\u{0} é€😀 del\u{7F}"
        let patient = Element(name: "Patient", resourceType: "Patient", children: [Element(name: "gender", value: value)])
        let text = try write(patient).text
        XCTAssertEqual(text, "{\"resourceType\":\"Patient\",\"gender\":\"q\\\" b\\\\ s/ nl\\n cr\\r tab\\t bell\\u0007 nul\\u0000 é€😀 del\u{7F}\"}")
        XCTAssertEqual(try readJSON(text).root.child("gender")?.value, value)
        XCTAssertEqual(try JSONValue.parse(Array(text.utf8))["gender"], .string(value), "the strict oracle reads it")
    }

    // MARK: - Errors

    func testUnknownElementIsAnErrorWithItsPath() {
        let patient = Element(name: "Patient", resourceType: "Patient", children: [
            Element(name: "name", children: [Element(name: "nickname", value: "x", position: SourcePosition(line: 3, column: 5))]),
            Element(name: "name", children: [Element(name: "family", value: "F")]),
            Element(name: "colour", value: "blue"),
        ])
        let issues = writeErrors(patient)
        XCTAssertEqual(issues.map(\.rule), ["unknown-element", "unknown-element"])
        XCTAssertEqual(Set(issues.compactMap(\.path)), ["Patient.name[0].nickname", "Patient.colour"])
        XCTAssertEqual(issues.first { $0.path == "Patient.name[0].nickname" }?.position, SourcePosition(line: 3, column: 5))
        XCTAssertEqual(issues.map(\.severity), [.error, .error])
    }

    func testUnknownElementInABundleEntry() throws {
        let tree = try readJSON(#"{"resourceType":"Bundle","entry":[{"fullUrl":"a"},{"resource":{"resourceType":"Patient","foo":1}}]}"#).root
        let issues = writeErrors(tree)
        XCTAssertEqual(issues.map(\.path), ["Bundle.entry[1].resource.foo"])
    }

    func testWhatJSONCannotExpressIsAnError() {
        let cases: [(Element, String, String)] = [
            (Element(name: "Patient", resourceType: "Patient", children: [Element(name: "gender", value: "m"), Element(name: "gender", value: "f")]),
             JSONRule.notRepresentable.rawValue, "Patient.gender"),
            (Element(name: "Patient", resourceType: "Patient", children: [Element(name: "managingOrganization", value: "x")]),
             JSONRule.notRepresentable.rawValue, "Patient.managingOrganization"),
            (Element(name: "Patient", resourceType: "Patient", children: [Element(name: "name", url: "http://x")]),
             JSONRule.notRepresentable.rawValue, "Patient.name[0]"),
            (Element(name: "Patient", resourceType: "Patient", children: [Element(name: "contained", children: [Element(name: "id", value: "x")])]),
             JSONRule.resourceType.rawValue, "Patient.contained[0]"),
            (Element(name: "Patient", resourceType: "Patient", children: [Element(name: "contained", resourceType: "Nonsense")]),
             JSONRule.unknownType.rawValue, "Patient.contained[0]"),
            (Element(name: "Patient", resourceType: "Patient", children: [Element(name: "name", resourceType: "Patient")]),
             JSONRule.notRepresentable.rawValue, "Patient.name[0]"),
            (Element(name: "Nonsense", resourceType: "Nonsense"), JSONRule.unknownType.rawValue, "Nonsense"),
            (Element(name: "HumanName", resourceType: "HumanName"), JSONRule.unknownType.rawValue, "HumanName"),
            (Element(name: "Patient"), JSONRule.resourceType.rawValue, "Patient"),
            (Element(name: "Patient", resourceType: "Patient", id: "x"), JSONRule.notRepresentable.rawValue, "Patient"),
        ]
        for (tree, rule, path) in cases {
            let issues = writeErrors(tree)
            XCTAssertEqual(issues.map(\.rule), [rule], "\(tree)")
            XCTAssertEqual(issues.first?.path, path, "\(tree)")
        }
    }

    func testAllErrorsAreCollected() {
        let patient = Element(name: "Patient", resourceType: "Patient", children: [
            Element(name: "a", value: "1"), Element(name: "b", value: "2"),
            Element(name: "name", children: [Element(name: "c", value: "3")]),
        ])
        XCTAssertEqual(writeErrors(patient).count, 3)
    }

    // MARK: - Round trips

    func testRoundTrips() throws {
        let documents = [
            #"{"resourceType":"Patient","id":"p","meta":{"lastUpdated":"2020-01-01T00:00:00Z","profile":["a","b"]},"active":false,"multipleBirthBoolean":true}"#,
            #"{"resourceType":"Observation","status":"final","valueQuantity":{"value":-0.0,"unit":"u"},"component":[{"code":{"text":"a"},"valueString":"x"},{"valueQuantity":{"value":39.0}}]}"#,
            #"{"resourceType":"Patient","name":[{"family":"F","_given":[{"id":"a"},null],"given":["A","B","C"]}]}"#,
            #"{"resourceType":"Patient","name":[{"given":["A","B","C"],"_given":[{"fhir_comments":["x"]}]}]}"#,
            #"{"resourceType":"Patient","extension":[{"url":"http://x","extension":[{"url":"a","valueInteger":1},{"url":"b","valueCodeableConcept":{"coding":[{"code":"c"}]}}]}]}"#,
            #"{"resourceType":"Patient","text":{"div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">\u00e9 \n</div>"},"identifier":[{"system":""}],"multipleBirthInteger":"x"}"#,
            #"{"resourceType":"Bundle","fhir_comments":["a","b"],"entry":[{"resource":{"resourceType":"Bundle"}}]}"#,
        ]
        for text in documents { try assertRoundTrip(text) }
    }

    func testPropertiesOutOfDefinitionOrderComeBackInDefinitionOrder() throws {
        let text = #"{"gender":"male","name":[{"given":["A"],"family":"F"}],"resourceType":"Patient","id":"p"}"#
        let first = try readJSON(text).root
        XCTAssertEqual(first.children.map(\.name), ["gender", "name", "id"], "the tree keeps document order")
        let second = try readJSON(try write(first).text).root
        XCTAssertEqual(second.children.map(\.name), ["id", "name", "gender"])
        XCTAssertEqual(second.child("name")?.children.map(\.name), ["family", "given"])
        XCTAssertEqual(treeDifferences(sortedByName(first), sortedByName(second), comments: true), [])
    }
}

/// Everything the writer emits is strict RFC 8259 JSON (checked by the independent oracle), whatever
/// lexical form the tree holds: XML's `xs:decimal` and `xs:boolean` allow forms (`+1`, `.5`, `01`,
/// `1.`, `1`/`0` for booleans) that are not JSON numbers or literals, and those must become strings.
final class WriterStrictJSONTests: XCTestCase {
    private func written(_ root: Element) throws -> JSONValue {
        let encoded = try FHIRJSONWriter(pack: JSONMiniPack.shared, options: JSONWriteOptions(pretty: false)).write(root)
        return try JSONValue.parse(encoded.bytes)
    }

    func testDecimalsOutsideTheJSONGrammarBecomeStrings() throws {
        let numbers = ["0", "-0", "1.50", "1E+02", "1e-7", "-12.0"]
        let notNumbers = ["+1", ".5", "1.", "01", "-01", "1e", "0x1", "NaN", " 1", "1 ", "", "-"]
        for v in numbers + notNumbers {
            let observation = Element(name: "Observation", resourceType: "Observation", children: [
                Element(name: "valueQuantity", children: [Element(name: "value", value: v)])])
            let expected: JSONValue = numbers.contains(v) ? .number(v) : .string(v)
            XCTAssertEqual(try written(observation)["valueQuantity"]?["value"], expected, v.debugDescription)
        }
    }

    func testIntegersAndBooleansOutsideTheJSONGrammarBecomeStrings() throws {
        for v in ["+1", "01", "1", "1e2"] {
            let patient = Element(name: "Patient", resourceType: "Patient", children: [Element(name: "multipleBirthInteger", value: v)])
            XCTAssertEqual(try written(patient)["multipleBirthInteger"], ["+1", "01"].contains(v) ? .string(v) : .number(v), v)
        }
        for v in ["true", "false", "1", "0", "TRUE", "True", " true", ""] {
            let patient = Element(name: "Patient", resourceType: "Patient", children: [Element(name: "active", value: v)])
            XCTAssertEqual(try written(patient)["active"], ["true", "false"].contains(v) ? .bool(v == "true") : .string(v), v.debugDescription)
        }
    }

    func testEveryCharacterIsEscapedStrictly() throws {
        // Every control character, the characters JSON must escape, a lone-surrogate-free astral
        // character and the line separators that JavaScript (not JSON) treats specially.
        let value = String(String.UnicodeScalarView((0..<0x20).map { Unicode.Scalar($0)! })) + "\"/\u{7F}\u{2028}\u{2029}é😀"
        for pretty in [false, true] {
            let patient = Element(name: "Patient", resourceType: "Patient", children: [Element(name: "gender", value: value)])
            let encoded = try FHIRJSONWriter(pack: JSONMiniPack.shared, options: JSONWriteOptions(pretty: pretty)).write(patient)
            XCTAssertEqual(try JSONValue.parse(encoded.bytes)["gender"], .string(value))
        }
    }
}
