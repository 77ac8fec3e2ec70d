import XCTest
import FHIRModel
import FHIRDefinitions
import DCHTestSupport
@testable import FHIRXML

/// The issues of a failed write; fails the test when the write succeeded.
func writeFailure(_ root: Element, pack: DefinitionPack? = MiniPack.shared, options: XMLWriteOptions = .init(),
                  file: StaticString = #filePath, line: UInt = #line) -> [Issue] {
    expectIssues(file: file, line: line, describing: { "this XML:\n\($0.text)" }) {
        try FHIRXMLWriter(pack: pack, options: options).write(root)
    }
}

final class XMLWriterTests: XCTestCase {
    let document = XMLWriteOptions(order: .document)

    func testCompactDocumentOrder() throws {
        let root = Element(name: "Patient", resourceType: "Patient", children: [
            Element(name: "id", value: "p1"),
            Element(name: "name", id: "n1", children: [Element(name: "given", value: "Ann")]),
            Element(name: "gender", value: "female", children: [
                Element(name: "extension", url: "http://e.org/x", children: [Element(name: "valueCode", value: "f")]),
            ]),
        ])
        let out = try FHIRXMLWriter(pack: nil, options: .init(pretty: false, declaration: false, order: .document)).write(root)
        XCTAssertEqual(out.text, """
        <Patient xmlns="http://hl7.org/fhir"><id value="p1"/><name id="n1"><given value="Ann"/></name>\
        <gender value="female"><extension url="http://e.org/x"><valueCode value="f"/></extension></gender></Patient>
        """)
        XCTAssertEqual(out.issues, [])
    }

    func testPrettyLayoutWithCommentsWrappersAndNarrative() throws {
        let div = "<div xmlns=\"http://www.w3.org/1999/xhtml\">\n  <p>Hi &amp; bye</p>\n</div>"
        let root = Element(name: "Bundle", resourceType: "Bundle", children: [
            Element(name: "type", value: "collection", comments: [" kind "]),
            Element(name: "entry", children: [
                Element(name: "resource", resourceType: "Patient", children: [
                    Element(name: "id", value: "p"),
                    Element(name: "text", children: [Element(name: "status", value: "generated"), Element(name: "div", value: div)]),
                ], comments: ["c1"], trailingComments: ["t1"]),
            ]),
        ], comments: ["top"], trailingComments: ["end"])
        let out = try FHIRXMLWriter(pack: nil, options: document).write(root)
        XCTAssertEqual(out.text, """
        <?xml version="1.0" encoding="UTF-8"?>
        <!--top-->
        <Bundle xmlns="http://hl7.org/fhir">
          <!-- kind -->
          <type value="collection"/>
          <entry>
            <!--c1-->
            <resource>
              <Patient>
                <id value="p"/>
                <text>
                  <status value="generated"/>
                  <div xmlns="http://www.w3.org/1999/xhtml">
          <p>Hi &amp; bye</p>
        </div>
                </text>
                <!--t1-->
              </Patient>
            </resource>
          </entry>
          <!--end-->
        </Bundle>

        """)
        // And it reads back to the same tree, comments included.
        let back = try FHIRXMLReader().read(out.bytes).root
        XCTAssertEqual(treeDifferences(root, back, comments: true), [])
    }

    func testFragmentRootWithoutResourceType() throws {
        let root = Element(name: "fixedUri", value: "http://x.org/a?b=1&c=\"2\"")
        let out = try FHIRXMLWriter(pack: nil, options: .init(pretty: false, declaration: false, order: .document)).write(root)
        XCTAssertEqual(out.text, "<fixedUri xmlns=\"http://hl7.org/fhir\" value=\"http://x.org/a?b=1&amp;c=&quot;2&quot;\"/>")
        XCTAssertEqual(withoutPositions(try FHIRXMLReader().read(out.bytes).root), withoutPositions(root))
    }

    func testAttributeEscapingRoundTrips() throws {
        let nasty = "a&b<c>d\"e'f\tg\nh\r\ni  é 😀 ]]> &#38;"
        let root = Element(name: "Basic", resourceType: "Basic", children: [Element(name: "note", value: nasty, id: "x&y")])
        let out = try FHIRXMLWriter(pack: nil, options: .init(pretty: false, declaration: false, order: .document)).write(root)
        XCTAssertEqual(out.text, """
        <Basic xmlns="http://hl7.org/fhir"><note id="x&amp;y" value="a&amp;b&lt;c&gt;d&quot;e'f&#9;g&#xA;h&#xD;&#xA;i  é 😀 ]]&gt; &amp;#38;"/></Basic>
        """)
        let back = try FHIRXMLReader().read(out.bytes).root
        XCTAssertEqual(back.child("note")?.value, nasty)
        XCTAssertEqual(back.child("note")?.id, "x&y")
    }

