import XCTest
import FHIRModel
import FHIRConversion
import DCHTestSupport

/// One XML message per line: line breaks in text become character references, which XML 1.0
/// (§4.1, §2.11) reads back as the same characters; a comment, which cannot hold a reference, gets a
/// space instead and a warning.
final class XMLSingleLineTests: XCTestCase {
    private func joined(_ text: String) -> (String, [String]) {
        let (bytes, issues) = XMLSingleLine.joined(Array(text.utf8))
        return (String(decoding: bytes, as: UTF8.self), issues.map(\.rule))
    }

    func testTextLineBreaksBecomeReferencesAndLayoutIsDropped() {
        let xml = "<?xml version=\"1.0\"?>\n<Patient xmlns=\"http://hl7.org/fhir\"><text><div xmlns=\"http://www.w3.org/1999/xhtml\">a\nb\r\nc</div></text><name><text value=\"x\ny\"/></name></Patient>\n"
        let (out, rules) = joined(xml)
        XCTAssertEqual(out, "<?xml version=\"1.0\"?><Patient xmlns=\"http://hl7.org/fhir\"><text><div xmlns=\"http://www.w3.org/1999/xhtml\">a&#10;b&#13;&#10;c</div></text><name><text value=\"x&#10;y\"/></name></Patient>")
        XCTAssertEqual(rules, [])
    }

    func testCommentLineBreaksBecomeSpacesWithAWarning() {
        let (out, rules) = joined("<!-- one\r\ntwo\nthree --><Patient xmlns=\"http://hl7.org/fhir\"><!--\n--><id value=\"a\"/></Patient>")
        XCTAssertEqual(out, "<!-- one two three --><Patient xmlns=\"http://hl7.org/fhir\"><!-- --><id value=\"a\"/></Patient>")
        XCTAssertEqual(rules, ["xml.comment"])
    }

    func testTheJoinedFormReadsBackToTheSameTree() throws {
        let converter = Converter(pack: try SharedCorpus.definitionPack())
        let xml = "<Patient xmlns=\"http://hl7.org/fhir\"><id value=\"a\"/><text><status value=\"generated\"/><div xmlns=\"http://www.w3.org/1999/xhtml\"><p>a\nb</p>\n<p>c</p></div></text></Patient>"
        let original = try converter.convert(Data(xml.utf8), to: .json, pretty: false).bytes
        let once = try converter.convert(Data(joined(xml).0.utf8), to: .json, pretty: false).bytes
        XCTAssertEqual(String(decoding: once, as: UTF8.self), String(decoding: original, as: UTF8.self))
    }
}
