import Foundation
import XCTest
import FHIRModel
@testable import FHIRJSON

final class ReaderTests: XCTestCase {

    // MARK: - Resources, names, positions

    func testRootIsNamedAfterItsResourceTypeWhichNeedNotComeFirst() throws {
        let root = try readJSON(#"{"id":"p1","active":true,"resourceType":"Patient"}"#).root
        XCTAssertEqual(root.name, "Patient")
        XCTAssertEqual(root.resourceType, "Patient")
        XCTAssertEqual(root.children.map(\.name), ["id", "active"])
        XCTAssertEqual(root.child("id")?.value, "p1")
        XCTAssertNil(root.id, "a resource's id is a child element, not Element.id")
        XCTAssertEqual(root.child("active")?.value, "true")
        XCTAssertEqual(root.child("active")?.valueKind, .boolean)
    }

    func testPositionsAreThoseOfKeysAndArrayItems() throws {
        let text = """
        {
          "resourceType": "Patient",
          "name": [
            {
              "family": "Smith"
            },
            { "family": "Jones" }
          ],
          "gender": "female"
        }
        """
        let root = try readJSON(text).root
        XCTAssertEqual(root.position, SourcePosition(line: 1, column: 1))
        let names = root.children(named: "name")
        XCTAssertEqual(names.count, 2)
        XCTAssertEqual(names[0].position, SourcePosition(line: 4, column: 5))
        XCTAssertEqual(names[0].child("family")?.position, SourcePosition(line: 5, column: 7))
        XCTAssertEqual(names[1].position, SourcePosition(line: 7, column: 5))
        XCTAssertEqual(names[1].child("family")?.position, SourcePosition(line: 7, column: 7))
        XCTAssertEqual(root.child("gender")?.position, SourcePosition(line: 9, column: 3))
    }

    func testColumnsCountUTF8Bytes() throws {
        let root = try readJSON(#"{"resourceType":"Patient","a":"é€","b":1}"#).root
        // "é€" is 5 bytes of UTF-8 plus 2 quotes: "b" starts at byte 39.
        XCTAssertEqual(root.child("a")?.value, "é€")
        XCTAssertEqual(root.child("b")?.position, SourcePosition(line: 1, column: 39))
    }

    func testNestedResourcesKeepTheirPropertyNameAndChildId() throws {
        let text = """
        {"resourceType":"Bundle","type":"collection","entry":[
          {"fullUrl":"urn:uuid:1","resource":{"resourceType":"Patient","id":"a","_id":{"extension":[{"url":"http://e","valueString":"x"}]}}},
          {"resource":{"resourceType":"Observation","contained":[{"resourceType":"Medication","id":"m1"}]}}
        ]}
        """
        let root = try readJSON(text).root
        let entries = root.children(named: "entry")
        XCTAssertEqual(entries.count, 2)
        let patient = try XCTUnwrap(entries[0].child("resource"))
        XCTAssertEqual(patient.name, "resource")
        XCTAssertEqual(patient.resourceType, "Patient")
        let id = try XCTUnwrap(patient.child("id"))
        XCTAssertEqual(id.value, "a")
        XCTAssertEqual(id.children.first?.url, "http://e")
        let contained = try XCTUnwrap(entries[1].child("resource")?.child("contained"))
        XCTAssertEqual(contained.name, "contained")
        XCTAssertEqual(contained.resourceType, "Medication")
        XCTAssertEqual(contained.child("id")?.value, "m1")
    }

    func testElementIdAndExtensionURLAreAttributes() throws {
        let text = """
        {"resourceType":"Patient","name":[{"id":"n1","family":"X",
          "extension":[{"id":"e1","url":"http://example.org/ext","valueString":"v"}]}],
         "identifier":[{"system":"s"}],
         "managingOrganization":{"reference":"Organization/1"}}
        """
        let root = try readJSON(text).root
        let name = try XCTUnwrap(root.child("name"))
        XCTAssertEqual(name.id, "n1")
        XCTAssertNil(name.child("id"))
        XCTAssertEqual(name.children.map(\.name), ["family", "extension"])
        let ext = try XCTUnwrap(name.child("extension"))
        XCTAssertEqual(ext.url, "http://example.org/ext")
        XCTAssertEqual(ext.id, "e1")
        XCTAssertEqual(ext.children.map(\.name), ["valueString"])
    }

    func testURLOutsideExtensionsIsAChild() throws {
        let text = #"{"resourceType":"Bundle","entry":[{"request":{"method":"POST","url":"Patient"}}]}"#
        let request = try XCTUnwrap(readJSON(text).root.child("entry")?.child("request"))
        XCTAssertNil(request.url)
        XCTAssertEqual(request.child("url")?.value, "Patient")
        // A root StructureDefinition's url is an ordinary child too.
        let sd = try readJSON(#"{"resourceType":"StructureDefinition","url":"http://x"}"#).root
        XCTAssertEqual(sd.child("url")?.value, "http://x")
    }

    func testModifierExtensionURLIsAnAttribute() throws {
        let text = #"{"resourceType":"Basic","modifierExtension":[{"url":"http://m","valueBoolean":false}]}"#
        let ext = try XCTUnwrap(readJSON(text).root.child("modifierExtension"))
        XCTAssertEqual(ext.url, "http://m")
        XCTAssertEqual(ext.child("valueBoolean")?.value, "false")
        XCTAssertEqual(ext.child("valueBoolean")?.valueKind, .boolean)
    }

    // MARK: - Numbers and strings

    func testNumbersKeepTheirLexeme() throws {
        let text = #"{"resourceType":"Observation","a":1.50,"b":1e2,"c":-0.0,"d":0,"e":-12.340E-05,"f":39.0}"#
        let root = try readJSON(text).root
        XCTAssertEqual(root.children.map { $0.value ?? "" }, ["1.50", "1e2", "-0.0", "0", "-12.340E-05", "39.0"])
        XCTAssertTrue(root.children.allSatisfy { $0.valueKind == .number })
    }

    func testStringsInNumberFieldsAndEmptyValuesAreKept() throws {
        // Corpus trap T4 and T6: the reader keeps them; the validator reports them.
        let text = #"{"resourceType":"Patient","multipleBirthInteger":"1","identifier":[{"system":""}],"x":{}}"#
        let root = try readJSON(text).root
        XCTAssertEqual(root.child("multipleBirthInteger")?.value, "1")
        XCTAssertEqual(root.child("multipleBirthInteger")?.valueKind, .string)
        XCTAssertEqual(root.child("identifier")?.child("system")?.value, "")
        let x = try XCTUnwrap(root.child("x"))
        XCTAssertNil(x.value)
        XCTAssertTrue(x.children.isEmpty)
    }

    func testEscapes() throws {
        let text = #"{"resourceType":"Patient","a":"line\r\nbreak \"q\" \\ \/ \b\f\t","b":"\u00e9\u20AC\ud83d\ude00","c":"\u0000"}"#
        let root = try readJSON(text).root
        XCTAssertEqual(root.child("a")?.value, "line\r\nbreak \"q\" \\ / \u{8}\u{c}\t")
        XCTAssertEqual(root.child("b")?.value, "é€😀")
        XCTAssertEqual(root.child("c")?.value, "\u{0}")
    }

    func testRawNonASCIIAndLongStrings() throws {
        let long = String(repeating: "abcdefghij", count: 100) + "ü" + String(repeating: "z", count: 33)
        let root = try readJSON(#"{"resourceType":"Patient","a":"\#(long)","b":"😀 ok"}"#).root
        XCTAssertEqual(root.child("a")?.value, long)
        XCTAssertEqual(root.child("b")?.value, "😀 ok")
    }

    func testEscapedPropertyNames() throws {
        let root = try readJSON(#"{"resourceType":"Patient","g\u0065nder":"male","\u005fgender":{"id":"g"}}"#).root
        XCTAssertEqual(root.children.count, 1)
        XCTAssertEqual(root.child("gender")?.value, "male")
        XCTAssertEqual(root.child("gender")?.id, "g")
    }

    func testLoneSurrogatesAreRejected() {
        let high = readErrors(#"{"resourceType":"Patient","a":"\ud800x"}"#)
        XCTAssertEqual(high.last?.rule, JSONRule.utf8.rawValue)
        XCTAssertEqual(high.last?.position, SourcePosition(line: 1, column: 32))
        let low = readErrors(#"{"resourceType":"Patient","a":"\udc00"}"#)
        XCTAssertEqual(low.last?.rule, JSONRule.utf8.rawValue)
    }

    func testInvalidUTF8IsRejectedWithItsPosition() throws {
        var bytes = Array(#"{"resourceType":"Patient","a":"ab"#.utf8)
        bytes += [0xC3, 0x28]  // a broken two-byte sequence
        bytes += Array(#""}"#.utf8)
        do {
            _ = try FHIRJSONReader().read(bytes)
            XCTFail("expected an error")
        } catch let error as IssuesError {
            XCTAssertEqual(error.issues.last?.rule, JSONRule.utf8.rawValue)
            XCTAssertEqual(error.issues.last?.position, SourcePosition(line: 1, column: 34))
            XCTAssertEqual(error.issues.last?.path, "Patient.a")
        }
        // Overlong encoding and a stray continuation byte, also in names.
        for bad: [UInt8] in [[0xC0, 0xAF], [0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80]] {
            let doc = Array(#"{"resourceType":"Patient",""#.utf8) + bad + Array(#"":1}"#.utf8)
            XCTAssertThrowsError(try FHIRJSONReader().read(doc)) { error in
                XCTAssertEqual((error as? IssuesError)?.issues.last?.rule, JSONRule.utf8.rawValue, "\(bad)")
            }
        }
    }

    func testByteOrderMarkIsSkippedWithAWarning() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(#"{"resourceType":"Patient"}"#.utf8)
        let decoded = try FHIRJSONReader().read(bytes)
        XCTAssertEqual(decoded.root.name, "Patient")
        XCTAssertEqual(decoded.issues.map(\.rule), [JSONRule.byteOrderMark.rawValue])
    }

    // MARK: - Primitive id, extensions and comments (_name)

    func testUnderscoreSiblingMergesIntoThePrimitive() throws {
        let text = """
        {"resourceType":"Patient","_gender":{"id":"g","extension":[{"url":"http://e.org/x","valueCode":"f"}]},
         "active":true,"gender":"female"}
        """
        let root = try readJSON(text).root
        XCTAssertEqual(root.children.map(\.name), ["gender", "active"], "the merged primitive sits where _gender stood")
        let gender = root.children[0]
        XCTAssertEqual(gender.value, "female")
        XCTAssertEqual(gender.valueKind, .string)
        XCTAssertEqual(gender.id, "g")
        XCTAssertEqual(gender.children.map(\.name), ["extension"])
        XCTAssertEqual(gender.children[0].url, "http://e.org/x")
        XCTAssertEqual(gender.position, SourcePosition(line: 1, column: 27))
    }

    func testUnderscoreWithoutValue() throws {
        let root = try readJSON(#"{"resourceType":"Patient","_birthDate":{"extension":[{"url":"u","valueString":"x"}]}}"#).root
        let birthDate = try XCTUnwrap(root.child("birthDate"))
        XCTAssertNil(birthDate.value)
        XCTAssertEqual(birthDate.valueKind, .unspecified)
        XCTAssertEqual(birthDate.children.count, 1)
    }

    func testAlignedArraysWithNulls() throws {
        let text = """
        {"resourceType":"Patient","name":[{"given":["Ann",null,"Bea"],
          "_given":[null,{"extension":[{"url":"u","valueString":"x"}]},{"id":"b"}]}]}
        """
        let name = try XCTUnwrap(readJSON(text).root.child("name"))
        let given = name.children(named: "given")
        XCTAssertEqual(given.map(\.value), ["Ann", nil, "Bea"])
        XCTAssertEqual(given.map(\.id), [nil, nil, "b"])
        XCTAssertEqual(given[1].children.count, 1)
        XCTAssertEqual(given[1].position, SourcePosition(line: 1, column: 51), "position of the null item")
    }

    func testUnderscoreArrayFirstThenValues() throws {
        let text = #"{"resourceType":"Patient","name":[{"_given":[{"id":"a"},null],"family":"F","given":["A","B","C"]}]}"#
        let decoded = try readJSON(text)
        let name = try XCTUnwrap(decoded.root.child("name"))
        XCTAssertEqual(name.children.map(\.name), ["given", "given", "given", "family"])
        XCTAssertEqual(name.children.map(\.value), ["A", "B", "C", "F"])
        XCTAssertEqual(name.children[0].id, "a")
        XCTAssertTrue(decoded.issues.isEmpty, "a shorter _ array is accepted")
    }

    func testShorterUnderscoreArrayIsAccepted() throws {
        let text = #"{"resourceType":"Patient","name":[{"given":["A","B","C"],"_given":[{"id":"a"}]}]}"#
        let decoded = try readJSON(text)
        let given = try XCTUnwrap(decoded.root.child("name")).children(named: "given")
        XCTAssertEqual(given.map(\.value), ["A", "B", "C"])
        XCTAssertEqual(given.map(\.id), ["a", nil, nil])
        XCTAssertTrue(decoded.issues.isEmpty)
    }

    func testShorterValueArrayIsAcceptedWithAWarning() throws {
        let text = #"{"resourceType":"Patient","name":[{"given":["A"],"_given":[null,{"id":"b"}]}]}"#
        let decoded = try readJSON(text)
        let given = try XCTUnwrap(decoded.root.child("name")).children(named: "given")
        XCTAssertEqual(given.map(\.value), ["A", nil])
        XCTAssertEqual(given.map(\.id), [nil, "b"])
        XCTAssertEqual(decoded.issues.map(\.rule), [JSONRule.arrayLength.rawValue])
    }

    func testNullAtTheSameIndexInBothArraysIsAnError() {
        let text = #"{"resourceType":"Patient","name":[{"given":["A",null],"_given":[{"id":"a"},null]}]}"#
        let issues = readErrors(text)
        XCTAssertEqual(issues.map(\.rule), [JSONRule.null.rawValue])
        XCTAssertEqual(issues.first?.path, "Patient.name[0].given[1]")
        XCTAssertEqual(issues.first?.position, SourcePosition(line: 1, column: 49))
    }

    func testNullWithoutUnderscoreArrayIsAnError() {
        let issues = readErrors(#"{"resourceType":"Patient","name":[{"given":["A",null]}]}"#)
        XCTAssertEqual(issues.map(\.rule), [JSONRule.null.rawValue])
        XCTAssertEqual(issues.first?.path, "Patient.name[0].given[1]")
    }

    func testNullOutsideAlignedArraysIsAnError() {
        let issues = readErrors(#"{"resourceType":"Patient","gender":null}"#)
        XCTAssertEqual(issues.map(\.rule), [JSONRule.null.rawValue])
        XCTAssertEqual(issues.first?.path, "Patient.gender")
        XCTAssertEqual(issues.first?.position, SourcePosition(line: 1, column: 27))
        XCTAssertEqual(readErrors(#"{"resourceType":"Patient","identifier":[{"system":"s"},null]}"#).map(\.rule),
                       [JSONRule.null.rawValue])
        XCTAssertEqual(readErrors(#"{"resourceType":"Patient","identifier":[null,{"system":"s"}]}"#).map(\.rule),
                       [JSONRule.null.rawValue])
        XCTAssertEqual(readErrors(#"{"resourceType":"Patient","_gender":null}"#).map(\.rule), [JSONRule.null.rawValue])
    }

    func testCommentsOnObjectsAndPrimitives() throws {
        let text = """
        {"resourceType":"List","fhir_comments":[" root "],"id":"l",
         "code":{"fhir_comments":["on code"],"text":"t"},
         "status":"current","_status":{"fhir_comments":["on status"]},
         "note":[{"text":"a"}],
         "identifier":[{"value":"1"}],
         "entry":[{"item":{"reference":"r","_reference":{"fhir_comments":["c1","c2"]}}}],
         "name":[{"given":["A","B"],"_given":[null,{"fhir_comments":["on B"]}]}]}
        """
        let root = try readJSON(text).root
        XCTAssertEqual(root.comments, [" root "])
        XCTAssertEqual(root.child("code")?.comments, ["on code"])
        XCTAssertEqual(root.child("status")?.comments, ["on status"])
        XCTAssertEqual(root.child("status")?.value, "current")
        XCTAssertEqual(root.descendant("entry.item.reference")?.comments, ["c1", "c2"])
        XCTAssertEqual(root.child("name")?.children(named: "given").map(\.comments), [[], ["on B"]])
        XCTAssertTrue(root.children.allSatisfy { $0.trailingComments.isEmpty })
        XCTAssertNil(root.children.first { $0.name == "fhir_comments" })
    }

    func testNarrativeDivIsAString() throws {
        let div = #"<div xmlns="http://www.w3.org/1999/xhtml"><p>Hi &amp; "bye"</p></div>"#
        let text = #"{"resourceType":"Patient","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Hi &amp; \"bye\"</p></div>"}}"#
        XCTAssertEqual(try readJSON(text).root.descendant("text.div")?.value, div)
    }

    // MARK: - Errors

    func testDuplicateKeyIsReportedAtTheSecondKey() {
        let text = """
        {
          "resourceType": "Patient",
          "gender": "male",
          "birthDate": "2000",
          "gender": "female"
        }
        """
        let issues = readErrors(text)
        XCTAssertEqual(issues.map(\.rule), [JSONRule.duplicateKey.rawValue])
        XCTAssertEqual(issues.first?.position, SourcePosition(line: 5, column: 3))
        XCTAssertEqual(issues.first?.path, "Patient.gender")
        XCTAssertEqual(issues.first?.severity, .error)
    }

    func testDuplicateKeysOfEveryKind() {
        let cases = [
            #"{"resourceType":"Patient","resourceType":"Patient"}"#,
            #"{"resourceType":"Patient","fhir_comments":["a"],"fhir_comments":["b"]}"#,
            #"{"resourceType":"Patient","_gender":{},"_gender":{}}"#,
            #"{"resourceType":"Patient","name":[{"given":["a"],"given":["b"]}]}"#,
            #"{"resourceType":"Patient","extension":[{"url":"a","url":"b"}]}"#,
            #"{"resourceType":"Patient","code":{"x":1,"x":{}}}"#,
        ]
        for text in cases {
            XCTAssertEqual(readErrors(text).map(\.rule), [JSONRule.duplicateKey.rawValue], text)
        }
    }

    func testDuplicateKeyInALargeObject() {
        var text = #"{"resourceType":"Basic""#
        for i in 0..<200 { text += #","k\#(i)":\#(i)"# }
        text += #","k150":"again"}"#
        let issues = readErrors(text)
        XCTAssertEqual(issues.map(\.rule), [JSONRule.duplicateKey.rawValue])
        XCTAssertEqual(issues.first?.path, "Basic.k150")
    }

    func testSeveralErrorsAreCollected() {
        let issues = readErrors(#"{"resourceType":"Patient","a":null,"b":1,"b":2,"extension":"x"}"#)
        XCTAssertEqual(issues.map(\.rule), [JSONRule.null.rawValue, JSONRule.duplicateKey.rawValue, JSONRule.shape.rawValue])
    }

    func testWrongShapes() {
        let cases: [(String, String)] = [
            (#"{"resourceType":"Patient","extension":"x"}"#, "Patient.extension"),
            (#"{"resourceType":"Patient","extension":["x"]}"#, "Patient.extension[0]"),
            (#"{"resourceType":"Patient","_gender":"x"}"#, "Patient.gender"),
            (#"{"resourceType":"Patient","_gender":["x"]}"#, "Patient.gender[0]"),
            (#"{"resourceType":"Patient","gender":"m","_gender":[{}]}"#, "Patient.gender"),
            (#"{"resourceType":"Patient","name":[{"given":"a","_given":[{}]}]}"#, "Patient.name[0].given"),
            (#"{"resourceType":"Patient","name":[{"_given":[{}],"given":"a"}]}"#, "Patient.name[0].given"),
            (#"{"resourceType":"Patient","code":{},"_code":{}}"#, "Patient.code"),
            (#"{"resourceType":"Patient","_code":{},"code":{}}"#, "Patient.code"),
            (#"{"resourceType":"Patient","a":["x",{}]}"#, "Patient.a[1]"),
            (#"{"resourceType":"Patient","a":[["x"]]}"#, "Patient.a[0]"),
            (#"{"resourceType":"Patient","code":{"id":1}}"#, "Patient.code.id"),
            (#"{"resourceType":"Patient","code":{"id":"a","_id":{}}}"#, "Patient.code.id"),
            (#"{"resourceType":"Patient","extension":[{"url":5}]}"#, "Patient.extension[0].url"),
            (#"{"resourceType":"Patient","extension":[{"url":"u","_url":{}}]}"#, "Patient.extension[0]"),
            (#"{"resourceType":"Patient","fhir_comments":"x"}"#, "Patient.fhir_comments"),
            (#"{"resourceType":"Patient","fhir_comments":[1]}"#, "Patient.fhir_comments[0]"),
            (#"{"resourceType":"Patient","_resourceType":{}}"#, "Patient"),
        ]
        for (text, path) in cases {
            let issues = readErrors(text)
            XCTAssertEqual(issues.map(\.rule), [JSONRule.shape.rawValue], text)
            XCTAssertEqual(issues.first?.path, path, text)
        }
    }

    func testResourceTypeRules() {
        let missing = readErrors(#"{"id":"x"}"#)
        XCTAssertEqual(missing.map(\.rule), [JSONRule.resourceType.rawValue])
        XCTAssertEqual(missing.first?.position, SourcePosition(line: 1, column: 1))
        XCTAssertEqual(readErrors(#"{"resourceType":1}"#).map(\.rule), [JSONRule.resourceType.rawValue, JSONRule.resourceType.rawValue])
        XCTAssertEqual(readErrors(#"{"resourceType":""}"#).map(\.rule), [JSONRule.resourceType.rawValue, JSONRule.resourceType.rawValue])
        XCTAssertEqual(readErrors(#"{"resourceType":"Patient","extension":[{"resourceType":"X","url":"u"}]}"#)
            .map(\.rule), [JSONRule.resourceType.rawValue])
    }

    func testSyntaxErrors() {
        let cases: [(String, String, SourcePosition)] = [
            ("", JSONRule.syntax.rawValue, SourcePosition(line: 1, column: 1)),
            ("   ", JSONRule.syntax.rawValue, SourcePosition(line: 1, column: 4)),
            ("[]", JSONRule.syntax.rawValue, SourcePosition(line: 1, column: 1)),
            (#"{"resourceType":"Patient",}"#, JSONRule.syntax.rawValue, SourcePosition(line: 1, column: 27)),
            (#"{"resourceType":"Patient" "a":1}"#, JSONRule.syntax.rawValue, SourcePosition(line: 1, column: 27)),
            (#"{"resourceType":"Patient","a":01}"#, JSONRule.syntax.rawValue, SourcePosition(line: 1, column: 31)),
            (#"{"resourceType":"Patient","a":1.}"#, JSONRule.syntax.rawValue, SourcePosition(line: 1, column: 33)),
            (#"{"resourceType":"Patient","a":+1}"#, JSONRule.syntax.rawValue, SourcePosition(line: 1, column: 31)),
            (#"{"resourceType":"Patient","a":.5}"#, JSONRule.syntax.rawValue, SourcePosition(line: 1, column: 31)),
            (#"{"resourceType":"Patient","a":1e}"#, JSONRule.syntax.rawValue, SourcePosition(line: 1, column: 33)),
            (#"{"resourceType":"Patient","a":tru}"#, JSONRule.syntax.rawValue, SourcePosition(line: 1, column: 34)),
            (#"{"resourceType":"Patient","a":"x\q"}"#, JSONRule.syntax.rawValue, SourcePosition(line: 1, column: 33)),
            (#"{"resourceType":"Patient","a":"\u12G4"}"#, JSONRule.syntax.rawValue, SourcePosition(line: 1, column: 32)),
            ("{\"resourceType\":\"Patient\",\"a\":\"x\ty\"}", JSONRule.syntax.rawValue, SourcePosition(line: 1, column: 33)),
            (#"{"resourceType":"Patient","a":"abc"#, JSONRule.syntax.rawValue, SourcePosition(line: 1, column: 31)),
            (#"{"resourceType":"Patient","a":[1,2"#, JSONRule.syntax.rawValue, SourcePosition(line: 1, column: 35)),
            (#"{"resourceType":"Patient"} x"#, JSONRule.trailingContent.rawValue, SourcePosition(line: 1, column: 28)),
            (#"{"resourceType":"Patient"}{}"#, JSONRule.trailingContent.rawValue, SourcePosition(line: 1, column: 27)),
            ("{\"resourceType\":\"Patient\", // c\n\"a\":1}", JSONRule.comment.rawValue, SourcePosition(line: 1, column: 28)),
            ("/* c */ {\"resourceType\":\"Patient\"}", JSONRule.comment.rawValue, SourcePosition(line: 1, column: 1)),
            ("{\"resourceType\":\"Patient\"}\n// end", JSONRule.comment.rawValue, SourcePosition(line: 2, column: 1)),
            ("{'a':1}", JSONRule.syntax.rawValue, SourcePosition(line: 1, column: 2)),
        ]
        for (text, rule, position) in cases {
            let issues = readErrors(text)
            XCTAssertEqual(issues.last?.rule, rule, text)
            XCTAssertEqual(issues.last?.severity, .fatal, text)
            XCTAssertEqual(issues.last?.position, position, text)
        }
    }

    func testErrorPathNamesTheRootBeforeItsResourceTypeIsRead() {
        let issues = readErrors(#"{"name":[{"given":[1,2],"given":[]}],"resourceType":"Patient"}"#)
        XCTAssertEqual(issues.first?.path, "Patient.name[0].given")
        let syntax = readErrors("{\"entry\":[{\"resource\":{\"birthDate\":x}}],\"resourceType\":\"Bundle\"}")
        XCTAssertEqual(syntax.last?.path, "Bundle.entry[0].resource.birthDate")
    }

    func testErrorPathInABundle() {
        let text = """
        {"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient"}},{},
          {"resource":{"resourceType":"Patient","birthDate":null}}]}
        """
        let issues = readErrors(text)
        XCTAssertEqual(issues.first?.path, "Bundle.entry[2].resource.birthDate")
        XCTAssertEqual(issues.first?.position, SourcePosition(line: 2, column: 41))
    }

    func testDepthLimit() throws {
        func nested(_ n: Int) -> String {
            #"{"resourceType":"Basic","a":"# + String(repeating: #"{"a":"#, count: n) + "1"
                + String(repeating: "}", count: n + 1)
        }
        // Root object (1) + n objects.
        XCTAssertNoThrow(try readJSON(nested(9), options: JSONReadOptions(maxDepth: 10)))
        let issues = readErrors(nested(10), options: JSONReadOptions(maxDepth: 10))
        XCTAssertEqual(issues.last?.rule, JSONRule.tooDeep.rawValue)
        let deep = readErrors(#"{"resourceType":"Basic","a":"# + String(repeating: "[", count: 300)
                              + String(repeating: "]", count: 300) + "}")
        XCTAssertEqual(deep.last?.rule, JSONRule.tooDeep.rawValue)
        XCTAssertEqual(deep.last?.type, .tooCostly)
    }

    func testErrorLimit() {
        var text = #"{"resourceType":"Basic""#
        for i in 0..<10 { text += #","a\#(i)":null"# }
        let issues = readErrors(text + "}", options: JSONReadOptions(maxErrors: 3))
        XCTAssertEqual(issues.map(\.rule), [JSONRule.null.rawValue, JSONRule.null.rawValue, JSONRule.null.rawValue, JSONRule.tooManyErrors.rawValue])
    }

    func testSizeLimit() {
        let issues = readErrors(#"{"resourceType":"Patient","gender":"female"}"#, options: JSONReadOptions(maxBytes: 20))
        XCTAssertEqual(issues.map(\.rule), [JSONRule.tooLarge.rawValue])
    }

    func testEmptyArrayIsAWarning() throws {
        let decoded = try readJSON(#"{"resourceType":"Patient","name":[]}"#)
        XCTAssertTrue(decoded.root.children.isEmpty)
        XCTAssertEqual(decoded.issues.map(\.rule), [JSONRule.emptyArray.rawValue])
        XCTAssertEqual(decoded.issues.first?.path, "Patient.name")
    }

    func testSingleExtensionObjectIsAWarning() throws {
        let decoded = try readJSON(#"{"resourceType":"Patient","extension":{"url":"u","valueString":"x"}}"#)
        XCTAssertEqual(decoded.root.child("extension")?.url, "u")
        XCTAssertEqual(decoded.issues.map(\.rule), [JSONRule.arrayExpected.rawValue])
    }

    func testReaderAcceptsDataAndStringAndBytes() throws {
        let text = #"{"resourceType":"Patient"}"#
        XCTAssertEqual(try FHIRJSONReader().read(Data(text.utf8)).root.name, "Patient")
        XCTAssertEqual(try FHIRJSONReader().read(Array(text.utf8)).root.name, "Patient")
        XCTAssertEqual(try FHIRJSONReader().read(text).root.name, "Patient")
    }
}