    func testInvalidCharactersAreErrors() {
        let root = Element(name: "Basic", resourceType: "Basic", children: [
            Element(name: "a", value: "bell\u{07}"),
            Element(name: "b", value: "ok"),
            Element(name: "c", value: "nonchar\u{FFFE}"),
        ])
        let issues = writeFailure(root, pack: nil, options: document)
        XCTAssertEqual(issues.map(\.rule), ["xml.invalid-char", "xml.invalid-char"])
        XCTAssertEqual(issues.map(\.path), ["Basic.a", "Basic.c"])
    }

    func testUnwritableCommentsAreErrors() {
        let root = Element(name: "Basic", resourceType: "Basic", children: [
            Element(name: "a", value: "1", comments: ["x -- y"]),
            Element(name: "b", value: "2", comments: ["ends-"]),
            Element(name: "c", value: "3", comments: ["fine - ok"]),
        ])
        let issues = writeFailure(root, pack: nil, options: document)
        XCTAssertEqual(issues.map(\.rule), ["xml.comment", "xml.comment"])
        XCTAssertEqual(issues.map(\.path), ["Basic.a", "Basic.b"])
    }

    func testNarrativeChecks() throws {
        func patient(_ div: String) -> Element {
            Element(name: "Patient", resourceType: "Patient", children: [
                Element(name: "text", children: [Element(name: "status", value: "generated"), Element(name: "div", value: div)]),
            ])
        }
        let compact = XMLWriteOptions(pretty: false, declaration: false)
        // Missing namespace: declared on the div.
        var out = try FHIRXMLWriter(pack: MiniPack.shared, options: compact).write(patient("<div class=\"x\"><p>a</p></div>"))
        XCTAssertEqual(out.text, """
        <Patient xmlns="http://hl7.org/fhir"><text><status value="generated"/>\
        <div xmlns="http://www.w3.org/1999/xhtml" class="x"><p>a</p></div></text></Patient>
        """)
        XCTAssertEqual(try FHIRXMLReader().read(out.bytes).root.descendant("text.div")?.value,
                       "<div xmlns=\"http://www.w3.org/1999/xhtml\" class=\"x\"><p>a</p></div>")
        // A prefixed XHTML div is written as it is.
        out = try FHIRXMLWriter(pack: MiniPack.shared, options: compact)
            .write(patient("<h:div xmlns:h=\"http://www.w3.org/1999/xhtml\"><h:p>a</h:p></h:div>"))
        XCTAssertTrue(out.text.contains("<h:div xmlns:h=\"http://www.w3.org/1999/xhtml\"><h:p>a</h:p></h:div>"))
        // Broken ones.
        for bad in ["<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>a</div>", "plain text", "<div>&nbsp;</div>",
                    "<!DOCTYPE div><div/>", "<p xmlns=\"http://www.w3.org/1999/xhtml\">a</p>",
                    "<div xmlns=\"urn:other\">a</div>", "<div/><div/>"] {
            let issues = writeFailure(patient(bad))
            XCTAssertEqual(issues.map(\.rule), ["xhtml.not-well-formed"], bad)
            XCTAssertEqual(issues.first?.path, "Patient.text.div", bad)
        }
    }

    func testDefinitionOrderRestoredFromShuffledTree() throws {
        let shuffled = Element(name: "Patient", resourceType: "Patient", children: [
            Element(name: "birthDate", value: "2019-03"),
            Element(name: "name", children: [
                Element(name: "given", value: "B"),
                Element(name: "family", value: "Smith"),
                Element(name: "given", value: "A"),
                Element(name: "use", value: "official"),
            ]),
            Element(name: "contact", children: [
                Element(name: "gender", value: "male"),
                Element(name: "name", children: [Element(name: "family", value: "X")]),
            ]),
            Element(name: "gender", value: "female", children: [
                Element(name: "extension", url: "http://e.org/x", children: [
                    Element(name: "valueQuantity", children: [Element(name: "unit", value: "kg"), Element(name: "value", value: "1.50")]),
                ]),
            ]),
            Element(name: "contained", resourceType: "Medication", children: [
                Element(name: "isBrand", value: "true"), Element(name: "id", value: "m1"),
            ]),
            Element(name: "id", value: "p1"),
            Element(name: "name", children: [Element(name: "family", value: "Jones")]),
        ])
        let out = try FHIRXMLWriter(pack: MiniPack.shared, options: .init(declaration: false)).write(shuffled)
        XCTAssertEqual(out.text, """
        <Patient xmlns="http://hl7.org/fhir">
          <id value="p1"/>
          <contained>
            <Medication>
              <id value="m1"/>
              <isBrand value="true"/>
            </Medication>
          </contained>
          <name>
            <use value="official"/>
            <family value="Smith"/>
            <given value="B"/>
            <given value="A"/>
          </name>
          <name>
            <family value="Jones"/>
          </name>
          <gender value="female">
            <extension url="http://e.org/x">
              <valueQuantity>
                <value value="1.50"/>
                <unit value="kg"/>
              </valueQuantity>
            </extension>
          </gender>
          <birthDate value="2019-03"/>
          <contact>
            <name>
              <family value="X"/>
            </name>
            <gender value="male"/>
          </contact>
        </Patient>

        """)
    }

