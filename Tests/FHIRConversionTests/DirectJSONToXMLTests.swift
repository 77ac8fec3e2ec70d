import XCTest
import Foundation
import FHIRModel
import FHIRDefinitions
@testable import FHIRConversion
import DCHTestSupport

/// The direct JSON->XML path (no element tree) against the tree path: byte-identical output when it
/// converts, and the tree path's result (output or errors) whenever it gives up.
final class DirectJSONToXMLTests: XCTestCase {
    var pack: DefinitionPack!
    /// The tree path only (the reference).
    var tree: Converter!
    /// The converter as shipped (direct path first).
    var direct: Converter!

    override func setUpWithError() throws {
        _ = try SharedCorpus.require()
        pack = try DefinitionPack(directory: SharedCorpus.schemas)
        tree = Converter(pack: pack)
        tree.usesDirectJSONToXML = false
        direct = Converter(pack: pack)
    }

    /// What a conversion gave: the bytes and issue count, or the error's issues.
    private func outcome(_ c: Converter, _ data: Data, pretty: Bool) -> String {
        do {
            let e = try c.convert(data, from: .json, to: .xml, pretty: pretty)
            return "ok \(e.issues.map(\.description))\n" + String(decoding: e.bytes, as: UTF8.self)
        } catch {
            return "error \(error)"
        }
    }

    /// Checks one input both ways; returns true when the direct path converted it.
    @discardableResult
    private func check(_ data: Data, pretty: Bool, _ label: String,
                       file: StaticString = #filePath, line: UInt = #line) -> Bool {
        let fast = DirectJSONToXML.convert(data, pack: pack, pretty: pretty)
        let reference = outcome(tree, data, pretty: pretty)
        if let fast {
            XCTAssertEqual("ok []\n" + String(decoding: fast, as: UTF8.self), reference,
                           "\(label) (pretty: \(pretty))", file: file, line: line)
        }
        XCTAssertEqual(outcome(direct, data, pretty: pretty), reference, "\(label) via Converter (pretty: \(pretty))",
                       file: file, line: line)
        return fast != nil
    }

    func testCorpusIsByteIdentical() throws {
        var compactForms = 0
        var compactConverted = 0
        var bailed: [String] = []
        for url in try SharedCorpus.files(CorpusConversionTests.examples, extension: "json") {
            let data = try Data(contentsOf: url)
            check(data, pretty: true, url.lastPathComponent)
            check(data, pretty: false, url.lastPathComponent)
        }
        let xmls = try SharedCorpus.files("corpus/nems-examples", extension: "xml")
            + SharedCorpus.files(CorpusConversionTests.examples, extension: "xml")
        for url in xmls {
            let xml = try Data(contentsOf: url)
            for pretty in [true, false] {
                guard let json = try? tree.convert(xml, from: .xml, to: .json, pretty: pretty) else { continue }
                let data = Data(json.bytes)
                for xmlPretty in [true, false] {
                    let converted = check(data, pretty: xmlPretty, url.lastPathComponent + " as JSON")
                    if !pretty && !xmlPretty {
                        compactForms += 1
                        if converted {
                            compactConverted += 1
                        } else {
                            var at = "?"
                            do { _ = try DirectJSONToXML.attempt(data, pack: pack, pretty: false) } catch let e as DirectBail {
                                at = "\(e.file):\(e.line)"
                            } catch {}
                            bailed.append(url.lastPathComponent + " at " + at)
                        }
                    }
                }
            }
        }
        print("direct JSON->XML: \(compactConverted) of \(compactForms) compact JSON forms converted; gave up on \(bailed)")
        XCTAssertGreaterThan(compactForms, 0)
        XCTAssertGreaterThanOrEqual(Double(compactConverted), 0.9 * Double(compactForms),
                                    "the direct path gave up on: \(bailed)")
    }

