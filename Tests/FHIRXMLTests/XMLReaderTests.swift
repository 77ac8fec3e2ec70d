import XCTest
import FHIRModel
import DCHTestSupport
@testable import FHIRXML

/// Reads `text` and returns the tree, failing the test on an error.
func readTree(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> Decoded {
    do {
        return try FHIRXMLReader().read(text)
    } catch let error as IssuesError {
        XCTFail("unexpected read failure:\n\(error)", file: file, line: line)
        throw error
    }
}

/// Reads `text`, expecting it to fail; returns the thrown issues.
func readFailure(_ text: String, options: XMLReadOptions = .init(),
                 file: StaticString = #filePath, line: UInt = #line) -> [Issue] {
    let issues = expectIssues(file: file, line: line, describing: { "a tree \($0.root.name)" }) {
        try FHIRXMLReader(options: options).read(text)
    }
    XCTAssertTrue(issues.contains { $0.severity >= .error }, "thrown without an error", file: file, line: line)
    return issues
}

final class XMLReaderTests: XCTestCase {
    func testPrimitivesAttributesAndPositions() throws {
        let xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <Patient xmlns="http://hl7.org/fhir">
          <id value="p1"/>
          <name id="n1">
            <given value="Ann"/>
            <given value="B&amp;C &lt;x&gt; &#38; &quot;q&quot;"/>
          </name>
          <gender value="female"><extension url="http://e.org/x"><valueCode value="f"/></extension></gender>
          <birthDate value="2019-03"/>
        </Patient>
        """
        let root = try readTree(xml).root
        XCTAssertEqual(root.name, "Patient")
        XCTAssertEqual(root.resourceType, "Patient")
        XCTAssertEqual(root.position, SourcePosition(line: 2, column: 1))
        XCTAssertEqual(root.children.map(\.name), ["id", "name", "gender", "birthDate"])
        XCTAssertEqual(root.child("id")?.value, "p1")
        XCTAssertNil(root.child("id")?.id)
        let name = try XCTUnwrap(root.child("name"))
        XCTAssertEqual(name.id, "n1")
        XCTAssertEqual(name.position, SourcePosition(line: 4, column: 3))
        XCTAssertEqual(name.children(named: "given").map(\.value), ["Ann", "B&C <x> & \"q\""])
        XCTAssertEqual(name.children[1].position, SourcePosition(line: 6, column: 5))
        let gender = try XCTUnwrap(root.child("gender"))
        XCTAssertEqual(gender.value, "female")
        XCTAssertEqual(gender.children.first?.url, "http://e.org/x")
        XCTAssertEqual(gender.children.first?.children.first?.name, "valueCode")
        XCTAssertEqual(gender.children.first?.children.first?.position, SourcePosition(line: 8, column: 58))
        XCTAssertEqual(root.child("birthDate")?.value, "2019-03")
        XCTAssertTrue(root.children.allSatisfy { $0.valueKind == .unspecified })
    }

    func testDecimalsAndLineBreaksKeptExactly() throws {
        let xml = """
        <Observation xmlns="http://hl7.org/fhir"><valueQuantity><value value="1.50"/></valueQuantity>\
        <component><valueQuantity><value value="39.0"/></valueQuantity></component>\
        <comment value="line1&#xD;&#xA;line2&#9;tab  two-spaces "/></Observation>
        """
        let root = try readTree(xml).root
        XCTAssertEqual(root.descendant("valueQuantity.value")?.value, "1.50")
        XCTAssertEqual(root.descendant("component.valueQuantity.value")?.value, "39.0")
        XCTAssertEqual(root.child("comment")?.value, "line1\r\nline2\ttab  two-spaces ")
    }

    func testLiteralLineBreakInAttributeIsNormalisedBySpec() throws {
        let root = try readTree("<Basic xmlns=\"http://hl7.org/fhir\"><a value=\"x\ny\"/></Basic>").root
        XCTAssertEqual(root.child("a")?.value, "x y")
    }

    func testMultiByteColumnsAreBytes() throws {
        let xml = "<Patient xmlns=\"http://hl7.org/fhir\"><text value=\"é\"/><b value=\"1\"/></Patient>"
        let root = try readTree(xml).root
        XCTAssertEqual(root.children[1].position, SourcePosition(line: 1, column: 56))
        XCTAssertEqual(root.children[0].value, "é")
    }

    func testByteOrderMarkAccepted() throws {
        var bytes: [UInt8] = [0xEF, 0xBB, 0xBF]
        bytes += Array("<Patient xmlns=\"http://hl7.org/fhir\"><id value=\"a\"/></Patient>".utf8)
        let root = try FHIRXMLReader().read(bytes).root
        XCTAssertEqual(root.child("id")?.value, "a")
        XCTAssertEqual(root.position, SourcePosition(line: 1, column: 1))
    }

    func testPrefixedFHIRNamespaceAccepted() throws {
        let xml = "<f:Patient xmlns:f=\"http://hl7.org/fhir\"><f:id value=\"a\"/></f:Patient>"
        let root = try readTree(xml).root
        XCTAssertEqual(root.resourceType, "Patient")
        XCTAssertEqual(root.child("id")?.value, "a")
    }

    func testWrapperCollapse() throws {
        let xml = """
        <Bundle xmlns="http://hl7.org/fhir">
          <entry>
            <fullUrl value="urn:uuid:1"/>
            <resource>
              <!-- before patient -->
              <Patient>
                <id value="p1"/>
                <contained><Medication><id value="m1"/></Medication></contained>
                <!-- patient end -->
              </Patient>
              <!-- wrapper end -->
            </resource>
          </entry>
        </Bundle>
        """
        let root = try readTree(xml).root
        let resource = try XCTUnwrap(root.descendant("entry.resource"))
        XCTAssertEqual(resource.name, "resource")
        XCTAssertEqual(resource.resourceType, "Patient")
        XCTAssertEqual(resource.children.map(\.name), ["id", "contained"])
        XCTAssertEqual(resource.comments, [" before patient "])
        XCTAssertEqual(resource.trailingComments, [" patient end ", " wrapper end "])
        XCTAssertEqual(resource.position, SourcePosition(line: 4, column: 5))
        let contained = try XCTUnwrap(resource.child("contained"))
        XCTAssertEqual(contained.resourceType, "Medication")
        XCTAssertEqual(contained.children.first?.value, "m1")
    }

    func testParametersResourceCollapse() throws {
        let xml = """
        <Parameters xmlns="http://hl7.org/fhir"><parameter><name value="p"/>\
        <resource><Patient><id value="x"/></Patient></resource></parameter></Parameters>
        """
        let root = try readTree(xml).root
        XCTAssertEqual(root.descendant("parameter.resource")?.resourceType, "Patient")
        XCTAssertEqual(root.descendant("parameter.resource.id")?.value, "x")
    }

    func testEmptyWrappedResourceIsKept() throws {
        let xml = "<Bundle xmlns=\"http://hl7.org/fhir\"><entry><resource><!--gone--><Bundle></Bundle></resource></entry></Bundle>"
        let resource = try XCTUnwrap(readTree(xml).root.descendant("entry.resource"))
        XCTAssertEqual(resource.resourceType, "Bundle")
        XCTAssertTrue(resource.children.isEmpty)
        XCTAssertEqual(resource.comments, ["gone"])
    }

    func testWrapperWithTwoResourcesIsAnError() {
        let issues = readFailure("""
        <Bundle xmlns="http://hl7.org/fhir"><entry><resource><Patient/><Patient/></resource></entry></Bundle>
        """)
        XCTAssertEqual(issues.first?.rule, "xml.wrapper")
        XCTAssertEqual(issues.first?.path, "Bundle.entry.resource")
    }

    func testResourceDirectlyInsideResourceIsAnError() {
        let issues = readFailure("<Bundle xmlns=\"http://hl7.org/fhir\"><Patient/></Bundle>")
        XCTAssertEqual(issues.first?.rule, "xml.wrapper")
    }

    func testResourceAttributeIsAnError() {
        let issues = readFailure("<Patient xmlns=\"http://hl7.org/fhir\" id=\"x\"/>")
        XCTAssertEqual(issues.map(\.rule), ["xml.resource-attribute"])
    }

    func testNonResourceRootFragment() throws {
        let root = try readTree("<fixedUri xmlns=\"http://hl7.org/fhir\" value=\"http://x.org/a?b=1&amp;c=2\"/>").root
        XCTAssertEqual(root.name, "fixedUri")
        XCTAssertNil(root.resourceType)
        XCTAssertEqual(root.value, "http://x.org/a?b=1&c=2")
    }

    func testCommentPlacement() throws {
        let xml = """
        <?xml version="1.0"?>
        <!-- before root -->
        <Patient xmlns="http://hl7.org/fhir">
          <!--a-->
          <id value="x"/>
          <name>
            <given value="A"/>
            <!-- after last child -->
          </name>
          <!--  untrimmed
           multi -->
        </Patient>
        <!-- after root -->
        """
        let root = try readTree(xml).root
        XCTAssertEqual(root.comments, [" before root "])
        XCTAssertEqual(root.children[0].comments, ["a"])
        XCTAssertEqual(root.children[1].trailingComments, [" after last child "])
        XCTAssertEqual(root.trailingComments, ["  untrimmed\n   multi ", " after root "])
    }

    func testNarrativeDivSerialised() throws {
        let xml = """
        <Patient xmlns="http://hl7.org/fhir" xmlns:h="http://www.w3.org/1999/xhtml">
          <text>
            <status value="generated"/>
            <h:div><h:p class="a&amp;b" title="say &quot;hi&quot;">Tom &amp; Jerry &lt;3 <h:br/>  <!-- c --><h:b>bold</h:b></h:p>
        <![CDATA[x<y]]></h:div>
          </text>
          <text2><div xmlns="http://www.w3.org/1999/xhtml" xml:lang="en"><p>a</p></div></text2>
        </Patient>
        """
        let root = try readTree(xml).root
        let div = try XCTUnwrap(root.descendant("text.div"))
        XCTAssertEqual(div.value, """
        <div xmlns="http://www.w3.org/1999/xhtml"><p class="a&amp;b" title="say &quot;hi&quot;">Tom &amp; Jerry &lt;3 <br/>  <!-- c --><b>bold</b></p>
        x&lt;y</div>
        """)
        XCTAssertEqual(div.position, SourcePosition(line: 4, column: 5))
        XCTAssertTrue(div.children.isEmpty)
        XCTAssertEqual(root.descendant("text2.div")?.value,
                       "<div xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"en\"><p>a</p></div>")
    }

    func testNarrativeDivRoundTripsThroughLibxml() throws {
        let xml = """
        <Patient xmlns="http://hl7.org/fhir"><text><div xmlns="http://www.w3.org/1999/xhtml">
        <table width="100%"><tbody><tr><td colspan="2">&#xD;x</td></tr></tbody></table></div></text></Patient>
        """
        let div = try XCTUnwrap(readTree(xml).root.descendant("text.div")?.value)
        XCTAssertEqual(div, "<div xmlns=\"http://www.w3.org/1999/xhtml\">\n<table width=\"100%\"><tbody><tr><td colspan=\"2\">&#xD;x</td></tr></tbody></table></div>")
        // The string is itself well-formed XHTML that reads back to the same string.
        let again = try readTree("<Patient xmlns=\"http://hl7.org/fhir\"><text>\(div)</text></Patient>")
        XCTAssertEqual(again.root.descendant("text.div")?.value, div)
    }

    func testXHTMLOutsideDivIsAnError() {
        let issues = readFailure("<Patient xmlns=\"http://hl7.org/fhir\"><text><p xmlns=\"http://www.w3.org/1999/xhtml\"/></text></Patient>")
        XCTAssertEqual(issues.first?.rule, "xml.namespace")
    }

    func testNonXHTMLInsideDivIsAnError() {
        let issues = readFailure("""
        <Patient xmlns="http://hl7.org/fhir"><text><div xmlns="http://www.w3.org/1999/xhtml"><f:x xmlns:f="urn:x"/></div></text></Patient>
        """)
        XCTAssertEqual(issues.map(\.rule), ["xml.namespace"])
        XCTAssertEqual(issues.first?.path, "Patient.text.div")
    }

    // MARK: Errors

    func testDoctypeRefused() {
        let issues = readFailure("""
        <?xml version="1.0"?>
        <!DOCTYPE Patient>
        <Patient xmlns="http://hl7.org/fhir"/>
        """)
        XCTAssertEqual(issues.map(\.rule), ["xml.doctype"])
        XCTAssertEqual(issues.first?.severity, .fatal)
        XCTAssertTrue(issues.first?.message.contains("DOCTYPE") ?? false)
        XCTAssertEqual(issues.first?.position?.line, 2)
    }

    func testExternalEntityRefused() {
        let issues = readFailure("""
        <?xml version="1.0"?>
        <!DOCTYPE Patient [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
        <Patient xmlns="http://hl7.org/fhir"><id value="&xxe;"/></Patient>
        """)
        XCTAssertEqual(issues.map(\.rule), ["xml.doctype"])
        XCTAssertFalse(issues.description.contains("root:"))
    }

    func testEntityBombRefused() {
        var xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n"
        for i in 1...9 {
            xml += "<!ENTITY lol\(i) \"" + String(repeating: "&lol\(i == 1 ? "" : String(i - 1));", count: 10) + "\">\n"
        }
        xml += "]>\n<Patient xmlns=\"http://hl7.org/fhir\"><id value=\"&lol9;\"/></Patient>"
        let start = Date()
        let issues = readFailure(xml)
        XCTAssertEqual(issues.map(\.rule), ["xml.doctype"])
        XCTAssertLessThan(Date().timeIntervalSince(start), 1)
    }

    func testUndefinedEntityRefused() {
        let issues = readFailure("<Patient xmlns=\"http://hl7.org/fhir\"><id value=\"a&nbsp;b\"/></Patient>")
        XCTAssertEqual(issues.first?.rule, "xml.entity")
        XCTAssertEqual(issues.first?.position?.line, 1)
    }

    func testDepthLimit() {
        let deep = String(repeating: "<a>", count: 20) + String(repeating: "</a>", count: 20)
        let issues = readFailure("<Basic xmlns=\"http://hl7.org/fhir\">\(deep)</Basic>", options: .init(maxDepth: 10))
        XCTAssertEqual(issues.map(\.rule), ["xml.too-deep"])
        XCTAssertEqual(issues.first?.position, SourcePosition(line: 1, column: 36 + 9 * 3))
        // Exactly at the limit is fine (the root is depth 1), in FHIR elements and in the narrative.
        let nine = String(repeating: "<a>", count: 9) + String(repeating: "</a>", count: 9)
        XCTAssertNoThrow(try FHIRXMLReader(options: .init(maxDepth: 10)).read("<Basic xmlns=\"http://hl7.org/fhir\">\(nine)</Basic>"))
        let atLimit = "<text><div xmlns=\"http://www.w3.org/1999/xhtml\">" + String(repeating: "<b>", count: 7)
            + String(repeating: "</b>", count: 7) + "</div></text>"
        XCTAssertNoThrow(try FHIRXMLReader(options: .init(maxDepth: 10)).read("<Basic xmlns=\"http://hl7.org/fhir\">\(atLimit)</Basic>"))
        // The default limit (256) holds whether or not libxml2 would see it first.
        let deeper = String(repeating: "<a>", count: 300) + String(repeating: "</a>", count: 300)
        XCTAssertEqual(readFailure("<Basic xmlns=\"http://hl7.org/fhir\">\(deeper)</Basic>").first?.rule, "xml.too-deep")
        // Above 256, libxml2's own limit (kept on: no XML_PARSE_HUGE) still answers, with the same rule.
        let libxmlLimit = readFailure("<Basic xmlns=\"http://hl7.org/fhir\">\(deeper)</Basic>", options: .init(maxDepth: 1000))
        XCTAssertEqual(libxmlLimit.map(\.rule), ["xml.too-deep"])
        XCTAssertNotNil(libxmlLimit.first?.position)
        // Nesting inside the narrative counts too.
        let div = "<text><div xmlns=\"http://www.w3.org/1999/xhtml\">" + String(repeating: "<b>", count: 20)
            + String(repeating: "</b>", count: 20) + "</div></text>"
        XCTAssertEqual(readFailure("<Basic xmlns=\"http://hl7.org/fhir\">\(div)</Basic>", options: .init(maxDepth: 10))
            .first?.rule, "xml.too-deep")
    }

    func testSizeLimit() {
        let issues = readFailure("<Basic xmlns=\"http://hl7.org/fhir\"><id value=\"1\"/></Basic>", options: .init(maxBytes: 20))
        XCTAssertEqual(issues.map(\.rule), ["xml.too-large"])
    }

    func testUnknownAttribute() {
        let issues = readFailure("""
        <Patient xmlns="http://hl7.org/fhir">
          <name><given value="a"/><given value="b" lang="en"/></name>
          <active value="true" xml:space="preserve"/>
        </Patient>
        """)
        XCTAssertEqual(issues.map(\.rule), ["xml.unknown-attribute", "xml.unknown-attribute"])
        XCTAssertTrue(issues[0].message.contains("'lang'"))
        XCTAssertEqual(issues[0].path, "Patient.name.given[1]")
        XCTAssertEqual(issues[0].position, SourcePosition(line: 2, column: 27))
        XCTAssertTrue(issues[1].message.contains("'xml:space'"))
        XCTAssertEqual(issues[1].path, "Patient.active")
    }

    func testWrongNamespace() throws {
        // A document without the FHIR namespace: one error, at its root.
        var issues = readFailure("<Patient><id value=\"a\"/><name><given value=\"b\"/></name></Patient>")
        XCTAssertEqual(issues.map(\.rule), ["xml.namespace"])
        XCTAssertEqual(issues.map(\.path), ["Patient"])
        XCTAssertEqual(issues.first?.position, SourcePosition(line: 1, column: 1))
        // Leniently (for importing hand-written definitions) the same is a warning.
        let lenient = try FHIRXMLReader(options: .init(lenientNamespaces: true)).read("<Patient><id value=\"a\"/></Patient>")
        XCTAssertEqual(lenient.issues.map(\.severity), [.warning])
        XCTAssertEqual(lenient.root.child("id")?.value, "a")
        issues = readFailure("<Patient xmlns=\"http://hl7.org/fhir\"><x:id xmlns:x=\"urn:other\" value=\"a\"/></Patient>")
        XCTAssertEqual(issues.map(\.rule), ["xml.namespace"])
        XCTAssertTrue(issues[0].message.contains("urn:other"))
    }

    func testTextContentIsAnError() {
        let issues = readFailure("""
        <Bundle xmlns="http://hl7.org/fhir">
          <entry><fullUrl value="a"/></entry>
          <entry><resource><Patient><birthDate>2019-01-01</birthDate></Patient></resource></entry>
        </Bundle>
        """)
        XCTAssertEqual(issues.map(\.rule), ["xml.text-content"])
        XCTAssertEqual(issues[0].path, "Bundle.entry[1].resource.birthDate")
        XCTAssertEqual(issues[0].position, SourcePosition(line: 3, column: 40))
        XCTAssertTrue(issues[0].message.contains("2019-01-01"))
    }

    func testSchemaLocationDroppedWithWarning() throws {
        let xml = """
        <Bundle xmlns="http://hl7.org/fhir" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
        xsi:schemaLocation="http://hl7.org/fhir ../Schemas/Bundle.xsd"><id value="b"/></Bundle>
        """
        let decoded = try readTree(xml)
        XCTAssertEqual(decoded.issues.map(\.rule), ["xml.schema-location"])
        XCTAssertEqual(decoded.issues.first?.severity, .warning)
        XCTAssertNil(decoded.root.value)
        XCTAssertEqual(decoded.root.children.count, 1)
    }

    func testProcessingInstructionDroppedWithInformation() throws {
        let decoded = try readTree("<?xml version=\"1.0\"?><?xml-stylesheet href=\"a.xsl\"?><Basic xmlns=\"http://hl7.org/fhir\"/>")
        XCTAssertEqual(decoded.issues.map(\.rule), ["xml.processing-instruction"])
        XCTAssertEqual(decoded.issues.first?.severity, .information)
    }

    func testEncodingOtherThanUTF8Refused() {
        XCTAssertEqual(readFailure("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><Basic xmlns=\"http://hl7.org/fhir\"/>")
            .map(\.rule), ["xml.encoding"])
        XCTAssertNoThrow(try FHIRXMLReader().read("<?xml version='1.0' encoding='utf-8'?><Basic xmlns=\"http://hl7.org/fhir\"/>"))
        let utf16: [UInt8] = [0xFF, 0xFE] + Array("<Basic/>".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        do {
            _ = try FHIRXMLReader().read(utf16)
            XCTFail("UTF-16 accepted")
        } catch let e as IssuesError {
            XCTAssertEqual(e.issues.map(\.rule), ["xml.encoding"])
        } catch { XCTFail("\(error)") }
        // Bytes that are not UTF-8 at all.
        let latin1: [UInt8] = Array("<Basic xmlns=\"http://hl7.org/fhir\"><a value=\"".utf8) + [0xE9] + Array("\"/></Basic>".utf8)
        do {
            _ = try FHIRXMLReader().read(latin1)
            XCTFail("invalid UTF-8 accepted")
        } catch let e as IssuesError {
            XCTAssertEqual(e.issues.first?.rule, "xml.encoding", "\(e)")
        } catch { XCTFail("\(error)") }
    }

    func testNotWellFormedReportsLineAndColumn() {
        let issues = readFailure("""
        <Patient xmlns="http://hl7.org/fhir">
          <name>
            <given value="a">
          </name>
        </Patient>
        """)
        XCTAssertEqual(issues.count, 1)
        XCTAssertEqual(issues[0].rule, "xml.syntax")
        XCTAssertEqual(issues[0].severity, .fatal)
        XCTAssertEqual(issues[0].position?.line, 4)
        XCTAssertTrue(issues[0].message.contains("mismatch"), issues[0].message)
        XCTAssertFalse(issues[0].message.hasSuffix("\n"))
    }

    func testEmptyDocument() {
        XCTAssertEqual(readFailure("").first?.rule, "xml.syntax")
        XCTAssertEqual(readFailure("   \n").first?.rule, "xml.syntax")
    }

    func testManyErrorsAllReported() {
        let issues = readFailure("""
        <Patient xmlns="http://hl7.org/fhir" foo="1"><name bar="2">text</name><x:y xmlns:x="urn:q"/></Patient>
        """)
        XCTAssertEqual(issues.map(\.rule), ["xml.unknown-attribute", "xml.unknown-attribute", "xml.text-content", "xml.namespace"])
    }

    func testConcurrentReads() {
        let xml = Array("<Patient xmlns=\"http://hl7.org/fhir\"><id value=\"a\"/><name><given value=\"x\"/></name></Patient>".utf8)
        let bad = Array("<Patient xmlns=\"http://hl7.org/fhir\"><id value=\"a\"></Patient>".utf8)
        DispatchQueue.concurrentPerform(iterations: 200) { i in
            if i % 2 == 0 {
                let root = try? FHIRXMLReader().read(xml).root
                XCTAssertEqual(root?.descendant("name.given")?.value, "x")
            } else {
                do {
                    _ = try FHIRXMLReader().read(bad)
                    XCTFail("accepted")
                } catch let e as IssuesError {
                    XCTAssertEqual(e.issues.count, 1)
                } catch { XCTFail("\(error)") }
            }
        }
    }
}

/// Damaged input never crashes the reader or leaks a half-built tree: it reads or it throws issues.
final class XMLReaderRobustnessTests: XCTestCase {
    func testMutatedDocumentsReadOrFail() throws {
        let xml = Array("""
        <?xml version="1.0" encoding="UTF-8"?>
        <!--c0-->
        <Bundle xmlns="http://hl7.org/fhir" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="a b">
          <entry><fullUrl value="urn:uuid:1"/><resource><!--c1--><Patient><id value="p"/>
            <text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml"><p a="1">x &amp; <b>y</b><!--c2--></p></div></text>
            <contained><Medication><id value="m"/></Medication></contained>
            <name><given value="A&#xD;&#xA;B"/><given value="C"/></name>
          </Patient><!--c3--></resource></entry>
          <!--c4-->
        </Bundle>
        """.utf8)
        XCTAssertNoThrow(try FHIRXMLReader(options: .init(maxDepth: 8)).read(xml))
        var rng = SplitMix(seed: 42)
        let alphabet = Array("<>/=\"'&;!-?[]x \n#".utf8) + [0xC3, 0xA9, 0xFF, 0]
        var read = 0, failed = 0
        for _ in 0..<3000 {
            var bytes = xml
            for _ in 0..<(1 + Int(rng.next() % 3)) {
                let at = Int(rng.next() % UInt64(bytes.count))
                switch rng.next() % 3 {
                case 0: bytes.remove(at: at)
                case 1: bytes.insert(alphabet[Int(rng.next() % UInt64(alphabet.count))], at: at)
                default: bytes[at] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                }
            }
            do {
                let d = try FHIRXMLReader(options: .init(maxDepth: 8)).read(bytes)
                XCTAssertGreaterThan(d.root.nodeCount, 0)
                read += 1
            } catch let e as IssuesError {
                XCTAssertTrue(e.issues.contains { $0.severity >= .error })
                failed += 1
            }
        }
        XCTAssertGreaterThan(read, 100)
        XCTAssertGreaterThan(failed, 1000)
    }
}

/// A small deterministic random generator for the mutation test.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