    func testLateOutOfOrderChildRewritesCleanly() throws {
        // In order until the last child: the writer must not leave the first attempt's output or issues behind.
        let root = Element(name: "Patient", resourceType: "Patient", children: [
            Element(name: "id", value: "p"),
            Element(name: "name", children: [Element(name: "family", value: "bad\u{01}")]),
            Element(name: "birthDate", value: "2000"),
            Element(name: "gender", value: "male"),
        ])
        let issues = writeFailure(root)
        XCTAssertEqual(issues.map(\.rule), ["xml.invalid-char"])
        XCTAssertEqual(issues.first?.path, "Patient.name[0].family")
        var fixed = root
        fixed.children[1].children[0].value = "ok"
        let out = try FHIRXMLWriter(pack: MiniPack.shared, options: .init(pretty: false, declaration: false)).write(fixed)
        XCTAssertEqual(out.text, "<Patient xmlns=\"http://hl7.org/fhir\"><id value=\"p\"/><name><family value=\"ok\"/></name>"
                       + "<gender value=\"male\"/><birthDate value=\"2000\"/></Patient>")
    }

    func testUnknownElementReportedWithPath() {
        let root = Element(name: "Patient", resourceType: "Patient", children: [
            Element(name: "name", children: [Element(name: "family", value: "A")]),
            Element(name: "name", children: [Element(name: "family", value: "B"), Element(name: "nickname", value: "C")]),
            Element(name: "colour", value: "blue"),
        ])
        let issues = writeFailure(root)
        XCTAssertEqual(issues.map(\.rule), ["unknown-element", "unknown-element"])
        XCTAssertEqual(Set(issues.compactMap(\.path)), ["Patient.name[1].nickname", "Patient.colour"])
    }

    func testResourceProblems() {
        // Unknown root type.
        XCTAssertEqual(writeFailure(Element(name: "Spaceship", resourceType: "Spaceship")).map(\.rule), ["xml.unknown-resource"])
        // Unknown contained type, and a contained node without a type.
        let root = Element(name: "Patient", resourceType: "Patient", children: [
            Element(name: "contained", resourceType: "Spaceship", children: [Element(name: "id", value: "s")]),
            Element(name: "contained", children: [Element(name: "id", value: "t")]),
        ])
        let issues = writeFailure(root)
        XCTAssertEqual(issues.map(\.rule), ["xml.unknown-resource", "xml.missing-resource"])
        XCTAssertEqual(issues.map(\.path), ["Patient.contained[0]", "Patient.contained[1]"])
        // A resource where the definition has a datatype.
        XCTAssertEqual(writeFailure(Element(name: "Patient", resourceType: "Patient", children: [
            Element(name: "name", resourceType: "Patient"),
        ])).map(\.rule), ["xml.unexpected-resource"])
        // Attributes on a resource element cannot be written.
        XCTAssertEqual(writeFailure(Element(name: "Patient", resourceType: "Patient", id: "x"), pack: nil, options: document)
            .map(\.rule), ["xml.resource-attribute"])
    }

    func testDefinitionOrderNeedsPackAndResourceRoot() {
        XCTAssertEqual(writeFailure(Element(name: "Patient", resourceType: "Patient"), pack: nil).map(\.rule), ["xml.no-definitions"])
        XCTAssertEqual(writeFailure(Element(name: "fixedUri", value: "x")).map(\.rule), ["xml.untyped-root"])
    }

    func testInvalidNamesInDocumentOrder() {
        let issues = writeFailure(Element(name: "Basic", resourceType: "Basic", children: [Element(name: "a b", value: "1")]),
                                  pack: nil, options: document)
        XCTAssertEqual(issues.map(\.rule), ["xml.invalid-name"])
    }

    func testReadWriteReadInlineMessage() throws {
        let xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <!-- head -->
        <Bundle xmlns="http://hl7.org/fhir">
          <id value="b1"/>
          <type value="collection"/>
          <entry>
            <fullUrl value="urn:uuid:1"/>
            <resource>
              <Patient>
                <id value="p1"/>
                <text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml"><p>x &lt; y</p></div></text>
                <extension url="http://e.org/q"><valueQuantity><value value="39.0"/></valueQuantity></extension>
                <name><family value="A&#xD;&#xA;B"/></name>
                <!-- tail -->
              </Patient>
            </resource>
          </entry>
        </Bundle>
        """
        let first = try readTree(xml).root
        for options in [XMLWriteOptions(), XMLWriteOptions(pretty: false), XMLWriteOptions(order: .document)] {
            let out = try FHIRXMLWriter(pack: MiniPack.shared, options: options).write(first)
            let second = try FHIRXMLReader().read(out.bytes).root
            XCTAssertEqual(treeDifferences(first, second, comments: true), [], "\(options)")
        }
    }
}