    /// Inputs the direct path must give up on; the result must be exactly the tree path's.
    static let bailOuts: [(String, String)] = [
        ("syntax error", #"{"resourceType":"Patient","active":true,}"#),
        ("byte order mark", "\u{FEFF}{\"resourceType\":\"Patient\",\"active\":true}"),
        ("trailing content", #"{"resourceType":"Patient","active":true} x"#),
        ("comment", #"{"resourceType":"Patient", // c"# + "\n" + #""active":true}"#),
        ("duplicate key", #"{"resourceType":"Patient","active":true,"active":false}"#),
        ("duplicate _name", #"{"resourceType":"Patient","gender":"male","_gender":{"id":"a"},"_gender":{"id":"b"}}"#),
        ("duplicate resourceType", #"{"resourceType":"Patient","resourceType":"Patient"}"#),
        ("null", #"{"resourceType":"Patient","active":null}"#),
        ("null in an object array", #"{"resourceType":"Patient","name":[null,{"family":"A"}]}"#),
        ("nulls on both sides", #"{"resourceType":"Patient","name":[{"given":["a",null],"_given":[null,null]}]}"#),
        ("comment with --", #"{"resourceType":"Patient","fhir_comments":["a--b"],"active":true}"#),
        ("comment ending in -", #"{"resourceType":"Patient","name":[{"fhir_comments":["a-"],"family":"A"}]}"#),
        ("comment with a control character", #"{"resourceType":"Patient","fhir_comments":["a\u0002"]}"#),
        ("comments not strings", #"{"resourceType":"Patient","fhir_comments":[1],"active":true}"#),
        ("no comments", #"{"resourceType":"Patient","fhir_comments":[],"active":true}"#),
        ("duplicate comments", #"{"resourceType":"Patient","fhir_comments":["a"],"fhir_comments":["b"]}"#),
        ("_fhir_comments", #"{"resourceType":"Patient","_fhir_comments":{"id":"x"}}"#),
        ("unknown element", #"{"resourceType":"Patient","colour":"blue"}"#),
        ("unknown resource type", #"{"resourceType":"Patience","active":true}"#),
        ("datatype as root", #"{"resourceType":"HumanName","family":"A"}"#),
        ("no resourceType", #"{"active":true}"#),
        ("resourceType in a datatype", #"{"resourceType":"Patient","name":[{"resourceType":"Patient","family":"A"}]}"#),
        ("no resourceType in contained", #"{"resourceType":"Patient","contained":[{"active":true}]}"#),
        ("div not well-formed", #"{"resourceType":"Patient","text":{"status":"generated","div":"<div>x"}}"#),
        ("div not a div", #"{"resourceType":"Patient","text":{"status":"generated","div":"<p>x</p>"}}"#),
        ("string for a boolean", #"{"resourceType":"Patient","active":"true"}"#),
        ("number for a string", #"{"resourceType":"Patient","gender":1}"#),
        ("scalar for a datatype", #"{"resourceType":"Patient","maritalStatus":"M"}"#),
        ("object for a primitive", #"{"resourceType":"Patient","gender":{"id":"x"}}"#),
        ("array for a single element", #"{"resourceType":"Patient","gender":["male"]}"#),
        ("single item for an array", #"{"resourceType":"Patient","name":{"family":"A"}}"#),
        ("extension as one object", #"{"resourceType":"Patient","extension":{"url":"http://x","valueString":"a"}}"#),
        ("empty string", #"{"resourceType":"Patient","gender":""}"#),
        ("empty array", #"{"resourceType":"Patient","name":[]}"#),
        ("empty object", #"{"resourceType":"Patient","name":[{}]}"#),
        ("escape \\b", #"{"resourceType":"Patient","gender":"a\bb"}"#),
        ("escape \\f", #"{"resourceType":"Patient","gender":"a\fb"}"#),
        ("escaped control character", #"{"resourceType":"Patient","gender":"a\u0001b"}"#),
        ("escaped U+FFFE", #"{"resourceType":"Patient","gender":"a\uFFFEb"}"#),
        ("raw U+FFFF", "{\"resourceType\":\"Patient\",\"gender\":\"a\u{FFFF}b\"}"),
        ("lone surrogate", #"{"resourceType":"Patient","gender":"a\ud800b"}"#),
        ("bad escape", #"{"resourceType":"Patient","gender":"a\qb"}"#),
        ("escaped key", #"{"resourceType":"Patient","g\u0065nder":"male"}"#),
        ("_name longer than name", #"{"resourceType":"Patient","name":[{"given":["a"],"_given":[null,{"id":"x"}]}]}"#),
        ("two choices of one element", #"{"resourceType":"Patient","deceasedBoolean":true,"deceasedDateTime":"2000"}"#),
        ("Element.id not a string", #"{"resourceType":"Patient","name":[{"id":1,"family":"A"}]}"#),
        ("_id of an Element.id", #"{"resourceType":"Patient","name":[{"id":"a","_id":{"id":"b"},"family":"A"}]}"#),
        ("url not a string", #"{"resourceType":"Patient","extension":[{"url":1,"valueString":"a"}]}"#),
        ("_name of a datatype", #"{"resourceType":"Patient","_maritalStatus":{"id":"a"}}"#),
        ("unknown element in _name", #"{"resourceType":"Patient","_gender":{"colour":"x"}}"#),
        ("too deep", #"{"resourceType":"Patient","extension":"# + String(repeating: #"[{"url":"u","extension":"#, count: 110)
            + #""x""# + String(repeating: "}]", count: 110) + "}"),
    ]

    func testBailOutsGiveTheTreeResult() throws {
        for (reason, text) in Self.bailOuts {
            let data = Data(text.utf8)
            XCTAssertNil(DirectJSONToXML.convert(data, pack: pack, pretty: true), "should give up: \(reason)")
            XCTAssertEqual(outcome(direct, data, pretty: true), outcome(tree, data, pretty: true), reason)
            XCTAssertEqual(outcome(direct, data, pretty: false), outcome(tree, data, pretty: false), reason)
        }
    }

    /// Inputs the direct path converts; its output must be the tree path's.
    static let converted: [(String, String)] = [
        ("minimal resource", #"{"resourceType":"Patient"}"#),
        ("whitespace", " \n\t{ \"resourceType\" : \"Patient\" ,\r\n \"active\" : true } \n"),
        ("escapes", #"{"resourceType":"Patient","name":[{"family":"a\"b\\c\/d\n\r\te\u00e9\u20ac\ud83d\ude00 <&> '"}]}"#),
        ("raw UTF-8", #"{"resourceType":"Patient","name":[{"family":"Zoë 😀 €"}]}"#),
        ("XML specials", #"{"resourceType":"Patient","name":[{"family":"a<b>c&d&amp;<<>>&&&&&&&&&&&&&&&e"}]}"#),
        ("numbers", #"{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueQuantity":{"value":-1.50e+3}}"#),
        ("out of order", #"{"resourceType":"Patient","gender":"male","name":[{"given":["b"],"family":"a"}],"active":false,"id":"p1"}"#),
        ("aligned arrays", #"{"resourceType":"Patient","name":[{"_given":[null,{"id":"g2","extension":[{"url":"http://x","valueString":"e"}]}],"given":["a","b","c"]}]}"#),
        ("_name only", #"{"resourceType":"Patient","_gender":{"extension":[{"url":"http://x","valueCode":"unknown"}]}}"#),
        ("_given only", #"{"resourceType":"Patient","name":[{"_given":[{"id":"x"}]}]}"#),
        ("extensions", #"{"resourceType":"Patient","extension":[{"id":"e1","url":"http://x&y","extension":[{"url":"a","valueBoolean":true}]}],"modifierExtension":[{"url":"m","valueInteger":3}]}"#),
        ("Element.id", #"{"resourceType":"Patient","name":[{"id":"n1","family":"A"}],"_active":{"id":"a1"},"active":true}"#),
        ("contained", ##"{"resourceType":"Patient","contained":[{"resourceType":"Organization","id":"o1","name":"Org"},{"resourceType":"Practitioner"}],"managingOrganization":{"reference":"#o1"}}"##),
        ("bundle", #"{"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"urn:x","resource":{"resourceType":"Patient","id":"p","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>a &amp; b</p></div>"}}}]}"#),
        ("comments", ##"{"resourceType":"Bundle","fhir_comments":[" root ","two\nlines <&>"],"type":"collection","entry":[{"fhir_comments":["entry"],"resource":{"resourceType":"Patient","fhir_comments":["resource"],"name":[{"fhir_comments":["name"],"family":"A","_family":{"fhir_comments":["family"]}}],"_gender":{"fhir_comments":["g"]},"gender":"male"}}]}"##),
        // The tokenizer's word-at-a-time scan: non-ASCII just before a closing quote in the same
        // word, escapes mid-word, and strings that end in the input's last eight bytes.
        ("string ends in words", #"{"resourceType":"Patient","name":[{"family":"é","given":["ab\"ü","xü\\y"]}],"gender":"male"}"#),
        ("div without namespace", #"{"resourceType":"Patient","text":{"status":"generated","div":"<div class=\"x\">\n<b>é</b>\t</div>"}}"#),
    ]

    func testHandMadeInputsMatchTheTree() throws {
        for (label, text) in Self.converted {
            for pretty in [true, false] {
                XCTAssertTrue(check(Data(text.utf8), pretty: pretty, label), "should convert directly: \(label)")
            }
        }
    }
}
